import { erlangAPredictor } from './ewt-erlang-a.ts';

/*
 * Estimated waiting time (R13). A predictor turns what the engine knows about
 * a queue into the expected wait of a contact at a given position. The engine
 * ships the simple ones; the simulator compares them and may add more through
 * EngineOptions.predictors. A queue chooses one by name (`ewtPredictor`).
 */

/** What a predictor may use, read from the queue at the moment of asking. */
export interface EwtInput {
  /** 1-based position of the contact in the order the engine will serve. */
  position: number;
  /** Agents logged in and not "not ready": ready, busy or in wrap-up. */
  agentsWorking: number;
  /** Of those, ready and holding nothing. */
  agentsFree: number;
  /** Average handle time (talk and wrap-up) of recent contacts, or the queue's expected handle time. */
  handleMs: number;
  /** How long the contact at the head of the line has waited, or 0. */
  headWaitMs: number;
  /** The wait of the last contact that entered service in this queue, or null before the first. */
  lastEnteredServiceWaitMs: number | null;
  /** Abandoned over answered plus abandoned, in the last 15 minutes, or null. */
  abandonRate: number | null;
  /** How many contacts that rate rests on: answered plus abandoned in the last 15 minutes. */
  answeredOrAbandoned: number;
}

/**
 * Predicts the wait in ms, or null when it cannot (no agent works the queue).
 * Must be pure, and keep nothing of its input: the engine fills the same
 * input object again for its next call.
 */
export type EwtPredictor = (input: EwtInput) => number | null;

/**
 * Queue length (QL): n contacts ahead of you, s working agents each taking on
 * average `handleMs`, so the line moves one place every handleMs / s. A
 * contact that a free agent could take at once waits 0.
 */
export const queueLengthPredictor: EwtPredictor = (input) => {
  if (input.agentsWorking === 0) return null;
  if (input.position <= input.agentsFree) return 0;
  return Math.round(((input.position - input.agentsFree) * input.handleMs) / input.agentsWorking);
};

/**
 * Head of line (HOL): the wait so far of the contact at the head of the
 * line, for every position (Ibrahim & Whitt, "Real-time delay estimation
 * based on delay history", 2009); 0 when a free agent can take it.
 */
export const headOfLinePredictor: EwtPredictor = (input) => {
  if (input.agentsWorking === 0) return null;
  if (input.position <= input.agentsFree) return 0;
  return Math.round(input.headWaitMs);
};

/**
 * Last to enter service (LES): the wait of the last contact that entered
 * service (same source); queue length before the first, and null when no
 * agent works the queue.
 */
export const lastToEnterServicePredictor: EwtPredictor = (input) => {
  if (input.agentsWorking === 0) return null;
  if (input.position <= input.agentsFree) return 0;
  return input.lastEnteredServiceWaitMs ?? queueLengthPredictor(input);
};

/** The predictors every engine knows, by the name a queue gives in `ewtPredictor`. */
export const builtInPredictors: Readonly<Record<string, EwtPredictor>> = {
  queueLength: queueLengthPredictor,
  headOfLine: headOfLinePredictor,
  lastToEnterService: lastToEnterServicePredictor,
  erlangA: erlangAPredictor,
};

/** The predictor a queue uses unless it names another. */
export const defaultPredictorName = 'erlangA';
