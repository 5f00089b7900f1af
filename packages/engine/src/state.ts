import type {
  ContactRecord,
  AgentCounters,
  AgentCounts,
  AgentId,
  AgentMode,
  Attributes,
  Capacity,
  Channel,
  ContactId,
  Customer,
  JoinedType,
  OfferId,
  Presence,
  QueueCounters,
  QueueId,
  QueueSettings,
} from '@lineup/protocol';
import { liveChannels } from '@lineup/protocol';
import { OrderedSet } from './ordered-set.ts';
import { SinceLine } from './since-line.ts';
import { empty } from './lists.ts';
import type { Tally } from './stats.ts';

/*
 * The engine's state: plain records (what snapshot() saves) plus indexes
 * derived from them (marked "derived", rebuilt by restore()). Only evolve.ts
 * changes records; it keeps the indexes in step through the functions here.
 */

/** What an agent is doing, for counts and time accounting; derived from presence, offers and contacts held. */
export type Activity = 'offline' | 'notReady' | 'wrapUp' | 'busy' | 'free';

/** An agent serving a queue. */
export interface MembershipState {
  queueId: QueueId;
  /** Higher is offered first in this queue (R4). */
  priority: number;
  /** Event number at which the agent started serving the queue: the `topDown` order. */
  seq: number;
}

/**
 * A queue an agent serves, as its routing loop reads it (R3). The numbers are
 * copies of the membership's priority and the queue's priority and aging rate,
 * so that the loop over an agent's queues, run on every decision, does not
 * touch the membership and settings objects; orderQueues rebuilds the entries
 * whenever one of them changes (agentJoinedQueue, queueUpdated).
 */
export interface QueueOfAgent {
  readonly membership: MembershipState;
  readonly queue: Queue;
  /** The agent's priority in the queue (membership.priority). */
  readonly agentPriority: number;
  /** The queue's priority (settings.priority). */
  readonly queuePriority: number;
  /** The queue's aging rate (settings.agingPointsPerMinute). */
  readonly agingPointsPerMinute: number;
  /** The queue's lines (queue.lineList, the same array), read without touching the queue. */
  readonly lineList: readonly LineEntry[];
  /**
   * The queue's line when it has exactly one (one channel, no bullseye steps:
   * most queues), else null; with its channel and minimum priority. The loop
   * then reaches the line's head in two loads rather than five (the list, its
   * storage, the entry, the line, the head), each mostly a miss of the CPU
   * cache on a large centre. syncSoleLine keeps them when the lines change.
   */
  soleLine: OrderedSet<Contact> | null;
  soleChannel: Channel;
  soleMinPriority: number;
}

/** Copies a queue's one line into a QueueOfAgent entry, or clears it when there are 0 or several. */
export function setSoleLine(entry: QueueOfAgent, lineList: readonly LineEntry[]): void {
  const sole = lineList.length === 1 ? lineList[0] : undefined;
  entry.soleLine = sole?.line ?? null;
  entry.soleChannel = sole?.channel ?? 'voice';
  entry.soleMinPriority = sole?.minPriority ?? Number.NEGATIVE_INFINITY;
}

/** Brings the sole-line copies of a queue's members up to date after its lines changed. O(members × memberships). */
export function syncSoleLine(queue: Queue): void {
  for (const agent of queue.members) {
    for (const entry of agent.queueOrder)
      if (entry.queue === queue) setSoleLine(entry, queue.lineList);
  }
}

/** A line of a queue in its flat list (Queue.lineList). */
export interface LineEntry {
  readonly channel: Channel;
  readonly level: number;
  readonly line: OrderedSet<Contact>;
  /**
   * The minimum agent priority of the line's bullseye level (R15): a copy of
   * levelMinPriority[level], which cannot change while the entry exists
   * (updateQueue rebuilds the lines), so that the routing loop reads it here.
   */
  readonly minPriority: number;
}

/** An agent's entry in a queue's free-agent index; its fields are frozen while it is indexed. */
export interface AgentSlot {
  readonly agent: Agent;
  readonly priority: number;
  /** The strategy's tie-breaker, smaller first (R4). */
  readonly key: number;
}

/** A cool-down: the agent is not offered the contact again until untilMs (R6). */
export interface Cooldown {
  agentId: AgentId;
  untilMs: number;
}

/** A timer: the engine must act at atMs. Kinds fire in the order of TimerKind at equal times. */
export interface TimerEntry {
  readonly atMs: number;
  readonly kind: TimerKind;
  readonly id: string;
  readonly sub: string;
}

/** Kinds of timers; at equal times they fire in this order. */
export const TimerKind = {
  day: 0,
  hours: 1,
  offer: 2,
  wrapUp: 3,
  cooldown: 4,
  sticky: 5,
  callbackDue: 6,
  expansion: 7,
  maxWait: 8,
} as const;
/** A kind of timer. */
export type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];

/** A queue: its settings, counters, and its lines of waiting contacts. */
export interface Queue {
  settings: QueueSettings;
  isOpen: boolean;
  hoursChangeAtMs: number | null;
  stats: Tally<QueueCounters>;
  lastEnteredServiceWaitMs: number | null;
  /** Signature of the last queueStatusChanged, so unchanged status is not sent again. */
  lastStatusSignature: number[] | null;

  /** Derived: waiting contacts by channel and bullseye level, in serving order (R2). */
  lines: Map<Channel, (OrderedSet<Contact> | undefined)[]>;
  /**
   * Derived: the same lines as a flat list, for the hot loops that visit them
   * all. The array is never replaced (updateQueue empties it in place), so that
   * QueueOfAgent can hold it.
   */
  readonly lineList: LineEntry[];
  /** Derived: waiting contacts by joinedAt, for the longest wait (since-line.ts). */
  bySince: SinceLine;
  /**
   * Derived: live contacts of the queue in any state. A count rather than a
   * set: a set's add and delete on every join and end cost more than the
   * scan of all contacts that updateQueue, the one reader of the list, makes.
   */
  contactCount: number;
  /** Derived: contacts queued (in a line, for one agent, or a callback not yet due). */
  waiting: number;
  /** Derived: contacts offered. */
  offered: number;
  /** Derived: member agents by activity. */
  agents: AgentCounts;
  /** Derived: agents serving the queue. */
  members: Set<Agent>;
  /** Derived: agents that may be offered a contact of each channel now, best first (R4). */
  freeAgents: Map<Channel, OrderedSet<AgentSlot>>;
  /** Derived: minimum agent priority of each bullseye level (R15); one level without expansion. */
  levelMinPriority: number[];
  /** Derived: channels the queue takes, callback included when callbacks are allowed. */
  channels: Channel[];
  /** Derived: this queue's hours timer. */
  timer: TimerEntry | null;
  /**
   * Derived: an input of its EWT other than counts changed during this
   * command (handle times, abandons, settings, hours); reset after the status check.
   */
  isEwtInputChanged: boolean;
  /** Derived: whether it is listed in State.queuesToAnnounce, so that it is listed once. */
  isToAnnounce: boolean;
}

/** An agent and what it holds. */
export interface Agent {
  id: AgentId;
  name: string;
  capacity: Capacity;
  memberships: MembershipState[];
  mode: AgentMode;
  presence: Presence;
  reason: string | null;
  wrapUpUntilMs: number | null;
  /** Start of the current wrap-up, for its duration. */
  wrapUpStartMs: number | null;
  /** Queue of the last contact that sent the agent into wrap-up: its wrap-up counts there. */
  wrapUpQueueId: QueueId | null;
  /** Contacts in wrap-up with this agent; they end when the wrap-up ends (R8). */
  wrapUpContactIds: ContactId[];
  /** The `longestIdle` key: last time it became ready, took or ended a contact. */
  idleSinceMs: number;
  /** The `roundRobin` key: event number of its last offer or assignment. */
  lastOfferSeq: number;
  offerContactId: ContactId | null;
  /** Contacts it holds now, in the order it took them. */
  held: ContactId[];
  /** Unanswered offers in a row (R6). */
  noAnswerCount: number;
  /** Its last few offer ids, so that answering an old one says offer_expired. */
  recentOfferIds: OfferId[];
  activity: Activity;
  activitySinceMs: number;
  stats: Tally<AgentCounters>;

  /** Derived: contacts held per channel. */
  heldByChannel: Record<Channel, number>;
  /** Derived: held contacts that take its whole attention (voice, video, callback). */
  heldLive: number;
  /** Derived: its entries in free-agent indexes; rebuilt lazily (see State.agentsToSlot). */
  slots: { set: OrderedSet<AgentSlot>; slot: AgentSlot }[];
  /** Derived: its memberships with their queues, highest queue priority first (R3). */
  queueOrder: QueueOfAgent[];
  /** Derived: contacts waiting for this agent only, by channel (R9, transfer to an agent). */
  personal: Map<Channel, OrderedSet<Contact>>;
  /** Derived: its wrap-up timer. */
  timer: TimerEntry | null;
  /** Derived: whether it is listed in State.agentsToSlot, so that it is listed once. */
  isToSlot: boolean;
  /**
   * Derived: the activity its queues' agent counts hold it in. It catches up
   * with `activity` in flushCounts, so that an agent freed and offered the
   * next contact in one command changes no count and touches none of its queues.
   */
  countedActivity: Activity;
  /** Derived: whether it is listed in State.agentsToCount, so that it is listed once. */
  isToCount: boolean;
}

/** What state a live contact is in. */
export type ContactStatus = 'queued' | 'offered' | 'assigned' | 'wrapUp';

/** A live contact: from joining until it ends. */
export class Contact {
  declare id: ContactId;
  declare queueId: QueueId;
  declare channel: Channel;
  declare customer: Customer;
  declare priority: number;
  declare joinedType: JoinedType;
  declare joinedAtMs: number;
  declare placeAtMs: number;
  declare preferredAgentId: AgentId | null;
  declare attributes: Attributes;
  declare callbackNumber: string | null;
  declare status: ContactStatus;
  /** When it joined its current queue: maxWait, stickiness and bullseye count from here. */
  declare queueEnteredAtMs: number;
  /** Bullseye level in its queue (R15). */
  declare level: number;
  declare stickyAgentId: AgentId | null;
  declare stickyUntilMs: number | null;
  declare notBeforeMs: number | null;
  declare offerId: OfferId | null;
  declare offerAgentId: AgentId | null;
  declare offerExpiresAtMs: number | null;
  declare agentId: AgentId | null;
  declare assignedAtMs: number | null;
  /** Never changed in place: replaced by a new list, or noCooldowns when empty. */
  declare cooldowns: readonly Cooldown[];
  declare callbackAttempts: number;
  /** Whether it was answered in its current queue already: a callback retried or a contact requeued counts once. */
  declare isAnswered: boolean;

  /** Derived: 1 for VIP customers, who go first (R2). */
  declare vip: number;
  /** Derived: priority score with aging, frozen while in a line (see lineOrder). */
  declare lineKey: number;
  /** Derived: the line holding it, or null. */
  declare line: OrderedSet<Contact> | null;
  /** Derived: the SinceLine whose live entry it has, or null (since-line.ts). */
  declare sinceLine: SinceLine | null;
  /** Derived: its timers (never changed in place: replaced by a new list or noTimers). */
  declare timers: readonly TimerEntry[];

  /**
   * Every contact is built here, fields in one order, so that all share one
   * hidden class: the lines compare contacts millions of times a second, and
   * mixed shapes would slow every comparison. A class rather than an object
   * literal: V8 pretenured the literal (its allocation site saw that waiting
   * contacts live long), and a CPU profile put about a tenth of the routing
   * cycle on building it in the old generation (the share left with
   * --no-allocation-site-pretenuring). A class's objects start young; with it
   * the engine bench's cycle ran 11–17 % faster against its floor. The fields
   * are declared, not defined, so that the constructor's stores are the only ones.
   */
  constructor(fields: ContactFields) {
    this.id = fields.id;
    this.queueId = fields.queueId;
    this.channel = fields.channel;
    this.customer = fields.customer;
    this.priority = fields.priority;
    this.joinedType = fields.joinedType;
    this.joinedAtMs = fields.joinedAtMs;
    this.placeAtMs = fields.placeAtMs;
    this.preferredAgentId = fields.preferredAgentId;
    this.attributes = fields.attributes;
    this.callbackNumber = fields.callbackNumber;
    this.status = fields.status;
    this.queueEnteredAtMs = fields.queueEnteredAtMs;
    this.level = fields.level;
    this.stickyAgentId = fields.stickyAgentId;
    this.stickyUntilMs = fields.stickyUntilMs;
    this.notBeforeMs = fields.notBeforeMs;
    this.offerId = fields.offerId;
    this.offerAgentId = fields.offerAgentId;
    this.offerExpiresAtMs = fields.offerExpiresAtMs;
    this.agentId = fields.agentId;
    this.assignedAtMs = fields.assignedAtMs;
    this.cooldowns = fields.cooldowns;
    this.callbackAttempts = fields.callbackAttempts;
    this.isAnswered = fields.isAnswered;
    this.vip = fields.customer.type === 'vip' ? 1 : 0;
    this.lineKey = 0;
    this.line = null;
    this.sinceLine = null;
    this.timers = noTimers;
  }
}

/** The whole state of one tenant's engine. */
export interface State {
  seed: number;
  timeZone: string;
  nowMs: number;
  /** Events applied so far; the number of the next event. */
  eventCount: number;
  dayStartMs: number | null;
  nextDayStartMs: number | null;
  queues: Map<QueueId, Queue>;
  agents: Map<AgentId, Agent>;
  contacts: Map<ContactId, Contact>;
  /** Derived: live offers by id. */
  offers: Map<OfferId, Contact>;
  /** Derived: every timer, soonest first. */
  timers: OrderedSet<TimerEntry>;
  /** Derived: the statistics-day timer. */
  dayTimer: TimerEntry | null;
  /**
   * Derived: agents whose free-agent slots are stale. Slots are rebuilt only
   * before an agent is looked for, so an agent freed and offered a contact in
   * one command never enters and leaves the free-agent sets. A list with a
   * flag on each agent (Agent.isToSlot) rather than a Set: it is filled and
   * emptied on every command, and a Set's clear() allocates a new table.
   * An agent whose flag was cleared (it was removed) is skipped.
   */
  agentsToSlot: Agent[];
  /**
   * Derived: agents whose activity changed since their queues' counts were
   * last brought up to date (Agent.countedActivity); a list for the same
   * reason as agentsToSlot.
   */
  agentsToCount: Agent[];
  /**
   * Derived: queues whose status inputs changed since the last status check,
   * in the order first changed, each once (Queue.isToAnnounce); a list for the
   * same reason as agentsToSlot.
   */
  queuesToAnnounce: Queue[];
  /**
   * Derived: the queue, agent and contact last looked up by id (queueOf,
   * agentOf, contactOf), or null. One command looks up the same few again
   * and again (an event's contact, then its queue in detach and attach); at
   * 100,000 contacts each map lookup mostly misses the CPU cache. Evolve
   * clears an entry when it deletes its record from the map.
   */
  recentQueue: Queue | null;
  recentAgent: Agent | null;
  recentContact: Contact | null;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Serving order inside a queue (R2): VIP first, then the aged score, then
 * earlier place, then id. With aging rate r points per minute, a contact's
 * score at time t is priority + r·(t − placeAt)/60000; since r is the same for
 * the whole queue, ordering by priority·60000 − r·placeAt (lineKey) gives the
 * same order at every t, so the line never needs re-sorting as time passes.
 */
export function lineOrder(a: Contact, b: Contact): number {
  return (
    b.vip - a.vip ||
    b.lineKey - a.lineKey ||
    a.placeAtMs - b.placeAtMs ||
    compareStrings(a.id, b.id)
  );
}

/** The frozen line key of a contact in a queue with the given aging rate. */
export function lineKeyOf(contact: Contact, agingPointsPerMinute: number): number {
  return contact.priority * 60_000 - agingPointsPerMinute * contact.placeAtMs;
}

/** Best agent first (R4): higher priority in the queue, then the strategy's key, then id. */
export function slotOrder(a: AgentSlot, b: AgentSlot): number {
  return b.priority - a.priority || a.key - b.key || compareStrings(a.agent.id, b.agent.id);
}

/** Soonest timer first, then by kind and ids: a total order. */
function timerOrder(a: TimerEntry, b: TimerEntry): number {
  return (
    a.atMs - b.atMs || a.kind - b.kind || compareStrings(a.id, b.id) || compareStrings(a.sub, b.sub)
  );
}

/** An empty state. */
export function emptyState(seed: number, timeZone: string): State {
  return {
    seed,
    timeZone,
    nowMs: 0,
    eventCount: 0,
    dayStartMs: null,
    nextDayStartMs: null,
    queues: new Map(),
    agents: new Map(),
    contacts: new Map(),
    offers: new Map(),
    timers: new OrderedSet(timerOrder),
    dayTimer: null,
    agentsToSlot: [],
    agentsToCount: [],
    queuesToAnnounce: [],
    recentQueue: null,
    recentAgent: null,
    recentContact: null,
  };
}

/** Lists a queue for the status check at the end of the command (R13), once. O(1). */
export function markToAnnounce(state: State, queue: Queue): void {
  if (queue.isToAnnounce) return;
  queue.isToAnnounce = true;
  state.queuesToAnnounce.push(queue);
}

/** Empties the list of queues to announce, unmarking them. */
export function clearToAnnounce(state: State): void {
  const queues = state.queuesToAnnounce;
  for (let index = 0; index < queues.length; index++) {
    const queue = queues[index] as Queue;
    queue.isToAnnounce = false;
    queue.isEwtInputChanged = false;
  }
  empty(queues);
}

/** Zero agent counts. */
export function zeroAgentCounts(): AgentCounts {
  return { serving: 0, ready: 0, busy: 0, wrapUp: 0, notReady: 0 };
}

/** A fresh line set. */
export function newLine(): OrderedSet<Contact> {
  return new OrderedSet(lineOrder);
}

/** A queue's records without its derived parts: what a snapshot holds. */
export type QueueFields = Pick<
  Queue,
  | 'settings'
  | 'isOpen'
  | 'hoursChangeAtMs'
  | 'stats'
  | 'lastEnteredServiceWaitMs'
  | 'lastStatusSignature'
>;

/**
 * Builds a queue with empty derived parts. Every field is written out, in one
 * order, rather than spread from a helper's object: spreading new properties
 * into an object literal took V8 tens of microseconds per object (a tenth of
 * a restore went on 10,000 agents built that way), and one literal gives
 * every queue one hidden class.
 */
export function materializeQueue(fields: QueueFields): Queue {
  return {
    settings: fields.settings,
    isOpen: fields.isOpen,
    hoursChangeAtMs: fields.hoursChangeAtMs,
    stats: fields.stats,
    lastEnteredServiceWaitMs: fields.lastEnteredServiceWaitMs,
    lastStatusSignature: fields.lastStatusSignature,
    lines: new Map(),
    lineList: [],
    bySince: new SinceLine(),
    contactCount: 0,
    waiting: 0,
    offered: 0,
    agents: zeroAgentCounts(),
    members: new Set(),
    freeAgents: new Map(),
    levelMinPriority: [],
    channels: [],
    timer: null,
    isEwtInputChanged: false,
    isToAnnounce: false,
  };
}

/** Recomputes a queue's channel list and bullseye levels from its settings. */
export function deriveQueueShape(queue: Queue): void {
  const settings = queue.settings;
  const channels = [...settings.channels];
  if (settings.callbacks.isAllowed && !channels.includes('callback')) channels.push('callback');
  queue.channels = channels;
  queue.levelMinPriority =
    settings.expansion.length === 0
      ? [Number.NEGATIVE_INFINITY]
      : settings.expansion.map((step) => step.minAgentPriority);
}

/** The line of a queue for a channel and level, created on first use. */
export function lineFor(queue: Queue, channel: Channel, level: number): OrderedSet<Contact> {
  let levels = queue.lines.get(channel);
  if (levels === undefined) {
    levels = [];
    queue.lines.set(channel, levels);
  }
  let line = levels[level];
  if (line === undefined) {
    line = newLine();
    levels[level] = line;
    queue.lineList.push({
      channel,
      level,
      line,
      minPriority: queue.levelMinPriority[level] ?? Number.NEGATIVE_INFINITY,
    });
    syncSoleLine(queue);
  }
  return line;
}

/** An agent's personal line for a channel, created on first use. */
export function personalLineFor(agent: Agent, channel: Channel): OrderedSet<Contact> {
  let line = agent.personal.get(channel);
  if (line === undefined) {
    line = newLine();
    agent.personal.set(channel, line);
  }
  return line;
}

/** Whether a channel takes an agent's whole attention. */
export const isLiveChannel = (channel: Channel): boolean => liveChannels.includes(channel);

/**
 * Whether the agent has room for one more contact of this channel: below its
 * capacity there, holding nothing live, and holding nothing at all if the new
 * contact is live. Presence and mode are checked elsewhere.
 */
export function hasRoomFor(agent: Agent, channel: Channel): boolean {
  if (agent.heldLive > 0) return false;
  if (isLiveChannel(channel) && agent.held.length > 0) return false;
  return agent.heldByChannel[channel] < agent.capacity[channel];
}

/** Whether the engine may offer this agent a contact now (R5, R7). */
export function isOfferable(agent: Agent): boolean {
  return agent.presence === 'ready' && agent.mode === 'auto' && agent.offerContactId === null;
}

/** The agent's activity, from its presence, offer and contacts. */
export function activityOf(agent: Agent): Activity {
  switch (agent.presence) {
    case 'offline':
      return 'offline';
    case 'notReady':
      // Not ready while still holding a contact (a break after this call) is busy: it works.
      return agent.held.length > 0 ? 'busy' : 'notReady';
    case 'wrapUp':
      return 'wrapUp';
    case 'ready':
      return agent.offerContactId !== null || agent.held.length > 0 ? 'busy' : 'free';
  }
}

/** Whether the contact is cooling down for this agent (R6). */
export function isCooling(contact: Contact, agentId: AgentId): boolean {
  for (const cooldown of contact.cooldowns) if (cooldown.agentId === agentId) return true;
  return false;
}

/** A membership's priority, or undefined when the agent does not serve the queue. */
export function membershipOf(agent: Agent, queueId: QueueId): MembershipState | undefined {
  return agent.memberships.find((membership) => membership.queueId === queueId);
}

/**
 * The cool-downs of a contact that has none, shared: the routing loop reads
 * the cool-downs of every line head it looks at, and a shared list is in the
 * CPU cache where one list per contact mostly is not; it also saves an array
 * per contact.
 */
export const noCooldowns: readonly Cooldown[] = [];

/** The timers of a contact that has none; shared (readonly, never filled), so that detaching a contact allocates nothing. */
export const noTimers: readonly TimerEntry[] = [];

/** A contact's records without its derived parts: what a snapshot holds. */
export type ContactFields = Omit<Contact, 'vip' | 'lineKey' | 'line' | 'sinceLine' | 'timers'>;

/** A contact that just joined a queue, as contactQueued describes it. */
export function newContact(
  record: ContactRecord,
  atMs: number,
  wait: { stickyAgentId: AgentId | null; stickyUntilMs: number | null; notBeforeMs: number | null },
): Contact {
  return new Contact({
    id: record.id,
    queueId: record.queueId,
    channel: record.channel,
    customer: { ...record.customer },
    priority: record.priority,
    joinedType: record.joinedType,
    joinedAtMs: record.joinedAtMs,
    placeAtMs: record.placeAtMs,
    preferredAgentId: record.preferredAgentId,
    attributes: { ...record.attributes },
    callbackNumber: record.callbackNumber,
    status: 'queued',
    queueEnteredAtMs: atMs,
    level: 0,
    stickyAgentId: wait.stickyAgentId,
    stickyUntilMs: wait.stickyUntilMs,
    notBeforeMs: wait.notBeforeMs,
    offerId: null,
    offerAgentId: null,
    offerExpiresAtMs: null,
    agentId: null,
    assignedAtMs: null,
    cooldowns: noCooldowns,
    callbackAttempts: 0,
    isAnswered: false,
  });
}

/** Contacts held per channel, none yet; a fixed-shape object, read on every routing step. */
export function noneHeld(): Record<Channel, number> {
  return { voice: 0, video: 0, chat: 0, callback: 0, email: 0, task: 0 };
}

/** An agent's records without its derived parts: what a snapshot holds. */
export type AgentFields = Omit<
  Agent,
  | 'heldByChannel'
  | 'heldLive'
  | 'slots'
  | 'queueOrder'
  | 'personal'
  | 'timer'
  | 'isToSlot'
  | 'countedActivity'
  | 'isToCount'
>;

/**
 * An agent's records without its derived parts, sharing its nested objects,
 * with `stats` for its statistics (a snapshot's saved form): every field
 * written out, in the order a snapshot lists them. A rest pattern
 * (`{ timer, ...record }`) gave the same object but went through V8's slow
 * generic copy.
 */
export function agentRecordOf<S>(
  agent: Agent,
  stats: S,
): Omit<AgentFields, 'stats'> & { stats: S } {
  return {
    id: agent.id,
    name: agent.name,
    capacity: agent.capacity,
    memberships: agent.memberships,
    mode: agent.mode,
    presence: agent.presence,
    reason: agent.reason,
    wrapUpUntilMs: agent.wrapUpUntilMs,
    wrapUpStartMs: agent.wrapUpStartMs,
    wrapUpQueueId: agent.wrapUpQueueId,
    wrapUpContactIds: agent.wrapUpContactIds,
    idleSinceMs: agent.idleSinceMs,
    lastOfferSeq: agent.lastOfferSeq,
    offerContactId: agent.offerContactId,
    held: agent.held,
    noAnswerCount: agent.noAnswerCount,
    recentOfferIds: agent.recentOfferIds,
    activity: agent.activity,
    activitySinceMs: agent.activitySinceMs,
    stats,
  };
}

/**
 * Builds an agent with empty derived parts, every field written out in the
 * order snapshots list them (see materializeQueue for why not a spread).
 */
export function materializeAgent(fields: AgentFields): Agent {
  return {
    id: fields.id,
    name: fields.name,
    capacity: fields.capacity,
    memberships: fields.memberships,
    mode: fields.mode,
    presence: fields.presence,
    reason: fields.reason,
    wrapUpUntilMs: fields.wrapUpUntilMs,
    wrapUpStartMs: fields.wrapUpStartMs,
    wrapUpQueueId: fields.wrapUpQueueId,
    wrapUpContactIds: fields.wrapUpContactIds,
    idleSinceMs: fields.idleSinceMs,
    lastOfferSeq: fields.lastOfferSeq,
    offerContactId: fields.offerContactId,
    held: fields.held,
    noAnswerCount: fields.noAnswerCount,
    recentOfferIds: fields.recentOfferIds,
    activity: fields.activity,
    activitySinceMs: fields.activitySinceMs,
    stats: fields.stats,
    heldByChannel: noneHeld(),
    heldLive: 0,
    slots: [],
    queueOrder: [],
    personal: new Map(),
    timer: null,
    isToSlot: false,
    countedActivity: fields.activity,
    isToCount: false,
  };
}
