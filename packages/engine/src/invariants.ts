import { liveChannels, type Capacity, type Channel, type ContactId } from '@lineup/protocol';
import type { Agent, Contact, State } from './state.ts';

/*
 * The engine's invariants (DESIGN.md §2, docs/routing.md) read from its own
 * state by plain scans, independent of the indexes the engine routes with:
 * R1 (each live contact waits in exactly one queue and at most one line, the
 * right one), R5 (one pending offer per contact and per agent, each known to
 * both sides; each assigned contact held by its agent alone) and R4 (no free
 * agent has room for a waiting contact it may take). O(contacts × agents):
 * for tests and diagnostics, never on a hot path.
 */

const show = (value: unknown): string => JSON.stringify(value);

/** Whether an agent holding these channels has room for one more of `channel` (R5), from its capacity alone. */
export function hasRoom(held: readonly Channel[], capacity: Capacity, channel: Channel): boolean {
  if (held.some((item) => liveChannels.includes(item))) return false;
  if (liveChannels.includes(channel) && held.length > 0) return false;
  return held.filter((item) => item === channel).length < capacity[channel];
}

/** Every broken invariant of a state, each message starting with its rule's tag ([R1], [R5], [R4], [lost]). */
export function invariantProblems(state: Readonly<State>): string[] {
  return [
    linesProblem(state),
    sinceProblem(state),
    offersProblem(state),
    idleAgentProblem(state),
  ].filter((problem): problem is string => problem !== null);
}

/** R1: each live contact is in exactly one queue and at most one line, the right one. */
function linesProblem(state: Readonly<State>): string | null {
  const seen = new Map<Contact, number>();
  const where = new Map<Contact, string>();
  const note = (contact: Contact, place: string) => {
    seen.set(contact, (seen.get(contact) ?? 0) + 1);
    where.set(contact, place);
  };
  for (const queue of state.queues.values()) {
    for (const [channel, levels] of queue.lines)
      levels.forEach((line, level) => {
        for (const contact of line?.values() ?? [])
          note(contact, `${queue.settings.id}/${channel}/${level}`);
      });
  }
  for (const agent of state.agents.values()) {
    for (const [channel, line] of agent.personal)
      for (const contact of line.values()) note(contact, `agent ${agent.id}/${channel}`);
  }
  const perQueue = new Map<string, number>();
  for (const contact of state.contacts.values())
    perQueue.set(contact.queueId, (perQueue.get(contact.queueId) ?? 0) + 1);
  for (const [queueId, count] of perQueue) {
    const queue = state.queues.get(queueId as Contact['queueId']);
    if (queue === undefined) return `[R1] ${count} contacts are in missing queue ${queueId}`;
  }
  for (const queue of state.queues.values()) {
    const count = perQueue.get(queue.settings.id) ?? 0;
    if (queue.contactCount !== count)
      return `[R1] queue ${queue.settings.id} counts ${queue.contactCount} contacts, but ${count} are in it`;
  }
  for (const contact of state.contacts.values()) {
    if (!['queued', 'offered', 'assigned', 'wrapUp'].includes(contact.status))
      return `[lost] contact ${contact.id} is live in state ${contact.status}`;
    const isInLine = contact.status === 'queued' && contact.notBeforeMs === null;
    const count = seen.get(contact) ?? 0;
    if (count !== (isInLine ? 1 : 0))
      return `[R1] contact ${contact.id} (${contact.status}) is in ${count} lines`;
    const expected =
      contact.stickyAgentId === null
        ? `${contact.queueId}/${contact.channel}/${contact.level}`
        : `agent ${contact.stickyAgentId}/${contact.channel}`;
    if (isInLine && where.get(contact) !== expected)
      return `[R1] contact ${contact.id} is in line ${where.get(contact)}, expected ${expected}`;
  }
  if ([...seen.keys()].some((contact) => state.contacts.get(contact.id) !== contact))
    return '[R1] a line holds a contact that is not live';
  return null;
}

/** R1: each queue's longest-wait list holds its queued contacts, each once, by join time. */
function sinceProblem(state: Readonly<State>): string | null {
  const queued = new Map<Contact['queueId'], Set<Contact>>();
  for (const contact of state.contacts.values()) {
    if (contact.status !== 'queued') continue;
    const set = queued.get(contact.queueId) ?? new Set<Contact>();
    set.add(contact);
    queued.set(contact.queueId, set);
  }
  for (const queue of state.queues.values()) {
    const live = queue.bySince.live();
    const expected = queued.get(queue.settings.id) ?? new Set<Contact>();
    if (live.length !== expected.size || live.some((contact) => !expected.has(contact)))
      return `[R1] queue ${queue.settings.id} lists ${live.length} contacts by join time, but ${expected.size} wait in it`;
    if (
      live.some((contact, i) => i > 0 && (live[i - 1] as Contact).joinedAtMs > contact.joinedAtMs)
    )
      return `[R1] queue ${queue.settings.id} lists its contacts out of join time`;
  }
  return null;
}

/** R5: one pending offer per contact and per agent; each assigned contact held by its agent, once. */
function offersProblem(state: Readonly<State>): string | null {
  const offered = [...state.contacts.values()].filter((contact) => contact.status === 'offered');
  if (state.offers.size !== offered.length)
    return `[R5] ${state.offers.size} live offers for ${offered.length} offered contacts`;
  for (const contact of offered) {
    const agent =
      contact.offerAgentId === null ? undefined : state.agents.get(contact.offerAgentId);
    if (
      contact.offerId === null ||
      state.offers.get(contact.offerId) !== contact ||
      agent?.offerContactId !== contact.id
    )
      return `[R5] offer of ${contact.id} to ${contact.offerAgentId} is not the agent's`;
  }
  for (const agent of state.agents.values()) {
    if (agent.offerContactId === null) continue;
    const contact = state.contacts.get(agent.offerContactId);
    if (contact?.status !== 'offered' || contact.offerAgentId !== agent.id)
      return `[R5] agent ${agent.id} has a pending offer of ${agent.offerContactId} that is not one`;
  }
  const holders = new Map<ContactId, string[]>();
  for (const agent of state.agents.values())
    for (const contactId of agent.held)
      holders.set(contactId, [...(holders.get(contactId) ?? []), agent.id]);
  for (const contact of state.contacts.values()) {
    const by = holders.get(contact.id) ?? [];
    const expected = contact.status === 'assigned' ? [contact.agentId] : [];
    if (show(by) !== show(expected))
      return `[R5] contact ${contact.id} (${contact.status}) is held by ${show(by)}`;
  }
  for (const contactId of holders.keys())
    if (!state.contacts.has(contactId)) return `[R5] an agent holds ended contact ${contactId}`;
  return null;
}

/** R4 (the engine's routing invariant): no agent that may be offered a contact has room for a waiting contact it may take. */
function idleAgentProblem(state: Readonly<State>): string | null {
  const heldChannels = (agent: Agent): Channel[] =>
    agent.held.flatMap((contactId) => state.contacts.get(contactId)?.channel ?? []);
  for (const agent of state.agents.values()) {
    if (agent.presence !== 'ready' || agent.mode !== 'auto' || agent.offerContactId !== null)
      continue;
    for (const contact of state.contacts.values()) {
      if (contact.status !== 'queued' || contact.notBeforeMs !== null) continue;
      if (contact.cooldowns.some((cooldown) => cooldown.agentId === agent.id)) continue;
      if (!hasRoom(heldChannels(agent), agent.capacity, contact.channel)) continue;
      let mayTake: boolean;
      if (contact.stickyAgentId !== null) {
        mayTake = contact.stickyAgentId === agent.id;
      } else {
        const queue = state.queues.get(contact.queueId);
        const membership = agent.memberships.find((item) => item.queueId === contact.queueId);
        const minPriority =
          queue?.settings.expansion[contact.level]?.minAgentPriority ?? Number.NEGATIVE_INFINITY;
        mayTake = membership !== undefined && membership.priority >= minPriority;
      }
      if (mayTake)
        return `[R4] agent ${agent.id} is free with room, but contact ${contact.id} (${contact.channel}, ${contact.queueId}) waits`;
    }
  }
  return null;
}
