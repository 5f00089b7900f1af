import { clone } from './clone.ts';
import type { AgentCounters, QueueCounters } from '@lineup/protocol';
import {
  attachContact,
  countAgentIn,
  orderQueues,
  queueOf,
  refreshAgent,
  syncDayTimer,
  syncQueueTimer,
} from './indexes.ts';
import {
  agentRecordOf,
  contactRecordOf,
  materializeAgent,
  materializeQueue,
  noCooldowns,
  clearToAnnounce,
  materializeContact,
  deriveQueueShape,
  emptyState,
  type Agent,
  type ContactFields,
  type Queue,
  type State,
} from './state.ts';
import type { Tally } from './stats.ts';

/*
 * snapshot() and restore(): the state's records as versioned JSON-able data.
 * Indexes are not saved; restore rebuilds them in O(n log n). Changing what a
 * snapshot holds or means bumps ENGINE_VERSION, and restore refuses other
 * versions rather than guess.
 */

/** Version of the engine's state and behaviour; bumped when replay would differ. */
export const ENGINE_VERSION = 2;

type QueueRecord = Pick<
  Queue,
  'settings' | 'isOpen' | 'hoursChangeAtMs' | 'lastEnteredServiceWaitMs' | 'lastStatusSignature'
> & {
  stats: Tally<QueueCounters>;
};
type AgentRecord = Omit<
  Agent,
  | 'heldByChannel'
  | 'heldLive'
  | 'slots'
  | 'queueOrder'
  | 'personal'
  | 'timer'
  | 'isToSlot'
  | 'stats'
> & {
  stats: Tally<AgentCounters>;
};
type ContactRecord = ContactFields;

/** The whole state of an engine as plain data. */
export interface EngineSnapshot {
  engineVersion: number;
  seed: number;
  timeZone: string;
  nowMs: number;
  eventCount: number;
  dayStartMs: number | null;
  nextDayStartMs: number | null;
  queues: QueueRecord[];
  agents: AgentRecord[];
  contacts: ContactRecord[];
}

/**
 * The state's records, deep-copied so the snapshot does not change with the
 * engine. The records sharedSnapshotOf makes are new objects already; only
 * their nested parts are copied here, part by part, rather than the whole
 * snapshot by a JSON round trip, which took 2.5 s for 110,000 contacts.
 * Records are plain data of known shapes, so the copy is the same data.
 */
export function snapshotState(state: State): EngineSnapshot {
  const snapshot = sharedSnapshotOf(state);
  for (const record of snapshot.queues) copyQueueParts(record);
  for (const record of snapshot.agents) copyAgentParts(record);
  for (const record of snapshot.contacts) {
    // Attribute values are strings, numbers and booleans: a shallow copy is a deep one.
    record.customer = { ...record.customer };
    record.attributes = { ...record.attributes };
    copyContactParts(record);
  }
  return snapshot;
}

/** Replaces a queue record's nested parts, which the engine changes in place, with copies. */
function copyQueueParts(record: QueueRecord): void {
  record.settings = clone(record.settings);
  record.stats = copyTally(record.stats);
  record.lastStatusSignature =
    record.lastStatusSignature === null ? null : [...record.lastStatusSignature];
}

/** Replaces an agent's nested parts, which the engine changes in place, with copies. */
function copyAgentParts(agent: AgentRecord): void {
  agent.capacity = { ...agent.capacity };
  agent.memberships = agent.memberships.map((membership) => ({ ...membership }));
  agent.wrapUpContactIds = [...agent.wrapUpContactIds];
  agent.held = [...agent.held];
  agent.recentOfferIds = [...agent.recentOfferIds];
  agent.stats = copyTally(agent.stats);
}

/** Replaces a contact's cool-downs with a copy (noCooldowns when it has none). */
function copyContactParts(contact: ContactRecord): void {
  contact.cooldowns =
    contact.cooldowns.length === 0
      ? noCooldowns
      : contact.cooldowns.map((cooldown) => ({ ...cooldown }));
}

/**
 * The state's records as a snapshot that shares their nested objects with the
 * engine: no copy, so it is valid only until the state changes next.
 */
export function sharedSnapshotOf(state: State): EngineSnapshot {
  return {
    engineVersion: ENGINE_VERSION,
    seed: state.seed,
    timeZone: state.timeZone,
    nowMs: state.nowMs,
    eventCount: state.eventCount,
    dayStartMs: state.dayStartMs,
    nextDayStartMs: state.nextDayStartMs,
    queues: [...state.queues.values()].map((queue): QueueRecord => ({
      settings: queue.settings,
      isOpen: queue.isOpen,
      hoursChangeAtMs: queue.hoursChangeAtMs,
      lastEnteredServiceWaitMs: queue.lastEnteredServiceWaitMs,
      lastStatusSignature: queue.lastStatusSignature,
      stats: queue.stats,
    })),
    agents: [...state.agents.values()].map(agentRecordOf),
    contacts: [...state.contacts.values()].map(contactRecordOf),
  };
}

/** Rebuilds a state and its indexes from a snapshot. */
export function restoreState(input: EngineSnapshot): State {
  if (input.engineVersion !== ENGINE_VERSION) {
    throw new Error(
      `Snapshot of engine version ${input.engineVersion} cannot be restored by version ${ENGINE_VERSION}`,
    );
  }
  // No deep copy of the whole input (it doubled the time of a restore): records are
  // rebuilt field by field below, and every part the engine mutates is copied.
  const snapshot = input;
  const state = emptyState(snapshot.seed, snapshot.timeZone);
  state.nowMs = snapshot.nowMs;
  state.eventCount = snapshot.eventCount;
  state.dayStartMs = snapshot.dayStartMs;
  state.nextDayStartMs = snapshot.nextDayStartMs;
  for (const record of snapshot.queues) {
    const queue = materializeQueue(record);
    copyQueueParts(queue);
    deriveQueueShape(queue);
    state.queues.set(queue.settings.id, queue);
    syncQueueTimer(state, queue);
  }
  const agents: Agent[] = [];
  for (const record of snapshot.agents) {
    const agent = materializeAgent(record);
    // The parts the engine changes in place are copies, so that the snapshot stays as it was.
    copyAgentParts(agent);
    state.agents.set(agent.id, agent);
    agents.push(agent);
    for (const membership of agent.memberships) {
      const queue = queueOf(state, membership.queueId);
      queue.members.add(agent);
      countAgentIn(state, queue, agent.activity, 1);
    }
  }
  for (const record of snapshot.contacts) {
    const contact = materializeContact(record);
    copyContactParts(contact);
    state.contacts.set(contact.id, contact);
    queueOf(state, contact.queueId).contactCount += 1;
    if (contact.offerId !== null) state.offers.set(contact.offerId, contact);
  }
  for (const contact of state.contacts.values()) attachContact(state, contact);
  for (const agent of agents) {
    orderQueues(state, agent);
    refreshAgent(state, agent, agent.activitySinceMs);
  }
  syncDayTimer(state);
  // The snapshot holds the last announced statuses; rebuilding them announces nothing.
  clearToAnnounce(state);
  return state;
}

/** A copy of a tally, faster than a JSON round trip for this known shape. */
function copyTally<C extends Record<string, number>>(tally: Tally<C>): Tally<C> {
  return {
    today: { ...tally.today },
    buckets: tally.buckets.map((bucket) => ({
      minute: bucket.minute,
      counters: { ...bucket.counters },
    })),
  };
}
