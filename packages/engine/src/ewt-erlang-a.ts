import { assert, fail } from './assert.ts';
import type { EwtInput, EwtPredictor } from './ewt.ts';

/*
 * ErlangA — the queue-length predictor for an M/M/s+M (Erlang-A) queue, "QL_m"
 * in Ibrahim & Whitt, "Real-time delay estimation in many-server queues with
 * abandonment", Operations Research 57(6), 2009 (after Whitt, "Predicting
 * queueing delays", Management Science 45(6), 1999). A contact with k others
 * ahead of it moves up one place when one of s busy agents finishes (rate sμ)
 * or one of the k ahead hangs up (rate kθ, exponential patience of mean 1/θ);
 * the contact's own patience does not move it. Its expected wait until an
 * agent takes it, for n = position − free agents ≥ 1, is
 *
 *     E[W | n] = Σ_{k=0}^{n−1} 1 / (sμ + kθ)
 *              = (ψ(sμ/θ + n) − ψ(sμ/θ)) / θ        (ψ the digamma function)
 *
 * With θ → 0 it is n/(sμ) = n·h/s, the QL predictor.
 *
 * Patience. The engine gives the 15-minute abandon rate p = abandoned /
 * (answered + abandoned), not θ. With exponential patience, abandoning is a
 * Poisson thinning of the time spent waiting, so P(abandon) = θ·E[time in
 * queue] (Brown et al., "Statistical analysis of a telephone call center",
 * JASA 2005, §6, which estimates the Anonymous Bank's patience this way). So
 * θ ≈ p / W̄, with W̄ a recent wait: the last wait that entered service, or the
 * head of line's wait if longer (both are what the engine knows; W̄ uses the
 * larger so that a line that has just grown is not read as impatient). This
 * overestimates θ somewhat, because answered waits are longer than the
 * abandoners' — the predictor errs towards QL's longer wait only through the
 * bounds below:
 * - p is clipped to [0, abandonRateMax]; no p (no contact in 15 minutes) or a
 *   W̄ under waitMsMinForPatience (nobody has really waited, so there is no
 *   evidence of patience) gives θ = 0, i.e. QL.
 * - p is read as if answeredPriorWeight more contacts had been answered:
 *   abandoned / (answered + abandoned + answeredPriorWeight). One hang-up
 *   among the first two calls of the day is not an abandon rate of 50 %.
 * - W̄ is at least h/s, the mean time until one of s busy agents frees up,
 *   which is what the head of a line behind busy agents waits. Without it,
 *   a hang-up after a few seconds in a line that was served at once gave a
 *   mean patience of seconds, so that everyone behind one busy agent was told
 *   one handle time whatever their position (the demo's 3:08 for the fourth
 *   in line and 3:07 for the third).
 * - The mean patience 1/θ is at least patienceMsMin.
 * The rejected alternative, θ = p·sμ / ((1 − p)·Q) from the flow balance
 * λp = θ·E[Q] with λ(1 − p) ≈ sμ, needs the mean queue length E[Q], which the
 * engine does not give; the contact's own position is not it.
 */

/** Abandon rates above this are read as this: a rate of 1 would give an unbounded θ. */
export const abandonRateMax = 0.95;
/** Below this recent wait, the abandon rate says nothing of patience and ErlangA acts as QL. */
export const waitMsMinForPatience = 1_000;
/** Shortest mean patience ErlangA assumes: a few seconds of wait with many abandons says little more. */
export const patienceMsMin = 5_000;
/** How many answered contacts' worth of prior the abandon rate is read with: a few outcomes say little. */
export const answeredPriorWeight = 10;

/**
 * The abandonment rate θ (per ms) ErlangA assumes from what the engine knows:
 * p / W̄ as documented above, 0 when there is no evidence.
 */
export function abandonmentPerMs(input: EwtInput): number {
  if (input.abandonRate === null || input.abandonRate <= 0) return 0;
  const observedWaitMs = Math.max(input.lastEnteredServiceWaitMs ?? 0, input.headWaitMs);
  if (observedWaitMs < waitMsMinForPatience) return 0;
  const waitMs = Math.max(observedWaitMs, input.handleMs / Math.max(1, input.agentsWorking));
  const abandoned = input.abandonRate * input.answeredOrAbandoned;
  const rate = Math.min(
    abandoned / (input.answeredOrAbandoned + answeredPriorWeight),
    abandonRateMax,
  );
  return Math.min(rate / waitMs, 1 / patienceMsMin);
}

/** Below this argument, digamma differences are summed term by term before the asymptotic series. */
const asymptoticFrom = 6;

/** The terms of ψ's asymptotic series beyond the logarithm, at y ≥ asymptoticFrom. */
function digammaTail(y: number): number {
  const inverseSquare = 1 / (y * y);
  return (
    1 / (2 * y) + inverseSquare * (1 / 12 - inverseSquare * (1 / 120 - inverseSquare * (1 / 252)))
  );
}

/**
 * ψ(x + n) − ψ(x) = Σ_{k=0}^{n−1} 1/(x + k) for x > 0, in O(1): the first
 * terms while x is small, then the asymptotic series of ψ (error below 1e-10
 * from x ≥ 6), taking the logarithm of the ratio with log1p so that a huge x
 * (θ → 0) loses no precision.
 */
export function digammaDifference(x: number, n: number): number {
  if (!(x > 0 && Number.isInteger(n) && n >= 0)) fail(`digammaDifference(${x}, ${n})`);
  let sum = 0;
  let a = x;
  let left = n;
  while (left > 0 && a < asymptoticFrom) {
    sum += 1 / a;
    a += 1;
    left -= 1;
  }
  if (left === 0) return sum;
  const b = a + left;
  return sum + Math.log1p(left / a) - (digammaTail(b) - digammaTail(a));
}

/** Expected wait in ms of the n-th in line (n ≥ 1) of an M/M/s+M queue: Σ_{k<n} 1/(sμ + kθ). */
export function erlangAWaitMs(
  n: number,
  agents: number,
  handleMs: number,
  thetaPerMs: number,
): number {
  assert(n >= 1 && agents > 0 && handleMs > 0 && thetaPerMs >= 0, 'erlangAWaitMs input');
  const serviceRatePerMs = agents / handleMs;
  if (thetaPerMs === 0) return n / serviceRatePerMs;
  return digammaDifference(serviceRatePerMs / thetaPerMs, n) / thetaPerMs;
}

/** Erlang-A (QL_m): queue length with abandonment, as documented above; null when no agent works. */
export const erlangAPredictor: EwtPredictor = (input) => {
  if (input.agentsWorking === 0) return null;
  if (input.position <= input.agentsFree) return 0;
  // A handle time of 0 (no talk at all) means the line moves at once.
  if (input.handleMs <= 0) return 0;
  const n = input.position - input.agentsFree;
  return Math.round(erlangAWaitMs(n, input.agentsWorking, input.handleMs, abandonmentPerMs(input)));
};
