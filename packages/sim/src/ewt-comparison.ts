import type { EngineOptions } from '@lineup/engine';
import { literaturePredictors } from './predictors.ts';
import type { LegRecord } from './records.ts';
import { ewtAccuracyOfLegs, isEwtScored } from './report.ts';
import type { Scenario } from './scenario.ts';
import { simulate, type SimulateOptions } from './simulator.ts';

/*
 * EWT predictors compared on one scenario (issue 7): the scenario runs once
 * per predictor, every queue set to it, with the same seed. Routing does not
 * read the EWT (R13 only announces it), so every run serves the same
 * customers the same way and only the announced waits differ; the comparison
 * checks that instead of trusting it (`isServedIdentically`).
 *
 * Errors are those of the report (report.ts): the EWT given on arrival
 * against the real wait of contacts answered in the queue they arrived at,
 * all queues together, overall and by position on arrival.
 *
 * A replay of the bank trace can leave a caller waiting overnight (docs/
 * simulation.md, "Why the replay differs"): the last agent's shift ends and
 * the caller, who never hangs up, waits for the morning. One such wait of
 * seven hours outweighs thousands of ordinary errors in an RMSE, and says
 * nothing about the predictors, so `answeredWaitMsMax` can leave such
 * contacts out; the comparison says how many it left out.
 */

/** One position bucket's accuracy, in seconds. */
export interface PositionRmse {
  positionMin: number;
  positionMax: number | null;
  count: number;
  rmseSeconds: number | null;
}

/** How one predictor did on the scenario. */
export interface PredictorComparison {
  predictor: string;
  /** Answered contacts with a prediction on arrival. */
  count: number;
  rmseSeconds: number | null;
  /** Mean of predicted − real: positive means waits were overestimated. */
  biasSeconds: number | null;
  byPosition: PositionRmse[];
}

/** The comparison: one row per predictor, in the order asked. */
export interface EwtComparison {
  predictors: PredictorComparison[];
  /** Contacts with a prediction left out because they waited longer than answeredWaitMsMax (the same in every run). */
  leftOutForWait: number;
  /** True when every run had the same outcome, wait and agent for every stay. */
  isServedIdentically: boolean;
}

/** How to compare; `predictors` adds to the literature's QL, HOL, LES and ErlangA. */
export interface CompareEwtOptions {
  predictors?: EngineOptions['predictors'];
  eventsMax?: number;
  /** Contacts answered after a longer real wait are left out of the errors; default none. */
  answeredWaitMsMax?: number;
}

const secondsOf = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** What must be equal between runs for them to have served alike: everything but the EWT. */
function servedFingerprint(legs: readonly LegRecord[]): string {
  return JSON.stringify(
    legs.map((leg) => [leg.contactId, leg.queueId, leg.outcome, leg.waitMs, leg.agentId]),
  );
}

/**
 * Runs `scenario` once per predictor name (engine built-ins such as
 * `queueLength`, or QL, HOL, LES, ErlangA, or any in options.predictors),
 * every queue set to that predictor, and compares their EWT accuracy.
 */
export function compareEwtPredictors(
  scenario: Scenario,
  predictorNames: readonly string[],
  options: CompareEwtOptions = {},
): EwtComparison {
  const simulateOptions: SimulateOptions = {
    predictors: { ...literaturePredictors, ...options.predictors },
    ...(options.eventsMax === undefined ? {} : { eventsMax: options.eventsMax }),
  };
  const rows: PredictorComparison[] = [];
  const fingerprints = new Set<string>();
  let leftOutForWait = 0;
  for (const predictor of predictorNames) {
    const run = simulate(
      {
        ...scenario,
        queues: scenario.queues.map((queue) => ({
          ...queue,
          settings: { ...queue.settings, ewtPredictor: predictor },
        })),
      },
      simulateOptions,
    );
    fingerprints.add(servedFingerprint(run.legs));
    const waitMsMax = options.answeredWaitMsMax ?? Number.POSITIVE_INFINITY;
    const kept = run.legs.filter((leg) => !isEwtScored(leg) || (leg.waitMs ?? 0) <= waitMsMax);
    leftOutForWait = run.legs.length - kept.length;
    const accuracy = ewtAccuracyOfLegs(kept);
    rows.push({
      predictor,
      count: accuracy.all.count,
      rmseSeconds: secondsOf(accuracy.all.rmseMs),
      biasSeconds: secondsOf(accuracy.all.biasMs),
      byPosition: accuracy.byPosition.map((bucket) => ({
        positionMin: bucket.positionMin,
        positionMax: bucket.positionMax,
        count: bucket.ewt.count,
        rmseSeconds: secondsOf(bucket.ewt.rmseMs),
      })),
    });
  }
  return { predictors: rows, leftOutForWait, isServedIdentically: fingerprints.size <= 1 };
}

/** An M/M/s+M (Erlang A) queue for comparing predictors. */
export interface ErlangAScenarioOptions {
  seed: number;
  agents: number;
  offeredErlangs: number;
  patienceMsMean: number;
}

const hourMs = 3_600_000;
const erlangAHandleMs = 180_000;
const erlangAIntervalMs = 900_000;

/**
 * One queue with Poisson arrivals at a constant rate, exponential service of
 * 180 s and exponential patience, served by s agents from 07:00 to 14:00;
 * customers arrive 08:00–12:00, so the line has built up before the first
 * arrival counted and drains after the last.
 */
export function erlangAScenario(options: ErlangAScenarioOptions): Scenario {
  const perInterval = Array.from(
    { length: (4 * hourMs) / erlangAIntervalMs },
    () => (options.offeredErlangs * erlangAIntervalMs) / erlangAHandleMs,
  );
  return {
    seed: options.seed,
    dayStartMs: 8 * hourMs,
    dayEndMs: 12 * hourMs,
    queues: [
      {
        settings: { id: 'q', name: 'q', channels: ['voice'], expectedHandleMs: erlangAHandleMs },
        arrivals: { kind: 'poisson', perInterval },
        serviceTime: { kind: 'exponential', meanMs: erlangAHandleMs },
        patience: { kind: 'exponential', meanMs: options.patienceMsMean },
      },
    ],
    agents: [
      {
        id: 'a',
        count: options.agents,
        memberships: [{ queueId: 'q', priority: 0 }],
        shifts: [{ startMs: 7 * hourMs, endMs: 14 * hourMs }],
      },
    ],
  };
}
