import { assert, fail } from './assert.ts';
import { clone } from './clone.ts';
import type {
  AgentCounters,
  Channel,
  ContactId,
  Customer,
  CustomerId,
  CustomerType,
  QueueCounters,
  QueueId,
} from '@lineup/protocol';
import {
  attachContact,
  countAgentIn,
  flushCounts,
  orderQueues,
  queueOf,
  refreshAgent,
  syncDayTimer,
  syncQueueTimer,
} from './indexes.ts';
import {
  agentRecordOf,
  materializeAgent,
  materializeQueue,
  noCooldowns,
  clearToAnnounce,
  deriveQueueShape,
  emptyState,
  type Agent,
  type AgentFields,
  Contact,
  type ContactFields,
  type Queue,
  type State,
} from './state.ts';
import {
  agentCounterKind,
  newTally,
  queueCounterKind,
  valuesOf,
  windowMinutes,
  windowStartMs,
  zeros,
  type CounterKind,
  type Tally,
} from './stats.ts';

/*
 * snapshot() and restore(): the state's records as versioned JSON-able data.
 * Indexes are not saved; restore rebuilds them in O(n log n). Changing what a
 * snapshot holds or means bumps ENGINE_VERSION, and restore refuses versions
 * it does not know rather than guess (an older Lineup refuses a newer
 * snapshot in words rather than misreading it).
 */

/**
 * Version of the engine's state, behaviour and snapshot form; bumped when
 * replay would differ or a snapshot changes form. 3: contacts in columns.
 */
export const ENGINE_VERSION = 3;

/** Versions whose snapshots restore reads: 2 saved the contacts as records (SavedContact). */
const restorableEngineVersions: readonly number[] = [2, ENGINE_VERSION];

type QueueRecord = Pick<
  Queue,
  'settings' | 'isOpen' | 'hoursChangeAtMs' | 'lastEnteredServiceWaitMs' | 'lastStatusSignature'
> & {
  stats: SavedTally<QueueCounters>;
};
type AgentRecord = Omit<AgentFields, 'stats'> & {
  stats: SavedTally<AgentCounters>;
};

/**
 * A tally as a snapshot keeps it: today's counters, and only the minute
 * buckets still inside the window at the snapshot's time, as arrays of
 * numbers in the order of QueueCounter or AgentCounter (new counters are
 * only ever added at the end), trailing zeros left out; a bucket is its
 * minute followed by its counters. A live tally has windowMinutes buckets of
 * every counter, mostly empty or of minutes gone by: 10,000 agents' tallies
 * were 30 MB of JSON, most of a snapshot's size; saved with every counter
 * named, 2,500 busy agents' tallies were still 2 MB of the server bench's
 * 2.7 MB snapshot. Older snapshots named the counters, and listed every
 * bucket: they read the same.
 */
interface SavedTally<C extends Record<string, number>> {
  today: number[] | C;
  buckets: (number[] | { minute: number; counters: Partial<C> })[];
}

/**
 * Counters as saved: the array without its trailing zeros; after `minute`
 * when one is given (a bucket), which is built into the array at once rather
 * than spread into another.
 */
function savedValuesOf(values: readonly number[], minute?: number): number[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === 0) end -= 1;
  if (minute === undefined) return values.slice(0, end);
  const saved = [minute];
  for (let index = 0; index < end; index++) saved.push(values[index] as number);
  return saved;
}

/** Saved counters, of either form, as a live array of a kind. */
function liveValuesOf<C extends Record<string, number>>(
  kind: CounterKind<C>,
  saved: readonly number[] | Partial<C>,
): number[] {
  if (!Array.isArray(saved)) return valuesOf(kind, saved as Partial<C>);
  const values = zeros(kind.names.length);
  for (let index = 0; index < values.length && index < saved.length; index++)
    values[index] = saved[index] as number;
  return values;
}
/** A contact's fields that every saved contact has; the rest are saved only when unusual. */
type ContactCore = Pick<ContactFields, 'id' | 'queueId' | 'channel' | 'customer' | 'joinedAtMs'>;

/** A saved contact's other fields: only those not at their usual value (savedRestOf). */
type ContactRest = Partial<Omit<ContactFields, 'id' | 'queueId' | 'channel' | 'joinedAtMs'>>;

/**
 * A contact as snapshots of engine version 2 kept it, one record per contact:
 * its core fields, and the others when unusual (the oldest held every
 * field). Restore still reads it; snapshots are now written as SavedContacts.
 */
type SavedContact = ContactCore & Omit<ContactRest, 'customer'>;

/**
 * The contacts as a snapshot keeps them: column by column, so that a line of
 * 100,000 waiting contacts is arrays of strings and numbers rather than
 * 200,000 objects (each contact and its customer) to parse at a start, to
 * collect afterwards and to write at a stop. The queue, the channel and the
 * customer's type are indexes into `names`, which holds each distinct value
 * once. A contact with any field at an unusual value, or a customer with
 * more than an id and a type, also has an entry in `rest`: its index in the
 * columns and those fields (the customer whole), in the order of the columns.
 */
interface SavedContacts {
  names: string[];
  id: ContactId[];
  queueId: number[];
  channel: number[];
  customerId: CustomerId[];
  customerType: number[];
  joinedAtMs: number[];
  rest: [number, ContactRest][];
}

/** The usual values of a contact's fields, left out of a saved contact. */
const usualContactValues = {
  priority: 0,
  joinedType: 'inbound',
  preferredAgentId: null,
  callbackNumber: null,
  status: 'queued',
  level: 0,
  stickyAgentId: null,
  stickyUntilMs: null,
  notBeforeMs: null,
  offerId: null,
  offerAgentId: null,
  offerExpiresAtMs: null,
  agentId: null,
  assignedAtMs: null,
  callbackAttempts: 0,
  isAnswered: false,
} as const satisfies Partial<ContactFields>;
const usualContactKeys = Object.keys(usualContactValues) as (keyof typeof usualContactValues)[];

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
  /** SavedContacts; one record per contact in snapshots of engine version 2. */
  contacts: SavedContacts | SavedContact[];
}

/** A snapshot as this engine writes it: the contacts in columns. */
type WrittenSnapshot = EngineSnapshot & { contacts: SavedContacts };

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
  // The columns hold strings and numbers; only the rest's objects are the engine's own.
  for (const [, rest] of snapshot.contacts.rest) {
    // Attribute values are strings, numbers and booleans: a shallow copy is a deep one.
    if (rest.customer !== undefined) rest.customer = { ...rest.customer };
    if (rest.attributes !== undefined) rest.attributes = { ...rest.attributes };
    if (rest.cooldowns !== undefined)
      rest.cooldowns = rest.cooldowns.map((cooldown) => ({ ...cooldown }));
  }
  return snapshot;
}

/** Replaces a queue record's nested parts, which the engine changes in place, with copies. */
function copyQueueParts(record: Omit<QueueRecord, 'stats'>): void {
  record.settings = clone(record.settings);
  record.lastStatusSignature =
    record.lastStatusSignature === null ? null : [...record.lastStatusSignature];
}

/** Replaces an agent's nested parts, which the engine changes in place, with copies. */
function copyAgentParts(agent: Omit<AgentRecord, 'stats'>): void {
  agent.capacity = { ...agent.capacity };
  agent.memberships = agent.memberships.map((membership) => ({ ...membership }));
  agent.wrapUpContactIds = [...agent.wrapUpContactIds];
  agent.held = [...agent.held];
  agent.recentOfferIds = [...agent.recentOfferIds];
}

/** A tally as a snapshot keeps it (SavedTally): new objects, so it stays as it was. */
function savedTallyOf<C extends Record<string, number>>(
  tally: Tally<C>,
  nowMs: number,
): SavedTally<C> {
  // A bucket of a minute before the window at the snapshot's time is never read again:
  // the clock does not go back, and a write in a later minute resets it.
  // An empty bucket's minute is -1.
  const firstMinute = Math.max(0, windowStartMs(nowMs) / 60_000);
  const buckets: number[][] = [];
  for (const bucket of tally.buckets) {
    if (bucket.minute < firstMinute) continue;
    buckets.push(savedValuesOf(bucket.counters, bucket.minute));
  }
  return { today: savedValuesOf(tally.today), buckets };
}

/** A live tally from a saved one: every bucket in its minute's place, empty ones zero. */
function tallyOf<C extends Record<string, number>>(
  saved: SavedTally<C>,
  kind: CounterKind<C>,
): Tally<C> {
  const tally = newTally(kind);
  for (const bucket of saved.buckets) {
    const [minute, counters] = Array.isArray(bucket)
      ? [bucket[0] ?? -1, bucket.slice(1)]
      : [bucket.minute, bucket.counters];
    if (minute < 0) continue;
    tally.buckets[minute % windowMinutes] = { minute, counters: liveValuesOf(kind, counters) };
  }
  tally.today = liveValuesOf(kind, saved.today);
  return tally;
}

/** Whether an object has an own key, without listing them all. */
function hasKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}

/** Whether a customer has nothing but its id and its type. */
function isPlainCustomer(customer: Customer): boolean {
  for (const key in customer) {
    if (key !== 'id' && key !== 'type' && customer[key as keyof Customer] !== undefined)
      return false;
  }
  return true;
}

/** A contact's fields beyond its core, those at their usual value left out; null when none is left. */
function savedRestOf(contact: Contact): ContactRest | null {
  const rest: ContactRest = {};
  if (!isPlainCustomer(contact.customer)) rest.customer = contact.customer;
  // The times are usually the time it joined; the order of the keys is the same every time.
  if (contact.placeAtMs !== contact.joinedAtMs) rest.placeAtMs = contact.placeAtMs;
  if (contact.queueEnteredAtMs !== contact.joinedAtMs)
    rest.queueEnteredAtMs = contact.queueEnteredAtMs;
  for (const key of usualContactKeys) {
    if (contact[key] !== usualContactValues[key])
      (rest as Record<string, unknown>)[key] = contact[key];
  }
  if (hasKeys(contact.attributes)) rest.attributes = contact.attributes;
  if (contact.cooldowns.length > 0) rest.cooldowns = contact.cooldowns;
  return hasKeys(rest) ? rest : null;
}

/** The contacts in columns (SavedContacts), sharing the rest's objects with the engine. */
function savedContactsOf(contacts: Iterable<Contact>): SavedContacts {
  const saved: SavedContacts = {
    names: [],
    id: [],
    queueId: [],
    channel: [],
    customerId: [],
    customerType: [],
    joinedAtMs: [],
    rest: [],
  };
  const indexOfName = new Map<string, number>();
  const nameIndex = (name: string): number => {
    let index = indexOfName.get(name);
    if (index === undefined) {
      index = saved.names.length;
      saved.names.push(name);
      indexOfName.set(name, index);
    }
    return index;
  };
  let index = 0;
  for (const contact of contacts) {
    saved.id.push(contact.id);
    saved.queueId.push(nameIndex(contact.queueId));
    saved.channel.push(nameIndex(contact.channel));
    saved.customerId.push(contact.customer.id);
    saved.customerType.push(nameIndex(contact.customer.type));
    saved.joinedAtMs.push(contact.joinedAtMs);
    const rest = savedRestOf(contact);
    if (rest !== null) saved.rest.push([index, rest]);
    index += 1;
  }
  return saved;
}

/**
 * A saved contact's fields, the usual values filled in where `rest` has
 * none, with fresh copies of the parts the engine changes in place, so that
 * the snapshot stays as it was.
 */
function contactFieldsOf(
  id: ContactId,
  queueId: QueueId,
  channel: Channel,
  customer: Customer,
  joinedAtMs: number,
  rest: ContactRest | undefined,
): ContactFields {
  return {
    id,
    queueId,
    channel,
    customer,
    priority: rest?.priority ?? usualContactValues.priority,
    joinedType: rest?.joinedType ?? usualContactValues.joinedType,
    joinedAtMs,
    placeAtMs: rest?.placeAtMs ?? joinedAtMs,
    preferredAgentId: rest?.preferredAgentId ?? null,
    attributes: rest?.attributes ?? {},
    callbackNumber: rest?.callbackNumber ?? null,
    status: rest?.status ?? usualContactValues.status,
    queueEnteredAtMs: rest?.queueEnteredAtMs ?? joinedAtMs,
    level: rest?.level ?? usualContactValues.level,
    stickyAgentId: rest?.stickyAgentId ?? null,
    stickyUntilMs: rest?.stickyUntilMs ?? null,
    notBeforeMs: rest?.notBeforeMs ?? null,
    offerId: rest?.offerId ?? null,
    offerAgentId: rest?.offerAgentId ?? null,
    offerExpiresAtMs: rest?.offerExpiresAtMs ?? null,
    agentId: rest?.agentId ?? null,
    assignedAtMs: rest?.assignedAtMs ?? null,
    cooldowns:
      rest?.cooldowns === undefined || rest.cooldowns.length === 0
        ? noCooldowns
        : rest.cooldowns.map((cooldown) => ({ ...cooldown })),
    callbackAttempts: rest?.callbackAttempts ?? usualContactValues.callbackAttempts,
    isAnswered: rest?.isAnswered ?? usualContactValues.isAnswered,
  };
}

/** Calls `restore` with each saved contact's fields, from either form, in the order saved. */
function forEachSavedContact(
  contacts: SavedContacts | SavedContact[],
  restore: (fields: ContactFields) => void,
): void {
  if (Array.isArray(contacts)) {
    for (const saved of contacts) {
      const { id, queueId, channel, customer, joinedAtMs } = saved;
      restore(contactFieldsOf(id, queueId, channel, customer, joinedAtMs, saved));
    }
    return;
  }
  const { names, id, queueId, channel, customerId, customerType, joinedAtMs, rest } = contacts;
  const count = id.length;
  for (const column of [queueId, channel, customerId, customerType, joinedAtMs]) {
    assert(column.length === count, `snapshot columns of ${count} contacts hold ${column.length}`);
  }
  const nameAt = (index: number | undefined): string => {
    const name = index === undefined ? undefined : names[index];
    if (name === undefined)
      fail(`snapshot name index ${index} is not in its ${names.length} names`);
    return name;
  };
  let restAt = 0;
  for (let index = 0; index < count; index++) {
    const entry = rest[restAt];
    const more = entry?.[0] === index ? entry[1] : undefined;
    if (more !== undefined) restAt += 1;
    const customer = more?.customer ?? {
      id: customerId[index] as CustomerId,
      type: nameAt(customerType[index]) as CustomerType,
    };
    restore(
      contactFieldsOf(
        id[index] as ContactId,
        nameAt(queueId[index]) as QueueId,
        nameAt(channel[index]) as Channel,
        customer,
        joinedAtMs[index] as number,
        more,
      ),
    );
  }
  assert(restAt === rest.length, `snapshot rest has ${rest.length - restAt} entries out of order`);
}

/**
 * The state's records as a snapshot that shares their nested objects with the
 * engine: no copy, so it is valid only until the state changes next.
 */
export function sharedSnapshotOf(state: State): WrittenSnapshot {
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
      stats: savedTallyOf(queue.stats, state.nowMs),
    })),
    // The record is made with its stats at once: a spread of it into a new object went through
    // V8's generic copy, a third of the time of a snapshot of 2,500 agents.
    agents: [...state.agents.values()].map((agent): AgentRecord =>
      agentRecordOf(agent, savedTallyOf(agent.stats, state.nowMs)),
    ),
    contacts: savedContactsOf(state.contacts.values()),
  };
}

/** Rebuilds a state and its indexes from a snapshot. */
export function restoreState(input: EngineSnapshot): State {
  if (!restorableEngineVersions.includes(input.engineVersion)) {
    throw new Error(
      `Snapshot of engine version ${input.engineVersion} cannot be restored by version ${ENGINE_VERSION} (it reads ${restorableEngineVersions.join(' and ')})`,
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
    const queue = materializeQueue({ ...record, stats: tallyOf(record.stats, queueCounterKind) });
    copyQueueParts(queue);
    deriveQueueShape(queue);
    state.queues.set(queue.settings.id, queue);
    syncQueueTimer(state, queue);
  }
  const agents: Agent[] = [];
  for (const record of snapshot.agents) {
    const agent = materializeAgent({ ...record, stats: tallyOf(record.stats, agentCounterKind) });
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
  forEachSavedContact(snapshot.contacts, (fields) => {
    const contact = new Contact(fields);
    state.contacts.set(contact.id, contact);
    queueOf(state, contact.queueId).contactCount += 1;
    if (contact.offerId !== null) state.offers.set(contact.offerId, contact);
    // Attached at once, while it is the newest object of its shape. Attaching writes fields
    // the constructor set; attaching every contact after all were made had V8 migrate each
    // of the others to the shape that write left (about 6 µs a contact): making and attaching
    // 100,000 contacts took 900 ms, and now 340 ms.
    attachContact(state, contact);
  });
  for (const agent of agents) {
    orderQueues(state, agent);
    refreshAgent(state, agent, agent.activitySinceMs);
  }
  syncDayTimer(state);
  flushCounts(state);
  // The snapshot holds the last announced statuses; rebuilding them announces nothing.
  clearToAnnounce(state);
  return state;
}
