/*
 * The simulator and queueing formulas (DESIGN.md §3): the real engine on a
 * virtual clock, Erlang C and A with staffing, and the Anonymous Bank trace.
 * Its only public entry.
 */
export {
  simulate,
  eventsMaxDefault,
  progressReportsPerDay,
  type StopReason,
  type SimulateOptions,
  type SimulationProgress,
  type SimulationResult,
} from './simulator.ts';
export {
  scenarioProblems,
  agentPlans,
  resolvedTimes,
  channelOf,
  originEpochMsDefault,
  intervalMsDefault,
  drainMsDefault,
  intervalsMax,
  simulatedMsMax,
  contactsMax,
  empiricalSamplesMax,
  shiftsPerAgentMax,
  type Scenario,
  type ScenarioQueue,
  type ScenarioQueueSettings,
  type ScenarioAgent,
  type Arrivals,
  type TraceContact,
  type CallbackBehaviour,
  type Span,
  type Break,
  type ScenarioProblem,
  type ResolvedTimes,
  type AgentPlan,
} from './scenario.ts';
export {
  Random,
  sampleMs,
  sampleExponential,
  sampleStandardNormal,
  sampleLogNormal,
  sampleEmpirical,
  logNormalShapeOf,
  meanMsOf,
  poissonArrivals,
  type Distribution,
  type ArrivalRate,
  type LogNormalShape,
} from './random.ts';
export {
  buildReport,
  formatReportText,
  percent,
  table,
  positionBucketStarts,
  type SimulationReport,
  type QueueSection,
  type PeriodStatistics,
  type EwtAccuracy,
  type PositionAccuracy,
  type ReportInput,
} from './report.ts';
export { type LegOutcome, type LegRecord, type AgentTotals } from './records.ts';
export {
  erlangB,
  erlangC,
  erlangA,
  offeredLoadErlangs,
  erlangLimits,
  type FormulaProblemCode,
  type FormulaProblem,
  type FormulaResult,
  type QueueLoad,
  type ErlangCInput,
  type ErlangCMeasures,
  type ErlangAInput,
  type ErlangAMeasures,
} from './erlang.ts';
export {
  agentsForServiceLevel,
  staffIntervals,
  type ServiceLevelTarget,
  type Staffing,
} from './staffing.ts';
export {
  readBankTrace,
  parseBankTrace,
  bankTraceCandidates,
  findBankTraceDirectory,
  bankTraceLimits,
  bankTraceUtcOffsetMinutes,
  type BankQueueType,
  type BankOutcome,
  type BankCall,
  type BankTrace,
  type BankTraceDefects,
  type BankTraceProblem,
  type BankTraceResult,
  type BankTraceOptions,
} from './bank-trace.ts';
export {
  summarizeCalls,
  summarizeByMonth,
  summarizeByHour,
  localHour,
  type BankTraceSummary,
  type BankMonthSummary,
  type BankHourSummary,
} from './bank-summary.ts';
export {
  inferStaffing,
  inferredStaffingDefaults,
  type AgentShift,
  type StaffingInterval,
  type InferredStaffing,
  type InferStaffingOptions,
} from './bank-shifts.ts';
export {
  QL,
  HOL,
  LES,
  ErlangA,
  erlangAPredictor,
  erlangAWaitMs,
  abandonmentPerMs,
  digammaDifference,
  literaturePredictors,
  abandonRateMax,
  waitMsMinForPatience,
  patienceMsMin,
} from './predictors.ts';
export {
  compareEwtPredictors,
  type EwtComparison,
  type PredictorComparison,
  type PositionRmse,
  type CompareEwtOptions,
} from './ewt-comparison.ts';
export { renderReportHtml, sectionCharts, type ReportHtmlOptions } from './report-html.ts';
export {
  replayScenario,
  replayAssumptions,
  localMidnightMs,
  priorityHeadStartMs,
  priorityScore,
  replayAgingPointsPerMinute,
  replayIntervalMs,
  singleQueueId,
  type ReplayPlan,
  type ReplayScenarioOptions,
} from './bank-replay.ts';
