/*
 * The routing engine: pure and deterministic (DESIGN.md §3). Its only public
 * entry; other packages import from here and nowhere else.
 */
export {
  Engine,
  type Decision,
  type EngineOptions,
  type Place,
  type WaitingContact,
  type ContactView,
} from './engine.ts';
export { ENGINE_VERSION, type EngineSnapshot } from './snapshot.ts';
export {
  builtInPredictors,
  defaultPredictorName,
  headOfLinePredictor,
  lastToEnterServicePredictor,
  queueLengthPredictor,
  type EwtInput,
  type EwtPredictor,
} from './ewt.ts';
export {
  abandonRateMax,
  abandonmentPerMs,
  answeredPriorWeight,
  digammaDifference,
  erlangAPredictor,
  erlangAWaitMs,
  patienceMsMin,
  waitMsMinForPatience,
} from './ewt-erlang-a.ts';
export { agentTransferWaitMsDefault, capacityDefaults, queueDefaults } from './defaults.ts';
export { handlePriorWeight } from './status.ts';
export { isOpen, nextChangeMs, type OpeningHours } from './hours.ts';
export { OrderedSet } from './ordered-set.ts';
export { hasRoom, invariantProblems } from './invariants.ts';
