/*
 * What the Anonymous Bank trace itself shows, per month and per hour of the
 * day: the numbers a replay through the engine is compared with (issue 7).
 * The definitions below are the ones that reproduce the README's measured
 * numbers (abandonment 10.3 % / 6.4 %, mean service 183 s / 180 s, mean wait
 * of answered calls 35 s / 23 s for January / October).
 */
import { BankOutcome, bankTraceUtcOffsetMinutes, type BankCall } from './bank-trace.ts';

/** The trace's own measures over a set of calls. */
export interface BankTraceSummary {
  /** Every call kept by the reader: answered, abandoned and lost in the voice menu. */
  readonly calls: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly hungUpInVru: number;
  /**
   * Abandonment in queue: abandoned / (answered + abandoned). Callers who hung
   * up in the voice menu never asked for an agent, so they are in neither
   * part; answered calls that never queued are in the denominator.
   */
  readonly abandonmentRatio: number | null;
  /** Mean ser_time of answered calls, the ser_time 0 and NO_SERVER ones included. */
  readonly serviceMsMean: number | null;
  /** Mean q_time of answered calls, those answered without queueing counted as 0. */
  readonly answeredWaitMsMean: number | null;
}

/** One month's measures; `month` is YYYY-MM of the calls' date column. */
export interface BankMonthSummary extends BankTraceSummary {
  readonly month: string;
}

/** One hour's measures; `hour` (0–23) is the local hour at which the call asked for an agent. */
export interface BankHourSummary extends BankTraceSummary {
  readonly hour: number;
}

/** The trace's measures over these calls. */
export function summarizeCalls(calls: readonly BankCall[]): BankTraceSummary {
  let answered = 0;
  let abandoned = 0;
  let hungUpInVru = 0;
  let serviceMsSum = 0;
  let answeredWaitMsSum = 0;
  for (const call of calls) {
    switch (call.outcome) {
      case BankOutcome.answered:
        answered++;
        serviceMsSum += call.serviceMs;
        answeredWaitMsSum += call.waitMs;
        break;
      case BankOutcome.abandoned:
        abandoned++;
        break;
      case BankOutcome.hungUpInVru:
        hungUpInVru++;
        break;
    }
  }
  // An empty group has no mean: null, which a JSON report shows as such, where NaN would not survive.
  const mean = (sum: number, count: number): number | null => (count === 0 ? null : sum / count);
  return {
    calls: calls.length,
    answered,
    abandoned,
    hungUpInVru,
    abandonmentRatio: mean(abandoned, answered + abandoned),
    serviceMsMean: mean(serviceMsSum, answered),
    answeredWaitMsMean: mean(answeredWaitMsSum, answered),
  };
}

/** The trace's measures per month, in month order. */
export function summarizeByMonth(calls: readonly BankCall[]): BankMonthSummary[] {
  const byMonth = groupBy(calls, (call) => call.date.slice(0, 7));
  return [...byMonth.keys()]
    .sort()
    .map((month) => ({ month, ...summarizeCalls(byMonth.get(month) ?? []) }));
}

/**
 * The trace's measures per local hour of arrival, all 24 hours even when
 * empty. Pass one month's calls for that month's day profile.
 */
export function summarizeByHour(
  calls: readonly BankCall[],
  utcOffsetMinutes: number = bankTraceUtcOffsetMinutes,
): BankHourSummary[] {
  const byHour = groupBy(calls, (call) => localHour(call.arrivalMs, utcOffsetMinutes));
  return Array.from({ length: 24 }, (_, hour) => ({
    hour,
    ...summarizeCalls(byHour.get(hour) ?? []),
  }));
}

/** The hour (0–23) on the trace's local clock at this instant. */
export function localHour(epochMs: number, utcOffsetMinutes: number): number {
  const msPerDay = 86_400_000;
  const localMs = epochMs + utcOffsetMinutes * 60_000;
  return Math.floor((((localMs % msPerDay) + msPerDay) % msPerDay) / 3_600_000);
}

function groupBy<K>(calls: readonly BankCall[], keyOf: (call: BankCall) => K): Map<K, BankCall[]> {
  const groups = new Map<K, BankCall[]>();
  for (const call of calls) {
    const key = keyOf(call);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [call]);
    else group.push(call);
  }
  return groups;
}
