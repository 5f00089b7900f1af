/*
 * The queueing formulas against published values and against independent
 * computations: exact rational arithmetic (BigInt) for Erlang B and C, and
 * for Erlang A a long-run birth–death solution with each caller's fate
 * computed by uniformising its own small Markov chain — a different
 * derivation from the closed-form sums in erlang.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangA, erlangB, erlangC, erlangLimits, offeredLoadErlangs } from '../src/erlang.ts';
import { agentsForServiceLevel, staffIntervals } from '../src/staffing.ts';

const msPerHour = 3_600_000;
const second = 1000;

/** The arrivals per hour that offer `erlangs` of load at this mean handle time. */
function arrivalsFor(erlangs: number, handleMsMean: number): number {
  return (erlangs * msPerHour) / handleMsMean;
}

/**
 * Σ_{k≤c} a^k/k! as integers, with a = p/q: U_k = p^k·q^(c−k)·c!/k!, so that
 * a^k/k! = U_k/(q^c·c!). No rounding anywhere.
 */
function exactTerms(agents: number, p: bigint, q: bigint): bigint[] {
  const powersOfP = [1n];
  for (let k = 1; k <= agents; k++) powersOfP.push((powersOfP[k - 1] ?? 0n) * p);
  const terms: bigint[] = new Array<bigint>(agents + 1).fill(0n);
  let powerOfQ = 1n;
  let falling = 1n; // c!/k!
  for (let k = agents; k >= 0; k--) {
    terms[k] = (powersOfP[k] ?? 0n) * powerOfQ * falling;
    powerOfQ *= q;
    falling *= BigInt(k === 0 ? 1 : k);
  }
  return terms;
}

function ratio(numerator: bigint, denominator: bigint): number {
  const digits = 10n ** 30n;
  return Number((numerator * digits) / denominator) / 1e30;
}

/** Erlang B = (a^c/c!)/Σ_{k≤c} a^k/k!, exactly, for a = p/q. */
function exactErlangB(agents: number, p: bigint, q: bigint): number {
  const terms = exactTerms(agents, p, q);
  return ratio(
    terms[agents] ?? 0n,
    terms.reduce((sum, term) => sum + term, 0n),
  );
}

/** Erlang C = (a^c/c!)·c/(c−a) / (Σ_{k<c} a^k/k! + (a^c/c!)·c/(c−a)), exactly, for a = p/q < c. */
function exactErlangC(agents: number, p: bigint, q: bigint): number {
  const terms = exactTerms(agents, p, q);
  const top = terms[agents] ?? 0n;
  const below = terms.slice(0, agents).reduce((sum, term) => sum + term, 0n);
  const c = BigInt(agents);
  // Multiply through by (cq − p): c/(c − a) = cq/(cq − p).
  return ratio(top * c * q, below * (c * q - p) + top * c * q);
}

function expectOk<T>(result: { ok: true; value: T } | { ok: false; problem: unknown }): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.problem)}`);
  return result.value;
}

describe('Erlang B', () => {
  // Standard Erlang B tables (e.g. the one in Iversen, "Teletraffic
  // Engineering and Network Planning", DTU/ITU-D): the load that 10, 20, 50
  // and 100 circuits carry at 1 % blocking is 4.461, 12.03, 37.90 and 84.06
  // Erlangs. Each is also checked against the exact rational value.
  it.each([
    [10, 4461n, 1000n],
    [20, 1203n, 100n],
    [50, 3790n, 100n],
    [100, 8406n, 100n],
  ])('[erlang-b] %i circuits at the 1 %% table load block 1 %% of calls', (agents, p, q) => {
    const blocking = erlangB(agents, Number(p) / Number(q));
    expect(blocking).toBeCloseTo(0.01, 4);
    expect(blocking).toBeCloseTo(exactErlangB(agents, p, q), 13);
  });

  it('[erlang-b] the recurrence stays finite where a^c/c! overflows a double', () => {
    // 4000^5000/5000! is far beyond 1e308; the recurrence never forms it.
    const blocking = erlangB(5000, 4000);
    expect(Number.isFinite(blocking)).toBe(true);
    expect(blocking).toBeGreaterThan(0);
    expect(blocking).toBeLessThan(1e-40);
  });
});

describe('Erlang C', () => {
  // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked
  // Example": 100 calls per 30 minutes, AHT 180 s, target 80 % in 20 s, so
  // A = 10 Erlangs; 11 agents give P(wait) = 68.21 %, and 14 agents are the
  // fewest that reach 80 % in 20 s. Exact values below come from the BigInt sum.
  const helper = { arrivalsPerHour: 200, handleMsMean: 180 * second, thresholdMs: 20 * second };

  it('[erlang-c] the Call Centre Helper example: 11 agents at 10 Erlangs wait 68.21 % of the time', () => {
    const measures = expectOk(erlangC({ ...helper, agents: 11 }));
    const exact = exactErlangC(11, 10n, 1n);
    expect(measures.offeredLoadErlangs).toBe(10);
    expect(measures.waitProbability).toBeCloseTo(0.6821, 4);
    expect(measures.waitProbability).toBeCloseTo(exact, 13);
    expect(measures.serviceLevel).toBeCloseTo(1 - exact * Math.exp(-20 / 180), 13);
    expect(measures.asaMs).toBeCloseTo(exact * 180 * second, 6);
    expect(measures.occupancy).toBeCloseTo(10 / 11, 15);
  });

  it('[erlang-c] the Call Centre Helper example needs 14 agents for 80 % in 20 s', () => {
    const exactServiceLevel = (agents: number): number =>
      1 - exactErlangC(agents, 10n, 1n) * Math.exp((-(agents - 10) * 20) / 180);
    expect(exactServiceLevel(13)).toBeLessThan(0.8);
    expect(exactServiceLevel(14)).toBeGreaterThanOrEqual(0.8);
    const staffing = expectOk(
      agentsForServiceLevel(
        { arrivalsPerHour: helper.arrivalsPerHour, handleMsMean: helper.handleMsMean },
        { serviceLevel: 0.8, thresholdMs: helper.thresholdMs },
      ),
    );
    expect(staffing.agents).toBe(14);
    expect(staffing.serviceLevel).toBeCloseTo(exactServiceLevel(14), 13);
  });

  // The Westbay / Erlang-C worked example ("The Erlang-C formula", step by
  // step): 360 calls per half hour, 4-minute calls, 55 agents, 15 s target.
  it('[erlang-c] the 360-calls-per-half-hour example matches the exact sum', () => {
    const measures = expectOk(
      erlangC({
        agents: 55,
        arrivalsPerHour: 720,
        handleMsMean: 240 * second,
        thresholdMs: 15 * second,
      }),
    );
    const exact = exactErlangC(55, 48n, 1n);
    expect(measures.offeredLoadErlangs).toBe(48);
    expect(measures.waitProbability).toBeCloseTo(exact, 13);
    expect(measures.serviceLevel).toBeCloseTo(1 - exact * Math.exp((-7 * 15) / 240), 13);
    expect(measures.asaMs / second).toBeCloseTo((exact * 240) / 7, 9);
  });

  // Issue 7's benchmark: 100 agents at 95 % occupancy, 20 s threshold, mean
  // service 180 s. The formula's service level is 0.7094 (ASA 18.2 s).
  it('[erlang-c] the benchmark case: 100 agents at a = 95 answer 70.94 % within 20 s', () => {
    const measures = expectOk(
      erlangC({
        agents: 100,
        arrivalsPerHour: arrivalsFor(95, 180 * second),
        handleMsMean: 180 * second,
        thresholdMs: 20 * second,
      }),
    );
    const exact = exactErlangC(100, 95n, 1n);
    expect(measures.waitProbability).toBeCloseTo(exact, 12);
    expect(measures.serviceLevel).toBeCloseTo(1 - exact * Math.exp((-5 * 20) / 180), 12);
    expect(measures.serviceLevel).toBeCloseTo(0.7094, 4);
    expect(measures.asaMs / second).toBeCloseTo(18.23, 2);
    expect(measures.occupancy).toBeCloseTo(0.95, 15);
  });

  it('[erlang-c] a load at or above the agents is reported unstable, not thrown', () => {
    for (const erlangs of [10, 10.5, 50]) {
      const result = erlangC({
        agents: 10,
        arrivalsPerHour: arrivalsFor(erlangs, 60 * second),
        handleMsMean: 60 * second,
        thresholdMs: 20 * second,
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem.code).toBe('unstable');
    }
  });

  it('[erlang-c] agents are accepted up to erlangLimits.agentsMax and refused one past it', () => {
    const at = erlangC({
      agents: erlangLimits.agentsMax,
      arrivalsPerHour: arrivalsFor(erlangLimits.agentsMax - 500, 60 * second),
      handleMsMean: 60 * second,
      thresholdMs: 20 * second,
    });
    expect(at.ok).toBe(true);
    const past = erlangC({
      agents: erlangLimits.agentsMax + 1,
      arrivalsPerHour: 1,
      handleMsMean: 60 * second,
      thresholdMs: 20 * second,
    });
    expect(past.ok ? 'ok' : past.problem.code).toBe('invalid_input');
  });

  it('[erlang-c] inputs outside their range are refused as invalid_input', () => {
    const valid = { agents: 5, arrivalsPerHour: 10, handleMsMean: 60_000, thresholdMs: 20_000 };
    for (const input of [
      { ...valid, agents: 0 },
      { ...valid, agents: 2.5 },
      { ...valid, arrivalsPerHour: -1 },
      { ...valid, handleMsMean: 0 },
      { ...valid, thresholdMs: Number.NaN },
    ]) {
      const result = erlangC(input);
      expect(result.ok ? 'ok' : result.problem.code).toBe('invalid_input');
    }
  });

  it('[erlang-c] more agents never lower the service level nor raise the ASA', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        fc.integer({ min: 10, max: 1800 }),
        fc.integer({ min: 0, max: 120 }),
        (agents, occupancy, handleSeconds, thresholdSeconds) => {
          const base = {
            arrivalsPerHour: arrivalsFor(agents * occupancy, handleSeconds * second),
            handleMsMean: handleSeconds * second,
            thresholdMs: thresholdSeconds * second,
          };
          const fewer = expectOk(erlangC({ ...base, agents }));
          const more = expectOk(erlangC({ ...base, agents: agents + 1 }));
          expect(more.serviceLevel).toBeGreaterThanOrEqual(fewer.serviceLevel);
          expect(more.asaMs).toBeLessThanOrEqual(fewer.asaMs);
          expect(more.waitProbability).toBeLessThanOrEqual(fewer.waitProbability);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('[erlang-c] 1,000 to 5,000 agents give finite probabilities in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 5000 }),
        fc.double({ min: 0.001, max: 0.9999, noNaN: true }),
        fc.integer({ min: 0, max: 300 }),
        (agents, occupancy, thresholdSeconds) => {
          const measures = expectOk(
            erlangC({
              agents,
              arrivalsPerHour: arrivalsFor(agents * occupancy, 180 * second),
              handleMsMean: 180 * second,
              thresholdMs: thresholdSeconds * second,
            }),
          );
          for (const probability of [measures.waitProbability, measures.serviceLevel]) {
            expect(probability).toBeGreaterThanOrEqual(0);
            expect(probability).toBeLessThanOrEqual(1);
          }
          expect(Number.isFinite(measures.asaMs)).toBe(true);
          expect(measures.asaMs).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** Erlang A's measures from a long-run birth–death solution and per-caller Markov chains. */
interface ReferenceErlangA {
  waitProbability: number;
  abandonProbability: number;
  serviceLevel: number;
  asaMs: number;
}

/**
 * Independent Erlang A: the stationary distribution by the plain product
 * π_n ∝ Π λ/(min(k,c)μ + max(k−c,0)θ) (small systems only: doubles, no
 * logs), abandonment from the flow balance θ·E[queue] = λ·P(Ab), and a
 * caller's chance of being served within t by uniformising the chain of
 * "callers ahead of it" with absorbing states served and abandoned.
 */
function referenceErlangA(
  agents: number,
  erlangs: number,
  handleMs: number,
  patienceMs: number,
  thresholdMs: number,
): ReferenceErlangA {
  const mu = 1 / handleMs;
  const theta = 1 / patienceMs;
  const lambda = erlangs * mu;
  const weights = [1];
  let largest = 1;
  for (let n = 1; ; n++) {
    const previous = weights[n - 1] ?? 0;
    const next = (previous * lambda) / (Math.min(n, agents) * mu + Math.max(n - agents, 0) * theta);
    weights.push(next);
    largest = Math.max(largest, next);
    if (n > agents + 10 && next < 1e-22 * largest) break;
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const pi = weights.map((weight) => weight / total);
  let noWait = 0;
  let wait = 0;
  let queueMean = 0;
  let servedWithin = 0;
  let served = 0;
  let servedWaitMs = 0;
  for (const [n, probability] of pi.entries()) {
    if (n < agents) {
      noWait += probability;
      continue;
    }
    const ahead = n - agents;
    wait += probability;
    queueMean += ahead * probability;
    const fate = callerFate(ahead, agents * mu, theta, thresholdMs);
    servedWithin += probability * fate.servedWithin;
    served += probability * fate.served;
    servedWaitMs += probability * fate.servedWaitMs;
  }
  // A caller finding n in the system sees the state it finds (PASTA); an
  // arrival to n ≥ c joins the queue behind n − c others.
  return {
    waitProbability: wait,
    abandonProbability: (theta * queueMean) / lambda,
    serviceLevel: noWait + servedWithin,
    asaMs: servedWaitMs / (noWait + served),
  };
}

/**
 * One caller with `ahead` callers before it: each step, the head is taken
 * (rate cμ) or one of those ahead abandons (kθ); the caller itself abandons
 * at θ. First-step analysis gives P(served) and E[wait; served];
 * uniformisation gives P(served by t).
 */
function callerFate(
  ahead: number,
  serviceRate: number,
  theta: number,
  thresholdMs: number,
): { served: number; servedWaitMs: number; servedWithin: number } {
  let served = 1; // from "in service": already served, no more wait
  let servedWaitMs = 0;
  for (let k = 0; k <= ahead; k++) {
    const down = serviceRate + k * theta;
    const leave = down + theta;
    servedWaitMs = (down / leave) * (served / leave + servedWaitMs);
    served = (down / leave) * served;
  }
  // Uniformisation: jump rate Λ ≥ every state's total rate.
  const uniform = serviceRate + (ahead + 1) * theta;
  const states = new Array<number>(ahead + 1).fill(0); // index = callers ahead
  states[ahead] = 1;
  let servedSoFar = 0;
  const mean = uniform * thresholdMs;
  let poisson = Math.exp(-mean);
  let cumulative = 0;
  let servedWithin = 0;
  for (let step = 0; cumulative < 1 - 1e-15 && step < 100_000; step++) {
    servedWithin += poisson * servedSoFar;
    cumulative += poisson;
    poisson *= mean / (step + 1);
    for (let k = 0; k <= ahead; k++) {
      const probability = states[k] ?? 0;
      const down = ((serviceRate + k * theta) / uniform) * probability;
      const abandon = (theta / uniform) * probability;
      states[k] = probability - down - abandon;
      if (k === 0) servedSoFar += down;
      else states[k - 1] = (states[k - 1] ?? 0) + down;
    }
  }
  return { served, servedWaitMs, servedWithin };
}

describe('Erlang A', () => {
  const cases = [
    { agents: 10, erlangs: 9, handleMs: 180_000, patienceMs: 120_000, thresholdMs: 20_000 },
    { agents: 5, erlangs: 8, handleMs: 60_000, patienceMs: 30_000, thresholdMs: 10_000 },
    { agents: 20, erlangs: 20, handleMs: 300_000, patienceMs: 600_000, thresholdMs: 30_000 },
    { agents: 1, erlangs: 0.5, handleMs: 100_000, patienceMs: 50_000, thresholdMs: 0 },
    { agents: 3, erlangs: 2.7, handleMs: 240_000, patienceMs: 2_400_000, thresholdMs: 60_000 },
  ];

  it.each(cases)(
    '[erlang-a] matches the birth–death reference for $agents agents at $erlangs Erlangs',
    ({ agents, erlangs, handleMs, patienceMs, thresholdMs }) => {
      const measures = expectOk(
        erlangA({
          agents,
          arrivalsPerHour: arrivalsFor(erlangs, handleMs),
          handleMsMean: handleMs,
          patienceMsMean: patienceMs,
          thresholdMs,
        }),
      );
      const reference = referenceErlangA(agents, erlangs, handleMs, patienceMs, thresholdMs);
      expect(measures.waitProbability).toBeCloseTo(reference.waitProbability, 10);
      expect(measures.abandonProbability).toBeCloseTo(reference.abandonProbability, 10);
      expect(measures.serviceLevel).toBeCloseTo(reference.serviceLevel, 10);
      expect(measures.asaMs / 1000).toBeCloseTo(reference.asaMs / 1000, 8);
      // Little's law ties the mean wait of all callers to abandonment.
      expect(measures.waitMsMean).toBeCloseTo(measures.abandonProbability * patienceMs, 6);
    },
  );

  it('[erlang-a] a load above the agents stays stable: abandonment absorbs the excess', () => {
    const measures = expectOk(
      erlangA({
        agents: 100,
        arrivalsPerHour: arrivalsFor(150, 180_000),
        handleMsMean: 180_000,
        patienceMsMean: 60_000,
        thresholdMs: 20_000,
      }),
    );
    // With a queue always present all agents work, so a·(1 − P(Ab)) → c.
    expect(measures.abandonProbability).toBeGreaterThan(1 / 3 - 1e-3);
    expect(measures.occupancy).toBeGreaterThan(0.999);
    expect(measures.occupancy).toBeLessThanOrEqual(1);
  });

  it('[erlang-a] refuses a sum longer than erlangLimits.queueLengthMax, accepts one just under', () => {
    // c = 1, a = 2: the sum peaks near a queue of (λ − μ)/θ = patience/handle.
    const input = { agents: 1, handleMsMean: 1000, thresholdMs: 20_000 };
    const under = erlangA({
      ...input,
      arrivalsPerHour: arrivalsFor(2, 1000),
      patienceMsMean: 1000 * 0.99 * erlangLimits.queueLengthMax,
    });
    expect(under.ok).toBe(true);
    const past = erlangA({
      ...input,
      arrivalsPerHour: arrivalsFor(2, 1000),
      patienceMsMean: 1000 * 1.01 * erlangLimits.queueLengthMax,
    });
    expect(past.ok ? 'ok' : past.problem.code).toBe('queue_length_limit');
  });

  it('[erlang-a] more agents raise the service level and lower ASA, waits and abandonment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.integer({ min: 10, max: 900 }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.integer({ min: 0, max: 120 }),
        (agents, loadPerAgent, handleSeconds, patienceInHandles, thresholdSeconds) => {
          const handleMsMean = handleSeconds * second;
          const base = {
            arrivalsPerHour: arrivalsFor(agents * loadPerAgent, handleMsMean),
            handleMsMean,
            patienceMsMean: handleMsMean * patienceInHandles,
            thresholdMs: thresholdSeconds * second,
          };
          const fewer = expectOk(erlangA({ ...base, agents }));
          const more = expectOk(erlangA({ ...base, agents: agents + 1 }));
          // Sums over thousands of queue lengths carry an absolute error near 1e−12.
          const slack = 1e-10;
          expect(more.serviceLevel).toBeGreaterThanOrEqual(fewer.serviceLevel - slack);
          expect(more.abandonProbability).toBeLessThanOrEqual(fewer.abandonProbability + slack);
          expect(more.waitMsMean).toBeLessThanOrEqual(fewer.waitMsMean * (1 + 1e-9));
          expect(more.asaMs).toBeLessThanOrEqual(fewer.asaMs * (1 + 1e-9));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('[erlang-a] tends to Erlang C as patience grows without bound (θ → 0)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0.05, max: 0.97, noNaN: true }),
        fc.integer({ min: 10, max: 900 }),
        fc.integer({ min: 0, max: 120 }),
        (agents, occupancy, handleSeconds, thresholdSeconds) => {
          const input = {
            agents,
            arrivalsPerHour: arrivalsFor(agents * occupancy, handleSeconds * second),
            handleMsMean: handleSeconds * second,
            thresholdMs: thresholdSeconds * second,
          };
          const c = expectOk(erlangC(input));
          // The gap shrinks like θ/(1 − ρ)²: at 97 % occupancy, a patience of 1e9
          // handle times leaves it near 1e−6.
          const a = expectOk(erlangA({ ...input, patienceMsMean: input.handleMsMean * 1e9 }));
          expect(a.waitProbability).toBeCloseTo(c.waitProbability, 4);
          expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 4);
          expect(a.abandonProbability).toBeLessThan(1e-4);
          expect(Math.abs(a.asaMs - c.asaMs)).toBeLessThanOrEqual(1e-4 * c.asaMs + 1e-6);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('[erlang-a] 1,000 to 5,000 agents give finite probabilities in [0, 1], overloaded or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 5000 }),
        fc.double({ min: 0.001, max: 1.5, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 300 }),
        (agents, loadPerAgent, patienceInHandles, thresholdSeconds) => {
          const measures = expectOk(
            erlangA({
              agents,
              arrivalsPerHour: arrivalsFor(agents * loadPerAgent, 180 * second),
              handleMsMean: 180 * second,
              patienceMsMean: 180 * second * patienceInHandles,
              thresholdMs: thresholdSeconds * second,
            }),
          );
          for (const probability of [
            measures.waitProbability,
            measures.abandonProbability,
            measures.serviceLevel,
            measures.occupancy,
          ]) {
            expect(probability).toBeGreaterThanOrEqual(0);
            expect(probability).toBeLessThanOrEqual(1);
          }
          expect(Number.isFinite(measures.asaMs) && measures.asaMs >= 0).toBe(true);
          expect(Number.isFinite(measures.waitMsMean) && measures.waitMsMean >= 0).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('staffing', () => {
  it('[staffing] Erlang A staffing is the fewest agents a linear scan finds', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 60, noNaN: true }),
        fc.integer({ min: 30, max: 600 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0.5, max: 0.95, noNaN: true }),
        (erlangs, handleSeconds, patienceInHandles, target) => {
          const load = {
            arrivalsPerHour: arrivalsFor(erlangs, handleSeconds * second),
            handleMsMean: handleSeconds * second,
            patienceMsMean: handleSeconds * second * patienceInHandles,
          };
          const staffing = expectOk(
            agentsForServiceLevel(load, { serviceLevel: target, thresholdMs: 20 * second }),
          );
          let scanned = 1;
          while (
            expectOk(erlangA({ ...load, agents: scanned, thresholdMs: 20 * second })).serviceLevel <
            target
          ) {
            scanned++;
          }
          expect(staffing.agents).toBe(scanned);
          expect(staffing.serviceLevel).toBeGreaterThanOrEqual(target);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('[staffing] per interval: one answer each, no agents for an empty interval', () => {
    const target = { serviceLevel: 0.8, thresholdMs: 20 * second };
    const results = staffIntervals(
      [
        { arrivalsPerHour: 0, handleMsMean: 180 * second },
        { arrivalsPerHour: 200, handleMsMean: 180 * second },
        { arrivalsPerHour: 200, handleMsMean: 180 * second, patienceMsMean: 120 * second },
        { arrivalsPerHour: 200, handleMsMean: -1 },
      ],
      target,
    );
    expect(
      results.map((result) => (result.ok ? result.value.agents : result.problem.code)),
    ).toEqual([0, 14, 12, 'invalid_input']);
  });

  it('[staffing] a target out of reach within agentsMax is a value, not a throw', () => {
    const result = agentsForServiceLevel(
      { arrivalsPerHour: arrivalsFor(50, 180 * second), handleMsMean: 180 * second },
      { serviceLevel: 0.8, thresholdMs: 20 * second, agentsMax: 50 },
    );
    expect(result.ok ? 'ok' : result.problem.code).toBe('target_unreachable');
    const withPatience = agentsForServiceLevel(
      {
        arrivalsPerHour: arrivalsFor(50, 180 * second),
        handleMsMean: 180 * second,
        patienceMsMean: 60 * second,
      },
      { serviceLevel: 0.99, thresholdMs: 20 * second, agentsMax: 40 },
    );
    expect(withPatience.ok ? 'ok' : withPatience.problem.code).toBe('target_unreachable');
  });

  it('[staffing] refuses a target of 1 or more, which no staffing reaches', () => {
    const result = agentsForServiceLevel(
      { arrivalsPerHour: 10, handleMsMean: 60_000 },
      { serviceLevel: 1, thresholdMs: 20_000 },
    );
    expect(result.ok ? 'ok' : result.problem.code).toBe('invalid_input');
  });

  it('[staffing] staffs a 5,000-Erlang interval with and without abandonment', () => {
    const load = { arrivalsPerHour: arrivalsFor(5000, 180 * second), handleMsMean: 180 * second };
    const target = { serviceLevel: 0.8, thresholdMs: 20 * second };
    const c = expectOk(agentsForServiceLevel(load, target));
    const a = expectOk(agentsForServiceLevel({ ...load, patienceMsMean: 120 * second }, target));
    expect(c.agents).toBeGreaterThan(5000);
    expect(c.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(a.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(a.agents).toBeLessThanOrEqual(c.agents);
  });
});

describe('offered load', () => {
  it('[erlang] offered load is arrivals per hour times handle hours', () => {
    expect(offeredLoadErlangs(200, 180_000)).toBe(10);
    expect(offeredLoadErlangs(0, 180_000)).toBe(0);
  });
});
