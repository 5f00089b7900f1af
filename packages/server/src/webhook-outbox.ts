import type Database from 'better-sqlite3';
import type { TenantId } from '@lineup/protocol';
import type { ServerStore } from './store.ts';
import { EventCursors } from './event-cursors.ts';

/*
 * The webhooks' records in the server store (migrations 3 and 5): the subscriptions
 * and the outbox of their deliveries. Every statement is prepared once; each
 * method is one statement or one transaction, so a crash leaves either the
 * whole change or none of it.
 *
 * The outbox keeps one invariant that gives the order per contact: in each
 * lane (a webhook and a contact, or a webhook's events without a contact)
 * at most one pending row has a next_attempt_at_ms — the lane's head. The
 * others wait with NULL until the head is delivered or fails; then the
 * lane's oldest pending row becomes the head (promote). A due row is thus
 * always a head, and finding the due rows is one ordered index range scan
 * (O(k log n) for k rows) however many rows wait behind their heads.
 */

/** What a delivery is doing: waiting or retrying, done, or given up on. */
export const DeliveryStatus = {
  pending: 'pending',
  delivered: 'delivered',
  failed: 'failed',
} as const;
/** What a delivery is doing. */
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/** A webhook as stored: its secret included. */
export interface WebhookRow {
  id: string;
  tenant_id: string;
  url: string;
  /** JSON array of event types, or ["*"]. */
  event_types: string;
  description: string | null;
  secret: string;
  created_at_ms: number;
  /** The tenant's journal seq at creation: the webhook takes the events of later entries. */
  from_seq: number;
}

/** A delivery as stored. */
export interface DeliveryRow {
  seq: number;
  id: string;
  webhook_id: string;
  tenant_id: string;
  /** The contact id, or '' for an event without a contact. */
  lane: string;
  event_type: string;
  /** The exact JSON body POSTed on every attempt. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  created_at_ms: number;
  /** When it last became pending (created or replayed): its age is counted from here. */
  pending_since_ms: number;
  next_attempt_at_ms: number | null;
  last_attempt_at_ms: number | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at_ms: number | null;
}

/** A row to append to the outbox. */
export interface NewDelivery {
  id: string;
  webhookId: string;
  tenantId: TenantId;
  lane: string;
  eventType: string;
  body: string;
}

/** How one attempt ended. */
export interface AttemptResult {
  atMs: number;
  statusCode: number | null;
  error: string | null;
}

/** Which page of a webhook's deliveries to read. */
export interface DeliveryPageQuery {
  status?: DeliveryStatus;
  /** The seq the page starts below (newest first); none for the first page. */
  beforeSeq?: number;
  limit: number;
}

/** The webhooks' tables, behind prepared statements. */
export class WebhookOutbox {
  readonly #db: Database.Database;
  readonly #statements;
  readonly #cursors: EventCursors;

  constructor(store: ServerStore) {
    this.#db = store.db;
    this.#statements = prepare(this.#db);
    this.#cursors = new EventCursors(store);
  }

  /** Every webhook of every tenant, oldest first. */
  allWebhooks(): WebhookRow[] {
    return this.#statements.allWebhooks.all();
  }

  /** Stores a new webhook. */
  insertWebhook(row: WebhookRow): void {
    this.#statements.insertWebhook.run(row);
  }

  /** Deletes a webhook and its deliveries, whatever their status. */
  deleteWebhook(webhookId: string): void {
    this.#db.transaction(() => {
      this.#statements.deleteDeliveries.run(webhookId);
      this.#statements.deleteWebhook.run(webhookId);
    })();
  }

  /** The seq of the last journal entry of a tenant the webhooks took in, or null when none is kept. */
  cursor(tenantId: TenantId): number | null {
    return this.#cursors.get('webhooks', tenantId);
  }

  /** Keeps the seq of the last journal entry of a tenant the webhooks took in. */
  saveCursor(tenantId: TenantId, seq: number): void {
    this.#cursors.save('webhooks', tenantId, seq);
  }

  /**
   * Appends deliveries in order, each due now when its lane has no pending
   * row, and moves the tenant's cursor to the journal entry they came from,
   * in one transaction.
   */
  append(
    rows: readonly NewDelivery[],
    nowMs: number,
    from: { tenantId: TenantId; seq: number },
  ): void {
    this.#db.transaction(() => {
      this.#cursors.save('webhooks', from.tenantId, from.seq);
      for (const row of rows) {
        const isHead = this.#statements.lanePending.get(row.webhookId, row.lane) === undefined;
        this.#statements.insertDelivery.run({
          ...row,
          nowMs,
          nextAttemptAtMs: isHead ? nowMs : null,
        });
      }
    })();
  }

  /** Up to `limit` due rows (heads whose time has come), soonest first. */
  due(nowMs: number, limit: number): DeliveryRow[] {
    return this.#statements.due.all(nowMs, limit);
  }

  /** The times of the next `limit` heads, soonest first, with their seq. */
  nextHeads(limit: number): { seq: number; next_attempt_at_ms: number }[] {
    return this.#statements.nextHeads.all(limit);
  }

  /**
   * Pushes a head's next attempt to `untilMs` while it is sent: a process
   * that dies mid-send retries it then, and no other pass picks it meanwhile.
   */
  lease(seq: number, untilMs: number): void {
    this.#statements.lease.run(untilMs, seq);
  }

  /** Records a delivered attempt and lets the lane's next row go. */
  recordDelivered(row: DeliveryRow, result: AttemptResult): void {
    this.#db.transaction(() => {
      this.#statements.delivered.run({ ...result, seq: row.seq });
      this.#promote(row, result.atMs);
    })();
  }

  /** Records a failed attempt that will be retried at `nextAttemptAtMs`. */
  recordRetry(row: DeliveryRow, result: AttemptResult, nextAttemptAtMs: number): void {
    this.#statements.retry.run({ ...result, nextAttemptAtMs, seq: row.seq });
  }

  /** Records the last failed attempt: the row fails, and the lane's next row goes. */
  recordFailed(row: DeliveryRow, result: AttemptResult): void {
    this.#db.transaction(() => {
      this.#statements.failed.run({ ...result, seq: row.seq });
      this.#promote(row, result.atMs);
    })();
  }

  /** One delivery of a tenant's webhook, or null. */
  delivery(tenantId: TenantId, webhookId: string, deliveryId: string): DeliveryRow | null {
    return this.#statements.delivery.get(deliveryId, webhookId, tenantId) ?? null;
  }

  /** A page of a webhook's deliveries, newest first. */
  page(webhookId: string, query: DeliveryPageQuery): DeliveryRow[] {
    return this.#statements.page.all({
      webhookId,
      status: query.status ?? null,
      beforeSeq: query.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit: query.limit,
    });
  }

  /**
   * Makes failed deliveries pending again with a fresh budget of attempts;
   * each goes now when its lane has no head, else right after the head.
   * Returns how many were failed.
   */
  replay(rows: readonly DeliveryRow[], nowMs: number): number {
    return this.#db.transaction(() => {
      let count = 0;
      for (const row of rows) {
        if (this.#statements.replay.run(nowMs, row.seq).changes === 0) continue;
        count += 1;
        this.#promote(row, nowMs);
      }
      return count;
    })();
  }

  /** A webhook's failed deliveries, oldest first. */
  failed(webhookId: string): DeliveryRow[] {
    return this.#statements.failedOf.all(webhookId);
  }

  /** Deletes delivered rows last tried before `deliveredBeforeMs`, failed ones before `failedBeforeMs`. */
  prune(deliveredBeforeMs: number, failedBeforeMs: number): void {
    this.#statements.pruneDelivered.run(deliveredBeforeMs);
    this.#statements.pruneFailed.run(failedBeforeMs);
  }

  /** Gives the lane of `row` a head, due now, unless it has one or no pending row. */
  #promote(row: DeliveryRow, nowMs: number): void {
    if (this.#statements.laneHead.get(row.webhook_id, row.lane) !== undefined) return;
    this.#statements.promote.run(nowMs, row.webhook_id, row.lane);
  }
}

const deliveryColumns =
  'id, webhook_id, tenant_id, lane, event_type, body, status, attempts, created_at_ms, pending_since_ms, next_attempt_at_ms';

/** Every statement of the outbox, prepared once. */
function prepare(db: Database.Database) {
  return {
    allWebhooks: db.prepare<[], WebhookRow>('SELECT * FROM webhooks ORDER BY created_at_ms, id'),
    insertWebhook: db.prepare<[WebhookRow]>(
      'INSERT INTO webhooks (id, tenant_id, url, event_types, description, secret, created_at_ms, ' +
        'from_seq) VALUES (@id, @tenant_id, @url, @event_types, @description, @secret, ' +
        '@created_at_ms, @from_seq)',
    ),
    deleteWebhook: db.prepare<[string]>('DELETE FROM webhooks WHERE id = ?'),
    deleteDeliveries: db.prepare<[string]>('DELETE FROM webhook_deliveries WHERE webhook_id = ?'),
    lanePending: db.prepare<[string, string], { seq: number }>(
      "SELECT seq FROM webhook_deliveries WHERE webhook_id = ? AND lane = ? AND status = 'pending' LIMIT 1",
    ),
    laneHead: db.prepare<[string, string], { seq: number }>(
      "SELECT seq FROM webhook_deliveries WHERE webhook_id = ? AND lane = ? AND status = 'pending' " +
        'AND next_attempt_at_ms IS NOT NULL LIMIT 1',
    ),
    promote: db.prepare<[number, string, string]>(
      'UPDATE webhook_deliveries SET next_attempt_at_ms = ? WHERE seq = (SELECT seq FROM ' +
        "webhook_deliveries WHERE webhook_id = ? AND lane = ? AND status = 'pending' ORDER BY seq LIMIT 1)",
    ),
    insertDelivery: db.prepare<[NewDelivery & { nowMs: number; nextAttemptAtMs: number | null }]>(
      `INSERT INTO webhook_deliveries (${deliveryColumns}) VALUES (@id, @webhookId, @tenantId, ` +
        "@lane, @eventType, @body, 'pending', 0, @nowMs, @nowMs, @nextAttemptAtMs)",
    ),
    due: db.prepare<[number, number], DeliveryRow>(
      "SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at_ms IS NOT NULL " +
        'AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms, seq LIMIT ?',
    ),
    nextHeads: db.prepare<[number], { seq: number; next_attempt_at_ms: number }>(
      'SELECT seq, next_attempt_at_ms FROM webhook_deliveries WHERE status = ' +
        "'pending' AND next_attempt_at_ms IS NOT NULL ORDER BY next_attempt_at_ms, seq LIMIT ?",
    ),
    lease: db.prepare<[number, number]>(
      'UPDATE webhook_deliveries SET next_attempt_at_ms = ? WHERE seq = ?',
    ),
    delivered: db.prepare<[AttemptResult & { seq: number }]>(
      "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, " +
        'next_attempt_at_ms = NULL, last_attempt_at_ms = @atMs, last_status_code = @statusCode, ' +
        'last_error = @error, delivered_at_ms = @atMs WHERE seq = @seq',
    ),
    retry: db.prepare<[AttemptResult & { seq: number; nextAttemptAtMs: number }]>(
      'UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at_ms = @nextAttemptAtMs, ' +
        'last_attempt_at_ms = @atMs, last_status_code = @statusCode, last_error = @error WHERE seq = @seq',
    ),
    failed: db.prepare<[AttemptResult & { seq: number }]>(
      "UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, " +
        'next_attempt_at_ms = NULL, last_attempt_at_ms = @atMs, last_status_code = @statusCode, ' +
        'last_error = @error WHERE seq = @seq',
    ),
    delivery: db.prepare<[string, string, string], DeliveryRow>(
      'SELECT * FROM webhook_deliveries WHERE id = ? AND webhook_id = ? AND tenant_id = ?',
    ),
    page: db.prepare<
      [{ webhookId: string; status: string | null; beforeSeq: number; limit: number }],
      DeliveryRow
    >(
      'SELECT * FROM webhook_deliveries WHERE webhook_id = @webhookId AND seq < @beforeSeq ' +
        'AND (@status IS NULL OR status = @status) ORDER BY seq DESC LIMIT @limit',
    ),
    replay: db.prepare<[number, number]>(
      "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, pending_since_ms = ?, " +
        "next_attempt_at_ms = NULL WHERE seq = ? AND status = 'failed'",
    ),
    failedOf: db.prepare<[string], DeliveryRow>(
      "SELECT * FROM webhook_deliveries WHERE webhook_id = ? AND status = 'failed' ORDER BY seq",
    ),
    // Literal statuses, so that SQLite may use the partial index webhook_deliveries_settled.
    pruneDelivered: db.prepare<[number]>(
      "DELETE FROM webhook_deliveries WHERE status = 'delivered' AND last_attempt_at_ms < ?",
    ),
    pruneFailed: db.prepare<[number]>(
      "DELETE FROM webhook_deliveries WHERE status = 'failed' AND last_attempt_at_ms < ?",
    ),
  };
}
