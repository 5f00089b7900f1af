import {
  rejection,
  type AgentId,
  type Command,
  type Event,
  type QueueId,
  type QueueSettings,
  type Rejection,
} from '@lineup/protocol';
import { isOpen, nextChangeMs } from './hours.ts';
import { agentOf, lookUpAgent, lookUpContact, queueOf } from './indexes.ts';
import { bestAgentFor, bestContactFor } from './routing.ts';
import { isOfferable, type Agent, type Contact, type Queue, type State } from './state.ts';
import { type PredictorLookup } from './status.ts';
/*
 * The steps every command handler is built from: the context, the two
 * routing steps (route a contact, route an agent) and the offers they make,
 * the agent-state event, and lookups that refuse with a value.
 */

/** What a handler works with. */
export interface Context {
  readonly state: State;
  readonly predictors: PredictorLookup;
  /** Applies an event to the state and records it. */
  emit(event: Event): void;
}

/** Every command but tick, with its time already clamped to the engine's clock. */
export type HandledCommand = Exclude<Command, { type: 'tick' }>;

export const refuse = rejection;

// --- Routing steps --------------------------------------------------------------------------

/** Offers a waiting contact to the best free agent, if there is one (R4, R5). */
export function routeContact(ctx: Context, contact: Contact | undefined, atMs: number): void {
  if (contact === undefined || !ctx.state.contacts.has(contact.id)) return;
  routeLiveContact(ctx, contact, atMs);
}

/**
 * routeContact for a contact known to be live, such as one that has just
 * joined: it saves a lookup in the map of all contacts, which at 100,000
 * waiting mostly misses the CPU cache.
 */
export function routeLiveContact(ctx: Context, contact: Contact, atMs: number): void {
  const agent = bestAgentFor(ctx.state, contact);
  if (agent !== null) offer(ctx, contact, agent, atMs);
}

/** Offers a free auto agent its best waiting contact, if there is one (R3). */
export function routeAgent(ctx: Context, agent: Agent | undefined, atMs: number): void {
  if (agent === undefined || !ctx.state.agents.has(agent.id) || !isOfferable(agent)) return;
  const contact = bestContactFor(ctx.state, agent, atMs);
  if (contact !== null) offer(ctx, contact, agent, atMs);
}

/** Routes every free agent of a queue, in id order so that replays agree. */
export function routeMembers(ctx: Context, queue: Queue, atMs: number): void {
  const members = [...queue.members].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const agent of members) routeAgent(ctx, agent, atMs);
}

/** Takes a contact out of its one agent's line, reporting why (R9; seed: memberDequeue). */
export function leaveStickyLine(
  ctx: Context,
  contact: Contact,
  leaveType: Extract<Event, { type: 'stickyDequeued' }>['leaveType'],
  atMs: number,
): void {
  if (contact.stickyAgentId === null) return;
  ctx.emit({
    type: 'stickyDequeued',
    atMs,
    contactId: contact.id,
    agentId: contact.stickyAgentId,
    queueId: contact.queueId,
    leaveType,
  });
}

export function offer(ctx: Context, contact: Contact, agent: Agent, atMs: number): void {
  leaveStickyLine(ctx, contact, 'agent', atMs);
  const queue = queueOf(ctx.state, contact.queueId);
  ctx.emit({
    type: 'offerCreated',
    atMs,
    // The number of this very event: unique for the engine's life.
    offerId: `o${ctx.state.eventCount}` as Contact['offerId'] & string,
    contactId: contact.id,
    agentId: agent.id,
    queueId: contact.queueId,
    channel: contact.channel,
    expiresAtMs: atMs + queue.settings.offerTimeoutMs,
  });
}

/** Withdraws the contact's pending offer, if any, and returns the agent it was made to. */
export function cancelOffer(
  ctx: Context,
  contact: Contact,
  reason: Parameters<typeof cancelReason>[0],
  atMs: number,
): Agent | undefined {
  if (contact.status !== 'offered' || contact.offerId === null || contact.offerAgentId === null)
    return undefined;
  const agent = agentOf(ctx.state, contact.offerAgentId);
  ctx.emit({
    type: 'offerCancelled',
    atMs,
    offerId: contact.offerId,
    contactId: contact.id,
    agentId: agent.id,
    reason: cancelReason(reason),
  });
  return agent;
}
const cancelReason = <T extends Extract<Event, { type: 'offerCancelled' }>['reason']>(
  reason: T,
): T => reason;

/** Withdraws the agent's pending offer, if any, and returns its contact. */
export function cancelAgentOffer(
  ctx: Context,
  agent: Agent,
  reason: Parameters<typeof cancelReason>[0],
  atMs: number,
): Contact | undefined {
  if (agent.offerContactId === null) return undefined;
  const contact = ctx.state.contacts.get(agent.offerContactId);
  if (contact === undefined) return undefined;
  cancelOffer(ctx, contact, reason, atMs);
  return contact;
}

/** The agentStateChanged event of a change to an agent's presence or mode. */
export function agentState(
  agent: Agent,
  changes: Partial<Pick<Agent, 'presence' | 'reason' | 'mode' | 'wrapUpUntilMs'>>,
  cause: Extract<Event, { type: 'agentStateChanged' }>['cause'],
  atMs: number,
): Event {
  const presence = changes.presence ?? agent.presence;
  return {
    type: 'agentStateChanged',
    atMs,
    agentId: agent.id,
    presence,
    reason: presence === 'notReady' ? (changes.reason ?? agent.reason) : null,
    mode: changes.mode ?? agent.mode,
    cause,
    wrapUpUntilMs: presence === 'wrapUp' ? (changes.wrapUpUntilMs ?? agent.wrapUpUntilMs) : null,
  };
}

/** The wrap-up an agent enters after finishing a contact of `queue`, or null (R8). */
export function wrapUpAfter(agent: Agent, queue: Queue, atMs: number): number | null {
  if (queue.settings.wrapUpMs === 0 || (agent.presence !== 'ready' && agent.presence !== 'wrapUp'))
    return null;
  return Math.max(agent.wrapUpUntilMs ?? 0, atMs + queue.settings.wrapUpMs);
}

// --- Lookups that refuse --------------------------------------------------------------------

export type Found<T> = T | Rejection;
export const isRejection = (value: unknown): value is Rejection =>
  typeof value === 'object' && value !== null && 'code' in value && 'message' in value;

export function findQueue(state: State, queueId: QueueId): Found<Queue> {
  return (
    state.queues.get(queueId) ??
    refuse('queue_not_found', `No queue has id ${queueId}.`, { queueId })
  );
}
export function findAgent(state: State, agentId: AgentId): Found<Agent> {
  return (
    lookUpAgent(state, agentId) ??
    refuse('agent_not_found', `No agent has id ${agentId}.`, { agentId })
  );
}
export function findContact(state: State, contactId: string): Found<Contact> {
  return (
    lookUpContact(state, contactId) ??
    refuse('contact_not_found', `No live contact has id ${contactId}; it may have ended.`, {
      contactId,
    })
  );
}
export function findLoggedIn(state: State, agentId: AgentId): Found<Agent> {
  const agent = findAgent(state, agentId);
  if (isRejection(agent)) return agent;
  return agent.presence === 'offline'
    ? refuse('agent_logged_out', `Agent ${agentId} is logged out; log it in first.`, { agentId })
    : agent;
}

export function withinLimit(count: number, max: number, what: string): Rejection | null {
  return count >= max
    ? refuse('limit_reached', `At most ${max} ${what} are allowed.`, { limit: what, max })
    : null;
}

/** The opening state of hours at atMs, and when it next changes. */
export function hoursAt(
  settings: QueueSettings,
  atMs: number,
): { isOpen: boolean; hoursChangeAtMs: number | null } {
  if (settings.hours === null) return { isOpen: true, hoursChangeAtMs: null };
  return {
    isOpen: isOpen(settings.hours, atMs),
    hoursChangeAtMs: nextChangeMs(settings.hours, atMs),
  };
}
