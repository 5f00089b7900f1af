import {
  erlangAPredictor,
  headOfLinePredictor,
  lastToEnterServicePredictor,
  queueLengthPredictor,
  type EwtPredictor,
} from '@lineup/engine';

/*
 * EWT predictors of the literature behind the engine's predictor interface
 * (issue 7, R13), under the names the literature uses: QL, HOL and LES, and
 * ErlangA, which adds abandonment (the engine's `erlangA`, ewt-erlang-a.ts).
 */

/** Queue length (QL): the engine's `queueLength`. */
export const QL: EwtPredictor = queueLengthPredictor;
/** Head of line (HOL): the engine's `headOfLine`. */
export const HOL: EwtPredictor = headOfLinePredictor;
/** Last to enter service (LES): the engine's `lastToEnterService`. */
export const LES: EwtPredictor = lastToEnterServicePredictor;
/** Erlang A with abandonment (QL_m). */
export const ErlangA: EwtPredictor = erlangAPredictor;

/** The literature's predictors by the names issue 7 uses; pass as simulate's `predictors`. */
export const literaturePredictors: Readonly<Record<string, EwtPredictor>> = {
  QL,
  HOL,
  LES,
  ErlangA,
};
