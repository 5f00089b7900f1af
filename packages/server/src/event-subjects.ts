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

/**
 * The agents an event concerns: the one it names, both ends of a transfer
 * (the agent a contact left and the one it was sent to), and the agent a
 * contact waits for alone. Added to `into` when given (a list a caller
 * reuses), else to a new list.
 */
export function agentIdsOf(event: Event, into: AgentId[] = []): AgentId[] {
  if ('agentId' in event && typeof event.agentId === 'string') into.push(event.agentId);
  if (event.type === 'contactTransferred') {
    if (event.fromAgentId !== null) into.push(event.fromAgentId);
    if (event.toAgentId !== null && event.toAgentId !== event.fromAgentId)
      into.push(event.toAgentId);
  }
  if (event.type === 'contactQueued' && event.stickyAgentId !== null)
    into.push(event.stickyAgentId);
  return into;
}
