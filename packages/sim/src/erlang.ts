/*
 * Queueing formulas for one queue of identical agents with Poisson arrivals
 * and exponential handle times: Erlang B (loss), Erlang C (M/M/c, callers
 * wait forever) and Erlang A (M/M/c+M, callers abandon after an exponential
 * patience). Pure functions, no I/O. Durations are in ms like everywhere in
 * Lineup; arrivals are per hour, the unit planners forecast in.
 *
 * Everything must stay finite for centers of thousands of agents, so nothing
 * here forms a factorial or a power of the load: Erlang B comes from its
 * recurrence, and Erlang A's sums are accumulated in log space.
 */

/** Limits on what the formulas accept (STYLE.md, limits): past them the answer is a problem value. */
export const erlangLimits = {
  /** The largest number of agents a formula or a staffing search looks at. */
  agentsMax: 100_000,
  /**
   * The longest queue the Erlang A sum visits. The sum needs about
   * (λ − cμ)/θ + 40·√(λ/θ) terms, so this caps overloaded queues with
   * patience thousands of times the handle time, at about a second of work.
   */
  queueLengthMax: 10_000_000,
} as const;

/** Why a formula gave no answer: a stable code and a message saying what to change. */
export interface FormulaProblem {
  readonly code: FormulaProblemCode;
  readonly message: string;
}

/** The closed set of reasons a formula or a staffing search gives no answer. */
export const FormulaProblemCode = {
  /** An input is not a finite number in its range (agents a positive integer, etc.). */
  invalidInput: 'invalid_input',
  /** Erlang C with offered load ≥ agents: the queue grows without bound. */
  unstable: 'unstable',
  /** No number of agents up to the limit reaches the target. */
  targetUnreachable: 'target_unreachable',
  /** Erlang A would need a longer queue than erlangLimits.queueLengthMax. */
  queueLengthLimit: 'queue_length_limit',
} as const;
export type FormulaProblemCode = (typeof FormulaProblemCode)[keyof typeof FormulaProblemCode];

/** A formula's answer, or why there is none (STYLE.md, Errors: expected failures are values). */
export type FormulaResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: FormulaProblem };

/** What a queue is offered: Poisson arrivals, exponential handle times, optional exponential patience. */
export interface QueueLoad {
  readonly arrivalsPerHour: number;
  readonly handleMsMean: number;
  /** Mean patience of a waiting caller; absent means nobody abandons (Erlang C). */
  readonly patienceMsMean?: number;
}

/** Erlang C's question: this many agents, this load, this service-level threshold. */
export interface ErlangCInput {
  readonly agents: number;
  readonly arrivalsPerHour: number;
  readonly handleMsMean: number;
  readonly thresholdMs: number;
}

/** Erlang C's answer. Every caller is answered in the end, so ASA is the mean wait of all. */
export interface ErlangCMeasures {
  readonly offeredLoadErlangs: number;
  /** P(W > 0): the share of callers that find every agent busy. */
  readonly waitProbability: number;
  /** P(W ≤ threshold) = 1 − C·e^{−(cμ−λ)t}. */
  readonly serviceLevel: number;
  /** Mean wait = C/(cμ − λ). */
  readonly asaMs: number;
  /** Share of agents' time spent on calls: a/c. */
  readonly occupancy: number;
}

/** Erlang A's question: Erlang C's plus the callers' mean patience. */
export interface ErlangAInput extends ErlangCInput {
  readonly patienceMsMean: number;
}

/** Erlang A's answer. */
export interface ErlangAMeasures {
  readonly offeredLoadErlangs: number;
  /** P(W > 0): the share of callers that find every agent busy. */
  readonly waitProbability: number;
  /** P(Ab): the share of callers that hang up before an agent takes them. */
  readonly abandonProbability: number;
  /** P(W ≤ threshold and served): abandoners count against the service level, even early ones. */
  readonly serviceLevel: number;
  /** Mean wait of the callers that are answered (ASA), including those answered at once. */
  readonly asaMs: number;
  /** Mean time in queue of all callers, the abandoners' time until they hang up included. */
  readonly waitMsMean: number;
  /** Share of agents' time spent on calls: a·(1 − P(Ab))/c. */
  readonly occupancy: number;
}

const msPerHour = 3_600_000;

/** Offered load in Erlangs: arrivals per ms times mean handle time in ms. */
export function offeredLoadErlangs(arrivalsPerHour: number, handleMsMean: number): number {
  return (arrivalsPerHour * handleMsMean) / msPerHour;
}

/**
 * Erlang B, the blocking probability of c servers offered a Erlangs, by the
 * recurrence B(0) = 1, B(k) = a·B(k−1)/(k + a·B(k−1)). Each step stays in
 * [0, 1], so it neither overflows nor loses precision the way a^c/c! does; a
 * value below the smallest double underflows to 0, which is its correct
 * rounding as a probability.
 */
export function erlangB(agents: number, offeredErlangs: number): number {
  let blocking = 1;
  for (let k = 1; k <= agents; k++) {
    blocking = (offeredErlangs * blocking) / (k + offeredErlangs * blocking);
  }
  return blocking;
}

/**
 * Erlang C's measures for c > a agents, given B(c, a) already computed: the
 * staffing search walks c upwards one recurrence step at a time.
 */
export function erlangCFromBlocking(
  agents: number,
  load: number,
  blocking: number,
  handleMsMean: number,
  thresholdMs: number,
): ErlangCMeasures {
  // C = c·B/(c − a(1 − B)): exact, and stable because c − a(1 − B) > c − a > 0.
  const waitProbability = (agents * blocking) / (agents - load * (1 - blocking));
  const slack = agents - load;
  return {
    offeredLoadErlangs: load,
    waitProbability,
    serviceLevel: 1 - waitProbability * Math.exp((-slack * thresholdMs) / handleMsMean),
    asaMs: (waitProbability * handleMsMean) / slack,
    occupancy: load / agents,
  };
}

/** Erlang C (M/M/c): probability of waiting, service level, ASA and occupancy; `unstable` when a ≥ c. */
export function erlangC(input: ErlangCInput): FormulaResult<ErlangCMeasures> {
  const invalid = inputProblem(input);
  if (invalid !== null) return { ok: false, problem: invalid };
  const load = offeredLoadErlangs(input.arrivalsPerHour, input.handleMsMean);
  if (load >= input.agents) return { ok: false, problem: unstable(load, input.agents) };
  const blocking = erlangB(input.agents, load);
  return {
    ok: true,
    value: erlangCFromBlocking(input.agents, load, blocking, input.handleMsMean, input.thresholdMs),
  };
}

/**
 * Erlang A (M/M/c+M, Palm's model with exponential patience of mean 1/θ).
 *
 * Method: the exact birth–death stationary distribution, summed in log space
 * up to the queue length past which the remaining terms are below e^−40 of
 * the sum. States n ≤ c are folded into Erlang B (Σ_{n≤c} π_n = π_c/B), and
 * π_{c+j}/π_c = Π_{k=1..j} λ/(cμ + kθ). A caller that finds j others waiting
 * is served with probability (cμ/θ)/(cμ/θ + j + 1), and given that it is
 * served its wait is a sum of exponentials of rates cμ + (k+1)θ, k = 0..j,
 * whose distribution function has a negative-binomial series (e^{−θW} is
 * Beta(cμ/θ + 1, j + 1)); so each term is O(1) from the previous one.
 *
 * Rejected: the Mandelbaum–Zeltyn closed forms through the incomplete gamma
 * function. They need Γ at arguments cμ/θ of 10^5 or more and a difference
 * of two incomplete gammas for the service level, which cancels badly when
 * the service level is near 1; the sum needs only logs and has no
 * subtraction of nearly equal numbers. It also works for a ≥ c, since
 * abandonment keeps the chain stable, and tends to Erlang C as θ → 0.
 */
export function erlangA(input: ErlangAInput): FormulaResult<ErlangAMeasures> {
  const invalid = inputProblem(input) ?? positive('patienceMsMean', input.patienceMsMean);
  if (invalid !== null) return { ok: false, problem: invalid };
  const load = offeredLoadErlangs(input.arrivalsPerHour, input.handleMsMean);
  const sums = queueSums(input);
  if (sums === null) {
    return {
      ok: false,
      problem: {
        code: FormulaProblemCode.queueLengthLimit,
        message: `Erlang A would sum more than ${erlangLimits.queueLengthMax} queue lengths: shorten the patience or add agents.`,
      },
    };
  }
  // Normalise: 1/π_c = (1 − B)/B + A with A = Σ_j π_{c+j}/π_c = e^M·S_wait,
  // so with D = (1 − B) + B·A, P(N < c) = (1 − B)/D and π_c = B/D.
  const blocking = erlangB(input.agents, load);
  const logBlocking = Math.log(blocking);
  const logNoWait = Math.log1p(-blocking);
  const logNormaliser = logAddExp(logNoWait, logBlocking + sums.logScale + Math.log(sums.wait));
  const noWaitProbability = Math.exp(logNoWait - logNormaliser);
  // At most 1 because the normaliser includes the wait sum, whose largest term is 1.
  const scale = Math.exp(logBlocking + sums.logScale - logNormaliser);
  const abandonProbability = scale * sums.abandon;
  const servedProbability = noWaitProbability + scale * sums.served;
  return {
    ok: true,
    value: {
      offeredLoadErlangs: load,
      waitProbability: clampProbability(scale * sums.wait),
      abandonProbability: clampProbability(abandonProbability),
      serviceLevel: clampProbability(noWaitProbability + scale * sums.servedWithinThreshold),
      asaMs: (scale * sums.servedWaitMs) / servedProbability,
      // Little's law on abandonment: θ·E[queue] = λ·P(Ab) and E[queue] = λ·E[W].
      waitMsMean: abandonProbability * input.patienceMsMean,
      occupancy: clampProbability((load * (1 - abandonProbability)) / input.agents),
    },
  };
}

/** Σ_j (π_{c+j}/π_c)·f_j for the quantities Erlang A needs, each divided by e^logScale. */
interface QueueSums {
  readonly logScale: number;
  readonly wait: number;
  readonly abandon: number;
  readonly served: number;
  readonly servedWaitMs: number;
  readonly servedWithinThreshold: number;
}

/** The queue-length sums of Erlang A (see erlangA), or null past erlangLimits.queueLengthMax. */
function queueSums(input: ErlangAInput): QueueSums | null {
  const serviceRate = input.agents / input.handleMsMean; // cμ, per ms
  const abandonRate = 1 / input.patienceMsMean; // θ, per ms
  const arrivalRate = input.arrivalsPerHour / msPerHour; // λ, per ms
  const x = serviceRate / abandonRate;
  const y = arrivalRate / abandonRate;
  const logY = Math.log(y);
  // Served caller with j ahead: P(W > t) = Σ_{i≤j} T_i, with T_0 = e^{−(cμ+θ)t}
  // and T_i = T_{i−1}·(1 − e^{−θt})·(x + i)/i.
  const logNotYet = Math.log(-Math.expm1(-abandonRate * input.thresholdMs));
  let logTerm = -(serviceRate + abandonRate) * input.thresholdMs;
  let logLateServed = logTerm;
  // E[W | served, j ahead] = Σ_{k≤j} 1/(cμ + (k+1)θ).
  let waitIfServedMs = 1 / (serviceRate + abandonRate);
  // j = 0: π_c/π_c = 1.
  let logWeight = 0;
  let logScale = 0;
  let wait = 1;
  let served = x / (x + 1);
  let abandon = 1 / (x + 1);
  let servedWaitMs = served * waitIfServedMs;
  let servedWithin = served * -Math.expm1(logLateServed);
  const peak = Math.max(0, y - x);
  for (let j = 1; ; j++) {
    if (j > erlangLimits.queueLengthMax) return null;
    logWeight += logY - Math.log(x + j);
    if (logWeight > logScale) {
      // Rescale so the largest term seen is 1: the sums can exceed any double when a ≫ c.
      const shrink = Math.exp(logScale - logWeight);
      wait *= shrink;
      abandon *= shrink;
      served *= shrink;
      servedWaitMs *= shrink;
      servedWithin *= shrink;
      logScale = logWeight;
    }
    const weight = Math.exp(logWeight - logScale);
    const servedShare = x / (x + j + 1);
    waitIfServedMs += 1 / (serviceRate + (j + 1) * abandonRate);
    logTerm += logNotYet + Math.log((x + j) / j);
    logLateServed = logAddExp(logLateServed, logTerm);
    wait += weight;
    abandon += weight * ((j + 1) / (x + j + 1));
    served += weight * servedShare;
    servedWaitMs += weight * servedShare * waitIfServedMs;
    // Rounding can push Σ T_i a hair past 1; a probability stays ≥ 0.
    servedWithin += weight * servedShare * Math.max(0, -Math.expm1(logLateServed));
    // Past the peak each term is at most r = y/(x + j + 1) times the previous,
    // so the tail is below weight/(1 − r); stop once that is below e^−40.
    const ratio = y / (x + j + 1);
    if (j > peak && ratio < 1 && logWeight - logScale - Math.log1p(-ratio) < -40) break;
  }
  return {
    logScale,
    wait,
    abandon,
    served,
    servedWaitMs,
    servedWithinThreshold: servedWithin,
  };
}

/**
 * Millions of summed terms leave a relative error near 1e−11, which can put
 * a probability a hair outside [0, 1] (an overloaded queue's occupancy at
 * 1 + 1e−12); callers compare these with targets, so they get a probability.
 */
function clampProbability(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** log(e^a + e^b) without overflow; either may be −∞. */
function logAddExp(a: number, b: number): number {
  const high = Math.max(a, b);
  if (high === -Infinity) return -Infinity;
  return high + Math.log1p(Math.exp(Math.min(a, b) - high));
}

function unstable(load: number, agents: number): FormulaProblem {
  return {
    code: FormulaProblemCode.unstable,
    message: `An offered load of ${load} Erlangs needs more than ${agents} agents when nobody abandons: add agents or give a mean patience (Erlang A).`,
  };
}

function inputProblem(input: ErlangCInput): FormulaProblem | null {
  if (
    !Number.isInteger(input.agents) ||
    input.agents < 1 ||
    input.agents > erlangLimits.agentsMax
  ) {
    return invalidInput(`agents must be an integer from 1 to ${erlangLimits.agentsMax}`);
  }
  return (
    atLeastZero('arrivalsPerHour', input.arrivalsPerHour) ??
    positive('handleMsMean', input.handleMsMean) ??
    atLeastZero('thresholdMs', input.thresholdMs)
  );
}

/** Checks a load's own fields; exported within the package for the staffing search. */
export function loadProblem(load: QueueLoad): FormulaProblem | null {
  return (
    atLeastZero('arrivalsPerHour', load.arrivalsPerHour) ??
    positive('handleMsMean', load.handleMsMean) ??
    (load.patienceMsMean === undefined ? null : positive('patienceMsMean', load.patienceMsMean))
  );
}

function atLeastZero(name: string, value: number): FormulaProblem | null {
  return Number.isFinite(value) && value >= 0
    ? null
    : invalidInput(`${name} must be a finite number ≥ 0`);
}

function positive(name: string, value: number): FormulaProblem | null {
  return Number.isFinite(value) && value > 0
    ? null
    : invalidInput(`${name} must be a finite number > 0`);
}

/** An `invalid_input` problem; the message names the field and its range. */
export function invalidInput(message: string): FormulaProblem {
  return { code: FormulaProblemCode.invalidInput, message: `${message}.` };
}
