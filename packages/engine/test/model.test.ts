import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  asAgentId,
  asContactId,
  asCustomerId,
  asQueueId,
  type AgentId,
  type Capacity,
  type Channel,
  type Command,
  type ContactId,
  type Event,
  type OfferId,
} from '@lineup/protocol';
import { Engine, hasRoom, invariantProblems as stateProblems } from '../src/index.ts';
import {
  CommandResolver,
  contactPoolSize,
  queuePoolSize,
  scenarioArb,
  type Scenario,
} from './arbitraries.ts';
import { ReferenceModel } from './reference-model.ts';

/*
 * Property tests of the engine against the reference model (reference-model.ts) and against
 * invariants of DESIGN.md §2, over random command sequences (arbitraries.ts). A failure prints
 * fast-check's seed and path (replay with `{ seed, path }` in fc.assert) and says at which
 * step, for which command, what differed.
 */

/** Runs per property in CI; raise it locally with LINEUP_PROPERTY_RUNS for a longer hunt. */
const modelRuns = Number(process.env.LINEUP_PROPERTY_RUNS ?? 2_000);

const queueIds = Array.from({ length: queuePoolSize + 1 }, (_, index) => asQueueId(`q${index}`));
const contactIds = Array.from({ length: contactPoolSize }, (_, index) => asContactId(`c${index}`));

type EngineState = ReturnType<Engine['inspect']>;

const show = (value: unknown): string => JSON.stringify(value);

/** Maps each offer id to the order of its first appearance, so two counters compare. */
class OfferIdNames {
  private readonly names = new Map<string, string>();
  name(offerId: string): string {
    let name = this.names.get(offerId);
    if (name === undefined) {
      name = `offer#${this.names.size}`;
      this.names.set(offerId, name);
    }
    return name;
  }
  normalise(event: Event): Event {
    return 'offerId' in event ? ({ ...event, offerId: this.name(event.offerId) } as Event) : event;
  }
}

/** A failure that says where the run went wrong. */
class Divergence extends Error {
  constructor(step: number, command: Command, what: string) {
    super(`step ${step}, command ${show(command)}:\n${what}`);
  }
}

// --- Invariants read from the event stream ------------------------------------------------------

/**
 * Follows the engine's events and checks what each may do: R5 (one pending offer per agent and
 * per contact, room at every offer and requestNext), and that every contact that joined ends
 * with exactly one terminal event (nothing lost, nothing ended twice).
 */
class StreamChecker {
  private readonly capacity = new Map<AgentId, Capacity>();
  private readonly held = new Map<AgentId, Map<ContactId, Channel>>();
  private readonly offerOfAgent = new Map<AgentId, ContactId>();
  private readonly offerOfContact = new Map<ContactId, { agentId: AgentId; channel: Channel }>();
  private accepted: { contactId: ContactId; agentId: AgentId } | null = null;
  /** Each contact's channel, from contactQueued and conversions. */
  private readonly channels = new Map<ContactId, Channel>();
  /** Contacts that joined and have not ended: queued, offered, assigned, or in wrap-up with an agent. */
  readonly live = new Map<ContactId, { wrapUpAgentId: AgentId | null }>();

  check(event: Event): string | null {
    switch (event.type) {
      case 'agentCreated':
        this.capacity.set(event.agent.id, event.agent.capacity);
        this.held.set(event.agent.id, new Map());
        return null;
      case 'agentUpdated':
        this.capacity.set(event.agentId, event.capacity);
        return null;
      case 'agentRemoved':
        if ((this.held.get(event.agentId)?.size ?? 0) > 0 || this.offerOfAgent.has(event.agentId))
          return `[R5] agent ${event.agentId} removed while holding contacts or an offer`;
        return null;
      case 'contactQueued':
        if (this.live.has(event.contact.id))
          return `[R1] contact ${event.contact.id} queued while it is live already`;
        this.live.set(event.contact.id, { wrapUpAgentId: null });
        this.channels.set(event.contact.id, event.contact.channel);
        return null;
      case 'contactDeflected':
        if (this.live.has(event.contactId))
          return `[lost] live contact ${event.contactId} deflected`;
        return null;
      case 'offerCreated': {
        const life = this.live.get(event.contactId);
        if (life === undefined || life.wrapUpAgentId !== null)
          return `[R5] offer of contact ${event.contactId}, which is not waiting`;
        if (this.offerOfAgent.has(event.agentId))
          return `[R5] agent ${event.agentId} got a second pending offer`;
        if (this.offerOfContact.has(event.contactId))
          return `[R5] contact ${event.contactId} offered to a second agent`;
        const held = [...(this.held.get(event.agentId)?.values() ?? [])];
        const capacity = this.capacity.get(event.agentId);
        if (capacity === undefined || !hasRoom(held, capacity, event.channel))
          return `[R5] agent ${event.agentId} offered a ${event.channel} contact while holding ${show(held)} with capacity ${show(capacity)}`;
        this.offerOfAgent.set(event.agentId, event.contactId);
        this.offerOfContact.set(event.contactId, {
          agentId: event.agentId,
          channel: event.channel,
        });
        return null;
      }
      case 'offerAccepted':
      case 'offerRejected':
      case 'offerTimedOut':
      case 'offerCancelled': {
        const offer = this.offerOfContact.get(event.contactId);
        if (offer?.agentId !== event.agentId)
          return `[R5] ${event.type} of an offer of ${event.contactId} to ${event.agentId} that is not pending`;
        this.offerOfContact.delete(event.contactId);
        this.offerOfAgent.delete(event.agentId);
        this.accepted =
          event.type === 'offerAccepted'
            ? { contactId: event.contactId, agentId: event.agentId }
            : null;
        return null;
      }
      case 'contactAssigned': {
        const held = this.held.get(event.agentId);
        if (held === undefined) return `contact assigned to unknown agent ${event.agentId}`;
        const channel = this.channels.get(event.contactId)!;
        if (event.via === 'offer') {
          if (
            this.accepted?.contactId !== event.contactId ||
            this.accepted.agentId !== event.agentId
          )
            return `[R5] contact ${event.contactId} assigned via an offer that was not accepted`;
        } else if (!hasRoom([...held.values()], this.capacity.get(event.agentId)!, channel)) {
          return `[R5] requestNext gave agent ${event.agentId} a ${channel} contact beyond its capacity`;
        }
        if (this.offerOfContact.has(event.contactId))
          return `[R5] contact ${event.contactId} assigned while offered`;
        this.accepted = null;
        held.set(event.contactId, channel);
        return null;
      }
      case 'contactRequeued':
        this.held.get(event.agentId)?.delete(event.contactId);
        return null;
      case 'contactTransferred':
        if (event.fromAgentId !== null) this.held.get(event.fromAgentId)?.delete(event.contactId);
        return null;
      case 'contactConvertedToCallback':
        this.channels.set(event.contactId, 'callback');
        return null;
      case 'contactCompleted':
      case 'callbackClosed': {
        this.held.get(event.agentId)?.delete(event.contactId);
        if (event.type === 'callbackClosed' && event.retryAtMs !== null) return null;
        return this.end(
          event.contactId,
          event.type,
          event.wrapUpUntilMs === null ? null : event.agentId,
        );
      }
      case 'contactAbandoned':
      case 'contactTimedOut':
        return this.end(event.contactId, event.type, null);
      case 'agentStateChanged':
        // R8: leaving wrap-up ends the contacts in it.
        if (event.presence !== 'wrapUp') {
          for (const [contactId, life] of this.live)
            if (life.wrapUpAgentId === event.agentId) this.live.delete(contactId);
        }
        return null;
      default:
        return null;
    }
  }

  /** A terminal event: the contact must be live, not in wrap-up, and not offered. */
  private end(contactId: ContactId, type: string, wrapUpAgentId: AgentId | null): string | null {
    const life = this.live.get(contactId);
    if (life === undefined || life.wrapUpAgentId !== null)
      return `[lost] ${type} of contact ${contactId}, which had ended already or never joined`;
    if (this.offerOfContact.has(contactId))
      return `[R5] ${type} of contact ${contactId} while an offer of it is pending`;
    if (wrapUpAgentId === null) this.live.delete(contactId);
    else life.wrapUpAgentId = wrapUpAgentId;
    return null;
  }
}

// --- Invariants read from the engine's state ----------------------------------------------------

/** Nothing lost: the engine's live contacts are exactly those the events left live. */
function lostProblem(
  state: EngineState,
  streamLive: ReadonlyMap<ContactId, unknown>,
): string | null {
  const liveIds = [...state.contacts.keys()].sort();
  const expectedIds = [...streamLive.keys()].sort();
  if (!isDeepStrictEqual(liveIds, expectedIds))
    return `[lost] live contacts ${show(liveIds)}, but events leave ${show(expectedIds)} live`;
  return null;
}

/** Every invariant broken after a command, each message starting with its rule's tag. */
function invariantProblems(
  engine: Engine,
  events: readonly Event[],
  checker: StreamChecker,
): string[] {
  const problems: string[] = [];
  for (const event of events) {
    const problem = checker.check(event);
    if (problem !== null) problems.push(`${problem}\n  events: ${show(events)}`);
  }
  const state = engine.inspect();
  const lost = lostProblem(state, checker.live);
  if (lost !== null) problems.push(lost);
  problems.push(...stateProblems(state));
  return problems;
}

/** Runs a scenario on the engine alone, failing on the first broken invariant of one rule. */
function checkInvariant(scenario: Scenario, tag: string): void {
  const engine = new Engine({ seed: scenario.seed });
  const resolver = new CommandResolver(scenario.startMs);
  const checker = new StreamChecker();
  scenario.steps.forEach((step, index) => {
    const command = resolver.resolve(step, engine);
    const { events } = engine.execute(command);
    resolver.observe(events);
    const problem = invariantProblems(engine, events, checker).find((item) => item.startsWith(tag));
    if (problem !== undefined) throw new Divergence(index, command, problem);
  });
}

/** Runs per invariant property: the engine alone is quick, and the model test checks them too. */
const invariantRuns = Math.max(200, Math.floor(modelRuns / 4));

describe('invariants of the engine', () => {
  const holds = (tag: string) => () => {
    fc.assert(
      fc.property(scenarioArb(), (scenario) => {
        checkInvariant(scenario, tag);
      }),
      { numRuns: invariantRuns },
    );
  };
  it(
    '[R1] every live contact waits in exactly one queue and in at most one line, the right one',
    holds('[R1]'),
  );
  it(
    '[R5] a contact is offered to one agent at a time, an agent has one pending offer, and room for all it takes',
    holds('[R5]'),
  );
  it(
    '[lost] every contact that joined is waiting, offered, assigned or in wrap-up, or ended by exactly one terminal event',
    holds('[lost]'),
  );
  it(
    '[R4] after every command no free agent has room for a waiting contact it may take',
    holds('[R4]'),
  );
});

// --- Lock-step run of engine and model ----------------------------------------------------------

/** What the runs reached, so that a generator that stopped reaching it is noticed. */
interface RunStats {
  commands: number;
  /** Commands not refused. */
  accepted: number;
  randomChecks: number;
  /** Outcomes by command type and refusal code. */
  outcomes: Map<string, number>;
  /** Events by kind (eventKind). */
  events: Map<string, number>;
}

/** An event's type, with its reason, cause or way where it has one. */
function eventKind(event: Event): string {
  const detail =
    'cause' in event
      ? event.cause
      : 'reason' in event
        ? event.reason
        : 'leaveType' in event
          ? event.leaveType
          : 'via' in event
            ? event.via
            : null;
  return detail === null ? event.type : `${event.type}:${detail}`;
}

const bump = (counts: Map<string, number>, key: string): void => {
  counts.set(key, (counts.get(key) ?? 0) + 1);
};

/** Runs a scenario on the engine and the model side by side, checking every step. */
function runAgainstModel(scenario: Scenario, stats?: RunStats): void {
  const engine = new Engine({ seed: scenario.seed });
  let engineEvents: Event[] = [];
  let randomChecks = 0;
  const model = new ReferenceModel((eligible, eventIndex) => {
    // R4 random: the engine's draw must be one of the agents the model finds eligible.
    const event = engineEvents[eventIndex];
    if (event?.type !== 'offerCreated' || !eligible.includes(event.agentId))
      throw new Error(
        `[R4] random strategy: the engine emitted ${show(event)} where the model expected an offer to one of ${show(eligible)}`,
      );
    randomChecks += 1;
    return event.agentId;
  });
  const resolver = new CommandResolver(scenario.startMs);
  const engineNames = new OfferIdNames();
  const modelNames = new OfferIdNames();
  const toModelOfferId = new Map<string, OfferId>();
  const checker = new StreamChecker();

  scenario.steps.forEach((step, index) => {
    const command = resolver.resolve(step, engine);
    const decision = engine.execute(command);
    resolver.observe(decision.events);
    engineEvents = decision.events.filter((event) => event.type !== 'queueStatusChanged');
    const modelCommand =
      'offerId' in command
        ? { ...command, offerId: toModelOfferId.get(command.offerId) ?? command.offerId }
        : command;
    let modelDecision;
    try {
      modelDecision = model.execute(modelCommand);
    } catch (error: unknown) {
      throw new Divergence(index, command, String(error));
    }
    const fail = (what: string) => {
      throw new Divergence(index, command, what);
    };

    // The same refusal (or none).
    const engineCode = decision.rejection?.code ?? null;
    if (engineCode !== modelDecision.rejection)
      fail(`[model] engine refused with ${engineCode}, model with ${modelDecision.rejection}`);

    // The same events, offer ids normalised; queue status events apart (below).
    const modelEvents = modelDecision.events.filter((event) => event.type !== 'queueStatusChanged');
    for (let at = 0; at < Math.max(engineEvents.length, modelEvents.length); at++) {
      const fromEngine = engineEvents[at];
      const fromModel = modelEvents[at];
      if (fromEngine?.type === 'offerCreated' && fromModel?.type === 'offerCreated')
        toModelOfferId.set(fromEngine.offerId, fromModel.offerId);
      const engineNormal = fromEngine === undefined ? undefined : engineNames.normalise(fromEngine);
      const modelNormal = fromModel === undefined ? undefined : modelNames.normalise(fromModel);
      if (!isDeepStrictEqual(engineNormal, modelNormal)) {
        fail(
          `[model] event ${at} differs\n  engine: ${show(engineNormal)}\n  model:  ${show(modelNormal)}\n` +
            `  engine events: ${show(engineEvents.map((event) => event.type))}\n` +
            `  model events:  ${show(modelEvents.map((event) => event.type))}`,
        );
      }
    }

    // R13: queue status is announced when it changed, and only then.
    const statusProblem = model.takeAnnouncements(
      decision.events.filter((event) => event.type === 'queueStatusChanged'),
    );
    if (statusProblem !== null) fail(statusProblem);

    // Queue status (R13) and positions agree.
    for (const queueId of queueIds) {
      const status = engine.queueStatus(queueId);
      const expected = model.queueStatus(queueId);
      const actual =
        status === null
          ? null
          : {
              waiting: status.waiting,
              offered: status.offered,
              longestWaitingSinceMs: status.longestWaitingSinceMs,
              agents: status.agents,
              ewtMs: status.ewtMs,
              isOffline: status.isOffline,
              isOpen: status.isOpen,
            };
      if (!isDeepStrictEqual(actual, expected))
        fail(`[R13] status of ${queueId}\n  engine: ${show(actual)}\n  model:  ${show(expected)}`);
    }
    for (const contactId of contactIds) {
      const place = engine.placeOf(contactId);
      const expected = model.placeOf(contactId);
      if (!isDeepStrictEqual(place, expected))
        fail(`[R13] place of ${contactId}: engine ${show(place)}, model ${show(expected)}`);
    }

    // Invariants of the engine, whatever the model says.
    const [problem] = invariantProblems(engine, decision.events, checker);
    if (problem !== undefined) fail(problem);

    if (stats !== undefined) {
      stats.commands += 1;
      if (engineCode === null) stats.accepted += 1;
      bump(stats.outcomes, `${command.type}:${engineCode ?? 'ok'}`);
      for (const event of decision.events) bump(stats.events, eventKind(event));
    }
  });
  if (stats !== undefined) stats.randomChecks += randomChecks;
}

describe('engine against the reference model', () => {
  it('[model] engine and reference model emit the same events', () => {
    const stats: RunStats = {
      commands: 0,
      accepted: 0,
      randomChecks: 0,
      outcomes: new Map(),
      events: new Map(),
    };
    fc.assert(
      fc.property(scenarioArb(), (scenario) => {
        runAgainstModel(scenario, stats);
      }),
      { numRuns: modelRuns },
    );
    // LINEUP_PROPERTY_STATS=1 shows what the runs reached, to tune the generator.
    if (process.env.LINEUP_PROPERTY_STATS !== undefined) {
      const sorted = (counts: Map<string, number>) => Object.fromEntries([...counts].sort());
      console.log({ ...stats, outcomes: sorted(stats.outcomes), events: sorted(stats.events) });
    }
    // The generator must reach the interesting states, or the property proves little.
    const reached = (kind: string) => stats.events.get(kind) ?? 0;
    expect(stats.accepted).toBeGreaterThan(stats.commands / 3);
    expect(reached('offerCreated')).toBeGreaterThan(modelRuns * 3);
    expect(reached('contactAssigned:offer')).toBeGreaterThan(modelRuns / 4);
    expect(reached('contactCompleted')).toBeGreaterThan(modelRuns / 10);
    // About one run in thirty reaches a `random` choice between agents (R4).
    if (modelRuns >= 1_000) expect(stats.randomChecks).toBeGreaterThan(0);
  });
});

describe('regressions found by the model test', () => {
  // Fixed in indexes.ts: free agents were indexed only for the channels a queue takes, so a
  // contact of a channel the queue stopped taking was offered by routeAgent but never by
  // routeContact, and could wait beside a free agent.
  it('[R4] a contact whose channel its queue stopped taking is still offered to a free agent', () => {
    const atMs = 1_772_442_000_000;
    const queueId = asQueueId('q');
    const [a, b] = [asAgentId('a'), asAgentId('b')];
    const engine = new Engine();
    const run = (command: Command) => {
      const decision = engine.execute(command);
      expect(decision.rejection).toBeNull();
      return decision.events;
    };
    run({ type: 'createQueue', atMs, queue: { id: queueId, name: 'Q', channels: ['voice'] } });
    for (const id of [a, b])
      run({
        type: 'createAgent',
        atMs,
        agent: { id, name: id, memberships: [{ queueId, priority: 0 }] },
      });
    run({ type: 'logIn', atMs, agentId: a });
    const offered = run({
      type: 'enqueueContact',
      atMs,
      contact: {
        id: asContactId('c'),
        queueId,
        channel: 'voice',
        customer: { id: asCustomerId('c'), type: 'normal' },
      },
    }).find((event) => event.type === 'offerCreated');
    expect(offered?.agentId).toBe(a);
    run({ type: 'updateQueue', atMs, queueId, changes: { channels: ['chat'] } });
    run({ type: 'logIn', atMs, agentId: b });
    // a rejects: the contact keeps its place and goes to b, the free agent.
    const events = run({ type: 'rejectOffer', atMs, offerId: offered!.offerId, agentId: a });
    expect(
      events.flatMap((event) => (event.type === 'offerCreated' ? [event.agentId] : [])),
    ).toEqual([b]);
  });
});

// --- No starvation with aging (R2) ------------------------------------------------------------

interface StarvationSetup {
  agingPointsPerMinute: number;
  /** Score of every later arrival above the waiting low-score contact's. */
  scoreGap: number;
  handleMs: number;
  agentCount: number;
  /** Time between arrivals; never slower than the agents serve, so the line never empties. */
  arrivalIntervalMs: number;
}

const starvationSetupArb: fc.Arbitrary<StarvationSetup> = fc
  .record({
    agingPointsPerMinute: fc.integer({ min: 1, max: 20 }),
    scoreGap: fc.integer({ min: 1, max: 60 }),
    handleMs: fc.integer({ min: 5_000, max: 60_000 }),
    agentCount: fc.integer({ min: 1, max: 2 }),
    arrivalShare: fc.integer({ min: 50, max: 100 }),
  })
  .filter((setup) => setup.scoreGap / setup.agingPointsPerMinute <= 20)
  .map((setup) => ({
    ...setup,
    arrivalIntervalMs: Math.max(
      1_000,
      Math.floor((setup.handleMs / setup.agentCount) * (setup.arrivalShare / 100)),
    ),
  }));

/**
 * A low-score contact joins behind one higher-score contact per agent; higher-score contacts of
 * the same customer type keep arriving at least as fast as the agents serve; agents accept every
 * offer at once and complete after handleMs. Returns when the low-score contact was assigned,
 * or null if it was not by untilMs.
 */
function lowScoreServedAtMs(setup: StarvationSetup, aging: number, untilMs: number): number | null {
  const startMs = 1_772_442_000_000;
  const engine = new Engine();
  const completions: { atMs: number; contactId: ContactId; agentId: AgentId }[] = [];
  // An object, not a let: it is set inside `run`, which narrowing does not follow.
  const low: { servedAtMs: number | null } = { servedAtMs: null };
  let nowMs = startMs;
  const run = (command: Command) => {
    const { events, rejection } = engine.execute(command);
    expect(rejection).toBeNull();
    for (const event of events) {
      if (event.type === 'offerCreated') {
        const answer = engine.execute({
          type: 'acceptOffer',
          atMs: event.atMs,
          offerId: event.offerId,
          agentId: event.agentId,
        });
        expect(answer.rejection).toBeNull();
        for (const assigned of answer.events) {
          if (assigned.type !== 'contactAssigned') continue;
          if (assigned.contactId === 'low') low.servedAtMs ??= assigned.atMs;
          completions.push({
            atMs: assigned.atMs + setup.handleMs,
            contactId: assigned.contactId,
            agentId: assigned.agentId,
          });
        }
      }
    }
  };
  let arrival = 0;
  const enqueue = (contactId: string, priority: number) => {
    run({
      type: 'enqueueContact',
      atMs: nowMs,
      contact: {
        id: asContactId(contactId),
        queueId: asQueueId('line'),
        channel: 'voice',
        customer: { id: asCustomerId(contactId), type: 'normal' },
        priority,
      },
    });
  };
  run({
    type: 'createQueue',
    atMs: nowMs,
    queue: {
      id: asQueueId('line'),
      name: 'Line',
      channels: ['voice'],
      agingPointsPerMinute: aging,
      offerTimeoutMs: 60_000,
      stickyTimeoutMs: 0,
    },
  });
  for (let index = 0; index < setup.agentCount; index++) {
    const agentId = asAgentId(`agent${index}`);
    run({
      type: 'createAgent',
      atMs: nowMs,
      agent: {
        id: agentId,
        name: agentId,
        memberships: [{ queueId: asQueueId('line'), priority: 0 }],
      },
    });
    run({ type: 'logIn', atMs: nowMs, agentId });
    enqueue(`high${arrival++}`, setup.scoreGap);
  }
  enqueue('low', 0);
  let nextArrivalMs = nowMs + setup.arrivalIntervalMs;
  while (low.servedAtMs === null) {
    completions.sort((a, b) => a.atMs - b.atMs);
    const completion = completions[0];
    nowMs = Math.min(nextArrivalMs, completion?.atMs ?? Number.POSITIVE_INFINITY);
    if (nowMs > untilMs) return null;
    // Arrivals first at equal times: the line must never be empty when an agent frees up.
    if (nextArrivalMs > nowMs && completion !== undefined) {
      completions.shift();
      run({
        type: 'completeContact',
        atMs: nowMs,
        contactId: completion.contactId,
        agentId: completion.agentId,
      });
    } else {
      enqueue(`high${arrival++}`, setup.scoreGap);
      nextArrivalMs += setup.arrivalIntervalMs;
    }
  }
  return low.servedAtMs - startMs;
}

/**
 * The wait after which aging has lifted the low-score contact above every later arrival (R2):
 * scoreGap / rate minutes; by then at most one arrival per interval (plus one per agent) is
 * ahead of it, and the agents work through them a handle time each.
 */
function starvationBoundMs(setup: StarvationSetup): number {
  const catchUpMs = (setup.scoreGap / setup.agingPointsPerMinute) * 60_000;
  const ahead = Math.ceil(catchUpMs / setup.arrivalIntervalMs) + setup.agentCount + 1;
  return catchUpMs + Math.ceil(ahead / setup.agentCount + 1) * setup.handleMs;
}

describe('no starvation', () => {
  it('[R2] with aging, a low-score contact is served within a bounded time despite higher-score arrivals', () => {
    fc.assert(
      fc.property(starvationSetupArb, (setup) => {
        const boundMs = starvationBoundMs(setup);
        const servedAfterMs = lowScoreServedAtMs(
          setup,
          setup.agingPointsPerMinute,
          1_772_442_000_000 + boundMs,
        );
        expect(servedAfterMs, `served within ${boundMs} ms`).not.toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  it('[R2] without aging the same stream starves the low-score contact (the bound above is not vacuous)', () => {
    fc.assert(
      fc.property(starvationSetupArb, (setup) => {
        const boundMs = starvationBoundMs(setup);
        expect(lowScoreServedAtMs(setup, 0, 1_772_442_000_000 + boundMs)).toBeNull();
      }),
      { numRuns: 15 },
    );
  });
});
