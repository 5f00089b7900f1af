import {
  agentTransferWaitMsDefault,
  capacityDefaults,
  erlangAPredictor,
  handlePriorWeight,
  queueDefaults,
} from '../src/index.ts';
import {
  agentsMax,
  asAgentId,
  asOfferId,
  channels as allChannels,
  liveChannels,
  liveContactsMax,
  membershipsPerAgentMax,
  queuesMax,
  type AgentCounts,
  type AgentId,
  type AgentMode,
  type AgentStateCause,
  type Attributes,
  type Capacity,
  type Channel,
  type Command,
  type CommandOf,
  type ContactId,
  type Customer,
  type ErrorCode,
  type Event,
  type EventOf,
  type JoinedType,
  type OfferCancelReason,
  type OfferId,
  type Presence,
  type QueueId,
  type QueueSettings,
} from '@lineup/protocol';
import { isOpen, nextChangeMs } from '../src/index.ts';

/*
 * The reference model: a deliberately naive router used only by the property tests
 * (model.test.ts). It takes the same commands as the Engine and emits the same events, from the
 * rules of DESIGN.md §2 and docs/routing.md, with none of the engine's machinery: no ordered
 * sets, no free-agent indexes, no timer queue, no counters kept in step. Every question ("who is
 * free?", "what is due?", "where does this contact stand?") is answered by scanning everything
 * and sorting it in full, so that each rule reads as written.
 *
 * Two things are checked rather than copied. Queue status events (queueStatusChanged, R13): the
 * engine announces the queues whose status inputs an event changed and whose status did change,
 * in an order that follows its internals; takeAnnouncements() checks each announcement against
 * the model's status, and that no change went unannounced. The `random` strategy (R4): the model
 * hands the eligible agents to `pickRandom`, and the test checks that the engine's choice is one
 * of them. Offer ids come from the model's own event counter, which does not count status
 * events; the tests compare them normalised.
 */

// --- Settings the rules leave to defaults (docs/routing.md, Defaults) -----------------------

// Defaults are documented data, not routing logic: the model takes the engine's published ones.
const agentTransferWaitMs = agentTransferWaitMsDefault;
/** Offer ids an agent remembers, to tell offer_expired from offer_not_found. */
const recentOffersKept = 8;
const predictorNames = ['queueLength', 'headOfLine', 'lastToEnterService', 'erlangA'];
const minuteMs = 60_000;
const dayMs = 86_400_000;
/** Handle times of the last 15 minutes feed the EWT (docs/routing.md, Positions and EWT). */
const windowMinutes = 15;

// --- The model's state: plain records --------------------------------------------------------

interface ModelQueue {
  settings: QueueSettings;
  isOpen: boolean;
  hoursChangeAtMs: number | null;
  /** Every handled contact and ended wrap-up, for the handle time of the EWT. */
  handleLog: { minute: number; handled: number; handleMs: number }[];
  /** Every first answer and abandon, for the abandon rate of the EWT. */
  outcomeLog: { minute: number; answered: number; abandoned: number }[];
  todayHandled: number;
  todayHandleMs: number;
  lastEnteredServiceWaitMs: number | null;
  /** The status last announced (R13), to announce only changes. */
  lastStatusKey: { key: string; ewtMs: number | null } | null;
}

interface ModelMembership {
  queueId: QueueId;
  priority: number;
  /** Number of the event that made the agent serve the queue: the `topDown` key. */
  seq: number;
}

interface ModelAgent {
  id: AgentId;
  name: string;
  capacity: Capacity;
  memberships: ModelMembership[];
  mode: AgentMode;
  presence: Presence;
  reason: string | null;
  wrapUpUntilMs: number | null;
  wrapUpStartMs: number | null;
  wrapUpQueueId: QueueId | null;
  wrapUpContactIds: ContactId[];
  /** `longestIdle` key. */
  idleSinceMs: number;
  /** `roundRobin` key: number of the event of its last offer or assignment, -1 for never. */
  lastOfferSeq: number;
  offerContactId: ContactId | null;
  held: ContactId[];
  noAnswerCount: number;
  recentOfferIds: OfferId[];
  /** `fewestContacts` key. */
  answeredToday: number;
  /** `leastTalkTime` key. */
  talkMsToday: number;
}

type ContactStatus = 'queued' | 'offered' | 'assigned' | 'wrapUp';

interface ModelContact {
  id: ContactId;
  queueId: QueueId;
  channel: Channel;
  customer: Customer;
  priority: number;
  joinedType: JoinedType;
  joinedAtMs: number;
  placeAtMs: number;
  preferredAgentId: AgentId | null;
  attributes: Attributes;
  callbackNumber: string | null;
  status: ContactStatus;
  queueEnteredAtMs: number;
  level: number;
  stickyAgentId: AgentId | null;
  stickyUntilMs: number | null;
  notBeforeMs: number | null;
  offerId: OfferId | null;
  offerAgentId: AgentId | null;
  offerExpiresAtMs: number | null;
  agentId: AgentId | null;
  assignedAtMs: number | null;
  cooldowns: { agentId: AgentId; untilMs: number }[];
  callbackAttempts: number;
  /** Answered in its current queue already: a requeued or retried contact counts once there. */
  isAnswered: boolean;
}

/** Kinds of timers, in the order they fire at equal times. */
const timerKinds = [
  'day',
  'hours',
  'offer',
  'wrapUp',
  'cooldown',
  'sticky',
  'callbackDue',
  'expansion',
  'maxWait',
] as const;
type TimerKind = (typeof timerKinds)[number];
interface Timer {
  atMs: number;
  kind: TimerKind;
  id: string;
  sub: string;
}

/** A queue's status as the model sees it (R13), without service level and abandon rate. */
export interface ModelQueueStatus {
  waiting: number;
  offered: number;
  longestWaitingSinceMs: number | null;
  agents: AgentCounts;
  ewtMs: number | null;
  isOffline: boolean;
  isOpen: boolean;
}

/** What the model did with a command. */
export interface ModelDecision {
  events: Event[];
  rejection: ErrorCode | null;
}

/**
 * Chooses among the agents the `random` strategy may pick (R4); `eventIndex` is the index the
 * offerCreated will have among the command's events.
 */
export type RandomPick = (eligible: readonly AgentId[], eventIndex: number) => AgentId;

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const isLive = (channel: Channel): boolean => liveChannels.includes(channel);
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** The fields of a status whose change is announced (R13), as one string. */
const statusKey = (status: ModelQueueStatus): string =>
  JSON.stringify([
    status.waiting,
    status.offered,
    status.longestWaitingSinceMs,
    status.agents.serving,
    status.agents.ready,
    status.agents.busy,
    status.agents.wrapUp,
    status.agents.notReady,
    status.ewtMs,
    status.isOffline,
    status.isOpen,
  ]);

// --- The model --------------------------------------------------------------------------------

/** The reference router: same commands in, same events out (queue status aside). */
export class ReferenceModel {
  /** The clock: the time of the latest event. */
  private nowMs = 0;
  private eventCount = 0;
  private dayStartMs: number | null = null;
  private nextDayStartMs: number | null = null;
  private readonly queues = new Map<QueueId, ModelQueue>();
  private readonly agents = new Map<AgentId, ModelAgent>();
  private readonly contacts = new Map<ContactId, ModelContact>();
  private events: Event[] = [];
  /** The time of the last command, clamped to the clock: when status is announced (R13). */
  private commandAtMs = 0;

  constructor(private readonly pickRandom: RandomPick = (eligible) => eligible[0]!) {}

  /** Runs one command: the timers due by its time, then the command itself. */
  execute(command: Command): ModelDecision {
    this.events = [];
    // A command older than the clock happens now.
    const atMs = Math.max(command.atMs, this.nowMs);
    this.commandAtMs = atMs;
    this.fireDue(atMs);
    const rejection = command.type === 'tick' ? null : this.handle({ ...command, atMs });
    return { events: this.events, rejection };
  }

  // --- Queries for the tests ------------------------------------------------------------------

  /** A contact's position and EWT (R13), or null when it is in no line. */
  placeOf(contactId: ContactId): { position: number; ewtMs: number | null } | null {
    const contact = this.contacts.get(contactId);
    if (contact === undefined) return null;
    const position = this.position(contact);
    if (position === null) return null;
    return { position, ewtMs: this.ewt(this.queue(contact.queueId), position, this.nowMs) };
  }

  /** A queue's status (R13), or null for an unknown queue. */
  queueStatus(queueId: QueueId): ModelQueueStatus | null {
    const queue = this.queues.get(queueId);
    return queue === undefined ? null : this.statusAt(queue, this.nowMs);
  }

  private statusAt(queue: ModelQueue, atMs: number): ModelQueueStatus {
    const queueId = queue.settings.id;
    const agents = this.agentCounts(queueId);
    const waiting = this.waitingIn(queueId);
    return {
      waiting: waiting.length,
      offered: this.contactsOf(queueId).filter((contact) => contact.status === 'offered').length,
      longestWaitingSinceMs:
        waiting.length === 0 ? null : Math.min(...waiting.map((contact) => contact.joinedAtMs)),
      agents,
      ewtMs: this.ewt(queue, waiting.length + 1, atMs),
      isOffline: agents.serving === 0,
      isOpen: queue.isOpen,
    };
  }

  /**
   * R13: checks the queue status events the engine announced at the end of the last command,
   * and takes them in (they move the clock). Each must be a queue's true status, differ from
   * the last one announced for it, and be announced once; every queue whose waiting, offered,
   * longest wait, agent counts, offline or open state changed since its last announcement must
   * be announced. A change of EWT alone may or may not be: it also moves with the clock, like
   * service level and abandon rate, which the model does not compute. Returns a problem or null.
   */
  takeAnnouncements(announced: readonly EventOf<'queueStatusChanged'>[]): string | null {
    const atMs = this.commandAtMs;
    const seen = new Set<QueueId>();
    for (const event of announced) {
      const queueId = event.status.queueId;
      const queue = this.queues.get(queueId);
      if (queue === undefined) return `[R13] status announced for unknown queue ${queueId}`;
      if (event.atMs !== atMs)
        return `[R13] status of ${queueId} announced at ${event.atMs}, not ${atMs}`;
      if (seen.has(queueId)) return `[R13] status of ${queueId} announced twice`;
      seen.add(queueId);
      const { serviceLevel: _level, abandonRate: _rate, queueId: _id, ...status } = event.status;
      const expected = this.statusAt(queue, atMs);
      const key = statusKey(expected);
      if (statusKey(status) !== key)
        return `[R13] announced status of ${queueId} is ${statusKey(status)}, expected ${key}`;
      if (key === queue.lastStatusKey?.key)
        return `[R13] unchanged status of ${queueId} announced again`;
      queue.lastStatusKey = { key, ewtMs: expected.ewtMs };
      this.nowMs = Math.max(this.nowMs, atMs);
    }
    for (const queue of this.queues.values()) {
      const status = this.statusAt(queue, atMs);
      const key = statusKey(status);
      const last = queue.lastStatusKey;
      if (last === null || statusKey({ ...status, ewtMs: last.ewtMs }) !== last.key)
        return `[R13] status of ${queue.settings.id} changed to ${key} but was not announced (last: ${last?.key})`;
    }
    return null;
  }

  // --- Lookups ----------------------------------------------------------------------------------

  private queue(queueId: QueueId): ModelQueue {
    const queue = this.queues.get(queueId);
    if (queue === undefined) throw new Error(`model: queue ${queueId} is missing`);
    return queue;
  }
  private agent(agentId: AgentId): ModelAgent {
    const agent = this.agents.get(agentId);
    if (agent === undefined) throw new Error(`model: agent ${agentId} is missing`);
    return agent;
  }
  private contact(contactId: ContactId): ModelContact {
    const contact = this.contacts.get(contactId);
    if (contact === undefined) throw new Error(`model: contact ${contactId} is missing`);
    return contact;
  }
  private contactsOf(queueId: QueueId): ModelContact[] {
    return [...this.contacts.values()].filter((contact) => contact.queueId === queueId);
  }
  /** Contacts counted as waiting: queued in a line, for one agent, or a callback not yet due. */
  private waitingIn(queueId: QueueId): ModelContact[] {
    return this.contactsOf(queueId).filter((contact) => contact.status === 'queued');
  }
  private membership(agent: ModelAgent, queueId: QueueId): ModelMembership | undefined {
    return agent.memberships.find((membership) => membership.queueId === queueId);
  }
  private membersOf(queueId: QueueId): ModelAgent[] {
    return [...this.agents.values()]
      .filter((agent) => this.membership(agent, queueId) !== undefined)
      .sort((a, b) => compareStrings(a.id, b.id));
  }
  /** The channels a queue takes: its list, plus callback when it allows callbacks (R10). */
  private channelsOf(queue: ModelQueue): Channel[] {
    const channels = [...queue.settings.channels];
    if (queue.settings.callbacks.isAllowed && !channels.includes('callback'))
      channels.push('callback');
    return channels;
  }

  // --- Agents -------------------------------------------------------------------------------------

  private heldContacts(agent: ModelAgent): ModelContact[] {
    return agent.held.map((contactId) => this.contact(contactId));
  }

  /** Room for one more contact of a channel (R5): nothing live held, nothing at all for a live one, below capacity. */
  private hasRoom(agent: ModelAgent, channel: Channel): boolean {
    const held = this.heldContacts(agent);
    if (held.some((contact) => isLive(contact.channel))) return false;
    if (isLive(channel) && held.length > 0) return false;
    return held.filter((contact) => contact.channel === channel).length < agent.capacity[channel];
  }

  /** May be offered a contact (R5, R7): ready, auto, no pending offer. */
  private isOfferable(agent: ModelAgent): boolean {
    return agent.presence === 'ready' && agent.mode === 'auto' && agent.offerContactId === null;
  }

  private activity(agent: ModelAgent): 'offline' | 'notReady' | 'wrapUp' | 'busy' | 'free' {
    // Not ready while still holding a contact (a break after this call) is busy.
    if (agent.presence === 'notReady' && agent.held.length > 0) return 'busy';
    if (agent.presence !== 'ready') return agent.presence;
    return agent.offerContactId !== null || agent.held.length > 0 ? 'busy' : 'free';
  }

  private agentCounts(queueId: QueueId): AgentCounts {
    const counts: AgentCounts = { serving: 0, ready: 0, busy: 0, wrapUp: 0, notReady: 0 };
    for (const agent of this.membersOf(queueId)) {
      const activity = this.activity(agent);
      if (activity === 'offline') continue;
      counts.serving += 1;
      counts[activity === 'free' ? 'ready' : activity] += 1;
    }
    return counts;
  }

  // --- Order and position (R2, R3, R9, R13) ---------------------------------------------------

  private isCooling(contact: ModelContact, agentId: AgentId): boolean {
    return contact.cooldowns.some((cooldown) => cooldown.agentId === agentId);
  }

  /** In a line at all: queued and not a callback waiting for its time. */
  private isInLine(contact: ModelContact): boolean {
    return contact.status === 'queued' && contact.notBeforeMs === null;
  }

  /** Score with aging (R2) at nowMs, times 60 000 so that it stays an integer. */
  private agedScore(contact: ModelContact, nowMs: number): number {
    const rate = this.queue(contact.queueId).settings.agingPointsPerMinute;
    return contact.priority * 60_000 + rate * (nowMs - contact.placeAtMs);
  }

  /** Serving order in queues (R2, R3): VIP, aged score, earlier place, id. Negative: a first. */
  private serveOrder(a: ModelContact, b: ModelContact, nowMs: number): number {
    const vip = (contact: ModelContact) => (contact.customer.type === 'vip' ? 1 : 0);
    return (
      vip(b) - vip(a) ||
      this.agedScore(b, nowMs) - this.agedScore(a, nowMs) ||
      a.placeAtMs - b.placeAtMs ||
      compareStrings(a.id, b.id)
    );
  }

  /** Order in an agent's personal line (R9): VIP, priority (no aging), earlier place, id. */
  private personalOrder(a: ModelContact, b: ModelContact): number {
    const vip = (contact: ModelContact) => (contact.customer.type === 'vip' ? 1 : 0);
    return (
      vip(b) - vip(a) ||
      b.priority - a.priority ||
      a.placeAtMs - b.placeAtMs ||
      compareStrings(a.id, b.id)
    );
  }

  /** Contacts waiting for this agent only (R9). */
  private personalLine(agentId: AgentId): ModelContact[] {
    return [...this.contacts.values()]
      .filter((contact) => this.isInLine(contact) && contact.stickyAgentId === agentId)
      .sort((a, b) => this.personalOrder(a, b));
  }

  /** Position (R13): 1 + the contacts of its queue's lines (or its agent's line) served before it. */
  private position(contact: ModelContact): number | null {
    if (!this.isInLine(contact)) return null;
    if (contact.stickyAgentId !== null) {
      const line = this.personalLine(contact.stickyAgentId);
      return 1 + line.filter((other) => this.personalOrder(other, contact) < 0).length;
    }
    const ahead = this.contactsOf(contact.queueId).filter(
      (other) =>
        this.isInLine(other) &&
        other.stickyAgentId === null &&
        // Within one queue the order is the same at any time (R2), so any clock will do.
        this.serveOrder(other, contact, this.nowMs) < 0,
    );
    return 1 + ahead.length;
  }

  /** The lowest agent priority a bullseye level admits (R15). */
  private levelMinPriority(queue: ModelQueue, level: number): number {
    return queue.settings.expansion[level]?.minAgentPriority ?? Number.NEGATIVE_INFINITY;
  }

  /** The bullseye level reached after waiting waitMs (R15): the last step begun. */
  private levelAt(queue: ModelQueue, waitMs: number): number {
    let level = 0;
    queue.settings.expansion.forEach((step, index) => {
      if (step.afterMs <= waitMs) level = index;
    });
    return level;
  }

  // --- EWT (R13) ------------------------------------------------------------------------------

  private ewt(queue: ModelQueue, position: number, atMs: number): number | null {
    const counts = this.agentCounts(queue.settings.id);
    const working = counts.ready + counts.busy + counts.wrapUp;
    const free = counts.ready;
    const minute = Math.floor(atMs / minuteMs);
    const recent = queue.handleLog.filter(
      (entry) => entry.minute > minute - windowMinutes && entry.minute <= minute,
    );
    const recentHandled = recent.reduce((sum, entry) => sum + entry.handled, 0);
    const recentHandleMs = recent.reduce((sum, entry) => sum + entry.handleMs, 0);
    // The window's average shrunk towards the day's (or the expected) by handlePriorWeight contacts.
    const priorMs =
      queue.todayHandled > 0
        ? queue.todayHandleMs / queue.todayHandled
        : queue.settings.expectedHandleMs;
    const handleMs =
      (recentHandleMs + handlePriorWeight * priorMs) / (recentHandled + handlePriorWeight);
    const queueLength = (): number | null => {
      if (working === 0) return null;
      if (position <= free) return 0;
      return Math.round(((position - free) * handleMs) / working);
    };
    const headWaitMs = (): number => {
      const queued = this.waitingIn(queue.settings.id);
      const headJoinedAtMs =
        queued.length === 0 ? null : Math.min(...queued.map((contact) => contact.joinedAtMs));
      return headJoinedAtMs === null ? 0 : Math.max(0, atMs - headJoinedAtMs);
    };
    let ewt: number | null;
    switch (queue.settings.ewtPredictor) {
      case 'headOfLine':
        ewt = working === 0 ? null : position <= free ? 0 : headWaitMs();
        break;
      case 'erlangA': {
        // The model gathers the predictor's inputs its own way; the formula is tested on its own.
        const outcomes = queue.outcomeLog.filter(
          (entry) => entry.minute > minute - windowMinutes && entry.minute <= minute,
        );
        const answered = outcomes.reduce((sum, entry) => sum + entry.answered, 0);
        const abandoned = outcomes.reduce((sum, entry) => sum + entry.abandoned, 0);
        ewt = erlangAPredictor({
          position,
          agentsWorking: working,
          agentsFree: free,
          handleMs,
          headWaitMs: headWaitMs(),
          lastEnteredServiceWaitMs: queue.lastEnteredServiceWaitMs,
          abandonRate: answered + abandoned > 0 ? abandoned / (answered + abandoned) : null,
          answeredOrAbandoned: answered + abandoned,
        });
        break;
      }
      case 'lastToEnterService':
        ewt =
          working === 0
            ? null
            : position <= free
              ? 0
              : (queue.lastEnteredServiceWaitMs ?? queueLength());
        break;
      case 'queueLength':
        ewt = queueLength();
        break;
      default:
        throw new Error(`model: unknown predictor ${queue.settings.ewtPredictor}`);
    }
    return ewt === null ? null : Math.max(0, Math.round(ewt));
  }

  // --- Routing (R3, R4, R5, R9, R15) ----------------------------------------------------------

  /** The strategy's tie-break key for an agent in a queue, smaller first (R4). */
  private strategyKey(agent: ModelAgent, queue: ModelQueue): number {
    switch (queue.settings.strategy) {
      case 'longestIdle':
        return agent.idleSinceMs;
      case 'roundRobin':
        return agent.lastOfferSeq;
      case 'fewestContacts':
        return agent.answeredToday;
      case 'leastTalkTime':
        return agent.talkMsToday;
      case 'topDown':
        return this.membership(agent, queue.settings.id)!.seq;
      case 'random':
        return 0;
    }
  }

  /**
   * The free agents of a contact's queue that may take it now, best first (R4): offerable,
   * members, with room for its channel, priority in the queue reaching its bullseye level (R15),
   * not cooling down from it (R6). A contact whose channel its queue stopped taking
   * (updateQueue) keeps its place and is still served, as routeAgent would.
   */
  private freeAgentsFor(contact: ModelContact): ModelAgent[] {
    const queue = this.queue(contact.queueId);
    const minPriority = this.levelMinPriority(queue, contact.level);
    const priorityOf = (agent: ModelAgent) => this.membership(agent, contact.queueId)!.priority;
    return this.membersOf(contact.queueId)
      .filter(
        (agent) =>
          this.isOfferable(agent) &&
          this.hasRoom(agent, contact.channel) &&
          priorityOf(agent) >= minPriority &&
          !this.isCooling(contact, agent.id),
      )
      .sort(
        (a, b) =>
          priorityOf(b) - priorityOf(a) ||
          this.strategyKey(a, queue) - this.strategyKey(b, queue) ||
          compareStrings(a.id, b.id),
      );
  }

  /** The agent a waiting contact goes to now, or null (R4, R9). */
  private bestAgentFor(contact: ModelContact): ModelAgent | null {
    if (!this.isInLine(contact)) return null;
    if (contact.stickyAgentId !== null) {
      // R9: only its preferred agent, member of the queue or not.
      const agent = this.agent(contact.stickyAgentId);
      return this.isOfferable(agent) &&
        this.hasRoom(agent, contact.channel) &&
        !this.isCooling(contact, agent.id)
        ? agent
        : null;
    }
    const free = this.freeAgentsFor(contact);
    const first = free[0];
    if (first === undefined) return null;
    if (this.queue(contact.queueId).settings.strategy !== 'random') return first;
    const top = this.membership(first, contact.queueId)!.priority;
    const eligible = free.filter(
      (agent) => this.membership(agent, contact.queueId)!.priority === top,
    );
    if (eligible.length === 1) return first;
    const chosen = this.pickRandom(
      eligible.map((agent) => agent.id),
      this.events.length,
    );
    return this.agent(chosen);
  }

  /** The contact an agent takes next at atMs, ignoring its presence and mode (R3, R9, R15). */
  private bestContactFor(agent: ModelAgent, atMs: number): ModelContact | null {
    // R9: its personal line first.
    const personal = this.personalLine(agent.id).filter(
      (contact) => this.hasRoom(agent, contact.channel) && !this.isCooling(contact, agent.id),
    );
    if (personal[0] !== undefined) return personal[0];
    // R3: its queues from the highest queue priority down; within a priority, the best contact.
    const priorities = [
      ...new Set(
        agent.memberships.map((membership) => this.queue(membership.queueId).settings.priority),
      ),
    ].sort((a, b) => b - a);
    for (const queuePriority of priorities) {
      const candidates = [...this.contacts.values()].filter((contact) => {
        const membership = this.membership(agent, contact.queueId);
        if (membership === undefined) return false;
        const queue = this.queue(contact.queueId);
        return (
          queue.settings.priority === queuePriority &&
          this.isInLine(contact) &&
          contact.stickyAgentId === null &&
          this.hasRoom(agent, contact.channel) &&
          this.levelMinPriority(queue, contact.level) <= membership.priority &&
          !this.isCooling(contact, agent.id)
        );
      });
      // Between queues, aging counts up to the moment of the decision (R2, R3).
      candidates.sort((a, b) => this.serveOrder(a, b, atMs));
      if (candidates[0] !== undefined) return candidates[0];
    }
    return null;
  }

  private routeContact(contact: ModelContact | undefined, atMs: number): void {
    if (contact === undefined || this.contacts.get(contact.id) !== contact) return;
    const agent = this.bestAgentFor(contact);
    if (agent !== null) this.offer(contact, agent, atMs);
  }

  private routeAgent(agent: ModelAgent | undefined, atMs: number): void {
    if (agent === undefined || this.agents.get(agent.id) !== agent || !this.isOfferable(agent))
      return;
    const contact = this.bestContactFor(agent, atMs);
    if (contact !== null) this.offer(contact, agent, atMs);
  }

  // --- Events and their effects -------------------------------------------------------------

  /** Records an event; returns its number (the events before it). */
  private emit(event: Event): number {
    this.events.push(event);
    this.nowMs = Math.max(this.nowMs, event.atMs);
    return this.eventCount++;
  }

  private offer(contact: ModelContact, agent: ModelAgent, atMs: number): void {
    this.leaveStickyLine(contact, 'agent', atMs);
    const offerId = asOfferId(`o${this.eventCount}`);
    const seq = this.emit({
      type: 'offerCreated',
      atMs,
      offerId,
      contactId: contact.id,
      agentId: agent.id,
      queueId: contact.queueId,
      channel: contact.channel,
      expiresAtMs: atMs + this.queue(contact.queueId).settings.offerTimeoutMs,
    });
    contact.status = 'offered';
    contact.offerId = offerId;
    contact.offerAgentId = agent.id;
    contact.offerExpiresAtMs = atMs + this.queue(contact.queueId).settings.offerTimeoutMs;
    agent.offerContactId = contact.id;
    agent.lastOfferSeq = seq;
    agent.recentOfferIds = [...agent.recentOfferIds, offerId].slice(-recentOffersKept);
  }

  /** R9: a contact waiting for one agent leaves that agent's line. */
  private leaveStickyLine(
    contact: ModelContact,
    leaveType: EventOf<'stickyDequeued'>['leaveType'],
    atMs: number,
  ): void {
    if (contact.stickyAgentId === null) return;
    this.emit({
      type: 'stickyDequeued',
      atMs,
      contactId: contact.id,
      agentId: contact.stickyAgentId,
      queueId: contact.queueId,
      leaveType,
    });
    contact.stickyAgentId = null;
    contact.stickyUntilMs = null;
  }

  /** R9: reports a contact that now waits for one agent. */
  private announceSticky(contact: ModelContact, atMs: number): void {
    if (contact.stickyAgentId === null) return;
    this.emit({
      type: 'stickyQueued',
      atMs,
      contactId: contact.id,
      agentId: contact.stickyAgentId,
      queueId: contact.queueId,
      untilMs: contact.stickyUntilMs,
      lineLength: this.personalLine(contact.stickyAgentId).length,
    });
  }

  /** An offer goes back (R6): the contact keeps its place; a cool-down for that agent may follow. */
  private returnOffer(contact: ModelContact, cooldownUntilMs: number | null): ModelAgent {
    const agent = this.agent(contact.offerAgentId!);
    contact.status = 'queued';
    contact.offerId = null;
    contact.offerAgentId = null;
    contact.offerExpiresAtMs = null;
    agent.offerContactId = null;
    if (cooldownUntilMs !== null)
      contact.cooldowns.push({ agentId: agent.id, untilMs: cooldownUntilMs });
    return agent;
  }

  /** Withdraws a contact's pending offer, if any; returns the agent it was made to. */
  private cancelOffer(
    contact: ModelContact,
    reason: OfferCancelReason,
    atMs: number,
  ): ModelAgent | undefined {
    if (contact.status !== 'offered') return undefined;
    this.emit({
      type: 'offerCancelled',
      atMs,
      offerId: contact.offerId!,
      contactId: contact.id,
      agentId: contact.offerAgentId!,
      reason,
    });
    return this.returnOffer(contact, null);
  }

  /** Withdraws an agent's pending offer, if any; returns its contact. */
  private cancelAgentOffer(
    agent: ModelAgent,
    reason: OfferCancelReason,
    atMs: number,
  ): ModelContact | undefined {
    if (agent.offerContactId === null) return undefined;
    const contact = this.contact(agent.offerContactId);
    this.cancelOffer(contact, reason, atMs);
    return contact;
  }

  /** Emits and applies an agentStateChanged; fields not given stay as they are. */
  private changeAgentState(
    agent: ModelAgent,
    changes: {
      presence?: Presence;
      reason?: string | null;
      mode?: AgentMode;
      wrapUpUntilMs?: number;
    },
    cause: AgentStateCause,
    atMs: number,
  ): void {
    const presence = changes.presence ?? agent.presence;
    const reason = presence === 'notReady' ? (changes.reason ?? agent.reason) : null;
    const mode = changes.mode ?? agent.mode;
    const wrapUpUntilMs =
      presence === 'wrapUp' ? (changes.wrapUpUntilMs ?? agent.wrapUpUntilMs) : null;
    this.emit({
      type: 'agentStateChanged',
      atMs,
      agentId: agent.id,
      presence,
      reason,
      mode,
      cause,
      wrapUpUntilMs,
    });
    const wasWrapUp = agent.presence === 'wrapUp';
    const wasReady = agent.presence === 'ready';
    agent.presence = presence;
    agent.reason = reason;
    agent.mode = mode;
    agent.wrapUpUntilMs = wrapUpUntilMs;
    // R8: leaving wrap-up (timer, ready, not ready, log-out) ends the contacts in it.
    if (wasWrapUp && presence !== 'wrapUp') this.endWrapUp(agent, atMs);
    if (presence === 'wrapUp' && !wasWrapUp) agent.wrapUpStartMs = atMs;
    if (presence === 'ready' && !wasReady) agent.idleSinceMs = atMs;
    // R6: logging in or setting ready starts the no-answer count again.
    if (cause === 'loggedIn' || (presence === 'ready' && cause === 'presenceSet'))
      agent.noAnswerCount = 0;
  }

  private endWrapUp(agent: ModelAgent, atMs: number): void {
    const queue = agent.wrapUpQueueId === null ? undefined : this.queues.get(agent.wrapUpQueueId);
    if (queue !== undefined && agent.wrapUpStartMs !== null)
      this.countHandle(queue, 0, atMs - agent.wrapUpStartMs, atMs);
    for (const contactId of agent.wrapUpContactIds) this.contacts.delete(contactId);
    agent.wrapUpContactIds = [];
    agent.wrapUpQueueId = null;
    agent.wrapUpStartMs = null;
  }

  private countHandle(queue: ModelQueue, handled: number, handleMs: number, atMs: number): void {
    queue.handleLog.push({ minute: Math.floor(atMs / minuteMs), handled, handleMs });
    queue.todayHandled += handled;
    queue.todayHandleMs += handleMs;
  }

  private assign(
    contact: ModelContact,
    agent: ModelAgent,
    via: 'offer' | 'requestNext',
    atMs: number,
  ): void {
    const waitMs = atMs - contact.joinedAtMs;
    const seq = this.emit({
      type: 'contactAssigned',
      atMs,
      contactId: contact.id,
      agentId: agent.id,
      queueId: contact.queueId,
      waitMs,
      via,
    });
    contact.status = 'assigned';
    contact.agentId = agent.id;
    contact.assignedAtMs = atMs;
    contact.cooldowns = [];
    agent.held.push(contact.id);
    agent.idleSinceMs = atMs;
    agent.lastOfferSeq = seq;
    agent.answeredToday += 1;
    // The EWT's "last to enter service" counts each contact once per queue.
    if (!contact.isAnswered) {
      const queue = this.queue(contact.queueId);
      queue.lastEnteredServiceWaitMs = waitMs;
      queue.outcomeLog.push({ minute: Math.floor(atMs / minuteMs), answered: 1, abandoned: 0 });
    }
    contact.isAnswered = true;
  }

  private release(agent: ModelAgent, contactId: ContactId): void {
    agent.held = agent.held.filter((held) => held !== contactId);
  }

  // --- Timers (R6, R8, R9, R10, R12, R15, R16) ----------------------------------------------

  /** Every timer the state calls for, found by scanning it. */
  private timers(): Timer[] {
    const timers: Timer[] = [{ atMs: this.nextDayStartMs ?? 0, kind: 'day', id: '', sub: '' }];
    for (const queue of this.queues.values()) {
      if (queue.hoursChangeAtMs !== null)
        timers.push({ atMs: queue.hoursChangeAtMs, kind: 'hours', id: queue.settings.id, sub: '' });
    }
    for (const agent of this.agents.values()) {
      if (agent.presence === 'wrapUp' && agent.wrapUpUntilMs !== null)
        timers.push({ atMs: agent.wrapUpUntilMs, kind: 'wrapUp', id: agent.id, sub: '' });
    }
    for (const contact of this.contacts.values()) {
      const id = contact.id;
      for (const cooldown of contact.cooldowns)
        timers.push({ atMs: cooldown.untilMs, kind: 'cooldown', id, sub: cooldown.agentId });
      if (contact.status === 'offered')
        timers.push({ atMs: contact.offerExpiresAtMs!, kind: 'offer', id, sub: '' });
      if (contact.status !== 'queued') continue;
      if (contact.notBeforeMs !== null) {
        timers.push({ atMs: contact.notBeforeMs, kind: 'callbackDue', id, sub: '' });
        continue;
      }
      const settings = this.queue(contact.queueId).settings;
      // R12: callbacks do not time out; nobody holds on the line.
      if (settings.maxWaitMs > 0 && contact.channel !== 'callback') {
        const atMs = contact.queueEnteredAtMs + settings.maxWaitMs;
        timers.push({ atMs, kind: 'maxWait', id, sub: '' });
      }
      if (contact.stickyAgentId !== null) {
        if (contact.stickyUntilMs !== null)
          timers.push({ atMs: contact.stickyUntilMs, kind: 'sticky', id, sub: '' });
        continue;
      }
      const next = settings.expansion[contact.level + 1];
      if (next !== undefined) {
        const atMs = contact.queueEnteredAtMs + next.afterMs;
        timers.push({ atMs, kind: 'expansion', id, sub: '' });
      }
    }
    return timers;
  }

  /** Fires every timer due by untilMs, soonest first; equal times by kind, then ids. */
  private fireDue(untilMs: number): void {
    for (let fired = 0; ; fired++) {
      if (fired > 100_000) throw new Error('model: timers keep firing');
      const [next] = this.timers().sort(
        (a, b) =>
          a.atMs - b.atMs ||
          timerKinds.indexOf(a.kind) - timerKinds.indexOf(b.kind) ||
          compareStrings(a.id, b.id) ||
          compareStrings(a.sub, b.sub),
      );
      if (next === undefined || next.atMs > untilMs) return;
      // The first statistics day starts with the first command.
      const atMs =
        next.kind === 'day' && this.dayStartMs === null ? untilMs : Math.max(this.nowMs, next.atMs);
      this.fire(next, atMs);
    }
  }

  private fire(timer: Timer, atMs: number): void {
    switch (timer.kind) {
      case 'day': {
        // The engine's time zone is UTC in these tests: days start at multiples of 24 h.
        const dayStartMs = Math.floor(atMs / dayMs) * dayMs;
        this.emit({ type: 'dayStarted', atMs, dayStartMs, nextDayStartMs: dayStartMs + dayMs });
        this.dayStartMs = dayStartMs;
        this.nextDayStartMs = dayStartMs + dayMs;
        for (const queue of this.queues.values()) {
          queue.todayHandled = 0;
          queue.todayHandleMs = 0;
        }
        for (const agent of this.agents.values()) {
          agent.answeredToday = 0;
          agent.talkMsToday = 0;
        }
        return;
      }
      case 'hours': {
        const queue = this.queue(timer.id as QueueId);
        const hours = queue.settings.hours!;
        const open = isOpen(hours, atMs);
        const hoursChangeAtMs = nextChangeMs(hours, atMs);
        this.emit({
          type: open ? 'queueOpened' : 'queueClosed',
          atMs,
          queueId: queue.settings.id,
          hoursChangeAtMs,
        });
        queue.isOpen = open;
        queue.hoursChangeAtMs = hoursChangeAtMs;
        return;
      }
      case 'offer': {
        // R6: an unanswered offer is withdrawn; the contact keeps its place.
        const contact = this.contact(timer.id as ContactId);
        const settings = this.queue(contact.queueId).settings;
        const cooldownUntilMs =
          settings.rejectCooldownMs > 0 ? atMs + settings.rejectCooldownMs : null;
        this.emit({
          type: 'offerTimedOut',
          atMs,
          offerId: contact.offerId!,
          contactId: contact.id,
          agentId: contact.offerAgentId!,
          cooldownUntilMs,
        });
        const agent = this.returnOffer(contact, cooldownUntilMs);
        agent.noAnswerCount += 1;
        // R6: maxNoAnswer unanswered offers in a row set the agent not ready.
        if (
          settings.maxNoAnswer > 0 &&
          agent.noAnswerCount >= settings.maxNoAnswer &&
          agent.presence === 'ready'
        ) {
          this.changeAgentState(
            agent,
            { presence: 'notReady', reason: 'no-answer' },
            'noAnswer',
            atMs,
          );
        }
        this.routeContact(contact, atMs);
        this.routeAgent(agent, atMs);
        return;
      }
      case 'wrapUp': {
        // R8: wrap-up over, ready again.
        const agent = this.agent(timer.id as AgentId);
        this.changeAgentState(agent, { presence: 'ready' }, 'wrapUpEnded', atMs);
        this.routeAgent(agent, atMs);
        return;
      }
      case 'cooldown': {
        const contact = this.contact(timer.id as ContactId);
        const agentId = asAgentId(timer.sub);
        this.emit({ type: 'offerCooldownEnded', atMs, contactId: contact.id, agentId });
        contact.cooldowns = contact.cooldowns.filter((cooldown) => cooldown.agentId !== agentId);
        this.routeContact(contact, atMs);
        return;
      }
      case 'sticky': {
        // R9: after the sticky time-out any agent may take it, in its original place.
        const contact = this.contact(timer.id as ContactId);
        this.leaveStickyLine(contact, 'expired', atMs);
        this.routeContact(contact, atMs);
        return;
      }
      case 'callbackDue': {
        const contact = this.contact(timer.id as ContactId);
        this.emit({ type: 'callbackDue', atMs, contactId: contact.id, queueId: contact.queueId });
        contact.notBeforeMs = null;
        this.routeContact(contact, atMs);
        return;
      }
      case 'expansion': {
        // R15: the next bullseye step widens the pool.
        const contact = this.contact(timer.id as ContactId);
        const level = contact.level + 1;
        const step = this.queue(contact.queueId).settings.expansion[level]!;
        this.emit({
          type: 'contactPoolWidened',
          atMs,
          contactId: contact.id,
          queueId: contact.queueId,
          level,
          minAgentPriority: step.minAgentPriority,
        });
        contact.level = level;
        this.routeContact(contact, atMs);
        return;
      }
      case 'maxWait': {
        this.maxWaitReached(this.contact(timer.id as ContactId), atMs);
        return;
      }
    }
  }

  /** R12: overflow to the overflow queue if it takes the contact, else time out. */
  private maxWaitReached(contact: ModelContact, atMs: number): void {
    const settings = this.queue(contact.queueId).settings;
    const waitMs = atMs - contact.joinedAtMs;
    const target =
      settings.overflowQueueId === null ? undefined : this.queues.get(settings.overflowQueueId);
    const timeOut = (reason: 'maxWait' | 'overflowFull') => {
      this.emit({
        type: 'contactTimedOut',
        atMs,
        contactId: contact.id,
        queueId: contact.queueId,
        waitMs,
        reason,
      });
      this.contacts.delete(contact.id);
    };
    if (target === undefined) {
      timeOut('maxWait');
      return;
    }
    if (
      !this.channelsOf(target).includes(contact.channel) ||
      this.waitingIn(target.settings.id).length >= target.settings.maxSize
    ) {
      timeOut('overflowFull');
      return;
    }
    this.leaveStickyLine(contact, 'expired', atMs);
    this.emit({
      type: 'contactOverflowed',
      atMs,
      contactId: contact.id,
      fromQueueId: contact.queueId,
      toQueueId: target.settings.id,
      waitMs,
    });
    // It keeps joinedAt and its place; maxWait and bullseye count anew in the new queue.
    contact.queueId = target.settings.id;
    contact.queueEnteredAtMs = atMs;
    contact.level = 0;
    contact.isAnswered = false;
    contact.joinedType = 'overflow';
    this.routeContact(contact, atMs);
  }

  // --- Commands -------------------------------------------------------------------------------

  private handle(command: Exclude<Command, { type: 'tick' }>): ErrorCode | null {
    const atMs = command.atMs;
    switch (command.type) {
      case 'createQueue': {
        if (this.queues.has(command.queue.id)) return 'queue_exists';
        if (this.queues.size >= queuesMax) return 'limit_reached';
        const settings: QueueSettings = copy({ ...queueDefaults, ...command.queue });
        const problem = this.settingsProblem(settings);
        if (problem !== null) return problem;
        const hours = this.hoursAt(settings, atMs);
        this.emit({ type: 'queueCreated', atMs, queue: settings, ...hours });
        this.queues.set(settings.id, {
          settings,
          ...hours,
          handleLog: [],
          outcomeLog: [],
          todayHandled: 0,
          todayHandleMs: 0,
          lastEnteredServiceWaitMs: null,
          lastStatusKey: null,
        });
        return null;
      }
      case 'updateQueue': {
        const queue = this.queues.get(command.queueId);
        if (queue === undefined) return 'queue_not_found';
        const settings: QueueSettings = copy({ ...queue.settings, ...command.changes });
        const problem = this.settingsProblem(settings);
        if (problem !== null) return problem;
        const hours = this.hoursAt(settings, atMs);
        this.emit({ type: 'queueUpdated', atMs, queue: settings, ...hours });
        queue.settings = settings;
        queue.isOpen = hours.isOpen;
        queue.hoursChangeAtMs = hours.hoursChangeAtMs;
        // Contacts keep their places; their bullseye level follows the new steps (R15).
        for (const contact of this.contactsOf(queue.settings.id))
          contact.level = this.levelAt(queue, atMs - contact.queueEnteredAtMs);
        for (const agent of this.membersOf(queue.settings.id)) this.routeAgent(agent, atMs);
        return null;
      }
      case 'deleteQueue': {
        if (!this.queues.has(command.queueId)) return 'queue_not_found';
        if (this.contactsOf(command.queueId).length > 0) return 'queue_not_empty';
        const isTarget = [...this.queues.values()].some(
          (other) => other.settings.overflowQueueId === command.queueId,
        );
        if (isTarget) return 'queue_in_use';
        for (const agent of this.membersOf(command.queueId)) {
          this.emit({ type: 'agentLeftQueue', atMs, agentId: agent.id, queueId: command.queueId });
          agent.memberships = agent.memberships.filter(
            (membership) => membership.queueId !== command.queueId,
          );
        }
        this.emit({ type: 'queueDeleted', atMs, queueId: command.queueId });
        this.queues.delete(command.queueId);
        return null;
      }
      case 'createAgent':
        return this.createAgent(command);
      case 'updateAgent': {
        const agent = this.agents.get(command.agentId);
        if (agent === undefined) return 'agent_not_found';
        const name = command.changes.name ?? agent.name;
        const capacity = { ...agent.capacity, ...command.changes.capacity };
        this.emit({ type: 'agentUpdated', atMs, agentId: agent.id, name, capacity });
        agent.name = name;
        agent.capacity = capacity;
        this.routeAgent(agent, atMs);
        return null;
      }
      case 'removeAgent': {
        const agent = this.agents.get(command.agentId);
        if (agent === undefined) return 'agent_not_found';
        if (agent.presence !== 'offline') return 'agent_logged_in';
        // R9: its personal line empties, in the order it would have been served.
        const waiting = this.personalLine(agent.id);
        for (const contact of waiting) this.leaveStickyLine(contact, 'agentRemoved', atMs);
        this.emit({ type: 'agentRemoved', atMs, agentId: agent.id });
        this.agents.delete(agent.id);
        for (const contact of waiting) this.routeContact(contact, atMs);
        return null;
      }
      case 'logIn': {
        const agent = this.agents.get(command.agentId);
        if (agent === undefined) return 'agent_not_found';
        if (agent.presence !== 'offline') return 'agent_logged_in';
        const reason = command.notReadyReason ?? null;
        this.changeAgentState(
          agent,
          { presence: reason === null ? 'ready' : 'notReady', reason },
          'loggedIn',
          atMs,
        );
        this.routeAgent(agent, atMs);
        return null;
      }
      case 'logOut':
        return this.logOut(command);
      case 'setPresence': {
        const agent = this.agents.get(command.agentId);
        if (agent === undefined) return 'agent_not_found';
        if (agent.presence === 'offline') return 'agent_logged_out';
        if (command.presence === 'ready') {
          if (agent.presence === 'ready') return null;
          const cause = agent.presence === 'wrapUp' ? 'wrapUpEnded' : 'presenceSet';
          this.changeAgentState(agent, { presence: 'ready' }, cause, atMs);
          this.routeAgent(agent, atMs);
          return null;
        }
        const reason = command.reason ?? 'notReady';
        if (agent.presence === 'notReady' && agent.reason === reason) return null;
        const contact = this.cancelAgentOffer(agent, 'agentNotReady', atMs);
        this.changeAgentState(agent, { presence: 'notReady', reason }, 'presenceSet', atMs);
        this.routeContact(contact, atMs);
        return null;
      }
      case 'setMode': {
        const agent = this.agents.get(command.agentId);
        if (agent === undefined) return 'agent_not_found';
        if (agent.mode === command.mode) return null;
        // R7: manual agents get no offers.
        const contact =
          command.mode === 'manual' ? this.cancelAgentOffer(agent, 'agentManual', atMs) : undefined;
        this.changeAgentState(agent, { mode: command.mode }, 'modeSet', atMs);
        this.routeContact(contact, atMs);
        this.routeAgent(agent, atMs);
        return null;
      }
      case 'startServing': {
        const agent = this.agents.get(command.agentId);
        if (agent === undefined) return 'agent_not_found';
        if (!this.queues.has(command.queueId)) return 'queue_not_found';
        const membership = this.membership(agent, command.queueId);
        if (membership === undefined && agent.memberships.length >= membershipsPerAgentMax)
          return 'limit_reached';
        if (membership?.priority === command.priority) return null;
        const seq = this.emit({
          type: 'agentJoinedQueue',
          atMs,
          agentId: agent.id,
          queueId: command.queueId,
          priority: command.priority,
        });
        if (membership === undefined)
          agent.memberships.push({ queueId: command.queueId, priority: command.priority, seq });
        else membership.priority = command.priority;
        this.routeAgent(agent, atMs);
        return null;
      }
      case 'stopServing': {
        const agent = this.agents.get(command.agentId);
        if (agent === undefined) return 'agent_not_found';
        if (this.membership(agent, command.queueId) === undefined) return 'agent_not_serving_queue';
        const offered =
          agent.offerContactId === null ? undefined : this.contact(agent.offerContactId);
        const contact =
          offered?.queueId === command.queueId
            ? this.cancelAgentOffer(agent, 'agentStoppedServing', atMs)
            : undefined;
        this.emit({ type: 'agentLeftQueue', atMs, agentId: agent.id, queueId: command.queueId });
        agent.memberships = agent.memberships.filter(
          (membership) => membership.queueId !== command.queueId,
        );
        this.routeContact(contact, atMs);
        this.routeAgent(agent, atMs);
        return null;
      }
      case 'enqueueContact':
        return this.enqueue(command);
      case 'requestCallback':
        return this.requestCallback(command);
      case 'abandonContact': {
        const contact = this.contacts.get(command.contactId);
        if (contact === undefined) return 'contact_not_found';
        if (contact.status !== 'queued' && contact.status !== 'offered')
          return 'contact_not_waiting';
        const agent = this.cancelOffer(contact, 'contactAbandoned', atMs);
        this.leaveStickyLine(contact, 'abandon', atMs);
        this.emit({
          type: 'contactAbandoned',
          atMs,
          contactId: contact.id,
          queueId: contact.queueId,
          waitMs: atMs - contact.joinedAtMs,
        });
        this.queue(contact.queueId).outcomeLog.push({
          minute: Math.floor(atMs / minuteMs),
          answered: 0,
          abandoned: 1,
        });
        this.contacts.delete(contact.id);
        this.routeAgent(agent, atMs);
        return null;
      }
      case 'convertToCallback': {
        const contact = this.contacts.get(command.contactId);
        if (contact === undefined) return 'contact_not_found';
        if (contact.status !== 'queued' && contact.status !== 'offered')
          return 'contact_not_waiting';
        if (contact.channel === 'callback') return 'invalid_command';
        if (!this.queue(contact.queueId).settings.callbacks.isAllowed)
          return 'callbacks_not_allowed';
        const agent = this.cancelOffer(contact, 'contactConverted', atMs);
        this.emit({
          type: 'contactConvertedToCallback',
          atMs,
          contactId: contact.id,
          queueId: contact.queueId,
          number: command.number,
        });
        // R10: it keeps its place.
        contact.channel = 'callback';
        contact.callbackNumber = command.number;
        this.routeContact(contact, atMs);
        this.routeAgent(agent, atMs);
        return null;
      }
      case 'transferContact':
        return this.transfer(command);
      case 'completeContact':
      case 'closeCallback':
        return this.finish(command);
      case 'acceptOffer':
      case 'rejectOffer':
        return this.answerOffer(command);
      case 'requestNext':
        return this.requestNext(command);
    }
  }

  private settingsProblem(settings: QueueSettings): ErrorCode | null {
    // Hours are always valid in the generated commands; the engine's hours tests cover them.
    const overflow = settings.overflowQueueId;
    if (overflow !== null && (overflow === settings.id || !this.queues.has(overflow)))
      return 'invalid_queue_settings';
    const steps = settings.expansion;
    // R15: the first step is the pool of a new contact; later ones start later and only widen.
    if (steps.length > 0 && steps[0]!.afterMs !== 0) return 'invalid_queue_settings';
    for (let index = 1; index < steps.length; index++) {
      if (steps[index]!.afterMs <= steps[index - 1]!.afterMs) return 'invalid_queue_settings';
      if (steps[index]!.minAgentPriority > steps[index - 1]!.minAgentPriority)
        return 'invalid_queue_settings';
    }
    if (!predictorNames.includes(settings.ewtPredictor)) return 'invalid_queue_settings';
    return null;
  }

  private hoursAt(
    settings: QueueSettings,
    atMs: number,
  ): { isOpen: boolean; hoursChangeAtMs: number | null } {
    if (settings.hours === null) return { isOpen: true, hoursChangeAtMs: null };
    return {
      isOpen: isOpen(settings.hours, atMs),
      hoursChangeAtMs: nextChangeMs(settings.hours, atMs),
    };
  }

  private createAgent(command: CommandOf<'createAgent'>): ErrorCode | null {
    const input = command.agent;
    if (this.agents.has(input.id)) return 'agent_exists';
    if (this.agents.size >= agentsMax) return 'limit_reached';
    const memberships = input.memberships ?? [];
    for (const [index, membership] of memberships.entries()) {
      if (!this.queues.has(membership.queueId)) return 'queue_not_found';
      if (memberships.slice(0, index).some((other) => other.queueId === membership.queueId))
        return 'invalid_command';
    }
    const capacity = { ...capacityDefaults, ...input.capacity };
    const mode = input.mode ?? 'auto';
    const seq = this.emit({
      type: 'agentCreated',
      atMs: command.atMs,
      agent: {
        id: input.id,
        name: input.name,
        capacity,
        memberships: memberships.map((membership) => ({ ...membership })),
        mode,
      },
    });
    this.agents.set(input.id, {
      id: input.id,
      name: input.name,
      capacity,
      memberships: memberships.map((membership) => ({ ...membership, seq })),
      mode,
      presence: 'offline',
      reason: null,
      wrapUpUntilMs: null,
      wrapUpStartMs: null,
      wrapUpQueueId: null,
      wrapUpContactIds: [],
      idleSinceMs: command.atMs,
      lastOfferSeq: -1,
      offerContactId: null,
      held: [],
      noAnswerCount: 0,
      recentOfferIds: [],
      answeredToday: 0,
      talkMsToday: 0,
    });
    return null;
  }

  private logOut(command: CommandOf<'logOut'>): ErrorCode | null {
    const atMs = command.atMs;
    const agent = this.agents.get(command.agentId);
    if (agent === undefined) return 'agent_not_found';
    if (agent.presence === 'offline') return 'agent_logged_out';
    if (agent.held.length > 0 && command.isForced !== true) return 'agent_busy';
    const offered = this.cancelAgentOffer(agent, 'agentLoggedOut', atMs);
    const requeued = this.heldContacts(agent);
    for (const contact of requeued) {
      this.emit({
        type: 'contactRequeued',
        atMs,
        contactId: contact.id,
        queueId: contact.queueId,
        agentId: agent.id,
      });
      // It keeps its place; its maximum wait counts anew.
      contact.status = 'queued';
      contact.agentId = null;
      contact.assignedAtMs = null;
      contact.queueEnteredAtMs = atMs;
      this.release(agent, contact.id);
    }
    this.changeAgentState(agent, { presence: 'offline' }, 'loggedOut', atMs);
    this.routeContact(offered, atMs);
    for (const contact of requeued) this.routeContact(contact, atMs);
    return null;
  }

  private newContact(
    fields: Pick<
      ModelContact,
      | 'id'
      | 'queueId'
      | 'channel'
      | 'customer'
      | 'priority'
      | 'joinedType'
      | 'preferredAgentId'
      | 'attributes'
      | 'callbackNumber'
      | 'stickyAgentId'
      | 'stickyUntilMs'
      | 'notBeforeMs'
    >,
    atMs: number,
  ): ModelContact {
    return {
      ...fields,
      joinedAtMs: atMs,
      placeAtMs: atMs,
      status: 'queued',
      queueEnteredAtMs: atMs,
      level: 0,
      offerId: null,
      offerAgentId: null,
      offerExpiresAtMs: null,
      agentId: null,
      assignedAtMs: null,
      cooldowns: [],
      callbackAttempts: 0,
      isAnswered: false,
    };
  }

  /** Emits contactQueued for a new contact (with its position and EWT, R13) and adds it. */
  private queueContact(contact: ModelContact, atMs: number): void {
    const queue = this.queue(contact.queueId);
    const position = this.position(contact);
    this.emit({
      type: 'contactQueued',
      atMs,
      contact: {
        id: contact.id,
        queueId: contact.queueId,
        channel: contact.channel,
        customer: contact.customer,
        priority: contact.priority,
        joinedType: contact.joinedType,
        joinedAtMs: contact.joinedAtMs,
        placeAtMs: contact.placeAtMs,
        preferredAgentId: contact.preferredAgentId,
        attributes: contact.attributes,
        callbackNumber: contact.callbackNumber,
      },
      stickyAgentId: contact.stickyAgentId,
      stickyUntilMs: contact.stickyUntilMs,
      notBeforeMs: contact.notBeforeMs,
      position,
      ewtMs: position === null ? null : this.ewt(queue, position, atMs),
    });
    this.contacts.set(contact.id, contact);
  }

  private enqueue(command: CommandOf<'enqueueContact'>): ErrorCode | null {
    const atMs = command.atMs;
    const input = command.contact;
    if (this.contacts.has(input.id)) return 'contact_exists';
    const queue = this.queues.get(input.queueId);
    if (queue === undefined) return 'queue_not_found';
    if (!this.channelsOf(queue).includes(input.channel)) return 'channel_not_served';
    if (this.contacts.size >= liveContactsMax) return 'limit_reached';
    const settings = queue.settings;
    const deflect = (
      reason: 'queueOffline' | 'queueClosed' | 'queueFull',
      action: 'refuse' | 'leaveMessage',
    ) => {
      this.emit({
        type: 'contactDeflected',
        atMs,
        contactId: input.id,
        queueId: settings.id,
        channel: input.channel,
        customer: input.customer,
        reason,
        action,
        message: settings.closedMessage,
      });
      return null;
    };
    let channel = input.channel;
    let joinedType = input.joinedType ?? 'inbound';
    let notBeforeMs: number | null = null;
    if (!queue.isOpen) {
      // R16: a joining contact gets the closed policy.
      if (settings.whenClosed === 'refuse') return deflect('queueClosed', 'refuse');
      if (
        settings.whenClosed === 'leaveMessage' ||
        input.customer.number === undefined ||
        queue.hoursChangeAtMs === null
      )
        return deflect('queueClosed', 'leaveMessage');
      channel = 'callback';
      joinedType = 'callback';
      notBeforeMs = queue.hoursChangeAtMs;
    } else if (this.agentCounts(settings.id).serving === 0 && settings.whenEmpty !== 'wait') {
      // R11: nobody serving.
      return deflect('queueOffline', settings.whenEmpty === 'reject' ? 'refuse' : 'leaveMessage');
    }
    if (this.waitingIn(settings.id).length >= settings.maxSize)
      return deflect('queueFull', 'refuse');
    // R9: a known preferred agent, in a queue with stickiness, is waited for.
    const preferred =
      input.preferredAgentId === undefined ? undefined : this.agents.get(input.preferredAgentId);
    const isSticky =
      preferred !== undefined && settings.stickyTimeoutMs > 0 && notBeforeMs === null;
    const contact = this.newContact(
      {
        id: input.id,
        queueId: settings.id,
        channel,
        customer: input.customer,
        priority: input.priority ?? 0,
        joinedType,
        preferredAgentId: input.preferredAgentId ?? null,
        attributes: input.attributes ?? {},
        callbackNumber: channel === 'callback' ? (input.customer.number ?? null) : null,
        stickyAgentId: isSticky ? preferred.id : null,
        stickyUntilMs: isSticky ? atMs + settings.stickyTimeoutMs : null,
        notBeforeMs,
      },
      atMs,
    );
    this.queueContact(contact, atMs);
    this.announceSticky(contact, atMs);
    this.routeContact(contact, atMs);
    return null;
  }

  private requestCallback(command: CommandOf<'requestCallback'>): ErrorCode | null {
    const atMs = command.atMs;
    const input = command.contact;
    if (this.contacts.has(input.id)) return 'contact_exists';
    const queue = this.queues.get(input.queueId);
    if (queue === undefined) return 'queue_not_found';
    if (!queue.settings.callbacks.isAllowed) return 'callbacks_not_allowed';
    if (input.customer.number === undefined || input.customer.number === '')
      return 'callback_number_required';
    if (this.waitingIn(queue.settings.id).length >= queue.settings.maxSize) return 'queue_full';
    if (this.contacts.size >= liveContactsMax) return 'limit_reached';
    // R16: asked for while closed, it is due at the next opening; a time already past is now.
    let notBeforeMs = input.notBeforeMs ?? null;
    if (!queue.isOpen && queue.hoursChangeAtMs !== null)
      notBeforeMs = Math.max(notBeforeMs ?? 0, queue.hoursChangeAtMs);
    if (notBeforeMs !== null && notBeforeMs <= atMs) notBeforeMs = null;
    const contact = this.newContact(
      {
        id: input.id,
        queueId: queue.settings.id,
        channel: 'callback',
        customer: input.customer,
        priority: input.priority ?? 0,
        joinedType: 'callback',
        preferredAgentId: null,
        attributes: input.attributes ?? {},
        callbackNumber: input.customer.number,
        stickyAgentId: null,
        stickyUntilMs: null,
        notBeforeMs,
      },
      atMs,
    );
    this.queueContact(contact, atMs);
    this.routeContact(contact, atMs);
    return null;
  }

  private transfer(command: CommandOf<'transferContact'>): ErrorCode | null {
    const atMs = command.atMs;
    const contact = this.contacts.get(command.contactId);
    if (contact === undefined) return 'contact_not_found';
    if (command.agentId !== undefined && !this.agents.has(command.agentId))
      return 'agent_not_found';
    if (contact.status === 'wrapUp') return 'contact_not_waiting';
    if (contact.status === 'assigned' && contact.agentId !== command.agentId)
      return 'contact_not_assigned';
    const target = command.target;
    let toQueueId: QueueId;
    let toAgentId: AgentId | null = null;
    if ('queueId' in target) {
      const toQueue = this.queues.get(target.queueId);
      if (toQueue === undefined) return 'queue_not_found';
      if (!this.channelsOf(toQueue).includes(contact.channel)) return 'channel_not_served';
      if (
        target.queueId !== contact.queueId &&
        this.waitingIn(target.queueId).length >= toQueue.settings.maxSize
      )
        return 'queue_full';
      toQueueId = target.queueId;
    } else {
      if (!this.agents.has(target.agentId)) return 'agent_not_found';
      toAgentId = target.agentId;
      toQueueId = contact.queueId;
    }
    const fromAgent = contact.status === 'assigned' ? this.agent(contact.agentId!) : undefined;
    const offerAgent = this.cancelOffer(contact, 'contactTransferred', atMs);
    this.leaveStickyLine(contact, 'transferred', atMs);
    const placeAtMs = 'keepsPlace' in target && !target.keepsPlace ? atMs : contact.placeAtMs;
    const stickyUntilMs =
      'agentId' in target ? atMs + (target.waitMsMax ?? agentTransferWaitMs) : null;
    this.emit({
      type: 'contactTransferred',
      atMs,
      contactId: contact.id,
      fromQueueId: contact.queueId,
      toQueueId,
      fromAgentId: fromAgent?.id ?? null,
      toAgentId,
      placeAtMs,
      stickyUntilMs,
    });
    // A transferring agent gets no wrap-up (R8).
    if (fromAgent !== undefined) this.release(fromAgent, contact.id);
    Object.assign(contact, {
      queueId: toQueueId,
      queueEnteredAtMs: atMs,
      level: 0,
      isAnswered: false,
      status: 'queued',
      joinedType: 'transfer',
      placeAtMs,
      agentId: null,
      assignedAtMs: null,
      stickyAgentId: toAgentId,
      stickyUntilMs,
      notBeforeMs: null,
    } satisfies Partial<ModelContact>);
    this.announceSticky(contact, atMs);
    this.routeContact(contact, atMs);
    this.routeAgent(fromAgent ?? offerAgent, atMs);
    return null;
  }

  private finish(
    command: CommandOf<'completeContact'> | CommandOf<'closeCallback'>,
  ): ErrorCode | null {
    const atMs = command.atMs;
    const agent = this.agents.get(command.agentId);
    if (agent === undefined) return 'agent_not_found';
    const contact = this.contacts.get(command.contactId);
    if (contact === undefined) return 'contact_not_found';
    if (contact.status !== 'assigned' || contact.agentId !== agent.id)
      return 'contact_not_assigned';
    if (command.type === 'closeCallback' && contact.channel !== 'callback') return 'not_a_callback';
    const queue = this.queue(contact.queueId);
    const talkMs = atMs - contact.assignedAtMs!;
    // R8: a ready agent (or one in wrap-up already) goes into wrap-up, to the later end.
    const wrapUpUntilMs =
      queue.settings.wrapUpMs > 0 && (agent.presence === 'ready' || agent.presence === 'wrapUp')
        ? Math.max(agent.wrapUpUntilMs ?? 0, atMs + queue.settings.wrapUpMs)
        : null;
    let retryAtMs: number | null = null;
    if (command.type === 'completeContact') {
      this.emit({
        type: 'contactCompleted',
        atMs,
        contactId: contact.id,
        agentId: agent.id,
        queueId: queue.settings.id,
        talkMs,
        wrapUpUntilMs,
      });
    } else {
      // R10: no answer is tried again after retryDelayMs, until attemptsMax attempts.
      const attempt = contact.callbackAttempts + 1;
      const policy = queue.settings.callbacks;
      const isRetried = command.outcome === 'noAnswer' && attempt < policy.attemptsMax;
      retryAtMs = isRetried ? atMs + policy.retryDelayMs : null;
      this.emit({
        type: 'callbackClosed',
        atMs,
        contactId: contact.id,
        agentId: agent.id,
        queueId: queue.settings.id,
        outcome: command.outcome,
        attempt,
        talkMs,
        retryAtMs,
        wrapUpUntilMs,
      });
      contact.callbackAttempts = attempt;
    }
    this.release(agent, contact.id);
    agent.idleSinceMs = atMs;
    agent.talkMsToday += talkMs;
    this.countHandle(queue, 1, talkMs, atMs);
    contact.agentId = null;
    contact.assignedAtMs = null;
    if (wrapUpUntilMs !== null) agent.wrapUpQueueId = queue.settings.id;
    if (retryAtMs !== null) {
      // The callback waits again, due at retryAtMs, keeping its place.
      contact.status = 'queued';
      contact.notBeforeMs = retryAtMs;
    } else if (wrapUpUntilMs !== null) {
      // Done when the agent's wrap-up ends (R8).
      contact.status = 'wrapUp';
      agent.wrapUpContactIds.push(contact.id);
    } else {
      this.contacts.delete(contact.id);
    }
    if (wrapUpUntilMs !== null)
      this.changeAgentState(agent, { presence: 'wrapUp', wrapUpUntilMs }, 'wrapUpStarted', atMs);
    this.routeAgent(agent, atMs);
    return null;
  }

  private answerOffer(
    command: CommandOf<'acceptOffer'> | CommandOf<'rejectOffer'>,
  ): ErrorCode | null {
    const atMs = command.atMs;
    const agent = this.agents.get(command.agentId);
    if (agent === undefined) return 'agent_not_found';
    const contact = [...this.contacts.values()].find(
      (candidate) => candidate.status === 'offered' && candidate.offerId === command.offerId,
    );
    if (contact === undefined)
      return agent.recentOfferIds.includes(command.offerId) ? 'offer_expired' : 'offer_not_found';
    if (contact.offerAgentId !== agent.id) return 'offer_not_for_agent';
    if (command.type === 'acceptOffer') {
      this.emit({
        type: 'offerAccepted',
        atMs,
        offerId: command.offerId,
        contactId: contact.id,
        agentId: agent.id,
      });
      contact.offerId = null;
      contact.offerAgentId = null;
      contact.offerExpiresAtMs = null;
      agent.offerContactId = null;
      // R6: an answered offer starts the no-answer count again.
      agent.noAnswerCount = 0;
      this.assign(contact, agent, 'offer', atMs);
      this.routeAgent(agent, atMs);
      return null;
    }
    const cooldownMs = this.queue(contact.queueId).settings.rejectCooldownMs;
    const cooldownUntilMs = cooldownMs > 0 ? atMs + cooldownMs : null;
    this.emit({
      type: 'offerRejected',
      atMs,
      offerId: command.offerId,
      contactId: contact.id,
      agentId: agent.id,
      cooldownUntilMs,
    });
    this.returnOffer(contact, cooldownUntilMs);
    agent.noAnswerCount = 0;
    this.routeContact(contact, atMs);
    this.routeAgent(agent, atMs);
    return null;
  }

  private requestNext(command: CommandOf<'requestNext'>): ErrorCode | null {
    const atMs = command.atMs;
    const agent = this.agents.get(command.agentId);
    if (agent === undefined) return 'agent_not_found';
    if (agent.presence === 'offline') return 'agent_logged_out';
    if (agent.mode !== 'manual') return 'agent_not_manual';
    if (agent.presence === 'notReady') return 'agent_not_ready';
    // R7: the contact an offer would have brought, at once.
    const contact = this.bestContactFor(agent, atMs);
    if (contact === null)
      return allChannels.some((channel) => this.hasRoom(agent, channel))
        ? 'no_contact_waiting'
        : 'agent_at_capacity';
    if (agent.presence === 'wrapUp')
      this.changeAgentState(agent, { presence: 'ready' }, 'wrapUpEnded', atMs);
    this.leaveStickyLine(contact, 'agent', atMs);
    this.assign(contact, agent, 'requestNext', atMs);
    return null;
  }
}
