/*
 * Engine-shaped events for the journal's tests and benchmark. The journal
 * never looks inside events, but sizes and shapes like the engine's make the
 * byte limits and the replay throughput mean something. Built by hand, not by
 * the engine: the journal may import only the protocol (DESIGN.md §3).
 */
import {
  asAgentId,
  asContactId,
  asCustomerId,
  asOfferId,
  asQueueId,
  type Event,
} from '@lineup/protocol';

/** 2026-03-05 00:00 UTC: any fixed epoch works. */
export const baseMs = 1_772_668_800_000;

/** A contact joins queue `i mod 100` (the largest common event, about 450 bytes). */
export function contactQueued(i: number): Event {
  const atMs = baseMs + i;
  return {
    type: 'contactQueued',
    atMs,
    contact: {
      id: asContactId(`c${i}`),
      queueId: asQueueId(`q${i % 100}`),
      channel: 'chat',
      customer: { id: asCustomerId(`cu${i}`), type: 'normal', number: '+4930123456' },
      priority: i % 7,
      joinedType: 'inbound',
      joinedAtMs: atMs,
      placeAtMs: atMs,
      preferredAgentId: null,
      attributes: { language: 'de', topic: 'billing' },
      callbackNumber: null,
    },
    stickyAgentId: null,
    stickyUntilMs: null,
    notBeforeMs: null,
    position: (i % 40) + 1,
    ewtMs: 30_000 + (i % 600) * 100,
  };
}

/** Contact `i` is offered to agent `i mod 1,000`. */
export function offerCreated(i: number): Event {
  return {
    type: 'offerCreated',
    atMs: baseMs + i,
    offerId: asOfferId(`o${i}`),
    contactId: asContactId(`c${i}`),
    agentId: asAgentId(`a${i % 1_000}`),
    queueId: asQueueId(`q${i % 100}`),
    channel: 'chat',
    expiresAtMs: baseMs + i + 20_000,
  };
}

/** Queue `i mod 100` reports its status. */
export function queueStatusChanged(i: number): Event {
  return {
    type: 'queueStatusChanged',
    atMs: baseMs + i,
    status: {
      queueId: asQueueId(`q${i % 100}`),
      waiting: i % 40,
      offered: 1,
      longestWaitingSinceMs: baseMs + i - 12_000,
      agents: { serving: 12, ready: 0, busy: 10, wrapUp: 1, notReady: 1 },
      ewtMs: 42_000,
      isOffline: false,
      isOpen: true,
      serviceLevel: 0.8,
      abandonRate: 0.05,
    },
  };
}

/** Agent `i mod 1,000` takes contact `i`. */
export function contactAssigned(i: number): Event {
  return {
    type: 'contactAssigned',
    atMs: baseMs + i,
    contactId: asContactId(`c${i}`),
    agentId: asAgentId(`a${i % 1_000}`),
    queueId: asQueueId(`q${i % 100}`),
    waitMs: 12_000,
    via: 'offer',
  };
}

/**
 * The events of command `i` in a routing cycle, as the engine emits them:
 * enqueue (queued, offered, status), then accept (assigned, status). Two
 * commands per cycle, 2.5 events per command on average.
 */
export function commandEvents(i: number): Event[] {
  const contact = Math.floor(i / 2);
  return i % 2 === 0
    ? [contactQueued(contact), offerCreated(contact), queueStatusChanged(contact)]
    : [contactAssigned(contact), queueStatusChanged(contact)];
}

/** One event whose entry (`[event]` as JSON) has exactly `sizeBytes` UTF-8 bytes. */
export function eventsOfSize(sizeBytes: number): Event[] {
  const base = JSON.stringify([{ type: 'queueDeleted', atMs: 0, queueId: '' }]).length;
  if (sizeBytes < base) throw new Error(`an entry has at least ${base} bytes`);
  return [{ type: 'queueDeleted', atMs: 0, queueId: asQueueId('q'.repeat(sizeBytes - base)) }];
}
