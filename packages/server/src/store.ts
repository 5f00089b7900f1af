import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteFile, type Migration, type SqliteFileKind } from '@lineup/journal';
import { callTablesSql } from './calls/call-store.ts';

/*
 * The server's own durable records, beside the journal in the data dir: what
 * is not routing and so not the engine's (API keys, the token secret, webhooks and
 * their delivery outbox, the queues agents are assigned). One SQLite file, WAL with
 * synchronous=FULL like the journal (except the records' batches, ADR 0012),
 * versioned by the same migration runner; ":memory:" for tests and the memory host.
 *
 * Never edit a migration that has shipped: append a new one.
 */

/** Name of the server store's file inside the data dir. */
export const serverStoreFileName = 'server.sqlite';

/** How long a statement waits for a lock another connection holds (a back-up) before it fails. */
const busyTimeoutMs = 5_000;

/** Every migration of the server store, oldest first. */
const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'settings and API keys',
    // settings holds single values (the token secret, the operator key's hash).
    // api_keys keeps only a key's hash: the key itself is shown once, on creation.
    sql: `
      CREATE TABLE settings (
        name  TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE api_keys (
        id            TEXT    NOT NULL PRIMARY KEY,
        tenant_id     TEXT    NOT NULL,
        name          TEXT    NOT NULL,
        scopes        TEXT    NOT NULL,
        hash          TEXT    NOT NULL,
        created_at_ms INTEGER NOT NULL,
        revoked_at_ms INTEGER
      );
      CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at_ms);
    `,
  },
  {
    version: 2,
    description: 'chat transcripts, read receipts and attachments',
    // A contact's conversation outlives the contact: its customer is kept with
    // every message, so that the customer may read its transcript later.
    sql: `
      CREATE TABLE chat_messages (
        tenant_id      TEXT    NOT NULL,
        contact_id     TEXT    NOT NULL,
        seq            INTEGER NOT NULL,
        customer_id    TEXT    NOT NULL,
        from_role      TEXT    NOT NULL,
        from_id        TEXT    NOT NULL,
        from_name      TEXT,
        text           TEXT,
        attachment_id  TEXT,
        at_ms          INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, contact_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE chat_reads (
        tenant_id   TEXT    NOT NULL,
        contact_id  TEXT    NOT NULL,
        role        TEXT    NOT NULL,
        party_id    TEXT    NOT NULL,
        up_to_seq   INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, contact_id, role, party_id)
      ) WITHOUT ROWID;
      CREATE TABLE attachments (
        id            TEXT    NOT NULL PRIMARY KEY,
        tenant_id     TEXT    NOT NULL,
        contact_id    TEXT    NOT NULL,
        customer_id   TEXT    NOT NULL,
        name          TEXT    NOT NULL,
        content_type  TEXT    NOT NULL,
        bytes         INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'webhooks and their delivery outbox',
    // webhooks keeps its secret as is: every delivery is signed with it.
    // webhook_deliveries is the outbox: one row per event and webhook, written before any
    // attempt; seq is the order events arrived in. A lane is the contact id, or '' for
    // events without one: a lane's pending rows go out one at a time, in seq order, and
    // only its head has a next_attempt_at_ms (webhooks.ts). The partial indexes keep the
    // due scan and the lane lookups to the pending rows.
    sql: `
      CREATE TABLE webhooks (
        id            TEXT    NOT NULL PRIMARY KEY,
        tenant_id     TEXT    NOT NULL,
        url           TEXT    NOT NULL,
        event_types   TEXT    NOT NULL,
        description   TEXT,
        secret        TEXT    NOT NULL,
        created_at_ms INTEGER NOT NULL
      );
      CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, created_at_ms);
      CREATE TABLE webhook_deliveries (
        seq                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        id                 TEXT    NOT NULL UNIQUE,
        webhook_id         TEXT    NOT NULL,
        tenant_id          TEXT    NOT NULL,
        lane               TEXT    NOT NULL,
        event_type         TEXT    NOT NULL,
        body               TEXT    NOT NULL,
        status             TEXT    NOT NULL,
        attempts           INTEGER NOT NULL,
        created_at_ms      INTEGER NOT NULL,
        pending_since_ms   INTEGER NOT NULL,
        next_attempt_at_ms INTEGER,
        last_attempt_at_ms INTEGER,
        last_status_code   INTEGER,
        last_error         TEXT,
        delivered_at_ms    INTEGER
      );
      CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, status, seq);
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at_ms, seq)
        WHERE status = 'pending' AND next_attempt_at_ms IS NOT NULL;
      CREATE INDEX webhook_deliveries_lane ON webhook_deliveries (webhook_id, lane, seq)
        WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (status, last_attempt_at_ms)
        WHERE status != 'pending';
    `,
  },
  {
    version: 4,
    description: 'records: contact history, 15-minute queue intervals, messages and ratings',
    // contact_history holds one row per contact, seq giving the newest-first order of a
    // customer's history. queue_intervals keeps raw counters, never ratios, so that an event
    // heard late adds to its interval exactly; the ratios are derived on reading (records.ts).
    sql: `
      CREATE TABLE contact_history (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id        TEXT    NOT NULL,
        contact_id       TEXT    NOT NULL,
        customer_id      TEXT    NOT NULL,
        customer_name    TEXT,
        first_queue_id   TEXT    NOT NULL,
        last_queue_id    TEXT    NOT NULL,
        channel          TEXT    NOT NULL,
        joined_type      TEXT,
        joined_at_ms     INTEGER NOT NULL,
        answered_at_ms   INTEGER,
        agent_id         TEXT,
        ended_at_ms      INTEGER,
        outcome          TEXT,
        callback_outcome TEXT,
        wait_ms          INTEGER,
        handle_ms        INTEGER NOT NULL DEFAULT 0,
        UNIQUE (tenant_id, contact_id)
      );
      CREATE INDEX contact_history_by_customer ON contact_history (tenant_id, customer_id, seq);
      CREATE TABLE queue_intervals (
        tenant_id              TEXT    NOT NULL,
        queue_id               TEXT    NOT NULL,
        start_ms               INTEGER NOT NULL,
        offered                INTEGER NOT NULL DEFAULT 0,
        answered               INTEGER NOT NULL DEFAULT 0,
        answered_in_threshold  INTEGER NOT NULL DEFAULT 0,
        abandoned              INTEGER NOT NULL DEFAULT 0,
        abandoned_in_threshold INTEGER NOT NULL DEFAULT 0,
        wait_ms_answered       INTEGER NOT NULL DEFAULT 0,
        wait_ms_max            INTEGER NOT NULL DEFAULT 0,
        handled                INTEGER NOT NULL DEFAULT 0,
        handle_ms              INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, queue_id, start_ms)
      ) WITHOUT ROWID;
      CREATE TABLE messages (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        id            TEXT    NOT NULL UNIQUE,
        tenant_id     TEXT    NOT NULL,
        queue_id      TEXT    NOT NULL,
        customer      TEXT    NOT NULL,
        text          TEXT    NOT NULL,
        created_at_ms INTEGER NOT NULL,
        handled_at_ms INTEGER
      );
      CREATE INDEX messages_by_queue ON messages (tenant_id, queue_id, seq);
      CREATE TABLE ratings (
        tenant_id     TEXT    NOT NULL,
        contact_id    TEXT    NOT NULL,
        score         INTEGER NOT NULL,
        comment       TEXT,
        created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, contact_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    description:
      'journal cursors of the event consumers, the journal seq webhooks start after, dispositions',
    // event_cursors keeps, per consumer of the journal's events (webhooks) and tenant, the seq
    // of the last journal entry the consumer has taken in: a start reads the journal after it,
    // so that events made durable while the process died before the consumer wrote are not
    // lost. webhooks.from_seq is the tenant's journal seq when the webhook was created: it
    // takes the events of later entries only. The disposition columns hold the wrap-up code and
    // notes the agent gives a contact it handled.
    sql: `
      CREATE TABLE event_cursors (
        consumer  TEXT    NOT NULL,
        tenant_id TEXT    NOT NULL,
        seq       INTEGER NOT NULL,
        PRIMARY KEY (consumer, tenant_id)
      ) WITHOUT ROWID;
      ALTER TABLE webhooks ADD COLUMN from_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE contact_history ADD COLUMN disposition_code TEXT;
      ALTER TABLE contact_history ADD COLUMN disposition_notes TEXT;
      ALTER TABLE contact_history ADD COLUMN disposed_at_ms INTEGER;
    `,
  },
  {
    version: 6,
    description: 'calls: their logs, quality samples and recordings (calls/call-store.ts)',
    sql: callTablesSql,
  },
  {
    version: 7,
    description: 'the queues an admin assigns an agent, which the agent may serve (ADR 0017)',
    // One row per agent and queue it may serve, with its priority there (R4). Whether it
    // serves the queue now is the engine's membership, not this table.
    sql: `
      CREATE TABLE queue_assignments (
        tenant_id TEXT    NOT NULL,
        agent_id  TEXT    NOT NULL,
        queue_id  TEXT    NOT NULL,
        priority  INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, agent_id, queue_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    description: 'the web-chat sessions, kept across a restart (ADR 0018)',
    // One row per session: its state as JSON (compat/web-chat-store.ts), under its token.
    sql: `
      CREATE TABLE webchat_sessions (
        token        TEXT PRIMARY KEY,
        tenant_id    TEXT NOT NULL,
        session_json TEXT NOT NULL
      );
    `,
  },
];

/** The server store's kind of file: "LNUS" in ASCII marks it. */
const serverStoreKind: SqliteFileKind = {
  name: 'server store',
  applicationId: 0x4c4e5553,
  migrations,
};

/** Version of the server store's schema. */
export const SERVER_STORE_SCHEMA_VERSION = migrations.length;

/** The server's records: one SQLite database, migrated to the latest schema. */
export interface ServerStore {
  readonly db: Database.Database;
  /** A single value by name, or null. */
  setting(name: string): string | null;
  /** Writes a single value, replacing any before it. */
  setSetting(name: string, value: string): void;
  /**
   * Closes the store; resolves once its checkpointing thread has closed its
   * own connection too, after which nothing writes into the data dir.
   */
  close(): Promise<void>;
}

/** An open store, or why it could not be opened. */
export type ServerStoreOpenResult =
  { ok: true; store: ServerStore } | { ok: false; message: string };

/** Opens the server store in a data dir, or in memory when no dir is given. */
export function openServerStore(options: { dataDir?: string } = {}): ServerStoreOpenResult {
  let path = ':memory:';
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    path = join(options.dataDir, serverStoreFileName);
  }
  const opened = openSqliteFile(path, serverStoreKind, busyTimeoutMs);
  if (!opened.ok) return { ok: false, message: opened.refusal.message };
  // The file is checkpointed on a thread of its own: no records write on the server's thread waits.
  const { db, checkpointer } = opened;
  const read = db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck();
  const write = db.prepare<[string, string]>(
    'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  );
  return {
    ok: true,
    store: {
      db,
      setting: (name) => read.get(name) ?? null,
      setSetting: (name, value) => void write.run(name, value),
      close: async () => {
        const checkpointerClosed = checkpointer?.close();
        db.close();
        await checkpointerClosed;
      },
    },
  };
}
