import { readBatches, type Journal } from '@lineup/journal';
import type { Event, TenantId } from '@lineup/protocol';
import type { EventListener, Host } from './host.ts';

/*
 * A consumer of a tenant's durable events that keeps its own records in
 * another file than the journal (the webhooks' outbox, the records) misses
 * what became durable while the process died before the consumer wrote. It
 * follows the tenant from a cursor instead — the seq of the last journal
 * entry it took in, which it saves with what it writes: first the entries
 * the journal holds after the cursor, then the live batches, those that
 * arrived while it read held back until then. Each batch reaches it once,
 * in journal order.
 */

/** A consumer following one tenant's events. */
export interface Following {
  /** Settles once the journal's entries after the cursor have been taken in (at once without a journal). */
  caughtUp: Promise<void>;
  /** Stops hearing live batches. */
  unsubscribe: () => void;
}

/**
 * Calls `take` with every durable batch of a tenant after `afterSeq`, in
 * journal order, each once: the journal's (when given) first, then live ones.
 */
export function followTenant(options: {
  host: Host;
  journal?: Journal;
  tenantId: TenantId;
  afterSeq: number;
  take: EventListener;
}): Following {
  const { host, journal, tenantId, take } = options;
  let lastSeq = options.afterSeq;
  const pass = (events: readonly Event[], seq: number): void => {
    if (seq <= lastSeq) return;
    lastSeq = seq;
    take(events, seq);
  };
  let held: { events: readonly Event[]; seq: number }[] | null = journal === undefined ? null : [];
  const unsubscribe = host.subscribe(tenantId, (events, seq) => {
    if (held === null) pass(events, seq);
    else held.push({ events, seq });
  });
  if (journal === undefined) return { caughtUp: Promise.resolve(), unsubscribe };
  const caughtUp = (async () => {
    try {
      for await (const batch of readBatches(journal, tenantId, lastSeq))
        for (const entry of batch) pass(entry.events, entry.seq);
    } finally {
      const waiting = held ?? [];
      held = null;
      for (const { events, seq } of waiting) pass(events, seq);
    }
  })();
  return { caughtUp, unsubscribe };
}
