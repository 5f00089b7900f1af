/*
 * Staffing: the fewest agents whose service level reaches a target, by
 * Erlang C when callers never abandon and by Erlang A when they have a mean
 * patience (`lineup staff`, issue 7). Pure, no I/O.
 */
import {
  erlangA,
  erlangB,
  erlangCFromBlocking,
  erlangLimits,
  FormulaProblemCode,
  invalidInput,
  loadProblem,
  offeredLoadErlangs,
  type FormulaProblem,
  type FormulaResult,
  type QueueLoad,
} from './erlang.ts';

/** A service-level goal: `serviceLevel` of callers answered within `thresholdMs` (80 % in 20 s). */
export interface ServiceLevelTarget {
  /** The share to reach, in [0, 1): 1 is never reached, since some caller always finds all agents busy. */
  readonly serviceLevel: number;
  readonly thresholdMs: number;
  /** Give up above this many agents; at most (and by default) erlangLimits.agentsMax. */
  readonly agentsMax?: number;
}

/** The staffing found for one load, with the measures it gives. */
export interface Staffing {
  readonly agents: number;
  readonly serviceLevel: number;
  readonly asaMs: number;
  readonly occupancy: number;
  /** Always 0 for Erlang C, whose callers never abandon. */
  readonly abandonProbability: number;
}

/** The fewest agents that reach the target for one load (Erlang A when it has a patience, else Erlang C). */
export function agentsForServiceLevel(
  load: QueueLoad,
  target: ServiceLevelTarget,
): FormulaResult<Staffing> {
  const problem = loadProblem(load) ?? targetProblem(target);
  if (problem !== null) return { ok: false, problem };
  const agentsMax = target.agentsMax ?? erlangLimits.agentsMax;
  if (load.arrivalsPerHour === 0) {
    // Nobody calls: no agent is needed and nobody waits.
    return {
      ok: true,
      value: { agents: 0, serviceLevel: 1, asaMs: 0, occupancy: 0, abandonProbability: 0 },
    };
  }
  return load.patienceMsMean === undefined
    ? staffErlangC(load, target.serviceLevel, target.thresholdMs, agentsMax)
    : staffErlangA(
        { ...load, patienceMsMean: load.patienceMsMean },
        target.serviceLevel,
        target.thresholdMs,
        agentsMax,
      );
}

/** The fewest agents per interval (a forecast day of 15-minute intervals), each with its own answer. */
export function staffIntervals(
  loads: readonly QueueLoad[],
  target: ServiceLevelTarget,
): FormulaResult<Staffing>[] {
  return loads.map((load) => agentsForServiceLevel(load, target));
}

/**
 * Erlang C: start at the fewest stable agents, ⌊a⌋ + 1, and add one at a
 * time. The service level rises with c, and B(c + 1) comes from B(c) in one
 * step, so the walk costs O(answer) and not O(answer²).
 */
function staffErlangC(
  load: QueueLoad,
  serviceLevelTarget: number,
  thresholdMs: number,
  agentsMax: number,
): FormulaResult<Staffing> {
  const erlangs = offeredLoadErlangs(load.arrivalsPerHour, load.handleMsMean);
  let agents = Math.floor(erlangs) + 1;
  if (agents > agentsMax) return unreachable(agentsMax);
  let blocking = erlangB(agents, erlangs);
  for (; agents <= agentsMax; agents++) {
    const measures = erlangCFromBlocking(agents, erlangs, blocking, load.handleMsMean, thresholdMs);
    if (measures.serviceLevel >= serviceLevelTarget) {
      return {
        ok: true,
        value: {
          agents,
          serviceLevel: measures.serviceLevel,
          asaMs: measures.asaMs,
          occupancy: measures.occupancy,
          abandonProbability: 0,
        },
      };
    }
    blocking = (erlangs * blocking) / (agents + 1 + erlangs * blocking);
  }
  return unreachable(agentsMax);
}

/**
 * Erlang A: the service level rises with c but each evaluation costs a sum
 * over queue lengths, so double c until the target is met, then bisect:
 * O(log answer) evaluations.
 */
function staffErlangA(
  load: QueueLoad & { readonly patienceMsMean: number },
  serviceLevelTarget: number,
  thresholdMs: number,
  agentsMax: number,
): FormulaResult<Staffing> {
  const evaluate = (agents: number): FormulaResult<Staffing> => {
    const result = erlangA({ ...load, agents, thresholdMs });
    if (!result.ok) return result;
    const { serviceLevel, asaMs, occupancy, abandonProbability } = result.value;
    return { ok: true, value: { agents, serviceLevel, asaMs, occupancy, abandonProbability } };
  };
  let failing = 0;
  let meeting: Staffing | null = null;
  for (let agents = 1; meeting === null; agents = Math.min(agents * 2, agentsMax)) {
    const result = evaluate(agents);
    if (!result.ok) return result;
    if (result.value.serviceLevel >= serviceLevelTarget) meeting = result.value;
    else if (agents === agentsMax) return unreachable(agentsMax);
    else failing = agents;
  }
  // Invariant: `failing` agents miss the target (0 trivially does), `meeting` reaches it.
  while (meeting.agents - failing > 1) {
    const middle = Math.floor((failing + meeting.agents) / 2);
    const result = evaluate(middle);
    if (!result.ok) return result;
    if (result.value.serviceLevel >= serviceLevelTarget) meeting = result.value;
    else failing = middle;
  }
  return { ok: true, value: meeting };
}

function targetProblem(target: ServiceLevelTarget): FormulaProblem | null {
  if (!(target.serviceLevel >= 0 && target.serviceLevel < 1)) {
    return invalidInput('serviceLevel must be at least 0 and below 1');
  }
  if (!(Number.isFinite(target.thresholdMs) && target.thresholdMs >= 0)) {
    return invalidInput('thresholdMs must be a finite number ≥ 0');
  }
  const agentsMax = target.agentsMax;
  if (
    agentsMax !== undefined &&
    !(Number.isInteger(agentsMax) && agentsMax >= 1 && agentsMax <= erlangLimits.agentsMax)
  ) {
    return invalidInput(`agentsMax must be an integer from 1 to ${erlangLimits.agentsMax}`);
  }
  return null;
}

function unreachable(agentsMax: number): FormulaResult<Staffing> {
  return {
    ok: false,
    problem: {
      code: FormulaProblemCode.targetUnreachable,
      message: `No staffing up to ${agentsMax} agents reaches the target: lower the target, raise agentsMax or split the load.`,
    },
  };
}
