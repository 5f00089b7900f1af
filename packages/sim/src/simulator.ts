import { Engine, queueDefaults, type EngineOptions } from '@lineup/engine';
import {
  asContactId,
  asCustomerId,
  asQueueId,
  type AgentId,
  type Command,
  type ContactId,
  type Event,
  type OfferId,
  type QueueReport,
} from '@lineup/protocol';
import { assert } from './assert.ts';
import { EventHeap } from './event-heap.ts';
import {
  customerSources,
  drawCallbackAttempt,
  drawCustomer,
  type CustomerSource,
} from './customers.ts';
import { Random, sampleMs, type Distribution } from './random.ts';
import { Recorder, type AgentTotals, type LegRecord } from './records.ts';
import { buildReport, type SimulationReport } from './report.ts';
import { noAnswerRecoveryMs, Workforce, type AgentTask, type Workplace } from './workforce.ts';
import {
  agentPlans,
  channelOf,
  resolvedTimes,
  scenarioProblems,
  setUpEngine,
  type ResolvedTimes,
  type Scenario,
  type TraceContact,
} from './scenario.ts';

/*
 * The simulator: the real engine on a virtual clock (DESIGN.md §3, sim). It
 * plays the world around the engine — customers arrive, lose patience or ask
 * for a call-back; agents log in and out with their shifts, take breaks,
 * accept offers after a ring, talk, and hang up — and sends what they do as
 * commands, moving the clock to whichever comes first: the next thing people
 * do, or the engine's next deadline (then it sends a tick). What the engine
 * decides comes back as events, which the recorder keeps and the world
 * answers (an offer is accepted a ring later, a call ends after its service
 * time).
 *
 * Determinism: one seed, separate random streams per purpose, integer ms,
 * and an agenda ordered by time then by scheduling order. The same scenario
 * and seed give the same records and report, on any machine.
 */

/** Steps (commands sent, ticks included) a simulation takes at most, unless told otherwise. */
export const eventsMaxDefault = 50_000_000;
/** Progress reports per simulated day, at most: every tenth of the day, and one at the end. */
export const progressReportsPerDay = 10;

/** How far a simulation has come, for a progress bar. */
export interface SimulationProgress {
  /** Scenario ms reached. */
  atMs: number;
  /** Share of the day [dayStartMs, dayEndMs] simulated, 0–1. */
  fraction: number;
  /** Contacts that arrived so far. */
  contacts: number;
}

/** How to run a simulation. */
export interface SimulateOptions {
  /** Steps at most: commands sent to the engine, ticks included. Default eventsMaxDefault. */
  eventsMax?: number;
  /** Called at each tenth of the day (nine times) and once at the end, for a progress bar. */
  onProgress?: (progress: SimulationProgress) => void;
  /** EWT predictors a queue may name besides the engine's own (EngineOptions.predictors). */
  predictors?: EngineOptions['predictors'];
}

/** Why a simulation stopped. */
export const StopReason = {
  /** The day is over and every contact has ended. */
  drained: 'drained',
  /** The horizon came with contacts still live. */
  horizon: 'horizon',
  /** The eventsMax limit came first: the report covers only what was simulated. */
  eventsMax: 'eventsMax',
} as const;
/** Why a simulation stopped. */
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** What a simulation gives: the report, and the records it was computed from. */
export interface SimulationResult {
  report: SimulationReport;
  /** Every stay of a contact in a queue, in the order they began. */
  legs: readonly LegRecord[];
  /** Each agent's occupied and available time, over the whole run. */
  agents: readonly AgentTotals[];
  stoppedBy: StopReason;
  /** Scenario ms when the simulation stopped. */
  endMs: number;
  /** Commands sent to the engine, ticks included. */
  steps: number;
  /** Events the engine emitted, setup included. */
  engineEvents: number;
  /** The engine's own statistics per queue at the end (its "today"), for cross-checks. */
  engineReports: readonly QueueReport[];
}

/** Something people will do. */
type Task =
  | { kind: 'arrive'; queueIndex: number; trace: TraceContact | null }
  | { kind: 'losePatience'; contactId: ContactId }
  | { kind: 'askCallback'; contactId: ContactId; number: string }
  | { kind: 'accept'; offerId: OfferId; agentId: AgentId }
  | { kind: 'finish'; contactId: ContactId; agentId: AgentId; command: FinishCommand }
  | AgentTask;

type FinishCommand = 'complete' | 'reached' | 'noAnswer';

/** What the world knows of one customer, drawn when it arrives. */
interface Customer {
  queueIndex: number;
  serviceMs: number;
}

/**
 * Runs a scenario's day through the engine and reports it. The scenario must
 * be free of problems (scenarioProblems); a scenario with problems is a bug of
 * the caller and throws. Stops when the day is over and every contact has
 * ended, at the horizon, or after eventsMax steps (the result says which).
 */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimulationResult {
  const engineOptions: EngineOptions = {
    seed: scenario.seed,
    ...(options.predictors === undefined ? {} : { predictors: options.predictors }),
  };
  const problems = scenarioProblems(scenario, engineOptions);
  assert(
    problems.length === 0,
    `simulate needs a scenario without problems; check it with scenarioProblems first: ${problems
      .slice(0, 3)
      .map((problem) => `${problem.path} ${problem.message}`)
      .join('; ')}`,
  );
  return new Simulation(scenario, engineOptions, options).run();
}

class Simulation {
  private readonly engine: Engine;
  private readonly times: ResolvedTimes;
  private readonly recorder: Recorder;
  private readonly agenda = new EventHeap<Task>();
  private readonly queues: CustomerSource[];
  private readonly workforce: Workforce;
  /** What agents act through: commands, and what the recorder knows of them. */
  private readonly workplace: Workplace;
  /** Customers not yet done, by contact id. */
  private readonly customers = new Map<string, Customer>();
  private readonly ringDelay: Distribution;
  private readonly rings: Random;
  private readonly eventsMax: number;
  private readonly onProgress: ((progress: SimulationProgress) => void) | undefined;
  /** Engine ms of the step being run. */
  private nowMs: number;
  private steps = 0;
  private arrivalsPending = 0;
  private contactNumber = 0;

  constructor(
    private readonly scenario: Scenario,
    engineOptions: EngineOptions,
    options: SimulateOptions,
  ) {
    this.times = resolvedTimes(scenario);
    this.engine = new Engine(engineOptions);
    this.eventsMax = options.eventsMax ?? eventsMaxDefault;
    this.onProgress = options.onProgress;
    this.ringDelay = scenario.ringDelay ?? { kind: 'fixed', ms: 0 };
    // Stream 1 of the seed: agents' rings (customerSources says which streams the queues take).
    this.rings = new Random(scenario.seed, 1);
    const plans = agentPlans(scenario);
    this.workforce = new Workforce(plans);
    this.workplace = {
      send: (command) => {
        this.send(command);
      },
      heldBy: (agentId) => this.recorder.heldBy(agentId),
      presenceOf: (agentId) => this.recorder.presenceOf(agentId),
    };
    this.queues = customerSources(scenario, this.times);
    this.recorder = new Recorder({
      ...this.times,
      queueIds: scenario.queues.map((queue) => queue.settings.id),
      agents: plans.map((plan) => ({
        id: plan.id,
        queueIds: plan.spec.memberships.map((membership) => membership.queueId),
      })),
    });
    this.nowMs = this.toEngineMs(firstMs(scenario));
  }

  run(): SimulationResult {
    const problems = setUpEngine(this.engine, this.scenario, this.nowMs);
    assert(problems.length === 0, `setup refused: ${problems[0]?.message ?? ''}`);
    this.workforce.schedule((scenarioMs, task) => {
      this.at(this.toEngineMs(scenarioMs), task);
    });
    for (const [queueIndex, queue] of this.queues.entries())
      this.scheduleArrival(queueIndex, queue);

    const horizonMs = this.toEngineMs(this.times.horizonMs);
    const dayEndMs = this.toEngineMs(this.times.dayEndMs);
    const daySpanMs = Math.max(1, this.times.dayEndMs - this.times.dayStartMs);
    const progressStepMs = daySpanMs / progressReportsPerDay;
    let nextProgressMs = this.toEngineMs(this.times.dayStartMs) + progressStepMs;
    const lastProgressMs = dayEndMs - progressStepMs / 2;
    let stoppedBy: StopReason;
    for (;;) {
      if (
        this.nowMs >= dayEndMs &&
        this.arrivalsPending === 0 &&
        this.recorder.liveContacts === 0
      ) {
        stoppedBy = 'drained';
        break;
      }
      if (this.steps >= this.eventsMax) {
        stoppedBy = 'eventsMax';
        break;
      }
      const taskMs = this.agenda.peekMs() ?? Number.POSITIVE_INFINITY;
      const deadlineMs = this.engine.nextDeadline() ?? Number.POSITIVE_INFINITY;
      const nextMs = Math.min(taskMs, deadlineMs);
      if (nextMs > horizonMs) {
        this.nowMs = Math.max(this.nowMs, horizonMs);
        stoppedBy = 'horizon';
        break;
      }
      this.nowMs = Math.max(this.nowMs, nextMs);
      // The last tenth ends with the day; the report at the end stands for it.
      const isProgressDue = this.nowMs >= nextProgressMs && nextProgressMs < lastProgressMs;
      if (this.onProgress !== undefined && isProgressDue) {
        while (nextProgressMs <= this.nowMs) nextProgressMs += progressStepMs;
        this.reportProgress(this.onProgress);
      }
      // A task due at the same ms as a deadline runs first: the engine fires due timers
      // before any command anyway.
      if (taskMs <= deadlineMs) this.perform(this.agenda.pop() as Task);
      else this.send({ type: 'tick', atMs: this.nowMs });
    }
    const endMs = this.nowMs - this.times.originEpochMs;
    const agents = this.recorder.finish(endMs);
    this.onProgress?.({ atMs: endMs, fraction: 1, contacts: this.recorder.contacts });
    const report = buildReport({
      times: this.times,
      queues: this.scenario.queues.map((queue) => ({
        id: queue.settings.id,
        name: queue.settings.name,
        serviceLevelThresholdMs:
          queue.settings.serviceLevelThresholdMs ?? queueDefaults.serviceLevelThresholdMs,
      })),
      legs: this.recorder.legs,
      occupancy: this.recorder.occupancy,
    });
    return {
      report,
      legs: this.recorder.legs,
      agents,
      stoppedBy,
      endMs,
      steps: this.steps,
      engineEvents: this.engine.eventCount(),
      engineReports: this.scenario.queues.map(
        (queue) => this.engine.queueReport(asQueueId(queue.settings.id)) as QueueReport,
      ),
    };
  }

  private toEngineMs(scenarioMs: number): number {
    return this.times.originEpochMs + scenarioMs;
  }

  private at(atMs: number, task: Task): void {
    this.agenda.push(atMs, task);
  }

  private reportProgress(onProgress: (progress: SimulationProgress) => void): void {
    const atMs = this.nowMs - this.times.originEpochMs;
    const fraction = (atMs - this.times.dayStartMs) / (this.times.dayEndMs - this.times.dayStartMs);
    onProgress({
      atMs,
      fraction: Math.min(1, Math.max(0, fraction)),
      contacts: this.recorder.contacts,
    });
  }

  /**
   * Runs a command now. The refusals a busy world produces are expected and
   * ignored (an offer withdrawn before the ring ended); any other is a bug.
   */
  private send(command: Command): void {
    this.steps += 1;
    const { events, rejection } = this.engine.execute(command);
    for (const event of events) {
      this.recorder.record(event);
      this.react(event);
    }
    if (rejection === null) return;
    assert(
      command.type === 'acceptOffer' && rejection.code === 'offer_expired',
      `${command.type} refused: ${rejection.code} ${rejection.message}`,
    );
  }

  private scheduleArrival(queueIndex: number, queue: CustomerSource): void {
    const next = queue.arrivals.next();
    if (next.done === true) return;
    this.arrivalsPending += 1;
    this.at(this.toEngineMs(next.value.atMs), {
      kind: 'arrive',
      queueIndex,
      trace: next.value.trace,
    });
  }

  private perform(task: Task): void {
    switch (task.kind) {
      case 'arrive':
        this.arrivalsPending -= 1;
        this.arrive(task.queueIndex, task.trace);
        return;
      case 'losePatience':
        if (this.recorder.isWaiting(task.contactId))
          this.send({ type: 'abandonContact', atMs: this.nowMs, contactId: task.contactId });
        return;
      case 'askCallback':
        if (this.recorder.isWaiting(task.contactId)) {
          this.send({
            type: 'convertToCallback',
            atMs: this.nowMs,
            contactId: task.contactId,
            number: task.number,
          });
        }
        return;
      case 'accept':
        this.send({
          type: 'acceptOffer',
          atMs: this.nowMs,
          offerId: task.offerId,
          agentId: task.agentId,
        });
        return;
      case 'finish':
        this.send(
          task.command === 'complete'
            ? {
                type: 'completeContact',
                atMs: this.nowMs,
                contactId: task.contactId,
                agentId: task.agentId,
              }
            : {
                type: 'closeCallback',
                atMs: this.nowMs,
                contactId: task.contactId,
                agentId: task.agentId,
                outcome: task.command,
              },
        );
        return;
      case 'shiftStart':
      case 'shiftEnd':
      case 'breakStart':
      case 'breakEnd':
      case 'recover':
      case 'logOutWhenFree':
        this.workforce.perform(task, this.nowMs, this.workplace);
        return;
    }
  }

  /** A customer arrives with what it brings; a waiting one may hang up or ask for a call-back. */
  private arrive(queueIndex: number, trace: TraceContact | null): void {
    const source = this.queues[queueIndex];
    assert(source !== undefined, `no queue ${queueIndex}`);
    const customer = drawCustomer(source, trace);
    const n = this.contactNumber++;
    const contactId = asContactId(`c${n}`);
    this.customers.set(contactId, { queueIndex, serviceMs: customer.serviceMs });
    this.send({
      type: 'enqueueContact',
      atMs: this.nowMs,
      contact: {
        id: contactId,
        queueId: asQueueId(source.spec.settings.id),
        channel: channelOf(source.spec),
        customer: { id: asCustomerId(`k${n}`), type: customer.isVip ? 'vip' : 'normal' },
        ...(trace?.priority === undefined ? {} : { priority: trace.priority }),
      },
    });
    this.scheduleArrival(queueIndex, source);
    // Answered at once or turned away: nobody will hang up or ask for a call-back.
    if (!this.recorder.isWaiting(contactId)) return;
    if (customer.patienceMs !== null)
      this.at(this.nowMs + customer.patienceMs, { kind: 'losePatience', contactId });
    if (customer.askCallbackAfterMs !== null) {
      this.at(this.nowMs + customer.askCallbackAfterMs, {
        kind: 'askCallback',
        contactId,
        number: `+1555${String(n).padStart(7, '0')}`,
      });
    }
  }

  /** What people do when the engine decides: answer offers, talk, leave after a shift. */
  private react(event: Event): void {
    switch (event.type) {
      case 'offerCreated':
        this.at(event.atMs + sampleMs(this.rings, this.ringDelay), {
          kind: 'accept',
          offerId: event.offerId,
          agentId: event.agentId,
        });
        return;
      case 'contactAssigned':
        this.talk(event.contactId, event.agentId, event.atMs);
        return;
      case 'contactCompleted':
      case 'callbackClosed': {
        if (event.type === 'contactCompleted' || event.retryAtMs === null)
          this.customers.delete(event.contactId);
        const agent = this.workforce.indexOf(event.agentId);
        // Logged out by a task of its own: a command may not run while this one's events are read.
        if (this.workforce.isLoggingOut(agent))
          this.at(event.atMs, { kind: 'logOutWhenFree', agent });
        return;
      }
      case 'contactAbandoned':
      case 'contactTimedOut':
        this.customers.delete(event.contactId);
        return;
      case 'contactDeflected':
        this.customers.delete(event.contactId);
        return;
      case 'agentStateChanged':
        if (event.cause === 'noAnswer') {
          this.at(event.atMs + noAnswerRecoveryMs, {
            kind: 'recover',
            agent: this.workforce.indexOf(event.agentId),
          });
        }
        return;
      default:
        return;
    }
  }

  /** An agent took a contact: a call lasts the customer's service time; a call-back may ring out. */
  private talk(contactId: ContactId, agentId: AgentId, atMs: number): void {
    const customer = this.customers.get(contactId);
    assert(customer !== undefined, `assigned contact ${contactId} has no customer`);
    if (!this.recorder.isCallback(contactId)) {
      this.at(atMs + customer.serviceMs, {
        kind: 'finish',
        contactId,
        agentId,
        command: 'complete',
      });
      return;
    }
    const source = this.queues[customer.queueIndex];
    assert(source !== undefined, `no queue ${customer.queueIndex}`);
    const attempt = drawCallbackAttempt(source, customer.serviceMs);
    this.at(atMs + attempt.durationMs, {
      kind: 'finish',
      contactId,
      agentId,
      command: attempt.outcome,
    });
  }
}

/** When the simulation starts: the day's start, or an earlier shift's (agents may log in before). */
function firstMs(scenario: Scenario): number {
  let startMs = scenario.dayStartMs;
  for (const agent of scenario.agents)
    for (const shift of agent.shifts) startMs = Math.min(startMs, shift.startMs);
  return startMs;
}
