/*
 * The Anonymous Bank trace reader (issue 7), on small hand-written rows for
 * each defect and on the two original files, whose measured numbers the
 * README gives. The files live outside the repository, beside it in
 * ../shared/data/anonymous-bank-1999 (or where LINEUP_BANK_TRACE_DIR points);
 * without them the suite fails and says where it looked, rather than skip.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferStaffing } from '../src/bank-shifts.ts';
import { summarizeByHour, summarizeByMonth, summarizeCalls } from '../src/bank-summary.ts';
import {
  bankTraceCandidates,
  bankTraceLimits,
  findBankTraceDirectory,
  parseBankTrace,
  readBankTrace,
  type BankCall,
  type BankTrace,
  type BankTraceResult,
} from '../src/bank-trace.ts';

const traceCandidates = bankTraceCandidates();
const traceDirectory = findBankTraceDirectory() ?? traceCandidates[0] ?? '';
const januaryPath = join(traceDirectory, 'january.txt');
const octoberPath = join(traceDirectory, 'october.txt');

const header =
  'vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver';

/** A data row from its 17 fields in the file's order, with defaults for a plain answered call. */
function row(fields: Partial<Record<string, string>> = {}): string {
  const defaults: Record<string, string> = {
    'vru+line': 'AA0101',
    call_id: '1',
    customer_id: '0',
    priority: '2',
    type: 'PS',
    date: '990104',
    vru_entry: '10:00:00',
    vru_exit: '10:00:05',
    vru_time: '5',
    q_start: '10:00:05',
    q_exit: '10:00:35',
    q_time: '30',
    outcome: 'AGENT',
    ser_start: '10:00:34',
    ser_exit: '10:03:34',
    ser_time: '180',
    server: 'MICHAL',
  };
  return header
    .split('\t')
    .map((name) => fields[name] ?? defaults[name] ?? '')
    .join('\t');
}

function parse(lines: readonly string[], lineEnd = '\n'): BankTrace {
  return expectTrace(parseBankTrace([header, ...lines].join(lineEnd) + lineEnd));
}

function expectTrace(result: BankTraceResult): BankTrace {
  if (!result.ok) throw new Error(`expected a trace, got ${result.problem.code}`);
  return result.value;
}

function onlyCall(trace: BankTrace): BankCall {
  expect(trace.calls).toHaveLength(1);
  const [call] = trace.calls;
  if (call === undefined) throw new Error('no call');
  return call;
}

describe('bank trace rows', () => {
  it('[trace] reads an answered call: arrival at vru_entry + vru_time, local clock at UTC+2', () => {
    const call = onlyCall(parse([row()]));
    expect(call).toEqual({
      line: 2,
      callId: '1',
      date: '1999-01-04',
      // 10:00:05 in Israel (UTC+2) on 4 January 1999 is 08:00:05 UTC.
      arrivalMs: Date.UTC(1999, 0, 4, 8, 0, 5),
      queueType: 'PS',
      priority: 2,
      outcome: 'answered',
      waitMs: 30_000,
      serviceMs: 180_000,
      patienceMs: null,
      agentName: 'MICHAL',
    });
  });

  it('[trace] another fixed UTC offset moves every arrival by the same amount', () => {
    const text = [header, row()].join('\n');
    const utc = onlyCall(expectTrace(parseBankTrace(text, { utcOffsetMinutes: 0 })));
    expect(utc.arrivalMs).toBe(Date.UTC(1999, 0, 4, 10, 0, 5));
  });

  it('[trace] CRLF and LF files read the same calls, and the style is reported', () => {
    const lines = [row(), row({ call_id: '2' })];
    const crlf = parse(lines, '\r\n');
    const lf = parse(lines, '\n');
    expect(crlf.calls).toEqual(lf.calls);
    expect(crlf.lineEnds).toBe('crlf');
    expect(lf.lineEnds).toBe('lf');
  });

  it('[trace] a caller who hangs up in the queue is abandoned, its wait being its patience', () => {
    const call = onlyCall(
      parse([
        row({
          outcome: 'HANG',
          q_exit: '10:02:38',
          q_time: '153',
          ser_start: '0:00:00',
          ser_exit: '0:00:00',
          ser_time: '0',
          server: 'NO_SERVER',
        }),
      ]),
    );
    expect(call).toMatchObject({
      outcome: 'abandoned',
      waitMs: 153_000,
      patienceMs: 153_000,
      serviceMs: 0,
      agentName: null,
    });
  });

  it('[trace] a caller who hangs up in the voice menu never asked for an agent', () => {
    const call = onlyCall(
      parse([
        row({
          outcome: 'HANG',
          q_start: '0:00:00',
          q_exit: '0:00:00',
          q_time: '0',
          ser_start: '0:00:00',
          ser_exit: '0:00:00',
          ser_time: '0',
          server: 'NO_SERVER',
        }),
      ]),
    );
    expect(call).toMatchObject({ outcome: 'hungUpInVru', waitMs: 0, patienceMs: null });
  });

  it('[trace] a call answered without queueing waited 0', () => {
    const call = onlyCall(
      parse([row({ q_start: '0:00:00', q_exit: '0:00:00', q_time: '0', ser_start: '10:00:05' })]),
    );
    expect(call).toMatchObject({ outcome: 'answered', waitMs: 0 });
  });
});

describe('bank trace defects', () => {
  it('[trace-defect] PHANTOM rows are skipped and counted', () => {
    const trace = parse([row({ outcome: 'PHANTOM', server: 'NO_SERVER' }), row()]);
    expect(trace.calls).toHaveLength(1);
    expect(trace.rows).toBe(2);
    expect(trace.defects.phantomRows).toBe(1);
  });

  it('[trace-defect] an answered call with NO_SERVER is kept without an agent, and counted', () => {
    const trace = parse([row({ server: 'NO_SERVER' })]);
    expect(onlyCall(trace)).toMatchObject({ outcome: 'answered', agentName: null });
    expect(trace.defects.answeredWithoutAgent).toBe(1);
  });

  it('[trace-defect] an answered call with ser_time 0 is kept with no service, and counted', () => {
    const trace = parse([
      row({ ser_start: '0:00:00', ser_exit: '0:00:00', ser_time: '0', server: 'IDIT' }),
    ]);
    expect(onlyCall(trace)).toMatchObject({ outcome: 'answered', serviceMs: 0 });
    expect(trace.defects.zeroServiceTime).toBe(1);
  });

  it('[trace-defect] a service crossing midnight keeps its ser_time, and is counted', () => {
    const trace = parse([
      row({
        vru_entry: '23:59:15',
        vru_exit: '23:59:34',
        vru_time: '19',
        q_start: '0:00:00',
        q_exit: '0:00:00',
        q_time: '0',
        ser_start: '23:59:33',
        ser_exit: '0:03:40',
        ser_time: '247',
      }),
    ]);
    expect(onlyCall(trace).serviceMs).toBe(247_000);
    expect(trace.defects.serviceCrossingMidnight).toBe(1);
    // 23:59:33 is 1 s before the voice menu let the caller go at 23:59:34.
    expect(trace.defects.serviceStartBeforeQueueExit).toBe(1);
  });

  it('[trace-defect] ser_start 1 s before q_exit is counted; the service starts when the wait ends', () => {
    const trace = parse([row(), row({ call_id: '2', ser_start: '10:00:35' })]);
    expect(trace.defects.serviceStartBeforeQueueExit).toBe(1);
    expect(trace.calls.map((call) => call.waitMs)).toEqual([30_000, 30_000]);
  });

  it('[trace-defect] 16 fields with priority and type joined by spaces are split and counted', () => {
    const joined = row({ priority: '0       NW', type: 'DROP' }).replace('\tDROP', '');
    expect(joined.split('\t')).toHaveLength(16);
    const trace = parse([joined]);
    expect(onlyCall(trace)).toMatchObject({ priority: 0, queueType: 'NW' });
    expect(trace.defects.priorityAndTypeJoined).toBe(1);
  });

  it('[trace-defect] a negative vru_time is kept, arrival at vru_exit, and counted', () => {
    const trace = parse([
      row({
        vru_entry: '15:46:49',
        vru_exit: '15:45:56',
        vru_time: '-53',
        q_start: '15:45:56',
        q_exit: '15:46:59',
        q_time: '63',
        ser_start: '15:46:57',
        ser_exit: '15:53:31',
        ser_time: '394',
      }),
    ]);
    expect(onlyCall(trace).arrivalMs).toBe(Date.UTC(1999, 0, 4, 13, 45, 56));
    expect(trace.defects.negativeVruTime).toBe(1);
  });

  it('[trace-defect] a queue type outside the six is skipped and counted', () => {
    const trace = parse([row({ type: 'AA' })]);
    expect(trace.calls).toHaveLength(0);
    expect(trace.defects.unknownQueueType).toBe(1);
  });

  it('[trace-defect] unparsable lines are counted, never thrown', () => {
    const trace = parse([
      'not a row',
      row({ vru_entry: '25:00:00' }),
      row({ q_time: 'x' }),
      row({ ser_time: '-5' }),
      row({ date: '990231' }),
      row({ outcome: 'MAYBE' }),
      row() + '\textra',
      '',
      row(),
    ]);
    expect(trace.calls).toHaveLength(1);
    expect(trace.rows).toBe(9);
    expect(trace.defects.unparsableLines).toBe(8);
  });

  it('[trace] a file without the header is refused as a value', () => {
    const result = parseBankTrace(row() + '\n');
    expect(result.ok ? 'ok' : result.problem.code).toBe('trace_header_invalid');
  });

  it('[trace] a missing file is a value, not a throw', async () => {
    const result = await readBankTrace(join(tmpdir(), 'lineup-no-such-trace.txt'));
    expect(result.ok ? 'ok' : result.problem.code).toBe('trace_unreadable');
  });

  it('[trace] a file past bankTraceLimits.bytesMax is refused before it is read', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'lineup-trace-'));
    try {
      const path = join(directory, 'huge.txt');
      await writeFile(path, '');
      // A sparse file: its size is past the limit without writing the bytes.
      await truncate(path, bankTraceLimits.bytesMax + 1);
      const result = await readBankTrace(path);
      expect(result.ok ? 'ok' : result.problem.code).toBe('trace_too_large');
    } finally {
      await rm(directory, { recursive: true });
    }
  });
});

describe('inferred staffing on rows', () => {
  const agentCall = (agent: string, at: string, serviceSeconds: number): string =>
    row({
      q_start: '0:00:00',
      q_exit: '0:00:00',
      q_time: '0',
      vru_entry: at,
      vru_exit: at,
      vru_time: '0',
      ser_start: at,
      ser_time: String(serviceSeconds),
      server: agent,
    });

  it('[staffing-inferred] calls at most 30 minutes apart make one shift, more apart two', () => {
    const trace = parse([
      agentCall('DORIT', '8:00:00', 600), // ends 8:10
      agentCall('DORIT', '8:40:00', 600), // 30 min gap: same shift, ends 8:50
      agentCall('DORIT', '9:20:01', 60), // 30 min 1 s gap: new shift
      agentCall('AVI', '8:05:00', 60),
    ]);
    const { shifts } = inferStaffing(trace.calls);
    expect(shifts.map((shift) => [shift.agentName, shift.calls])).toEqual([
      ['DORIT', 2],
      ['AVI', 1],
      ['DORIT', 1],
    ]);
    const [first] = shifts;
    expect(first?.endMs).toBe(Date.UTC(1999, 0, 4, 6, 50, 0));
  });

  it('[staffing-inferred] counts agents on shift per 15-minute interval of each day', () => {
    const trace = parse([
      agentCall('DORIT', '8:00:00', 600),
      agentCall('DORIT', '8:40:00', 600),
      agentCall('AVI', '8:05:00', 60),
    ]);
    const { intervals } = inferStaffing(trace.calls);
    expect(intervals).toHaveLength(96);
    const at = (hour: number, minute: number): number | undefined =>
      intervals[hour * 4 + minute / 15]?.agents;
    expect([at(7, 45), at(8, 0), at(8, 15), at(8, 30), at(8, 45), at(9, 0)]).toEqual([
      0, 2, 1, 1, 1, 0,
    ]);
    expect(intervals[32]).toEqual({
      date: '1999-01-04',
      startMs: Date.UTC(1999, 0, 4, 6, 0, 0),
      agents: 2,
    });
  });
});

describe('the Anonymous Bank files (README numbers)', () => {
  it('[trace] the original files are found', () => {
    expect(
      existsSync(januaryPath) && existsSync(octoberPath),
      `looked in ${traceCandidates.join(', ')}`,
    ).toBe(true);
  });

  let january: BankTrace;
  let october: BankTrace;
  beforeAll(async () => {
    january = expectTrace(await readBankTrace(januaryPath));
    october = expectTrace(await readBankTrace(octoberPath));
  });

  it('[trace-file] January has 31,599 rows with CRLF ends, October 34,625 with LF', () => {
    expect([january.rows, january.lineEnds]).toEqual([31_599, 'crlf']);
    expect([october.rows, october.lineEnds]).toEqual([34_625, 'lf']);
    // Every row is a call or a counted skip.
    for (const trace of [january, october]) {
      const { phantomRows, unknownQueueType, unparsableLines } = trace.defects;
      expect(trace.calls.length + phantomRows + unknownQueueType + unparsableLines).toBe(
        trace.rows,
      );
    }
  });

  it('[trace-file] counts each known defect (cross-checked by an independent awk/Python count)', () => {
    expect(january.defects).toEqual({
      phantomRows: 240,
      answeredWithoutAgent: 490,
      zeroServiceTime: 277,
      serviceCrossingMidnight: 21,
      serviceStartBeforeQueueExit: 20_654,
      priorityAndTypeJoined: 0,
      negativeVruTime: 32,
      abandonedWithService: 82,
      unknownQueueType: 2,
      unparsableLines: 0,
    });
    expect(october.defects).toEqual({
      phantomRows: 147,
      answeredWithoutAgent: 517,
      zeroServiceTime: 66,
      serviceCrossingMidnight: 30,
      serviceStartBeforeQueueExit: 23_517,
      priorityAndTypeJoined: 2,
      negativeVruTime: 4,
      abandonedWithService: 67,
      unknownQueueType: 0,
      unparsableLines: 0,
    });
    // The README's sizes: PHANTOM under 1 %, a few hundred ser_time 0 (January).
    expect(january.defects.phantomRows / january.rows).toBeLessThan(0.01);
    expect(october.defects.phantomRows / october.rows).toBeLessThan(0.01);
  });

  it('[trace-file] October lines 7315 and 14247 are repaired into NW and IN calls', () => {
    const repaired = october.calls.filter((call) => call.line === 7315 || call.line === 14_247);
    expect(repaired.map((call) => [call.line, call.priority, call.queueType])).toEqual([
      [7315, 0, 'NW'],
      [14_247, 0, 'IN'],
    ]);
  });

  // Rows in each statistic: all calls the reader keeps (PHANTOM and unknown
  // types left out). Abandonment: abandoned / (answered + abandoned). Mean
  // service and mean wait: over all answered calls, ser_time 0, NO_SERVER and
  // not-queued (wait 0) ones included.
  it.each([
    ['January', () => january, '1999-01', 0.103, 183, 35],
    ['October', () => october, '1999-10', 0.064, 180, 23],
  ] as const)(
    '[trace-file] %s reproduces the README: abandonment, mean service, mean wait of answered',
    (_, trace, month, abandonment, serviceSeconds, waitSeconds) => {
      const [summary, ...others] = summarizeByMonth(trace().calls);
      expect(others).toHaveLength(0);
      expect(summary?.month).toBe(month);
      expect(Math.abs((summary?.abandonmentRatio ?? 0) - abandonment)).toBeLessThan(0.0005);
      expect(Math.abs((summary?.serviceMsMean ?? 0) / 1000 - serviceSeconds)).toBeLessThan(0.5);
      expect(Math.abs((summary?.answeredWaitMsMean ?? 0) / 1000 - waitSeconds)).toBeLessThan(0.5);
    },
  );

  it('[trace-file] per-hour summaries add up to the month', () => {
    for (const trace of [january, october]) {
      const hours = summarizeByHour(trace.calls);
      const month = summarizeCalls(trace.calls);
      expect(hours).toHaveLength(24);
      const total = (pick: (summary: (typeof hours)[number]) => number): number =>
        hours.reduce((sum, hour) => sum + pick(hour), 0);
      expect(total((hour) => hour.calls)).toBe(month.calls);
      expect(total((hour) => hour.answered)).toBe(month.answered);
      expect(total((hour) => hour.abandoned)).toBe(month.abandoned);
    }
  });

  it('[trace-file] about 1,000–2,400 calls a day Sunday to Thursday, served 07:00–24:00', () => {
    for (const trace of [january, october]) {
      const perDay = new Map<string, number>();
      for (const call of trace.calls) perDay.set(call.date, (perDay.get(call.date) ?? 0) + 1);
      for (const [date, calls] of perDay) {
        const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
        if (weekday <= 4) {
          expect(calls).toBeGreaterThanOrEqual(1000);
          expect(calls).toBeLessThanOrEqual(2400);
        }
      }
      const hours = summarizeByHour(trace.calls);
      const answeredAtNight = hours
        .filter((hour) => hour.hour < 7)
        .reduce((sum, hour) => sum + hour.answered, 0);
      expect(answeredAtNight / summarizeCalls(trace.calls).answered).toBeLessThan(0.01);
    }
  });

  it('[staffing-inferred] shifts give about 9–14 agents at the peak of a Sunday–Thursday', () => {
    for (const trace of [january, october]) {
      const peaks = new Map<string, number>();
      for (const interval of inferStaffing(trace.calls).intervals) {
        peaks.set(interval.date, Math.max(peaks.get(interval.date) ?? 0, interval.agents));
      }
      const workdayPeaks = [...peaks]
        .filter(([date]) => new Date(`${date}T00:00:00Z`).getUTCDay() <= 4)
        .map(([, peak]) => peak)
        .sort((a, b) => a - b);
      // January's quieter second half dips to 8 on two days; the median sits in the README's range.
      expect(Math.min(...workdayPeaks)).toBeGreaterThanOrEqual(8);
      expect(Math.max(...workdayPeaks)).toBeLessThanOrEqual(14);
      const median = workdayPeaks[Math.floor(workdayPeaks.length / 2)] ?? 0;
      expect(median).toBeGreaterThanOrEqual(9);
      expect(median).toBeLessThanOrEqual(14);
    }
  });

  it('[staffing-inferred] never fewer agents on shift than distinct agents serving in the interval', () => {
    const intervalMs = 15 * 60_000;
    for (const trace of [january, october]) {
      const { intervals } = inferStaffing(trace.calls);
      const serving = new Map<number, Set<string>>();
      for (const call of trace.calls) {
        if (call.agentName === null) continue;
        const startMs = call.arrivalMs + call.waitMs;
        const endMs = Math.max(startMs + call.serviceMs, startMs + 1);
        for (let t = Math.floor(startMs / intervalMs); t * intervalMs < endMs; t++) {
          const agents = serving.get(t) ?? new Set<string>();
          agents.add(call.agentName);
          serving.set(t, agents);
        }
      }
      for (const interval of intervals) {
        const busy = serving.get(interval.startMs / intervalMs)?.size ?? 0;
        expect(interval.agents).toBeGreaterThanOrEqual(busy);
      }
    }
  });
});
