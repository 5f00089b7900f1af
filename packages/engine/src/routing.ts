import type { Channel } from '@lineup/protocol';
import { drawBelow } from './rng.ts';
import type { OrderedSet } from './ordered-set.ts';
import {
  hasRoomFor,
  isCooling,
  isOfferable,
  lineOrder,
  type Agent,
  type AgentSlot,
  type Contact,
  type Queue,
  type LineEntry,
  type QueueOfAgent,
  type State,
} from './state.ts';
import { agentOf, flushSlots, queueOf } from './indexes.ts';

/*
 * Routing decisions (R3, R4, R5, R9, R15), read-only. Each looks only at the
 * heads of ordered indexes: O(log n) in waiting contacts per line looked at,
 * and an agent's choice touches only the queues it serves. Skipping a
 * contact or agent that is cooling down (R6) costs one step per cool-down.
 */

/** The first contact of a line this agent is not cooling down from, if any. */
function firstFor(line: OrderedSet<Contact>, agent: Agent): Contact | undefined {
  // Most heads have no cool-down at all: answer them without an iterator.
  const head = line.first();
  if (head === undefined || head.cooldowns.length === 0) return head;
  for (const contact of line.values()) if (!isCooling(contact, agent.id)) return contact;
  return undefined;
}

/**
 * Order between contacts of different queues of equal priority (R3): VIP
 * first, then the aged score at `nowMs`, then the earlier place, then id.
 * Inside one queue it agrees with lineOrder.
 */
function crossOrder(a: Contact, aRate: number, b: Contact, bRate: number, nowMs: number): number {
  return (
    b.vip - a.vip ||
    b.lineKey + bRate * nowMs - (a.lineKey + aRate * nowMs) ||
    a.placeAtMs - b.placeAtMs ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * The contact this agent should take next, ignoring its presence and mode
 * (requestNext asks for manual agents too): first its personal line (R9),
 * then its queues from the highest queue priority down (R3), within a
 * priority the best by crossOrder, in the lines of the channels it has room
 * for and the bullseye levels its priority reaches (R15).
 */
export function bestContactFor(state: State, agent: Agent, nowMs: number): Contact | null {
  // Holding a live contact leaves room for nothing (hasRoomFor): an agent that just took a
  // call is asked on every accept, and would otherwise walk the lines of all its queues.
  if (agent.heldLive > 0) return null;
  return bestPersonalFor(agent) ?? bestQueuedFor(state, agent, nowMs);
}

/** The best contact waiting for this agent only (R9). */
function bestPersonalFor(agent: Agent): Contact | null {
  let best: Contact | null = null;
  for (const [channel, line] of agent.personal) {
    if (!hasRoomFor(agent, channel)) continue;
    const head = firstFor(line, agent);
    if (head !== undefined && (best === null || lineOrder(head, best) < 0)) best = head;
  }
  return best;
}

/** The best contact so far of bestQueuedFor, and its queue's aging rate. */
interface Best {
  contact: Contact | null;
  rate: number;
}

/** Takes the head of one of the agent's lines into `best` if it may have it and it goes first. */
function considerLine(
  best: Best,
  agent: Agent,
  agentPriority: number,
  rate: number,
  nowMs: number,
  line: OrderedSet<Contact>,
  channel: Channel,
  minPriority: number,
): void {
  if (line.size === 0 || minPriority > agentPriority || !hasRoomFor(agent, channel)) return;
  const head = firstFor(line, agent);
  if (
    head !== undefined &&
    (best.contact === null || crossOrder(head, rate, best.contact, best.rate, nowMs) < 0)
  ) {
    best.contact = head;
    best.rate = rate;
  }
}

/** The best contact of the agent's queues (R3, R15). */
function bestQueuedFor(state: State, agent: Agent, nowMs: number): Contact | null {
  // An object rather than two lets: the narrowing of a let assigned in nested loops confuses lint.
  const best: Best = { contact: null, rate: 0 };
  const memberships = agent.queueOrder;
  for (let index = 0; index < memberships.length; index++) {
    const entry = memberships[index] as QueueOfAgent;
    const { agentPriority, queuePriority, agingPointsPerMinute: rate } = entry;
    // The loop reads the entry's copies rather than the queue: on a large centre most queues
    // are out of the CPU cache, and each object skipped saves a miss.
    if (entry.soleLine !== null) {
      considerLine(
        best,
        agent,
        agentPriority,
        rate,
        nowMs,
        entry.soleLine,
        entry.soleChannel,
        entry.soleMinPriority,
      );
    } else {
      const lineList = entry.lineList;
      for (let lineIndex = 0; lineIndex < lineList.length; lineIndex++) {
        const { channel, line, minPriority } = lineList[lineIndex] as LineEntry;
        considerLine(best, agent, agentPriority, rate, nowMs, line, channel, minPriority);
      }
    }
    const next = memberships[index + 1];
    // R3: a lower-priority queue is looked at only when the higher ones have nothing.
    if (best.contact !== null && (next === undefined || next.queuePriority < queuePriority)) {
      return best.contact;
    }
  }
  return best.contact;
}

/**
 * The agent a waiting contact should be offered to, or null (R4, R5): its
 * sticky agent only while it waits for one (R9); otherwise the best free
 * agent of its queue for its channel whose priority reaches the contact's
 * bullseye level (R15), skipping agents it is cooling down from (R6).
 */
export function bestAgentFor(state: State, contact: Contact): Agent | null {
  if (contact.status !== 'queued' || contact.notBeforeMs !== null) return null;
  if (contact.stickyAgentId !== null) {
    const agent = agentOf(state, contact.stickyAgentId);
    return isOfferable(agent) && hasRoomFor(agent, contact.channel) && !isCooling(contact, agent.id)
      ? agent
      : null;
  }
  const queue = queueOf(state, contact.queueId);
  flushSlots(state);
  const set = queue.freeAgents.get(contact.channel);
  if (set === undefined || set.size === 0) return null;
  const minPriority = queue.levelMinPriority[contact.level] ?? Number.NEGATIVE_INFINITY;
  let first: AgentSlot | undefined;
  for (const slot of set.values()) {
    if (slot.priority < minPriority) return null;
    if (isCooling(contact, slot.agent.id)) continue;
    first = slot;
    break;
  }
  if (first === undefined) return null;
  if (queue.settings.strategy !== 'random') return first.agent;
  return drawAmongEqual(state, contact, queue, set, first.priority, contact.channel);
}

const lowSentinel = { id: '' } as Agent;
const highSentinel = { id: '\uffff' } as Agent;

/**
 * The `random` strategy: a uniform draw among the free agents of the highest
 * eligible priority, minus those cooling down, in O(log n + cool-downs).
 */
function drawAmongEqual(
  state: State,
  contact: Contact,
  queue: Queue,
  set: OrderedSet<AgentSlot>,
  priority: number,
  channel: Channel,
): Agent {
  const low = set.rank({ agent: lowSentinel, priority, key: Number.NEGATIVE_INFINITY });
  const high = set.rank({ agent: highSentinel, priority, key: Number.POSITIVE_INFINITY });
  const excluded: number[] = [];
  for (const cooldown of contact.cooldowns) {
    const agent = state.agents.get(cooldown.agentId);
    const entry = agent?.slots.find((item) => item.set === set);
    if (entry === undefined || entry.slot.priority !== priority) continue;
    excluded.push(set.rank(entry.slot));
  }
  excluded.sort((a, b) => a - b);
  let index = low + drawBelow(state.seed, state.eventCount, high - low - excluded.length);
  for (const rank of excluded) if (rank <= index) index += 1;
  const slot = set.at(index);
  if (slot === undefined)
    throw new Error(
      `random draw ${index} outside ${low}..${high} in ${queue.settings.id} ${channel}`,
    );
  return slot.agent;
}

/** 1-based position in the order the engine will serve, or null when the contact is not in a line (R13). */
export function positionOf(
  state: State,
  contact: Pick<Contact, 'vip' | 'lineKey' | 'placeAtMs' | 'id'> & Contact,
): number | null {
  if (contact.status !== 'queued' || contact.notBeforeMs !== null) return null;
  let ahead = 0;
  if (contact.stickyAgentId !== null) {
    for (const line of agentOf(state, contact.stickyAgentId).personal.values())
      ahead += line.rank(contact);
    return ahead + 1;
  }
  for (const { line } of queueOf(state, contact.queueId).lineList) ahead += line.rank(contact);
  return ahead + 1;
}
