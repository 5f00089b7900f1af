import type {
  AgentId,
  AgentReport,
  Command,
  ContactId,
  Event,
  QueueId,
  QueueReport,
  QueueStatus,
  Rejection,
} from '@lineup/protocol';
import { handle } from './decide.ts';
import type { Context } from './steps.ts';
import { builtInPredictors, type EwtPredictor } from './ewt.ts';
import { evolve } from './evolve.ts';
import { isValidTimeZone } from './hours.ts';
import { flushCounts, syncDayTimer } from './indexes.ts';
import { positionOf } from './routing.ts';
import { restoreState, sharedSnapshotOf, snapshotState, type EngineSnapshot } from './snapshot.ts';
import { clearToAnnounce, emptyState, type Contact, type Queue, type State } from './state.ts';
import {
  agentReport,
  ewtAt,
  queueReport,
  queueStatus,
  changedStatus,
  type PredictorLookup,
} from './status.ts';
import { fireDue } from './timers.ts';
import { commandProblem } from './validate.ts';

/** How an engine is set up; the same options must be given again to restore or replay it. */
export interface EngineOptions {
  /** Seed of the `random` strategy's draws. Default 1. */
  seed?: number;
  /** IANA time zone in which "today" of the statistics starts. Default UTC. */
  timeZone?: string;
  /** Extra EWT predictors a queue may name in `ewtPredictor`, next to the built-in ones. */
  predictors?: Readonly<Record<string, EwtPredictor>>;
}

/** What a command did: its events (applied already), and a rejection when it was refused. */
export interface Decision {
  /**
   * The events, in order. A refused command adds none, but the timers that
   * fell due before its time still fire, so this may be non-empty even then.
   */
  events: Event[];
  rejection: Rejection | null;
}

/** A waiting contact's place (R13). */
export interface Place {
  position: number;
  ewtMs: number | null;
}

/** A live contact as hosts and supervisors see it: its record and where it stands. */
export type ContactView = Readonly<
  Pick<
    Contact,
    | 'id'
    | 'queueId'
    | 'channel'
    | 'customer'
    | 'priority'
    | 'joinedType'
    | 'joinedAtMs'
    | 'placeAtMs'
    | 'preferredAgentId'
    | 'attributes'
    | 'callbackNumber'
    | 'status'
    | 'stickyAgentId'
    | 'stickyUntilMs'
    | 'notBeforeMs'
    | 'offerId'
    | 'offerAgentId'
    | 'offerExpiresAtMs'
    | 'agentId'
    | 'assignedAtMs'
    | 'callbackAttempts'
  >
>;

/** A contact of a queue's line, for supervisors (seed: monitorcaller). */
export type WaitingContact = ContactView;

function viewOf(contact: Contact): ContactView {
  return {
    id: contact.id,
    queueId: contact.queueId,
    channel: contact.channel,
    customer: { ...contact.customer },
    priority: contact.priority,
    joinedType: contact.joinedType,
    joinedAtMs: contact.joinedAtMs,
    placeAtMs: contact.placeAtMs,
    preferredAgentId: contact.preferredAgentId,
    attributes: { ...contact.attributes },
    callbackNumber: contact.callbackNumber,
    status: contact.status,
    stickyAgentId: contact.stickyAgentId,
    stickyUntilMs: contact.stickyUntilMs,
    notBeforeMs: contact.notBeforeMs,
    offerId: contact.offerId,
    offerAgentId: contact.offerAgentId,
    offerExpiresAtMs: contact.offerExpiresAtMs,
    agentId: contact.agentId,
    assignedAtMs: contact.assignedAtMs,
    callbackAttempts: contact.callbackAttempts,
  };
}

/**
 * The routing engine of one tenant: a deterministic state machine. Commands
 * go in with their time, events come out (DESIGN.md §3, STYLE.md Shape).
 */
export class Engine {
  private readonly state: State;
  private readonly predictors: PredictorLookup;
  /** What the handlers work with; emit applies each event and adds it to `events`. */
  private readonly ctx: Context;
  /** The events of the command being executed. */
  private events: Event[] = [];

  /** A new, empty engine. */
  constructor(options: EngineOptions = {}, state?: State) {
    const timeZone = options.timeZone ?? 'UTC';
    if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone ${timeZone}`);
    if (state === undefined) {
      this.state = emptyState((options.seed ?? 1) >>> 0, timeZone);
      // The first statistics day starts with the first command.
      syncDayTimer(this.state);
    } else {
      this.state = state;
    }
    this.predictors = new Map(Object.entries({ ...builtInPredictors, ...options.predictors }));
    this.ctx = {
      state: this.state,
      predictors: this.predictors,
      emit: (event) => {
        evolve(this.state, event);
        this.events.push(event);
      },
    };
  }

  /** An engine restored from a snapshot. */
  static restore(snapshot: EngineSnapshot, options: EngineOptions = {}): Engine {
    return new Engine(options, restoreState(snapshot));
  }

  /**
   * Runs one command: fires the timers due by its time, validates it, and on
   * success emits and applies its events. A refused command changes nothing.
   * A command older than the engine's clock is taken as happening now.
   */
  execute(command: Command): Decision {
    // The context is made once; each command gets a fresh list for its events.
    const events: Event[] = [];
    this.events = events;
    const problem = commandProblem(command);
    if (problem !== null) return { events, rejection: problem };
    const atMs = Math.max(command.atMs, this.state.nowMs);
    fireDue(this.ctx, atMs);
    let rejection: Rejection | null = null;
    if (command.type !== 'tick') {
      // A copy only when the time was clamped: most commands come in order.
      rejection = handle(this.ctx, command.atMs === atMs ? command : { ...command, atMs });
    }
    this.announceStatus(atMs);
    return { events, rejection };
  }

  /** Applies an event from a journal (replay); the engine's own events only. */
  evolve(event: Event): void {
    evolve(this.state, event);
    // A replayed journal holds the status events the live engine announced.
    clearToAnnounce(this.state);
  }

  /** When the engine next needs a tick, or null when no timer is set. */
  nextDeadline(): number | null {
    return this.state.timers.first()?.atMs ?? null;
  }

  /** The engine's clock: the time of its latest event. */
  nowMs(): number {
    return this.state.nowMs;
  }

  /** The number of events applied so far. */
  eventCount(): number {
    return this.state.eventCount;
  }

  /** The whole state as versioned, JSON-able data. */
  snapshot(): EngineSnapshot {
    return snapshotState(this.state);
  }

  /**
   * The same snapshot without the deep copy, for a caller that serializes it
   * at once (a journal's saveSnapshot): it shares the engine's records, so it
   * must not be kept past the next command or event, nor changed. The copy
   * costs more than the serializing itself: a copy is a JSON round trip.
   */
  sharedSnapshot(): Readonly<EngineSnapshot> {
    return sharedSnapshotOf(this.state);
  }

  /** A waiting contact's position and EWT, or null when it is not in a line (R13). O(log n). */
  placeOf(contactId: ContactId): Place | null {
    flushCounts(this.state);
    const contact = this.state.contacts.get(contactId);
    if (contact === undefined) return null;
    const position = positionOf(this.state, contact);
    if (position === null) return null;
    const queue = this.state.queues.get(contact.queueId);
    return {
      position,
      ewtMs: queue === undefined ? null : ewtAt(queue, position, this.state.nowMs, this.predictors),
    };
  }

  /** A queue's live status, or null for an unknown queue (R13). */
  queueStatus(queueId: QueueId, atMs = this.state.nowMs): QueueStatus | null {
    flushCounts(this.state);
    const queue = this.state.queues.get(queueId);
    return queue === undefined ? null : queueStatus(this.state, queue, atMs, this.predictors);
  }

  /**
   * A queue's statistics for today and the last 15 minutes, or null for an
   * unknown queue. Occupancy reads every member of the queue (O(members));
   * a caller that does not show it (a metrics scrape) passes
   * `{ occupancy: false }` and gets null there, in O(1).
   */
  queueReport(
    queueId: QueueId,
    atMs = this.state.nowMs,
    include: { occupancy: boolean } = { occupancy: true },
  ): QueueReport | null {
    return this.state.queues.has(queueId)
      ? queueReport(this.state, queueId, atMs, include.occupancy)
      : null;
  }

  /** An agent's statistics for today and the last 15 minutes, or null for an unknown agent. */
  agentReport(agentId: AgentId, atMs = this.state.nowMs): AgentReport | null {
    return this.state.agents.has(agentId) ? agentReport(this.state, agentId, atMs) : null;
  }

  /** A live contact, or null when none has this id (it never existed or has ended). */
  contact(contactId: ContactId): ContactView | null {
    const contact = this.state.contacts.get(contactId);
    return contact === undefined ? null : viewOf(contact);
  }

  /** The first `limit` contacts of a queue's line in serving order (general line only). */
  waitingContacts(queueId: QueueId, limit: number): WaitingContact[] {
    const queue = this.state.queues.get(queueId);
    if (queue === undefined) return [];
    const heads: Contact[] = [];
    for (const levels of queue.lines.values()) {
      for (const line of levels) {
        if (line === undefined) continue;
        let taken = 0;
        for (const contact of line.values()) {
          if (taken++ >= limit) break;
          heads.push(contact);
        }
      }
    }
    return heads
      .sort((a, b) => (this.placeOf(a.id)?.position ?? 0) - (this.placeOf(b.id)?.position ?? 0))
      .slice(0, limit)
      .map(viewOf);
  }

  /** Read-only access to the state, for tests, the simulator and diagnostics. */
  inspect(): Readonly<State> {
    // Agent counts are brought up to date lazily; a reader sees them current.
    flushCounts(this.state);
    return this.state;
  }

  /**
   * Emits queueStatusChanged for each queue whose status inputs an event
   * changed and whose status did change (R13): those an event marked, in
   * the order first marked, then those whose agent counts changed.
   */
  private announceStatus(atMs: number): void {
    // Queues whose agent counts changed join the list here, after those changed otherwise.
    flushCounts(this.state);
    const queues = this.state.queuesToAnnounce;
    // Status events mark no queue, so the list does not grow while it is walked.
    const count = queues.length;
    for (let index = 0; index < count; index++) {
      const queue = queues[index] as Queue;
      // A deleted queue is unmarked (evolve, queueDeleted) and announces nothing.
      const status = queue.isToAnnounce
        ? changedStatus(this.state, queue, atMs, this.predictors)
        : null;
      queue.isEwtInputChanged = false;
      if (status !== null) this.ctx.emit({ type: 'queueStatusChanged', atMs, status });
    }
    clearToAnnounce(this.state);
  }
}
