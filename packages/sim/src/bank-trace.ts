/*
 * Reader for the Anonymous Bank call-center trace of 1999 (Technion SEE lab;
 * Brown et al., JASA 2005), as described in
 * ../shared/data/anonymous-bank-1999/README.md: one tab-separated line per
 * call, 17 columns, a header, CRLF (January) or LF (October) line ends.
 *
 * The known defects are repaired or skipped, and every one is counted in
 * `defects`, so a replay can say what it left out; a bad line is counted,
 * never thrown. Times in the files are the bank's local wall clock. They are
 * read at a fixed UTC offset, UTC+2 by default: Israel Standard Time, which
 * both January and October 1999 were on (summer time ran from April to
 * 3 September that year), so epoch ms and local hours agree for both files.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Limits on what the reader accepts (STYLE.md, limits). */
export const bankTraceLimits = {
  /** The monthly files are about 3.5 MB; read whole, a file ten times larger still fits easily. */
  bytesMax: 64 * 1024 * 1024,
} as const;

/** The trace's local clock: Israel Standard Time, UTC+2, in force in January and October 1999. */
export const bankTraceUtcOffsetMinutes = 120;

/** The README's queues: PS regular banking, PE English, IN internet, NE stock exchange, NW prospects, TT callbacks. */
export const BankQueueType = {
  PS: 'PS',
  PE: 'PE',
  IN: 'IN',
  NE: 'NE',
  NW: 'NW',
  TT: 'TT',
} as const;
export type BankQueueType = (typeof BankQueueType)[keyof typeof BankQueueType];

/** How a call ended, as the trace tells it. */
export const BankOutcome = {
  /** An agent served it (outcome AGENT), whether or not it waited in the queue first. */
  answered: 'answered',
  /** It hung up while waiting in the queue (HANG with q_start set): its wait is its patience. */
  abandoned: 'abandoned',
  /** It hung up in the voice menu and never asked for an agent (HANG without q_start). */
  hungUpInVru: 'hungUpInVru',
} as const;
export type BankOutcome = (typeof BankOutcome)[keyof typeof BankOutcome];

/** One call of the trace. */
export interface BankCall {
  /** 1-based line in the file, to find the original row. */
  readonly line: number;
  readonly callId: string;
  /** The date column, as YYYY-MM-DD; a call that asks for an agent after midnight keeps its row's date. */
  readonly date: string;
  /** When the call asks for an agent: vru_entry + vru_time on the local clock, as epoch ms. */
  readonly arrivalMs: number;
  readonly queueType: BankQueueType;
  /** 0 or 1 regular, 2 priority; unreliable for calls that never waited (README). */
  readonly priority: number;
  readonly outcome: BankOutcome;
  /** q_time: time in the queue; 0 for a call answered without queueing or lost in the menu. */
  readonly waitMs: number;
  /** ser_time for an answered call (possibly 0, a known defect); 0 otherwise. */
  readonly serviceMs: number;
  /** For an abandoned call, its exact patience (= its wait); null otherwise, where it is only bounded. */
  readonly patienceMs: number | null;
  /** The serving agent; null when not answered or answered with NO_SERVER. */
  readonly agentName: string | null;
}

/**
 * The defects met, one count each. Skipped rows are not in `calls`; the rest
 * are kept, repaired as each comment says.
 */
export interface BankTraceDefects {
  /** Outcome PHANTOM: skipped, as the README says. */
  readonly phantomRows: number;
  /** Answered with server NO_SERVER: kept, agentName null, left out of inferred staffing. */
  readonly answeredWithoutAgent: number;
  /** Answered with ser_time 0: kept with serviceMs 0 (the README's mean service includes them). */
  readonly zeroServiceTime: number;
  /** ser_exit earlier on the clock than ser_start: kept, the duration taken from ser_time. */
  readonly serviceCrossingMidnight: number;
  /** ser_start before q_exit (or vru_exit if never queued), usually by 1 s: kept, service taken to start when the wait ends. */
  readonly serviceStartBeforeQueueExit: number;
  /** 16 fields, priority and type joined by spaces (October lines 7315 and 14247): split and kept. */
  readonly priorityAndTypeJoined: number;
  /** vru_exit before vru_entry (vru_time < 0): kept, arrival still vru_entry + vru_time, which is vru_exit. */
  readonly negativeVruTime: number;
  /** HANG after queueing yet with a service time: kept as abandoned, the service ignored. */
  readonly abandonedWithService: number;
  /** A type outside the README's six (January has two "AA" rows): skipped. */
  readonly unknownQueueType: number;
  /** Wrong field count or a field that does not parse: skipped. */
  readonly unparsableLines: number;
}

/** A parsed trace. */
export interface BankTrace {
  readonly calls: readonly BankCall[];
  /** Data lines after the header, every one counted whatever became of it. */
  readonly rows: number;
  /** The line-end style met: January is CRLF, October LF. */
  readonly lineEnds: 'crlf' | 'lf' | 'mixed';
  readonly defects: BankTraceDefects;
}

/** Why a trace could not be read at all (a bad line is a defect, not this). */
export interface BankTraceProblem {
  readonly code: 'trace_unreadable' | 'trace_too_large' | 'trace_header_invalid';
  readonly message: string;
}

/** A parsed trace, or why there is none. */
export type BankTraceResult =
  | { readonly ok: true; readonly value: BankTrace }
  | { readonly ok: false; readonly problem: BankTraceProblem };

/** Where the trace's local clock stands against UTC. */
export interface BankTraceOptions {
  readonly utcOffsetMinutes?: number;
}

const header = [
  'vru+line',
  'call_id',
  'customer_id',
  'priority',
  'type',
  'date',
  'vru_entry',
  'vru_exit',
  'vru_time',
  'q_start',
  'q_exit',
  'q_time',
  'outcome',
  'ser_start',
  'ser_exit',
  'ser_time',
  'server',
].join('\t');

/** The reader's running counts; readonly once handed out in a BankTrace. */
type DefectCounts = { -readonly [Name in keyof BankTraceDefects]: number };

const fieldCount = 17;
const secondsPerDay = 86_400;
/** "0:00:00 means the step did not happen" (README). */
const notHappened = '0:00:00';
const noServer = 'NO_SERVER';

/**
 * Reads a trace file whole: at a few MB that costs less than streaming's
 * bookkeeping, and bankTraceLimits.bytesMax bounds the memory.
 */
export async function readBankTrace(
  path: string,
  options: BankTraceOptions = {},
): Promise<BankTraceResult> {
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > bankTraceLimits.bytesMax) {
      return failure(
        'trace_too_large',
        `${path} has ${size} bytes, more than ${bankTraceLimits.bytesMax}: split it by month.`,
      );
    }
    // latin1 maps every byte to one character, so no byte sequence can fail to decode.
    text = await readFile(path, 'latin1');
  } catch (error: unknown) {
    return failure('trace_unreadable', `Cannot read ${path} (${String(error)}): check the path.`);
  }
  return parseBankTrace(text, options);
}

/** Parses a trace's text (pure): the header line, then one call per line. */
export function parseBankTrace(text: string, options: BankTraceOptions = {}): BankTraceResult {
  const offsetMs = (options.utcOffsetMinutes ?? bankTraceUtcOffsetMinutes) * 60_000;
  const lines = text.split('\n');
  // A final line end leaves one empty string behind; it is not a row.
  if (lines.at(-1) === '') lines.pop();
  let crlf = 0;
  const stripped = lines.map((line) => {
    if (!line.endsWith('\r')) return line;
    crlf++;
    return line.slice(0, -1);
  });
  if (stripped[0] !== header) {
    return failure(
      'trace_header_invalid',
      'The first line is not the 17-column header of the Anonymous Bank trace: check the file.',
    );
  }
  const defects: DefectCounts = {
    phantomRows: 0,
    answeredWithoutAgent: 0,
    zeroServiceTime: 0,
    serviceCrossingMidnight: 0,
    serviceStartBeforeQueueExit: 0,
    priorityAndTypeJoined: 0,
    negativeVruTime: 0,
    abandonedWithService: 0,
    unknownQueueType: 0,
    unparsableLines: 0,
  };
  const calls: BankCall[] = [];
  for (let index = 1; index < stripped.length; index++) {
    const call = parseLine(stripped[index] ?? '', index + 1, offsetMs, defects);
    if (call !== null) calls.push(call);
  }
  // Lines without \r: LF ends, plus a last line with no end at all, which
  // must not make a CRLF file look mixed.
  const lf = lines.length - crlf;
  const lineEnds = crlf === 0 ? 'lf' : lf <= 1 ? 'crlf' : 'mixed';
  return { ok: true, value: { calls, rows: stripped.length - 1, lineEnds, defects } };
}

/** One data line to a call, or null (skipped, and counted in `defects`). */
function parseLine(
  text: string,
  line: number,
  offsetMs: number,
  defects: DefectCounts,
): BankCall | null {
  const fields = splitFields(text, defects);
  if (fields === null) return unparsable(defects);
  if (fields.outcome === 'PHANTOM') {
    defects.phantomRows++;
    return null;
  }
  const row = readRow(fields);
  if (row === null) return unparsable(defects);
  if (!isQueueType(fields.type)) {
    defects.unknownQueueType++;
    return null;
  }
  if (row.vruSeconds < 0) defects.negativeVruTime++;
  const arrivalMs = row.midnightUtcMs - offsetMs + (row.vruEntrySeconds + row.vruSeconds) * 1000;
  const base = {
    line,
    callId: fields.callId,
    date: row.date,
    arrivalMs,
    queueType: fields.type,
    priority: row.priority,
  };
  if (row.outcome === 'HANG') {
    if (!row.isQueued) {
      return { ...base, ...notServed, outcome: BankOutcome.hungUpInVru, waitMs: 0 };
    }
    if (row.serviceSeconds > 0) defects.abandonedWithService++;
    const waitMs = row.queueSeconds * 1000;
    return { ...base, ...notServed, outcome: BankOutcome.abandoned, waitMs, patienceMs: waitMs };
  }
  const hasAgent = fields.server !== noServer;
  if (!hasAgent) defects.answeredWithoutAgent++;
  if (row.serviceSeconds === 0) defects.zeroServiceTime++;
  if (row.isServiceStarted) {
    if (row.serviceSeconds > 0 && row.serExitSeconds < row.serStartSeconds) {
      defects.serviceCrossingMidnight++;
    }
    const waitEndSeconds = row.isQueued ? row.qExitSeconds : row.vruExitSeconds;
    if (clockDifference(row.serStartSeconds, waitEndSeconds) < 0) {
      defects.serviceStartBeforeQueueExit++;
    }
  }
  return {
    ...base,
    outcome: BankOutcome.answered,
    waitMs: row.isQueued ? row.queueSeconds * 1000 : 0,
    serviceMs: row.serviceSeconds * 1000,
    patienceMs: null,
    agentName: hasAgent ? fields.server : null,
  };
}

/** The text fields a row needs, by name. */
interface Fields {
  readonly callId: string;
  readonly priority: string;
  readonly type: string;
  readonly date: string;
  readonly vruEntry: string;
  readonly vruExit: string;
  readonly vruTime: string;
  readonly qStart: string;
  readonly qExit: string;
  readonly qTime: string;
  readonly outcome: string;
  readonly serStart: string;
  readonly serExit: string;
  readonly serTime: string;
  readonly server: string;
}

/** Splits a line into its 17 fields, repairing the known 16-field lines; null if neither. */
function splitFields(text: string, defects: DefectCounts): Fields | null {
  let parts = text.split('\t');
  if (parts.length === fieldCount - 1) {
    // Known defect: "0       NW" in one field where priority and type belong.
    const joined = /^(\d+) +([A-Z]+)$/.exec(parts[3] ?? '');
    if (joined?.[1] === undefined || joined[2] === undefined) return null;
    parts = [...parts.slice(0, 3), joined[1], joined[2], ...parts.slice(4)];
    defects.priorityAndTypeJoined++;
  }
  if (parts.length !== fieldCount) return null;
  const at = (index: number): string => parts[index] ?? '';
  return {
    callId: at(1),
    priority: at(3),
    type: at(4),
    date: at(5),
    vruEntry: at(6),
    vruExit: at(7),
    vruTime: at(8),
    qStart: at(9),
    qExit: at(10),
    qTime: at(11),
    outcome: at(12),
    serStart: at(13),
    serExit: at(14),
    serTime: at(15),
    server: at(16),
  };
}

/** A row's fields as numbers. */
interface Row {
  readonly date: string;
  readonly midnightUtcMs: number;
  readonly priority: number;
  readonly vruEntrySeconds: number;
  readonly vruExitSeconds: number;
  readonly vruSeconds: number;
  readonly isQueued: boolean;
  readonly qExitSeconds: number;
  readonly queueSeconds: number;
  readonly outcome: 'AGENT' | 'HANG';
  readonly isServiceStarted: boolean;
  readonly serStartSeconds: number;
  readonly serExitSeconds: number;
  readonly serviceSeconds: number;
}

/** Parses every field a call needs; null if any one does not parse. */
function readRow(fields: Fields): Row | null {
  let isBroken = false;
  const check = (value: number | null): number => {
    if (value === null) isBroken = true;
    return value ?? 0;
  };
  const date = parseDate(fields.date);
  check(parseClock(fields.qStart));
  const row: Row = {
    date: date?.text ?? '',
    midnightUtcMs: check(date?.midnightUtcMs ?? null),
    priority: check(parseCount(fields.priority)),
    vruEntrySeconds: check(parseClock(fields.vruEntry)),
    vruExitSeconds: check(parseClock(fields.vruExit)),
    // vru_time alone may be negative (a known defect); the other durations may not.
    vruSeconds: check(parseInteger(fields.vruTime)),
    isQueued: fields.qStart !== notHappened,
    qExitSeconds: check(parseClock(fields.qExit)),
    queueSeconds: check(parseCount(fields.qTime)),
    outcome: fields.outcome === 'AGENT' ? 'AGENT' : 'HANG',
    isServiceStarted: fields.serStart !== notHappened,
    serStartSeconds: check(parseClock(fields.serStart)),
    serExitSeconds: check(parseClock(fields.serExit)),
    serviceSeconds: check(parseCount(fields.serTime)),
  };
  if (fields.outcome !== 'AGENT' && fields.outcome !== 'HANG') isBroken = true;
  return isBroken ? null : row;
}

const notServed = { serviceMs: 0, patienceMs: null, agentName: null } as const;

function unparsable(defects: DefectCounts): null {
  defects.unparsableLines++;
  return null;
}

function isQueueType(type: string): type is BankQueueType {
  return Object.hasOwn(BankQueueType, type);
}

/** a − b on a 24-hour clock, in (−12 h, 12 h]: a service started at 23:59:59 for a wait ending at 0:00:00 is 1 s early. */
function clockDifference(aSeconds: number, bSeconds: number): number {
  const half = secondsPerDay / 2;
  return ((((aSeconds - bSeconds + half) % secondsPerDay) + secondsPerDay) % secondsPerDay) - half;
}

/** yymmdd: yy ≥ 50 is 19yy (the trace is from 1999). */
function parseDate(text: string): { text: string; midnightUtcMs: number } | null {
  const match = /^(\d\d)(\d\d)(\d\d)$/.exec(text);
  if (match === null) return null;
  const [, yy, mm, dd] = match.map(Number);
  if (yy === undefined || mm === undefined || dd === undefined) return null;
  const year = yy >= 50 ? 1900 + yy : 2000 + yy;
  const midnightUtcMs = Date.UTC(year, mm - 1, dd);
  // Date.UTC rolls 31 February over into March; a real date survives the round trip.
  if (new Date(midnightUtcMs).getUTCDate() !== dd || mm < 1 || mm > 12) return null;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return { text: `${year}-${pad(mm)}-${pad(dd)}`, midnightUtcMs };
}

/** h:mm:ss to seconds after midnight. */
function parseClock(text: string): number | null {
  const match = /^(\d{1,2}):([0-5]\d):([0-5]\d)$/.exec(text);
  if (match === null) return null;
  const [, hours, minutes, seconds] = match.map(Number);
  if (hours === undefined || minutes === undefined || seconds === undefined || hours > 23) {
    return null;
  }
  return hours * 3600 + minutes * 60 + seconds;
}

function parseInteger(text: string): number | null {
  return /^-?\d{1,9}$/.test(text) ? Number(text) : null;
}

function parseCount(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

function failure(code: BankTraceProblem['code'], message: string): BankTraceResult {
  return { ok: false, problem: { code, message } };
}

/**
 * Where the Anonymous Bank trace may be, in the order looked at: the folder
 * LINEUP_BANK_TRACE_DIR names, shared/ beside the repository (as on the
 * development and CI machines), and the machine's /work/shared.
 */
export function bankTraceCandidates(): string[] {
  return [
    process.env['LINEUP_BANK_TRACE_DIR'],
    resolve(import.meta.dirname, '../../../../shared/data/anonymous-bank-1999'),
    '/work/shared/data/anonymous-bank-1999',
  ].filter((path): path is string => path !== undefined && path !== '');
}

/** The first of bankTraceCandidates that holds january.txt, or null. */
export function findBankTraceDirectory(): string | null {
  return bankTraceCandidates().find((path) => existsSync(join(path, 'january.txt'))) ?? null;
}
