/*
 * Staffing inferred from the Anonymous Bank trace. The trace has no log of
 * agents' log-ins or breaks, so, as its README says, each agent's calls are
 * merged into shifts wherever the gap between one call's end and the next
 * call's start is at most 30 minutes; an agent is on shift from its first
 * call's start to its last call's end. Agents busy at once is a lower bound
 * on staffing; these shifts give about 9–14 agents at the peak.
 */
import { assert } from './assert.ts';
import { BankOutcome, bankTraceUtcOffsetMinutes, type BankCall } from './bank-trace.ts';

/** The README's merge gap and the usual planning interval. */
export const inferredStaffingDefaults = {
  shiftGapMsMax: 30 * 60_000,
  intervalMs: 15 * 60_000,
} as const;

/** One agent's stretch of work: from its first call's start to its last call's end. */
export interface AgentShift {
  readonly agentName: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Calls served in the shift. */
  readonly calls: number;
}

/** Agents on shift during one interval of one day. */
export interface StaffingInterval {
  /** The day, YYYY-MM-DD, on the trace's local clock. */
  readonly date: string;
  readonly startMs: number;
  readonly agents: number;
}

/** Every agent's shifts, and agents on shift per interval for each day the calls cover. */
export interface InferredStaffing {
  /** Ordered by start, then agent name, then end. */
  readonly shifts: readonly AgentShift[];
  /** Each day's intervals from local midnight, days in date order. */
  readonly intervals: readonly StaffingInterval[];
}

/** Knobs of the inference; the defaults are the README's. */
export interface InferStaffingOptions {
  readonly shiftGapMsMax?: number;
  /** Must divide a day, so every day's intervals start at its midnight. */
  readonly intervalMs?: number;
  readonly utcOffsetMinutes?: number;
}

const msPerDay = 86_400_000;

/**
 * Infers shifts from the answered calls that name an agent (NO_SERVER calls
 * say nothing about who worked). A call's service is taken to start when its
 * wait ends, arrival + wait, and to last its ser_time.
 */
export function inferStaffing(
  calls: readonly BankCall[],
  options: InferStaffingOptions = {},
): InferredStaffing {
  const gapMsMax = options.shiftGapMsMax ?? inferredStaffingDefaults.shiftGapMsMax;
  const intervalMs = options.intervalMs ?? inferredStaffingDefaults.intervalMs;
  const offsetMs = (options.utcOffsetMinutes ?? bankTraceUtcOffsetMinutes) * 60_000;
  assert(intervalMs > 0 && msPerDay % intervalMs === 0, 'intervalMs must divide a day');
  const shifts = [...servicesByAgent(calls)].flatMap(([agentName, services]) =>
    mergeIntoShifts(agentName, services, gapMsMax),
  );
  shifts.sort(
    (a, b) =>
      a.startMs - b.startMs ||
      (a.agentName < b.agentName ? -1 : a.agentName > b.agentName ? 1 : 0) ||
      a.endMs - b.endMs,
  );
  // Intervals are numbered on a grid aligned with local midnight; a shift
  // counts in every interval it overlaps. O(shifts · intervals per shift).
  const agentsByInterval = new Map<number, number>();
  for (const shift of shifts) {
    const first = Math.floor((shift.startMs + offsetMs) / intervalMs);
    // A shift of one zero-length call still counts in the interval it falls in.
    const last = Math.floor((Math.max(shift.endMs, shift.startMs + 1) - 1 + offsetMs) / intervalMs);
    for (let index = first; index <= last; index++) {
      agentsByInterval.set(index, (agentsByInterval.get(index) ?? 0) + 1);
    }
  }
  const dates = [...new Set(calls.map((call) => call.date))].sort();
  const perDay = msPerDay / intervalMs;
  const intervals = dates.flatMap((date) => {
    const localMidnightIndex = Date.parse(`${date}T00:00:00Z`) / intervalMs;
    return Array.from({ length: perDay }, (_, slot) => ({
      date,
      startMs: (localMidnightIndex + slot) * intervalMs - offsetMs,
      agents: agentsByInterval.get(localMidnightIndex + slot) ?? 0,
    }));
  });
  return { shifts, intervals };
}

interface Service {
  readonly startMs: number;
  readonly endMs: number;
}

function servicesByAgent(calls: readonly BankCall[]): Map<string, Service[]> {
  const byAgent = new Map<string, Service[]>();
  for (const call of calls) {
    if (call.outcome !== BankOutcome.answered || call.agentName === null) continue;
    const startMs = call.arrivalMs + call.waitMs;
    const service = { startMs, endMs: startMs + call.serviceMs };
    const services = byAgent.get(call.agentName);
    if (services === undefined) byAgent.set(call.agentName, [service]);
    else services.push(service);
  }
  return byAgent;
}

/** One agent's services, merged wherever the gap to the next start is at most gapMsMax. */
function mergeIntoShifts(agentName: string, services: Service[], gapMsMax: number): AgentShift[] {
  services.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const shifts: AgentShift[] = [];
  let current: { startMs: number; endMs: number; calls: number } | null = null;
  for (const service of services) {
    if (current !== null && service.startMs - current.endMs <= gapMsMax) {
      // Services can overlap (the trace's clocks are 1 s coarse), so keep the later end.
      current.endMs = Math.max(current.endMs, service.endMs);
      current.calls++;
      continue;
    }
    if (current !== null) shifts.push({ agentName, ...current });
    current = { ...service, calls: 1 };
  }
  if (current !== null) shifts.push({ agentName, ...current });
  return shifts;
}
