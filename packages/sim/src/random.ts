/*
 * Seeded randomness for the simulator: a small generator (xoshiro128**,
 * seeded through splitmix32) and the distributions a contact center needs —
 * exponential, log-normal, empirical, fixed — plus Poisson arrivals with a
 * rate that changes per interval. Nothing here reads Math.random or a clock,
 * so the same seed always draws the same numbers (STYLE.md, TigerBeetle).
 */

const uint32Range = 4_294_967_296;

/** One step of splitmix32: spreads a 32-bit state over 32 well-mixed bits. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded xoshiro128** generator. One stream per purpose (arrivals of one
 * queue, its customers, agents' ring delays): a change in one part of a
 * scenario then leaves the draws of the other parts alone, so that two
 * staffing plans meet the same customers (common random numbers).
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A generator for one seed and one stream number; equal pairs draw equal numbers. */
  constructor(seed: number, stream = 0) {
    // Seed and stream pass through splitmix32 so that neighbouring seeds give unrelated streams.
    let x = splitmix32(splitmix32(seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2f));
    this.s0 = x;
    x = splitmix32(x);
    this.s1 = x;
    x = splitmix32(x);
    this.s2 = x;
    x = splitmix32(x);
    // xoshiro's state must not be all zero: a generator in that state draws only zeros.
    this.s3 = this.s0 === 0 && this.s1 === 0 && this.s2 === 0 && x === 0 ? 1 : x;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform draw in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / uint32Range;
  }

  /** A uniform draw in (0, 1]: safe to take the logarithm of. */
  nextOpenFloat(): number {
    return (this.nextUint32() + 1) / uint32Range;
  }

  /** A uniform integer in [0, count), for count up to 2^32. */
  nextIndex(count: number): number {
    return Math.floor(this.nextFloat() * count);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A draw from the exponential distribution with this mean. */
export function sampleExponential(random: Random, mean: number): number {
  return -mean * Math.log(random.nextOpenFloat());
}

/** A draw from the standard normal distribution (Box–Muller; one value per two uniforms). */
export function sampleStandardNormal(random: Random): number {
  const radius = Math.sqrt(-2 * Math.log(random.nextOpenFloat()));
  return radius * Math.cos(2 * Math.PI * random.nextFloat());
}

/** The parameters of a log-normal distribution: the median e^mu and the log's sd sigma. */
export interface LogNormalShape {
  median: number;
  sigma: number;
}

/**
 * The log-normal with this mean and standard deviation: sigma² = ln(1 + sd²/mean²),
 * median = mean / √(1 + sd²/mean²).
 */
export function logNormalShapeOf(mean: number, sd: number): LogNormalShape {
  const spread = 1 + (sd * sd) / (mean * mean);
  return { median: mean / Math.sqrt(spread), sigma: Math.sqrt(Math.log(spread)) };
}

/** A draw from the log-normal distribution with this median and sigma. */
export function sampleLogNormal(random: Random, shape: LogNormalShape): number {
  return shape.median * Math.exp(shape.sigma * sampleStandardNormal(random));
}

/** A draw from a list of observed values, each equally likely (resampling a trace). */
export function sampleEmpirical(random: Random, samples: readonly number[]): number {
  const value = samples[random.nextIndex(samples.length)];
  if (value === undefined) throw new RangeError('sampleEmpirical: no samples');
  return value;
}

/**
 * A duration in ms, as scenarios describe service times, patience, ring
 * delays and the wait before a customer asks for a callback.
 */
export type Distribution =
  | { kind: 'fixed'; ms: number }
  | { kind: 'exponential'; meanMs: number }
  | { kind: 'logNormal'; meanMs: number; sdMs: number }
  | { kind: 'logNormalMedian'; medianMs: number; sigma: number }
  | { kind: 'empirical'; samplesMs: readonly number[] };

/** A drawn duration, in whole ms (the engine's clock unit), never negative. */
export function sampleMs(random: Random, distribution: Distribution): number {
  return Math.max(0, Math.round(sampleRaw(random, distribution)));
}

function sampleRaw(random: Random, distribution: Distribution): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.ms;
    case 'exponential':
      return sampleExponential(random, distribution.meanMs);
    case 'logNormal':
      return sampleLogNormal(random, logNormalShapeOf(distribution.meanMs, distribution.sdMs));
    case 'logNormalMedian':
      return sampleLogNormal(random, {
        median: distribution.medianMs,
        sigma: distribution.sigma,
      });
    case 'empirical':
      return sampleEmpirical(random, distribution.samplesMs);
  }
}

/** The mean of a distribution, in ms (for staffing checks and reports). */
export function meanMsOf(distribution: Distribution): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.ms;
    case 'exponential':
    case 'logNormal':
      return distribution.meanMs;
    case 'logNormalMedian':
      return distribution.medianMs * Math.exp((distribution.sigma * distribution.sigma) / 2);
    case 'empirical': {
      let sum = 0;
      for (const value of distribution.samplesMs) sum += value;
      return distribution.samplesMs.length === 0 ? 0 : sum / distribution.samplesMs.length;
    }
  }
}

/** A piecewise-constant arrival rate: expected arrivals in each interval from startMs on. */
export interface ArrivalRate {
  startMs: number;
  intervalMs: number;
  /** Expected arrivals in interval k, which spans [startMs + k·intervalMs, startMs + (k+1)·intervalMs). */
  perInterval: readonly number[];
}

/**
 * Arrival times (ms, not rounded) of a non-homogeneous Poisson process whose
 * rate is constant inside each interval. Gaps are exponential at the
 * interval's rate; a gap that crosses the interval's end is dropped and
 * drawing restarts at the boundary, which is exact because the exponential
 * forgets how long it has waited. An interval with rate 0 has no arrivals.
 */
export function* poissonArrivals(random: Random, rate: ArrivalRate): Generator<number> {
  for (const [index, expected] of rate.perInterval.entries()) {
    if (!(expected > 0)) continue;
    const startMs = rate.startMs + index * rate.intervalMs;
    const endMs = startMs + rate.intervalMs;
    const gapMsMean = rate.intervalMs / expected;
    for (let atMs = startMs + sampleExponential(random, gapMsMean); atMs < endMs;) {
      yield atMs;
      atMs += sampleExponential(random, gapMsMean);
    }
  }
}
