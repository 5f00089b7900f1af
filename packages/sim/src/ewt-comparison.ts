import type { EngineOptions } from '@lineup/engine';
import { literaturePredictors } from './predictors.ts';
import type { LegRecord } from './records.ts';
import type { EwtAccuracy } from './report.ts';
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
  /** True when every run had the same outcome, wait and agent for every stay. */
  isServedIdentically: boolean;
}

/** How to compare; `predictors` adds to the literature's QL, HOL, LES and ErlangA. */
export interface CompareEwtOptions {
  predictors?: EngineOptions['predictors'];
  eventsMax?: number;
}

const secondsOf = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** What must be equal between runs for them to have served alike: everything but the EWT. */
function servedFingerprint(legs: readonly LegRecord[]): string {
  return JSON.stringify(
    legs.map((leg) => [leg.contactId, leg.queueId, leg.outcome, leg.waitMs, leg.agentId]),
  );
}

const accuracyRow = (
  predictor: string,
  day: EwtAccuracy,
  byPosition: PositionRmse[],
): PredictorComparison => ({
  predictor,
  count: day.count,
  rmseSeconds: secondsOf(day.rmseMs),
  biasSeconds: secondsOf(day.biasMs),
  byPosition,
});

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
    const total = run.report.total;
    rows.push(
      accuracyRow(
        predictor,
        total.day.ewt,
        total.ewtByPosition.map((bucket) => ({
          positionMin: bucket.positionMin,
          positionMax: bucket.positionMax,
          count: bucket.ewt.count,
          rmseSeconds: secondsOf(bucket.ewt.rmseMs),
        })),
      ),
    );
  }
  return { predictors: rows, isServedIdentically: fingerprints.size <= 1 };
}
