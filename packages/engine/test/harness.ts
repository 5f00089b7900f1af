import { expect } from 'vitest';
import type {
  AgentInput,
  Brand,
  Command,
  ErrorCode,
  Event,
  EventOf,
  EventType,
  QueueInput,
  Rejection,
} from '@lineup/protocol';
import { Engine, type Decision, type EngineOptions, type Place } from '../src/index.ts';

/*
 * Helpers for the engine's unit tests: build an engine with queues and agents
 * in a line or two, run commands on a virtual clock (no sleeps, no Date), and
 * check refusals change nothing (STYLE.md, Tests and Errors).
 */

/** The protocol's types with plain strings where ids are branded, so tests can write literals. */
export type Loose<T> =
  T extends Brand<string, string>
    ? string
    : T extends readonly (infer U)[]
      ? Loose<U>[]
      : T extends object
        ? { [K in keyof T]: Loose<T[K]> }
        : T;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A command as tests write it: literal ids, and the time optional (the clock's now by default). */
export type CommandInput = DistributiveOmit<Loose<Command>, 'atMs'> & { atMs?: number };

export const secondMs = 1_000;
export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/**
 * Epoch ms of a UTC wall time, by the civil-from-days arithmetic (Howard
 * Hinnant's days_from_civil), so that tests need no Date.
 */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  return days * dayMs + hour * hourMs + minute * minuteMs;
}

/** Monday 2 March 2026, 09:00 UTC: where every test's clock starts unless it says otherwise. */
export const T0 = utcMs(2026, 3, 2, 9, 0);

/** A virtual clock: tests move it forward by hand. */
export class Clock {
  constructor(public nowMs: number = T0) {}
  /** Moves the clock forward by ms and returns the new time. */
  advance(ms: number): number {
    expect(ms, 'a clock only moves forward').toBeGreaterThanOrEqual(0);
    this.nowMs += ms;
    return this.nowMs;
  }
  /** Moves the clock to an absolute time, never back. */
  set(atMs: number): number {
    expect(atMs, 'a clock only moves forward').toBeGreaterThanOrEqual(this.nowMs);
    this.nowMs = atMs;
    return this.nowMs;
  }
}

/** Turns a test's command into the engine's, with the time filled in. */
export function toCommand(command: CommandInput, nowMs: number): Command {
  return { ...command, atMs: command.atMs ?? nowMs } as unknown as Command;
}

/** Runs a command and returns its events; fails the test with the rejection if it was refused. */
export function run(engine: Engine, command: CommandInput, nowMs = engine.nowMs()): Event[] {
  const decision = engine.execute(toCommand(command, nowMs));
  if (decision.rejection !== null) {
    throw new Error(
      `${command.type} was refused unexpectedly: ${decision.rejection.code}: ${decision.rejection.message}`,
    );
  }
  return decision.events;
}

/** Every event of one type, in order. */
export function ofType<T extends EventType>(events: readonly Event[], type: T): EventOf<T>[] {
  return events.filter((event): event is EventOf<T> => event.type === type);
}

/** The one event of a type; fails when there are none or several. */
export function one<T extends EventType>(events: readonly Event[], type: T): EventOf<T> {
  const found = ofType(events, type);
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one ${type}, got ${found.length} among ${kinds(events).join(', ')}`,
    );
  }
  return found[0]!;
}

/** The types of events in order, leaving out the queue status announcements (R13). */
export function kinds(events: readonly Event[]): EventType[] {
  return events.filter((event) => event.type !== 'queueStatusChanged').map((event) => event.type);
}

/** Options of expectRejected. */
export interface RejectionCheck {
  /** Text or pattern the message must contain, e.g. the id it is about. */
  mentions?: string | RegExp;
}

/**
 * Runs a command that must be refused with `code`, and checks what a caller
 * relies on: the message is a helpful sentence, the engine's state (its
 * snapshot) is unchanged, and the command emitted nothing. Timers due by the
 * command's time are fired first by a tick, since they fire either way.
 */
export function expectRejected(
  engine: Engine,
  command: CommandInput,
  code: ErrorCode,
  check: RejectionCheck = {},
): Rejection {
  const atMs = command.atMs ?? engine.nowMs();
  return expectRefusal(engine, toCommand(command, atMs), atMs, code, check);
}

/**
 * Like expectRejected, for a command as a client might send it, malformed or
 * not: it goes to the engine as it is, with no time filled in.
 */
export function expectRawRejected(
  engine: Engine,
  command: unknown,
  code: ErrorCode,
  check: RejectionCheck = {},
): Rejection {
  return expectRefusal(engine, command as Command, engine.nowMs(), code, check);
}

function expectRefusal(
  engine: Engine,
  command: Command,
  atMs: number,
  code: ErrorCode,
  check: RejectionCheck,
): Rejection {
  const due = engine.nextDeadline();
  if (due !== null && due <= atMs) run(engine, { type: 'tick', atMs });
  const before = engine.snapshot();
  const eventsBefore = engine.eventCount();
  const decision: Decision = engine.execute(command);
  const rejection = decision.rejection;
  expect(rejection, `the command should be refused with ${code}`).not.toBeNull();
  expect(rejection?.code).toBe(code);
  expect(decision.events, 'a refused command emits no events').toEqual([]);
  expect(engine.eventCount(), 'a refused command applies no events').toBe(eventsBefore);
  expect(engine.snapshot(), 'a refused command changes nothing').toEqual(before);
  const message = rejection?.message ?? '';
  // A helpful sentence: one line long enough to say something, opening with a word (a field
  // name such as `overflowQueueId` may lead) and ending with a full stop, with no value leaked
  // from a bug.
  expect(message).toMatch(/^[A-Za-z][^\n]{14,}\.$/);
  expect(message).not.toMatch(/undefined|null|NaN|\[object/);
  if (check.mentions !== undefined) expect(message).toMatch(check.mentions);
  return rejection as Rejection;
}

/** A queue as tests write it: an id, and any settings; the name defaults to the id. */
export type QueueSetup = Partial<Loose<QueueInput>> & { id: string };

/** An agent as tests write it. */
export interface AgentSetup {
  id: string;
  /** Queues served, with the priority in each (R4); an array means priority 0 in each. */
  serves?: Record<string, number> | readonly string[];
  capacity?: Loose<AgentInput>['capacity'];
  mode?: 'auto' | 'manual';
  /** Logged in and ready at the start; default true. */
  isLoggedIn?: boolean;
}

const isList = (serves: Record<string, number> | readonly string[]): serves is readonly string[] =>
  Array.isArray(serves);

/** What `lab` builds. */
export interface LabSetup {
  queues?: readonly QueueSetup[];
  agents?: readonly AgentSetup[];
  options?: EngineOptions;
  startMs?: number;
}

/** Options of a contact joining a queue. */
export interface ContactSetup {
  channel?: 'voice' | 'video' | 'chat' | 'email' | 'task' | 'callback';
  priority?: number;
  isVip?: boolean;
  number?: string;
  preferredAgentId?: string;
  atMs?: number;
}

/** An engine, its virtual clock and everything it emitted, with shortcuts for common commands. */
export class Lab {
  readonly engine: Engine;
  readonly clock: Clock;
  /** Every event emitted so far. */
  readonly log: Event[] = [];

  constructor(options: EngineOptions = {}, startMs = T0) {
    this.engine = new Engine(options);
    this.clock = new Clock(startMs);
  }

  get nowMs(): number {
    return this.clock.nowMs;
  }

  /** Runs a command at the clock's time (or its own); fails the test if it is refused. */
  run(command: CommandInput): Event[] {
    const events = run(this.engine, command, this.clock.nowMs);
    this.log.push(...events);
    return events;
  }

  /** Runs a command and returns the whole decision, refused or not. */
  attempt(command: CommandInput): Decision {
    const decision = this.engine.execute(toCommand(command, this.clock.nowMs));
    this.log.push(...decision.events);
    return decision;
  }

  /** expectRejected at the clock's time. */
  expectRejected(command: CommandInput, code: ErrorCode, check: RejectionCheck = {}): Rejection {
    return expectRejected(
      this.engine,
      { ...command, atMs: command.atMs ?? this.clock.nowMs },
      code,
      check,
    );
  }

  /** Moves the clock forward and fires the timers due by then. */
  advance(ms: number): Event[] {
    this.clock.advance(ms);
    return this.run({ type: 'tick' });
  }

  /** Moves the clock to an absolute time and fires the timers due by then. */
  advanceTo(atMs: number): Event[] {
    this.clock.set(atMs);
    return this.run({ type: 'tick' });
  }

  createQueue(queue: QueueSetup): Event[] {
    return this.run({ type: 'createQueue', queue: { name: queue.id, ...queue } });
  }

  /** Creates an agent serving the given queues and, unless told otherwise, logs it in. */
  createAgent(agent: AgentSetup): Event[] {
    const serves: Record<string, number> | readonly string[] = agent.serves ?? [];
    const memberships = isList(serves)
      ? serves.map((queueId) => ({ queueId, priority: 0 }))
      : Object.entries(serves).map(([queueId, priority]) => ({ queueId, priority }));
    const events = this.run({
      type: 'createAgent',
      agent: {
        id: agent.id,
        name: agent.id,
        memberships,
        ...(agent.capacity === undefined ? {} : { capacity: agent.capacity }),
        ...(agent.mode === undefined ? {} : { mode: agent.mode }),
      },
    });
    if (agent.isLoggedIn === false) return events;
    return [...events, ...this.run({ type: 'logIn', agentId: agent.id })];
  }

  /** A customer joins a queue. */
  enqueue(contactId: string, queueId: string, setup: ContactSetup = {}): Event[] {
    return this.run({
      type: 'enqueueContact',
      ...(setup.atMs === undefined ? {} : { atMs: setup.atMs }),
      contact: {
        id: contactId,
        queueId,
        channel: setup.channel ?? 'voice',
        customer: {
          id: `cust-${contactId}`,
          type: setup.isVip === true ? 'vip' : 'normal',
          ...(setup.number === undefined ? {} : { number: setup.number }),
        },
        ...(setup.priority === undefined ? {} : { priority: setup.priority }),
        ...(setup.preferredAgentId === undefined
          ? {}
          : { preferredAgentId: setup.preferredAgentId }),
      },
    });
  }

  /** The agent's pending offer, or null (read from the engine's state). */
  offerOf(agentId: string): { offerId: string; contactId: string } | null {
    const agent = this.engine.inspect().agents.get(agentId as never);
    if (agent?.offerContactId == null) return null;
    const contact = this.engine.inspect().contacts.get(agent.offerContactId);
    if (contact?.offerId == null) return null;
    return { offerId: contact.offerId, contactId: contact.id };
  }

  /** The id of the contact offered to the agent; fails when it has no offer. */
  offeredTo(agentId: string): string {
    const offer = this.offerOf(agentId);
    if (offer === null) throw new Error(`agent ${agentId} has no pending offer`);
    return offer.contactId;
  }

  /** The agent accepts its pending offer. */
  accept(agentId: string): Event[] {
    const offer = this.offerOf(agentId);
    if (offer === null) throw new Error(`agent ${agentId} has no pending offer to accept`);
    return this.run({ type: 'acceptOffer', offerId: offer.offerId, agentId });
  }

  /** The agent rejects its pending offer. */
  reject(agentId: string): Event[] {
    const offer = this.offerOf(agentId);
    if (offer === null) throw new Error(`agent ${agentId} has no pending offer to reject`);
    return this.run({ type: 'rejectOffer', offerId: offer.offerId, agentId });
  }

  /** The agent completes a contact it holds. */
  complete(contactId: string, agentId: string): Event[] {
    return this.run({ type: 'completeContact', contactId, agentId });
  }

  /** The contacts an agent holds now. */
  heldBy(agentId: string): string[] {
    return [...(this.engine.inspect().agents.get(agentId as never)?.held ?? [])];
  }

  /** A waiting contact's position and EWT (R13). */
  placeOf(contactId: string): Place | null {
    return this.engine.placeOf(contactId as never);
  }
}

/** Builds an engine with queues and agents (logged in and ready unless told otherwise). */
export function lab(setup: LabSetup = {}): Lab {
  const built = new Lab(setup.options, setup.startMs);
  for (const queue of setup.queues ?? []) built.createQueue(queue);
  for (const agent of setup.agents ?? []) built.createAgent(agent);
  return built;
}
