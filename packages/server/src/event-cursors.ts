import type Database from 'better-sqlite3';
import type { TenantId } from '@lineup/protocol';
import type { ServerStore } from './store.ts';

/*
 * The journal cursors of the server store's consumers of events (migration
 * 5): per consumer and tenant, the seq of the last journal entry it took in.
 * A consumer saves its cursor in the transaction that writes what the entry
 * gave it, and follows the journal from it on start (journal-follower.ts).
 */

/** The consumers that keep a cursor. */
export type CursorConsumer = 'webhooks' | 'records';

/** Reads and saves cursors; a saved cursor never moves back. */
export class EventCursors {
  readonly #get: Database.Statement<[string, string], { seq: number }>;
  readonly #save: Database.Statement<[string, string, number]>;

  constructor(store: Pick<ServerStore, 'db'>) {
    this.#get = store.db.prepare(
      'SELECT seq FROM event_cursors WHERE consumer = ? AND tenant_id = ?',
    );
    this.#save = store.db.prepare(
      'INSERT INTO event_cursors (consumer, tenant_id, seq) VALUES (?, ?, ?) ' +
        'ON CONFLICT (consumer, tenant_id) DO UPDATE SET seq = MAX(seq, excluded.seq)',
    );
  }

  /** The consumer's cursor of a tenant, or null when none is kept. */
  get(consumer: CursorConsumer, tenantId: TenantId): number | null {
    return this.#get.get(consumer, tenantId)?.seq ?? null;
  }

  /** Moves the consumer's cursor of a tenant forward to `seq`. */
  save(consumer: CursorConsumer, tenantId: TenantId, seq: number): void {
    this.#save.run(consumer, tenantId, seq);
  }
}
