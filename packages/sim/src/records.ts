import type { Event } from '@lineup/protocol';
import { assert } from './assert.ts';

/*
 * What a simulation remembers, read off the engine's events (R14: every
 * change is an event, so nothing else is needed): one record per stay of a
 * contact in a queue, and each agent's time, occupied or available, split
 * over the report's intervals per queue it serves. The report is computed
 * from these records alone.
 *
 * Times in records are scenario ms (after the scenario's time 0).
 */

/** How a contact's stay in one queue ended. */
export const LegOutcome = {
  /** Still waiting (or offered) when the simulation stopped. */
  waiting: 'waiting',
  /** An agent took it. */
  answered: 'answered',
  abandoned: 'abandoned',
  /** The customer hung up asking to be called back (R10); the call-back is in the same record. */
  callback: 'callback',
  /** Moved to the overflow queue after maxWait (R12); the next stay is another record. */
  overflowed: 'overflowed',
  timedOut: 'timedOut',
  /** Turned away at the door (R11, R16, full): it never waited. */
  deflected: 'deflected',
} as const;
/** How a contact's stay in one queue ended. */
export type LegOutcome = (typeof LegOutcome)[keyof typeof LegOutcome];

/** One stay of a contact in one queue. */
export interface LegRecord {
  contactId: string;
  /** Arrival order of the contact: its stays share it. */
  contactIndex: number;
  queueId: string;
  /** Index of the queue in the scenario. */
  queueIndex: number;
  /** False for a stay after an overflow. */
  isArrival: boolean;
  /** When the customer first joined any queue. */
  joinedAtMs: number;
  /** When this stay began. */
  enteredAtMs: number;
  /** Position and EWT the engine gave on arrival (R13); null after an overflow or a deflection. */
  position: number | null;
  predictedWaitMs: number | null;
  outcome: LegOutcome;
  /** When the outcome happened; null while waiting. */
  leftAtMs: number | null;
  /** The customer's wait from joinedAtMs until the outcome; null while waiting. */
  waitMs: number | null;
  /** The agent that answered; null otherwise. */
  agentId: string | null;
  /** Call-back attempts made (R10). */
  callbackAttempts: number;
  /** How the call-back ended; null while it is pending or when there is none. */
  callbackOutcome: 'reached' | 'noAnswer' | 'failed' | null;
}

/** An agent's time over the day: occupied (a contact, an offer or wrap-up) or available (ready, free). */
export interface AgentTotals {
  agentId: string;
  occupiedMs: number;
  availableMs: number;
}

/** Occupied and available agent time per interval, summed over one queue's members. */
export interface OccupancyTime {
  occupiedMs: Float64Array;
  availableMs: Float64Array;
}

/** What the recorder needs to know of the scenario. */
export interface RecorderSetup {
  originEpochMs: number;
  dayStartMs: number;
  dayEndMs: number;
  intervalMs: number;
  intervalCount: number;
  queueIds: readonly string[];
  agents: readonly { id: string; queueIds: readonly string[] }[];
}

type ContactStatus = 'waiting' | 'offered' | 'inService' | 'callbackWaiting' | 'callbackInService';

interface Track {
  leg: LegRecord;
  status: ContactStatus;
}

/** Occupancy classes of an agent at one moment. */
const TimeClass = { none: 0, occupied: 1, available: 2 } as const;
type TimeClass = (typeof TimeClass)[keyof typeof TimeClass];

interface AgentTrack {
  id: string;
  queueIndexes: readonly number[];
  presence: 'offline' | 'ready' | 'notReady' | 'wrapUp';
  /** Contacts held, and pending offers. */
  held: number;
  offers: number;
  /** Since when the agent is in its current time class. */
  sinceMs: number;
  occupiedMs: number;
  availableMs: number;
}

/**
 * Turns the engine's events into records. Every event goes through
 * `record`; the simulator asks it whether a contact still waits and what an
 * agent holds.
 */
export class Recorder {
  /** Every stay, in the order they began. */
  readonly legs: LegRecord[] = [];
  /** Occupancy time per queue (by scenario index), and for all agents at the end. */
  readonly occupancy: OccupancyTime[];
  private readonly setup: RecorderSetup;
  private readonly queueIndex: Map<string, number>;
  private readonly agents = new Map<string, AgentTrack>();
  /** Contacts not yet ended, with their current stay. */
  private readonly live = new Map<string, Track>();
  private contactCount = 0;

  constructor(setup: RecorderSetup) {
    this.setup = setup;
    this.queueIndex = new Map(setup.queueIds.map((id, index) => [id, index]));
    this.occupancy = Array.from({ length: setup.queueIds.length + 1 }, () => ({
      occupiedMs: new Float64Array(setup.intervalCount),
      availableMs: new Float64Array(setup.intervalCount),
    }));
    for (const agent of setup.agents) {
      this.agents.set(agent.id, {
        id: agent.id,
        queueIndexes: agent.queueIds.map((id) => this.queueIndexOf(id)),
        presence: 'offline',
        held: 0,
        offers: 0,
        sinceMs: setup.dayStartMs,
        occupiedMs: 0,
        availableMs: 0,
      });
    }
  }

  /** Contacts that arrived so far. */
  get contacts(): number {
    return this.contactCount;
  }

  /** Contacts not yet ended: waiting, with an agent, or a call-back still to make. */
  get liveContacts(): number {
    return this.live.size;
  }

  /** Whether the customer is still on the line, waiting or being offered (not a call-back). */
  isWaiting(contactId: string): boolean {
    const status = this.live.get(contactId)?.status;
    return status === 'waiting' || status === 'offered';
  }

  /** Whether the contact is a call-back (R10). */
  isCallback(contactId: string): boolean {
    const status = this.live.get(contactId)?.status;
    return status === 'callbackWaiting' || status === 'callbackInService';
  }

  /** Contacts an agent holds now. */
  heldBy(agentId: string): number {
    return this.agentOf(agentId).held;
  }

  /** An agent's presence now. */
  presenceOf(agentId: string): AgentTrack['presence'] {
    return this.agentOf(agentId).presence;
  }

  /** Takes in one engine event. */
  record(event: Event): void {
    const atMs = event.atMs - this.setup.originEpochMs;
    switch (event.type) {
      case 'contactQueued': {
        const contact = event.contact;
        this.begin(contact.id, contact.queueId, atMs, {
          isArrival: true,
          position: event.position,
          predictedWaitMs: event.ewtMs,
        });
        return;
      }
      case 'contactDeflected': {
        const leg = this.begin(event.contactId, event.queueId, atMs, {
          isArrival: true,
          position: null,
          predictedWaitMs: null,
        });
        this.end(event.contactId, leg, 'deflected', atMs);
        return;
      }
      case 'contactOverflowed': {
        const track = this.trackOf(event.contactId);
        this.end(event.contactId, track.leg, 'overflowed', atMs);
        this.begin(event.contactId, event.toQueueId, atMs, {
          isArrival: false,
          position: null,
          predictedWaitMs: null,
          contactIndex: track.leg.contactIndex,
          joinedAtMs: track.leg.joinedAtMs,
        });
        return;
      }
      case 'offerCreated':
        this.touchAgent(event.agentId, atMs).offers += 1;
        this.setStatus(event.contactId, 'offered');
        return;
      case 'offerAccepted':
        this.touchAgent(event.agentId, atMs).offers -= 1;
        return;
      case 'offerRejected':
      case 'offerTimedOut':
      case 'offerCancelled':
        this.touchAgent(event.agentId, atMs).offers -= 1;
        this.setStatus(event.contactId, 'waiting');
        return;
      case 'contactAssigned': {
        this.touchAgent(event.agentId, atMs).held += 1;
        const track = this.trackOf(event.contactId);
        if (track.status === 'callbackWaiting') {
          track.status = 'callbackInService';
          track.leg.callbackAttempts += 1;
          return;
        }
        track.status = 'inService';
        const leg = track.leg;
        leg.outcome = 'answered';
        leg.leftAtMs = atMs;
        leg.waitMs = event.waitMs;
        leg.agentId = event.agentId;
        return;
      }
      case 'contactAbandoned':
        this.end(event.contactId, this.trackOf(event.contactId).leg, 'abandoned', atMs);
        return;
      case 'contactTimedOut':
        this.end(event.contactId, this.trackOf(event.contactId).leg, 'timedOut', atMs);
        return;
      case 'contactConvertedToCallback': {
        const track = this.trackOf(event.contactId);
        const leg = track.leg;
        leg.outcome = 'callback';
        leg.leftAtMs = atMs;
        leg.waitMs = atMs - leg.joinedAtMs;
        track.status = 'callbackWaiting';
        return;
      }
      case 'contactCompleted':
        this.touchAgent(event.agentId, atMs).held -= 1;
        this.live.delete(event.contactId);
        return;
      case 'callbackClosed': {
        this.touchAgent(event.agentId, atMs).held -= 1;
        const track = this.trackOf(event.contactId);
        if (event.retryAtMs !== null) {
          track.status = 'callbackWaiting';
          return;
        }
        track.leg.callbackOutcome = event.outcome;
        this.live.delete(event.contactId);
        return;
      }
      case 'agentStateChanged':
        this.touchAgent(event.agentId, atMs).presence = event.presence;
        return;
      case 'contactRequeued':
      case 'contactTransferred':
        // The simulator never forces a log-out nor transfers; a stay would need splitting.
        assert(false, `unexpected ${event.type} of ${event.contactId}`);
        return;
      default:
        return;
    }
  }

  /** Closes every agent's time at endMs: call once, when the simulation stops. */
  finish(endMs: number): AgentTotals[] {
    const totals: AgentTotals[] = [];
    for (const agent of this.agents.values()) {
      this.account(agent, endMs);
      totals.push({
        agentId: agent.id,
        occupiedMs: agent.occupiedMs,
        availableMs: agent.availableMs,
      });
    }
    return totals;
  }

  private queueIndexOf(queueId: string): number {
    const index = this.queueIndex.get(queueId);
    assert(index !== undefined, `unknown queue ${queueId}`);
    return index;
  }

  private agentOf(agentId: string): AgentTrack {
    const agent = this.agents.get(agentId);
    assert(agent !== undefined, `unknown agent ${agentId}`);
    return agent;
  }

  private trackOf(contactId: string): Track {
    const track = this.live.get(contactId);
    assert(track !== undefined, `event for contact ${contactId}, which is not live`);
    return track;
  }

  private setStatus(contactId: string, status: 'waiting' | 'offered'): void {
    const track = this.live.get(contactId);
    // A call-back offered or returned stays a call-back; an ended contact has no status.
    if (track === undefined || track.status === 'inService') return;
    if (track.status === 'callbackWaiting' || track.status === 'callbackInService') return;
    track.status = status;
  }

  private begin(
    contactId: string,
    queueId: string,
    atMs: number,
    stay: Pick<LegRecord, 'isArrival' | 'position' | 'predictedWaitMs'> &
      Partial<Pick<LegRecord, 'contactIndex' | 'joinedAtMs'>>,
  ): LegRecord {
    const leg: LegRecord = {
      contactId,
      // A stay after an overflow continues its contact; any other is a new arrival.
      contactIndex: stay.contactIndex ?? this.contactCount++,
      queueId,
      queueIndex: this.queueIndexOf(queueId),
      isArrival: stay.isArrival,
      joinedAtMs: stay.joinedAtMs ?? atMs,
      enteredAtMs: atMs,
      position: stay.position,
      predictedWaitMs: stay.predictedWaitMs,
      outcome: 'waiting',
      leftAtMs: null,
      waitMs: null,
      agentId: null,
      callbackAttempts: 0,
      callbackOutcome: null,
    };
    this.legs.push(leg);
    this.live.set(contactId, { leg, status: 'waiting' });
    return leg;
  }

  private end(contactId: string, leg: LegRecord, outcome: LegOutcome, atMs: number): void {
    leg.outcome = outcome;
    leg.leftAtMs = atMs;
    leg.waitMs = atMs - leg.joinedAtMs;
    this.live.delete(contactId);
  }

  /** The agent, with its time so far accounted: call before changing what it holds or its presence. */
  private touchAgent(agentId: string, atMs: number): AgentTrack {
    const agent = this.agentOf(agentId);
    this.account(agent, atMs);
    return agent;
  }

  private account(agent: AgentTrack, atMs: number): void {
    const fromMs = agent.sinceMs;
    agent.sinceMs = atMs;
    if (atMs <= fromMs) return;
    const timeClass = classOf(agent);
    if (timeClass === TimeClass.none) return;
    if (timeClass === TimeClass.occupied) agent.occupiedMs += atMs - fromMs;
    else agent.availableMs += atMs - fromMs;
    const { dayStartMs, dayEndMs, intervalMs } = this.setup;
    const startMs = Math.max(fromMs, dayStartMs);
    const endMs = Math.min(atMs, dayEndMs);
    const all = this.occupancy.length - 1;
    for (let spanStartMs = startMs; spanStartMs < endMs;) {
      const interval = Math.floor((spanStartMs - dayStartMs) / intervalMs);
      const spanEndMs = Math.min(endMs, dayStartMs + (interval + 1) * intervalMs);
      const spanMs = spanEndMs - spanStartMs;
      const field = timeClass === TimeClass.occupied ? 'occupiedMs' : 'availableMs';
      for (const queueIndex of agent.queueIndexes)
        addAt(this.occupancy[queueIndex], field, interval, spanMs);
      addAt(this.occupancy[all], field, interval, spanMs);
      spanStartMs = spanEndMs;
    }
  }
}

function addAt(
  time: OccupancyTime | undefined,
  field: keyof OccupancyTime,
  interval: number,
  ms: number,
): void {
  assert(time !== undefined, 'occupancy of an unknown queue');
  const values = time[field];
  values[interval] = (values[interval] ?? 0) + ms;
}

function classOf(agent: AgentTrack): TimeClass {
  if (agent.held > 0 || agent.offers > 0 || agent.presence === 'wrapUp') return TimeClass.occupied;
  return agent.presence === 'ready' ? TimeClass.available : TimeClass.none;
}
