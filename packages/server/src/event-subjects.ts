import type { AgentId, ContactId, Event, QueueId } from '@lineup/protocol';

/*
 * What an engine event is about — its contact, queue or agent — for the
 * layers that route events by subject: the socket fan-out and the webhooks'
 * per-contact lanes.
 */

/** The contact an event concerns, or null. */
export function contactIdOf(event: Event): ContactId | null {
  if (event.type === 'contactQueued') return event.contact.id;
  return 'contactId' in event ? event.contactId : null;
}

/** The queue an event concerns, or null. */
export function queueIdOf(event: Event): QueueId | null {
  if (event.type === 'contactQueued') return event.contact.queueId;
  if (event.type === 'queueStatusChanged') return event.status.queueId;
  return 'queueId' in event ? event.queueId : null;
}

/** The agent an event concerns, or null. */
export const agentIdOf = (event: Event): AgentId | null =>
  'agentId' in event && typeof event.agentId === 'string' ? event.agentId : null;
