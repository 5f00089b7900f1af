import fc from 'fast-check';
import {
  asAgentId,
  asContactId,
  asCustomerId,
  asOfferId,
  asQueueId,
  type AgentId,
  type CallbackOutcome,
  type Channel,
  type Command,
  type ContactId,
  type Event,
  type ExpansionStep,
  type OfferId,
  type OpeningHours,
  type QueueChanges,
  type QueueId,
  type Strategy,
  type WhenClosed,
  type WhenEmpty,
} from '@lineup/protocol';
import type { Engine } from '../src/index.ts';

/*
 * Random command sequences for the property tests (model.test.ts, determinism.test.ts).
 *
 * fast-check generates a Scenario of abstract steps: "accept the k-th pending offer",
 * "complete a contact some agent holds", "enqueue contact c3 into q1". A CommandResolver turns
 * each step into a concrete Command against the engine as it stands, so that offer ids and held
 * contacts are real ones; a few steps deliberately name the wrong thing to exercise refusals.
 * Ids come from small pools so that the same queue, agent and contact recur (and ids of ended
 * contacts are reused).
 */

/** Queues q0..q2 may be created; q3 never is (queue_not_found). */
export const queuePoolSize = 3;
/** Agents a0..a3 may be created; a4 never is (agent_not_found). */
export const agentPoolSize = 4;
/** Contacts c0..c11: ids are reused once a contact ended. */
export const contactPoolSize = 12;

const queueIdAt = (index: number): QueueId => asQueueId(`q${index}`);
const agentIdAt = (index: number): AgentId => asAgentId(`a${index}`);
const contactIdAt = (index: number): ContactId => asContactId(`c${index}`);

const minuteMs = 60_000;
const dayMs = 86_400_000;
/** Monday 2 March 2026, 00:00 UTC: scenarios start on this day, at a random minute. */
export const scenarioDayMs = 1_772_409_600_000;

/** Opening hours relative to the scenario's start (resolved by CommandResolver). */
export interface HoursSpec {
  /** Minutes from the start's minute of the day to the daily opening. */
  offsetMin: number;
  lengthMin: number;
}
/** Queue settings with abstract hours. */
export type QueueFieldsSpec = Omit<QueueChanges, 'hours'> & { hours?: HoursSpec | null };

/** What a step does, before it is resolved into a command. */
export type Action =
  | { t: 'createQueue'; q: number; fields: QueueFieldsSpec }
  | { t: 'updateQueue'; q: number; changes: QueueFieldsSpec }
  | { t: 'deleteQueue'; q: number }
  | {
      t: 'createAgent';
      a: number;
      memberships: { q: number; priority: number }[];
      capacity: Partial<Record<Channel, number>> | null;
      mode: 'auto' | 'manual' | null;
    }
  | { t: 'updateAgent'; a: number; capacity: Partial<Record<Channel, number>> }
  | { t: 'removeAgent'; a: number }
  | { t: 'logIn'; a: number; reason: string | null }
  | { t: 'logOut'; a: number; isForced: boolean }
  | { t: 'setPresence'; a: number; presence: 'ready' | 'notReady'; reason: string | null }
  | { t: 'setMode'; a: number; mode: 'auto' | 'manual' }
  | { t: 'startServing'; a: number; q: number; priority: number }
  | { t: 'stopServing'; a: number; q: number }
  | {
      t: 'enqueue';
      c: number;
      q: number;
      /** null: one of the channels the queue takes, chosen by `c`. */
      channel: Channel | null;
      isVip: boolean;
      priority: number | null;
      hasNumber: boolean;
      preferred: number | null;
    }
  | {
      t: 'requestCallback';
      c: number;
      q: number;
      isVip: boolean;
      priority: number | null;
      hasNumber: boolean;
      notBeforeInMs: number | null;
    }
  | { t: 'abandon'; pick: number; isAny: boolean }
  | { t: 'convert'; pick: number; isAny: boolean }
  | {
      t: 'transfer';
      pick: number;
      holder: number | null;
      target: { q: number; keepsPlace: boolean } | { a: number; waitMsMax: number | null };
    }
  | { t: 'complete'; pick: number; holder: number | null }
  | { t: 'closeCallback'; pick: number; holder: number | null; outcome: CallbackOutcome }
  | {
      t: 'answer';
      accept: boolean;
      pick: number;
      variant: 'live' | 'seen' | 'otherAgent' | 'bogus';
    }
  | { t: 'requestNext'; a: number }
  | { t: 'tick' };

/** One step: how far the host's clock moves (it may step back a little), then what happens. */
export interface Step {
  dtMs: number;
  action: Action;
}

/** A whole generated run: engine seed, start time, setup steps and random steps. */
export interface Scenario {
  seed: number;
  startMs: number;
  steps: Step[];
}

// --- Settings -------------------------------------------------------------------------------

/** A contact's channel: mostly voice and chat, which most queues take. */
const channelArb = fc.constantFrom<Channel>(
  'voice',
  'voice',
  'voice',
  'chat',
  'chat',
  'chat',
  'video',
  'callback',
  'email',
  'task',
);
/** The channels a queue takes: mostly voice and chat, sometimes any. */
const servedChannelsArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<Channel[]>(
      ['voice', 'chat'],
      ['voice', 'video', 'chat'],
      ['chat'],
      ['voice'],
      ['chat', 'email'],
    ),
  },
  {
    weight: 1,
    arbitrary: fc.uniqueArray(
      fc.constantFrom<Channel>('voice', 'video', 'chat', 'email', 'task', 'callback'),
      { minLength: 1, maxLength: 4 },
    ),
  },
);
const strategyArb = fc.constantFrom<Strategy>(
  'random',
  'longestIdle',
  'roundRobin',
  'fewestContacts',
  'leastTalkTime',
  'topDown',
  'random',
);
/** Agents' priorities in queues (R4, R15): mostly 0 or 1, so that ties (and strategies) matter. */
const agentPriorityArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1) },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 3 }) },
);

/** Bullseye steps: mostly valid (R15), sometimes not, to exercise invalid_queue_settings. */
const expansionArb: fc.Arbitrary<ExpansionStep[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<ExpansionStep[]>([]) },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.integer({ min: 1_000, max: 60_000 }), fc.integer({ min: 0, max: 2 })), {
        minLength: 0,
        maxLength: 2,
      })
      .chain((rest) =>
        fc.integer({ min: 1, max: 4 }).map((first) => {
          const steps: ExpansionStep[] = [{ afterMs: 0, minAgentPriority: first }];
          let afterMs = 0;
          let minAgentPriority = first;
          for (const [gapMs, drop] of rest) {
            afterMs += gapMs;
            minAgentPriority -= drop;
            steps.push({ afterMs, minAgentPriority });
          }
          return steps;
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<ExpansionStep[]>(
      [{ afterMs: 1_000, minAgentPriority: 1 }],
      [
        { afterMs: 0, minAgentPriority: 1 },
        { afterMs: 0, minAgentPriority: 0 },
      ],
      [
        { afterMs: 0, minAgentPriority: 1 },
        { afterMs: 5_000, minAgentPriority: 2 },
      ],
    ),
  },
);

/** Whether bullseye steps are valid (R15): the first at 0, later ones later, never narrowing. */
function isValidExpansion(steps: readonly ExpansionStep[]): boolean {
  return steps.every((step, index) => {
    const previous = steps[index - 1];
    if (previous === undefined) return step.afterMs === 0;
    return step.afterMs > previous.afterMs && step.minAgentPriority <= previous.minAgentPriority;
  });
}

/** Opening hours around the scenario's start, so that queues open and close during a run (R16). */
const hoursSpecArb: fc.Arbitrary<HoursSpec> = fc.record({
  offsetMin: fc.integer({ min: -30, max: 90 }),
  lengthMin: fc.integer({ min: 2, max: 60 }),
});

/** Daily opening hours in UTC from a spec and the scenario's start. */
export function hoursOf(spec: HoursSpec, startMs: number): OpeningHours {
  const startMinute = Math.floor((startMs % dayMs) / minuteMs);
  const openMinute = Math.min(1_438, Math.max(0, startMinute + spec.offsetMin));
  const closeMinute = Math.min(1_440, openMinute + spec.lengthMin);
  return {
    timeZone: 'UTC',
    weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, openMinute, closeMinute })),
    holidays: [],
  };
}

/** Every queue setting but id and name, each optional (the engine's defaults fill in). */
const queueFieldsArb: fc.Arbitrary<QueueFieldsSpec> = fc.record(
  {
    priority: fc.integer({ min: 0, max: 2 }),
    channels: servedChannelsArb,
    strategy: strategyArb,
    offerTimeoutMs: fc.integer({ min: 2_000, max: 60_000 }),
    wrapUpMs: fc.oneof(fc.constant(0), fc.integer({ min: 1_000, max: 20_000 })),
    maxWaitMs: fc.oneof(fc.constant(0), fc.integer({ min: 10_000, max: 180_000 })),
    maxSize: fc.integer({ min: 1, max: 8 }),
    // Mostly no overflow; else any queue: created before, itself, or none (refused).
    overflowQueueId: fc.oneof(
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: queuePoolSize }).map(queueIdAt) },
    ),
    whenEmpty: fc.constantFrom<WhenEmpty>('wait', 'reject', 'leaveMessage'),
    hours: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: hoursSpecArb },
    ),
    whenClosed: fc.constantFrom<WhenClosed>('refuse', 'leaveMessage', 'callback'),
    closedMessage: fc.constantFrom('', 'We are closed.'),
    expansion: expansionArb,
    stickyTimeoutMs: fc.oneof(fc.constant(0), fc.integer({ min: 2_000, max: 60_000 })),
    callbacks: fc.record({
      isAllowed: fc.boolean(),
      retryDelayMs: fc.integer({ min: 1_000, max: 60_000 }),
      attemptsMax: fc.integer({ min: 1, max: 3 }),
    }),
    agingPointsPerMinute: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
    maxNoAnswer: fc.integer({ min: 0, max: 3 }),
    rejectCooldownMs: fc.oneof(fc.constant(0), fc.integer({ min: 1_000, max: 30_000 })),
    ewtPredictor: fc.constantFrom('queueLength', 'headOfLine', 'lastToEnterService', 'erlangA'),
    expectedHandleMs: fc.integer({ min: 1_000, max: 300_000 }),
  },
  { requiredKeys: [] },
);

const capacityArb = fc.record(
  {
    voice: fc.constantFrom(0, 1, 1, 1),
    video: fc.integer({ min: 0, max: 1 }),
    callback: fc.constantFrom(0, 1, 1, 1),
    chat: fc.integer({ min: 0, max: 3 }),
    email: fc.integer({ min: 0, max: 2 }),
    task: fc.integer({ min: 0, max: 2 }),
  },
  { requiredKeys: [] },
);

const membershipsArb = fc.uniqueArray(
  fc.record({ q: fc.integer({ min: 0, max: queuePoolSize - 1 }), priority: agentPriorityArb }),
  { minLength: 1, maxLength: queuePoolSize, selector: (membership) => membership.q },
);

// --- Steps ----------------------------------------------------------------------------------

/** A queue of the pool, or rarely one never created (queue_not_found). */
const queueIndexArb = fc.oneof(
  { weight: 29, arbitrary: fc.integer({ min: 0, max: queuePoolSize - 1 }) },
  { weight: 1, arbitrary: fc.constant(queuePoolSize) },
);
/** An agent of the pool, or rarely one never created (agent_not_found). */
const agentIndexArb = fc.oneof(
  { weight: 29, arbitrary: fc.integer({ min: 0, max: agentPoolSize - 1 }) },
  { weight: 1, arbitrary: fc.constant(agentPoolSize) },
);
const contactIndexArb = fc.integer({ min: 0, max: contactPoolSize - 1 });
const pickArb = fc.nat({ max: 1_000 });
/** True once in n. */
const chance = (n: number): fc.Arbitrary<boolean> =>
  fc.integer({ min: 1, max: n }).map((x) => x === 1);
const reasonArb = fc.oneof(fc.constant(null), fc.constantFrom('break', 'lunch'));
const contactPriorityArb = fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 3 }));

/** How far the clock moves before a step: mostly a little, sometimes past time-outs, rarely back. */
const dtArb = fc.oneof(
  { weight: 30, arbitrary: fc.constant(0) },
  { weight: 45, arbitrary: fc.integer({ min: 1, max: 3_000 }) },
  { weight: 15, arbitrary: fc.integer({ min: 3_001, max: 30_000 }) },
  { weight: 4, arbitrary: fc.integer({ min: 30_001, max: 300_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: -5_000, max: -1 }) },
);

function actionArb(): fc.Arbitrary<Action> {
  const w = (weight: number, arbitrary: fc.Arbitrary<Action>) => ({ weight, arbitrary });
  const createdQueueArb = fc.integer({ min: 0, max: queuePoolSize - 1 });
  return fc.oneof(
    w(
      1,
      fc
        .record({ q: createdQueueArb, fields: queueFieldsArb })
        .map((fields): Action => ({ t: 'createQueue', ...fields })),
    ),
    w(
      2,
      fc
        .record({ q: createdQueueArb, changes: queueFieldsArb })
        .map((fields): Action => ({ t: 'updateQueue', ...fields })),
    ),
    w(
      1,
      queueIndexArb.map((q): Action => ({ t: 'deleteQueue', q })),
    ),
    w(
      1,
      fc
        .record({
          a: agentIndexArb,
          memberships: membershipsArb,
          capacity: fc.oneof(fc.constant(null), capacityArb),
          mode: fc.constantFrom<'auto' | 'manual' | null>(null, 'auto', 'manual'),
        })
        .map((fields): Action => ({ t: 'createAgent', ...fields })),
    ),
    w(
      2,
      fc
        .record({ a: agentIndexArb, capacity: capacityArb })
        .map((fields): Action => ({ t: 'updateAgent', ...fields })),
    ),
    w(
      1,
      agentIndexArb.map((a): Action => ({ t: 'removeAgent', a })),
    ),
    w(
      4,
      fc
        .record({
          a: agentIndexArb,
          reason: fc.oneof(fc.constant(null), fc.constant(null), reasonArb),
        })
        .map((fields): Action => ({ t: 'logIn', ...fields })),
    ),
    w(
      2,
      fc
        .record({ a: agentIndexArb, isForced: fc.boolean() })
        .map((fields): Action => ({ t: 'logOut', ...fields })),
    ),
    w(
      5,
      fc
        .record({
          a: agentIndexArb,
          presence: fc.constantFrom<'ready' | 'notReady'>('ready', 'ready', 'notReady'),
          reason: reasonArb,
        })
        .map((fields): Action => ({ t: 'setPresence', ...fields })),
    ),
    w(
      2,
      fc
        .record({ a: agentIndexArb, mode: fc.constantFrom<'auto' | 'manual'>('auto', 'manual') })
        .map((fields): Action => ({ t: 'setMode', ...fields })),
    ),
    w(
      2,
      fc
        .record({ a: agentIndexArb, q: queueIndexArb, priority: agentPriorityArb })
        .map((fields): Action => ({ t: 'startServing', ...fields })),
    ),
    w(
      1,
      fc
        .record({ a: agentIndexArb, q: queueIndexArb })
        .map((fields): Action => ({ t: 'stopServing', ...fields })),
    ),
    w(
      24,
      fc
        .record({
          c: contactIndexArb,
          q: queueIndexArb,
          channel: fc.oneof(
            { weight: 3, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: channelArb },
          ),
          isVip: chance(5),
          priority: contactPriorityArb,
          hasNumber: fc.boolean(),
          preferred: fc.oneof(
            { weight: 3, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: agentIndexArb },
          ),
        })
        .map((fields): Action => ({ t: 'enqueue', ...fields })),
    ),
    w(
      5,
      fc
        .record({
          c: contactIndexArb,
          q: queueIndexArb,
          isVip: fc.boolean(),
          priority: contactPriorityArb,
          hasNumber: chance(5).map((no) => !no),
          notBeforeInMs: fc.oneof(fc.constant(null), fc.integer({ min: -10_000, max: 120_000 })),
        })
        .map((fields): Action => ({ t: 'requestCallback', ...fields })),
    ),
    w(
      3,
      fc
        .record({ pick: pickArb, isAny: chance(6) })
        .map((fields): Action => ({ t: 'abandon', ...fields })),
    ),
    w(
      2,
      fc
        .record({ pick: pickArb, isAny: fc.boolean() })
        .map((fields): Action => ({ t: 'convert', ...fields })),
    ),
    w(
      4,
      fc
        .record({
          pick: pickArb,
          holder: fc.oneof(
            { weight: 4, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: agentIndexArb },
          ),
          target: fc.oneof(
            fc.record({ q: queueIndexArb, keepsPlace: fc.boolean() }),
            fc.record({
              a: agentIndexArb,
              waitMsMax: fc.oneof(fc.constant(null), fc.integer({ min: 1_000, max: 60_000 })),
            }),
          ),
        })
        .map((fields): Action => ({ t: 'transfer', ...fields })),
    ),
    w(
      10,
      fc
        .record({
          pick: pickArb,
          holder: fc.oneof(
            { weight: 8, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: agentIndexArb },
          ),
        })
        .map((fields): Action => ({ t: 'complete', ...fields })),
    ),
    w(
      6,
      fc
        .record({
          pick: pickArb,
          holder: fc.oneof(
            { weight: 8, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: agentIndexArb },
          ),
          outcome: fc.constantFrom<CallbackOutcome>('reached', 'noAnswer', 'noAnswer', 'failed'),
        })
        .map((fields): Action => ({ t: 'closeCallback', ...fields })),
    ),
    w(
      24,
      fc
        .record({
          accept: chance(4).map((no) => !no),
          pick: pickArb,
          variant: fc.constantFrom<'live' | 'seen' | 'otherAgent' | 'bogus'>(
            'live',
            'live',
            'live',
            'live',
            'live',
            'live',
            'seen',
            'otherAgent',
            'bogus',
          ),
        })
        .map((fields): Action => ({ t: 'answer', ...fields })),
    ),
    w(
      4,
      agentIndexArb.map((a): Action => ({ t: 'requestNext', a })),
    ),
    w(6, fc.constant<Action>({ t: 'tick' })),
  );
}

/** The setup every scenario starts with: queues (the last first, so overflow targets exist), agents, log-ins. */
const setupArb: fc.Arbitrary<Step[]> = fc
  .record({
    queueCount: fc.constantFrom(2, 3, 3, 3),
    queues: fc.array(queueFieldsArb, { minLength: queuePoolSize, maxLength: queuePoolSize }),
    agents: fc.array(
      fc.record({
        memberships: membershipsArb,
        capacity: fc.oneof(fc.constant(null), capacityArb),
        mode: fc.constantFrom<'auto' | 'manual' | null>(null, null, null, 'manual'),
        logIn: fc.constantFrom<'ready' | 'notReady' | 'no'>(
          'ready',
          'ready',
          'ready',
          'notReady',
          'no',
        ),
      }),
      { minLength: agentPoolSize, maxLength: agentPoolSize },
    ),
  })
  .map(({ queueCount, queues, agents }) => {
    const steps: Step[] = [];
    const firstQueue = queuePoolSize - queueCount;
    for (let q = queuePoolSize - 1; q >= firstQueue; q--) {
      const fields = queues[q]!;
      // An overflow into a queue not created yet would refuse the queue, and the run would be dull.
      const overflow = Number(fields.overflowQueueId?.slice(1) ?? queuePoolSize);
      const isValid = overflow > q && overflow < queuePoolSize;
      steps.push({
        dtMs: 0,
        action: {
          t: 'createQueue',
          q,
          fields: {
            ...fields,
            overflowQueueId: isValid ? (fields.overflowQueueId ?? null) : null,
            expansion: isValidExpansion(fields.expansion ?? []) ? (fields.expansion ?? []) : [],
          },
        },
      });
    }
    agents.forEach((agent, a) => {
      steps.push({
        dtMs: 0,
        action: {
          t: 'createAgent',
          a,
          // Only queues that exist, so that the agent is created.
          memberships: agent.memberships.filter((membership) => membership.q >= firstQueue),
          capacity: agent.capacity,
          mode: agent.mode,
        },
      });
    });
    agents.forEach((agent, a) => {
      if (agent.logIn === 'no') return;
      steps.push({
        dtMs: 0,
        action: { t: 'logIn', a, reason: agent.logIn === 'notReady' ? 'break' : null },
      });
    });
    return steps;
  });

/**
 * A scenario: setup, then random steps, about 45 on average and at most 90. The steps come in
 * two halves of any length from 0, rather than one array with a minimum length, so that
 * fast-check can shrink a failure down to the few steps that matter.
 */
export function scenarioArb(options: { halfStepsMax?: number } = {}): fc.Arbitrary<Scenario> {
  const half = fc.array(fc.record({ dtMs: dtArb, action: actionArb() }), {
    maxLength: options.halfStepsMax ?? 45,
    size: 'max',
  });
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 0x7fff_ffff }),
      day: fc.integer({ min: 0, max: 6 }),
      minute: fc.oneof(
        // Near midnight, so that some runs start a new statistics day (dayStarted).
        fc.integer({ min: 23 * 60 + 45, max: 24 * 60 - 1 }),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
      ),
      setup: setupArb,
      steps: fc.tuple(half, half),
    })
    .map(({ seed, day, minute, setup, steps }): Scenario => ({
      seed,
      startMs: scenarioDayMs + day * dayMs + minute * minuteMs,
      steps: [...setup, ...steps[0], ...steps[1]],
    }));
}

// --- Resolving steps into commands ----------------------------------------------------------

type EngineState = ReturnType<Engine['inspect']>;
type LiveContact = EngineState['contacts'] extends ReadonlyMap<ContactId, infer C> ? C : never;

const byId = (a: { id: string }, b: { id: string }): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Turns abstract steps into commands against a live engine: it keeps the host's clock and
 * the offer ids seen in events, and reads the engine's contacts to find real targets.
 */
export class CommandResolver {
  private clockMs: number;
  private readonly startMs: number;
  private readonly seenOffers: { offerId: OfferId; agentId: AgentId }[] = [];

  constructor(startMs: number) {
    this.startMs = startMs;
    this.clockMs = startMs;
  }

  /** Records the offers in a command's events, for later stale answers. */
  observe(events: readonly Event[]): void {
    for (const event of events)
      if (event.type === 'offerCreated')
        this.seenOffers.push({ offerId: event.offerId, agentId: event.agentId });
  }

  /** The concrete command for a step, given the engine's state now. */
  resolve(step: Step, engine: Engine): Command {
    // Agents answer offers promptly, or most offers would time out unanswered.
    const dtMs = step.action.t === 'answer' ? Math.min(step.dtMs, 2_000) : step.dtMs;
    // The host's clock never goes back, but a command may carry an older time (clock skew).
    const atMs = Math.max(0, this.clockMs + dtMs);
    this.clockMs = Math.max(this.clockMs, atMs);
    return this.command(step.action, engine.inspect(), atMs);
  }

  /** One of the channels a queue takes (voice for an unknown queue). */
  private takenChannel(state: EngineState, queueId: QueueId, pick: number): Channel {
    const channels = state.queues.get(queueId)?.settings.channels ?? ['voice'];
    return channels[pick % channels.length] ?? 'voice';
  }

  /** Queue settings with the hours made concrete. */
  private fields(spec: QueueFieldsSpec): QueueChanges {
    const { hours, ...rest } = spec;
    if (hours === undefined) return rest;
    return { ...rest, hours: hours === null ? null : hoursOf(hours, this.startMs) };
  }

  private command(action: Action, state: EngineState, atMs: number): Command {
    const live = [...state.contacts.values()].sort(byId);
    const pickFrom = <T>(items: readonly T[], pick: number): T | undefined =>
      items.length === 0 ? undefined : items[pick % items.length];
    const anyContact = (pick: number) => contactIdAt(pick % contactPoolSize);
    switch (action.t) {
      case 'createQueue':
        return {
          type: 'createQueue',
          atMs,
          queue: {
            ...this.fields(action.fields),
            id: queueIdAt(action.q),
            name: `Queue ${action.q}`,
          },
        };
      case 'updateQueue':
        return {
          type: 'updateQueue',
          atMs,
          queueId: queueIdAt(action.q),
          changes: this.fields(action.changes),
        };
      case 'deleteQueue':
        return { type: 'deleteQueue', atMs, queueId: queueIdAt(action.q) };
      case 'createAgent':
        return {
          type: 'createAgent',
          atMs,
          agent: {
            id: agentIdAt(action.a),
            name: `Agent ${action.a}`,
            memberships: action.memberships.map((membership) => ({
              queueId: queueIdAt(membership.q),
              priority: membership.priority,
            })),
            ...(action.capacity === null ? {} : { capacity: action.capacity }),
            ...(action.mode === null ? {} : { mode: action.mode }),
          },
        };
      case 'updateAgent':
        return {
          type: 'updateAgent',
          atMs,
          agentId: agentIdAt(action.a),
          changes: { capacity: action.capacity },
        };
      case 'removeAgent':
        return { type: 'removeAgent', atMs, agentId: agentIdAt(action.a) };
      case 'logIn':
        return {
          type: 'logIn',
          atMs,
          agentId: agentIdAt(action.a),
          ...(action.reason === null ? {} : { notReadyReason: action.reason }),
        };
      case 'logOut':
        return { type: 'logOut', atMs, agentId: agentIdAt(action.a), isForced: action.isForced };
      case 'setPresence':
        return {
          type: 'setPresence',
          atMs,
          agentId: agentIdAt(action.a),
          presence: action.presence,
          ...(action.reason === null ? {} : { reason: action.reason }),
        };
      case 'setMode':
        return { type: 'setMode', atMs, agentId: agentIdAt(action.a), mode: action.mode };
      case 'startServing':
        return {
          type: 'startServing',
          atMs,
          agentId: agentIdAt(action.a),
          queueId: queueIdAt(action.q),
          priority: action.priority,
        };
      case 'stopServing':
        return {
          type: 'stopServing',
          atMs,
          agentId: agentIdAt(action.a),
          queueId: queueIdAt(action.q),
        };
      case 'enqueue':
        return {
          type: 'enqueueContact',
          atMs,
          contact: {
            id: contactIdAt(action.c),
            queueId: queueIdAt(action.q),
            channel: action.channel ?? this.takenChannel(state, queueIdAt(action.q), action.c),
            customer: {
              id: asCustomerId(`cu${action.c}`),
              type: action.isVip ? 'vip' : 'normal',
              ...(action.hasNumber ? { number: `+4930${action.c}` } : {}),
            },
            ...(action.priority === null ? {} : { priority: action.priority }),
            ...(action.preferred === null ? {} : { preferredAgentId: agentIdAt(action.preferred) }),
          },
        };
      case 'requestCallback':
        return {
          type: 'requestCallback',
          atMs,
          contact: {
            id: contactIdAt(action.c),
            queueId: queueIdAt(action.q),
            customer: {
              id: asCustomerId(`cu${action.c}`),
              type: action.isVip ? 'vip' : 'normal',
              ...(action.hasNumber ? { number: `+4930${action.c}` } : {}),
            },
            ...(action.priority === null ? {} : { priority: action.priority }),
            ...(action.notBeforeInMs === null
              ? {}
              : { notBeforeMs: Math.max(0, atMs + action.notBeforeInMs) }),
          },
        };
      case 'abandon':
      case 'convert': {
        const waiting = live.filter((c) => c.status === 'queued' || c.status === 'offered');
        const contactId = action.isAny
          ? anyContact(action.pick)
          : (pickFrom(waiting, action.pick)?.id ?? anyContact(action.pick));
        return action.t === 'abandon'
          ? { type: 'abandonContact', atMs, contactId }
          : { type: 'convertToCallback', atMs, contactId, number: '+49301234' };
      }
      case 'transfer': {
        const movable = live.filter((c) => c.status !== 'wrapUp');
        const contact: LiveContact | undefined = pickFrom(movable, action.pick);
        const agentId =
          action.holder !== null ? agentIdAt(action.holder) : (contact?.agentId ?? undefined);
        const target = action.target;
        return {
          type: 'transferContact',
          atMs,
          contactId: contact?.id ?? anyContact(action.pick),
          ...(agentId === undefined ? {} : { agentId }),
          target:
            'q' in target
              ? { queueId: queueIdAt(target.q), keepsPlace: target.keepsPlace }
              : {
                  agentId: agentIdAt(target.a),
                  ...(target.waitMsMax === null ? {} : { waitMsMax: target.waitMsMax }),
                },
        };
      }
      case 'complete':
      case 'closeCallback': {
        const assigned = live.filter((c) => c.status === 'assigned');
        const callbacks = assigned.filter((c) => c.channel === 'callback');
        const contact = pickFrom(
          action.t === 'closeCallback' && callbacks.length > 0 ? callbacks : assigned,
          action.pick,
        );
        const contactId = contact?.id ?? anyContact(action.pick);
        const agentId =
          action.holder !== null || contact?.agentId == null
            ? agentIdAt(action.holder ?? action.pick % agentPoolSize)
            : contact.agentId;
        return action.t === 'complete'
          ? { type: 'completeContact', atMs, contactId, agentId }
          : { type: 'closeCallback', atMs, contactId, agentId, outcome: action.outcome };
      }
      case 'answer': {
        const type = action.accept ? 'acceptOffer' : 'rejectOffer';
        const offers = live.filter((c) => c.status === 'offered');
        const offered = pickFrom(offers, action.pick);
        if (action.variant === 'bogus' || (offered === undefined && this.seenOffers.length === 0))
          return {
            type,
            atMs,
            offerId: asOfferId('x1'),
            agentId: agentIdAt(action.pick % agentPoolSize),
          };
        if (action.variant === 'seen' || offered === undefined) {
          const seen = this.seenOffers[action.pick % this.seenOffers.length]!;
          return { type, atMs, offerId: seen.offerId, agentId: seen.agentId };
        }
        const offerAgentId = offered.offerAgentId!;
        const agentId =
          action.variant === 'otherAgent'
            ? agentIdAt(
                (Number(offerAgentId.slice(1)) + 1 + (action.pick % agentPoolSize)) %
                  (agentPoolSize + 1),
              )
            : offerAgentId;
        return { type, atMs, offerId: offered.offerId!, agentId };
      }
      case 'requestNext':
        return { type: 'requestNext', atMs, agentId: agentIdAt(action.a) };
      case 'tick':
        return { type: 'tick', atMs };
    }
  }
}

/** Runs a scenario on an engine, returning each command with what it did. */
export function runScenario(
  engine: Engine,
  scenario: Scenario,
  beforeStep?: (index: number) => void,
): { command: Command; events: Event[]; rejection: string | null }[] {
  const resolver = new CommandResolver(scenario.startMs);
  return scenario.steps.map((step, index) => {
    beforeStep?.(index);
    const command = resolver.resolve(step, engine);
    const decision = engine.execute(command);
    resolver.observe(decision.events);
    return { command, events: decision.events, rejection: decision.rejection?.code ?? null };
  });
}
