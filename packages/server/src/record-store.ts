import type Database from 'better-sqlite3';
import type { QueueId } from '@lineup/protocol';
import type { ContactHistoryItem, QueueInterval, Rating } from './record-schemas.ts';

/*
 * The SQL of the records (records.ts) and the mapping of their rows to what
 * the API shows: a contact's history row, and a queue's interval counters
 * with the ratios derived from them. The tables are the server store's
 * (store.ts, migration 2).
 */

/** What ended a contact: the terminal event of its life (docs/routing.md, Domain and lifecycle). */
export const ContactOutcome = {
  completed: 'completed',
  abandoned: 'abandoned',
  timedOut: 'timedOut',
  deflected: 'deflected',
  callbackClosed: 'callbackClosed',
} as const;
/** What ended a contact. */
export type ContactOutcome = (typeof ContactOutcome)[keyof typeof ContactOutcome];

/** Length of a statistics interval: aligned to the epoch, so to every whole-quarter time zone. */
export const intervalMs = 15 * 60_000;

/** Counters of one queue in one interval, as stored. */
export interface IntervalCounters {
  offered: number;
  answered: number;
  answeredInThreshold: number;
  abandoned: number;
  abandonedInThreshold: number;
  waitMsAnswered: number;
  waitMsMax: number;
  handled: number;
  handleMs: number;
}

/** Counters of an interval where nothing happened. */
export const zeroCounters: IntervalCounters = {
  offered: 0,
  answered: 0,
  answeredInThreshold: 0,
  abandoned: 0,
  abandonedInThreshold: 0,
  waitMsAnswered: 0,
  waitMsMax: 0,
  handled: 0,
  handleMs: 0,
};

interface HistoryRow {
  seq: number;
  contact_id: string;
  customer_id: string;
  customer_name: string | null;
  first_queue_id: string;
  last_queue_id: string;
  channel: string;
  joined_type: string | null;
  joined_at_ms: number;
  answered_at_ms: number | null;
  agent_id: string | null;
  ended_at_ms: number | null;
  outcome: string | null;
  callback_outcome: string | null;
  wait_ms: number | null;
  handle_ms: number;
  score: number | null;
  comment: string | null;
  rated_at_ms: number | null;
  disposition_code: string | null;
  disposition_notes: string | null;
  disposed_at_ms: number | null;
}

interface IntervalRow {
  start_ms: number;
  offered: number;
  answered: number;
  answered_in_threshold: number;
  abandoned: number;
  abandoned_in_threshold: number;
  wait_ms_answered: number;
  wait_ms_max: number;
  handled: number;
  handle_ms: number;
}

/** Start of the interval holding a time. */
export const intervalStartOf = (atMs: number): number => Math.floor(atMs / intervalMs) * intervalMs;

/** A ratio, or null when its denominator is 0 (docs/routing.md, Statistics). */
const ratioOf = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const averageOf = (sum: number, n: number): number | null => (n === 0 ? null : Math.round(sum / n));

/** An interval's figures, derived from its counters as the engine derives its reports. */
export function intervalOf(row: IntervalRow): QueueInterval {
  const answered = row.answered;
  const abandoned = row.abandoned;
  return {
    startMs: row.start_ms,
    endMs: row.start_ms + intervalMs,
    offered: row.offered,
    answered,
    answeredInThreshold: row.answered_in_threshold,
    abandoned,
    abandonedInThreshold: row.abandoned_in_threshold,
    handled: row.handled,
    serviceLevel: ratioOf(
      row.answered_in_threshold,
      answered + abandoned - row.abandoned_in_threshold,
    ),
    abandonRate: ratioOf(abandoned, answered + abandoned),
    asaMs: averageOf(row.wait_ms_answered, answered),
    ahtMs: averageOf(row.handle_ms, row.handled),
    waitMsMax: row.wait_ms_max,
  };
}

/** A history row as the API shows it. */
export function historyItemOf(row: HistoryRow): ContactHistoryItem {
  return {
    id: row.contact_id as ContactHistoryItem['id'],
    customerId: row.customer_id as ContactHistoryItem['customerId'],
    customerName: row.customer_name,
    firstQueueId: row.first_queue_id as QueueId,
    lastQueueId: row.last_queue_id as QueueId,
    channel: row.channel,
    joinedType: row.joined_type,
    joinedAtMs: row.joined_at_ms,
    answeredAtMs: row.answered_at_ms,
    agentId: row.agent_id as ContactHistoryItem['agentId'],
    endedAtMs: row.ended_at_ms,
    outcome: row.outcome as ContactOutcome | null,
    callbackOutcome: row.callback_outcome,
    waitMs: row.wait_ms,
    handleMs: row.handle_ms,
    rating: ratingOf(row),
    disposition:
      row.disposition_code === null || row.disposed_at_ms === null
        ? null
        : { code: row.disposition_code, notes: row.disposition_notes, atMs: row.disposed_at_ms },
  };
}

function ratingOf(row: HistoryRow): Rating | null {
  if (row.score === null || row.rated_at_ms === null) return null;
  return {
    contactId: row.contact_id as Rating['contactId'],
    score: row.score,
    comment: row.comment,
    createdAtMs: row.rated_at_ms,
  };
}

const historySelect = `
  SELECT h.*, r.score, r.comment, r.created_at_ms AS rated_at_ms
  FROM contact_history h
  LEFT JOIN ratings r ON r.tenant_id = h.tenant_id AND r.contact_id = h.contact_id`;

/** The prepared statements of the records; preparing once costs nothing per event. */
export function recordStatements(db: Database.Database) {
  return {
    insertContact: db.prepare(
      `INSERT INTO contact_history (tenant_id, contact_id, customer_id, customer_name,
         first_queue_id, last_queue_id, channel, joined_type, joined_at_ms,
         ended_at_ms, outcome, wait_ms)
       VALUES (@tenantId, @contactId, @customerId, @customerName, @queueId, @queueId, @channel,
         @joinedType, @joinedAtMs, @endedAtMs, @outcome, @waitMs)
       ON CONFLICT (tenant_id, contact_id) DO NOTHING`,
    ),
    /** A contact's first answer: changes its row only if it was not answered before. */
    answer: db.prepare(
      `UPDATE contact_history SET answered_at_ms = @atMs,
         wait_ms = COALESCE(wait_ms, @waitMs), agent_id = @agentId, last_queue_id = @queueId
       WHERE tenant_id = @tenantId AND contact_id = @contactId AND answered_at_ms IS NULL`,
    ),
    /** A later assignment of a contact answered before: its agent and queue, not its answer. */
    reassign: db.prepare(
      `UPDATE contact_history SET wait_ms = COALESCE(wait_ms, @waitMs), agent_id = @agentId,
         last_queue_id = @queueId
       WHERE tenant_id = @tenantId AND contact_id = @contactId`,
    ),
    move: db.prepare(
      `UPDATE contact_history SET last_queue_id = @queueId
       WHERE tenant_id = @tenantId AND contact_id = @contactId`,
    ),
    addHandle: db.prepare(
      `UPDATE contact_history SET handle_ms = handle_ms + @handleMs, callback_outcome = @callbackOutcome
       WHERE tenant_id = @tenantId AND contact_id = @contactId`,
    ),
    /** addHandle and end in one statement: a contact completed is one write, not two. */
    addHandleAndEnd: db.prepare(
      `UPDATE contact_history SET handle_ms = handle_ms + @handleMs,
         callback_outcome = @callbackOutcome,
         outcome = CASE WHEN ended_at_ms IS NULL THEN @outcome ELSE outcome END,
         ended_at_ms = COALESCE(ended_at_ms, @atMs)
       WHERE tenant_id = @tenantId AND contact_id = @contactId`,
    ),
    end: db.prepare(
      `UPDATE contact_history SET ended_at_ms = @atMs, outcome = @outcome,
         wait_ms = COALESCE(@waitMs, wait_ms)
       WHERE tenant_id = @tenantId AND contact_id = @contactId AND ended_at_ms IS NULL`,
    ),
    addToInterval: db.prepare(
      `INSERT INTO queue_intervals (tenant_id, queue_id, start_ms, offered, answered,
         answered_in_threshold, abandoned, abandoned_in_threshold, wait_ms_answered, wait_ms_max,
         handled, handle_ms)
       VALUES (@tenantId, @queueId, @startMs, @offered, @answered, @answeredInThreshold,
         @abandoned, @abandonedInThreshold, @waitMsAnswered, @waitMsMax, @handled, @handleMs)
       ON CONFLICT (tenant_id, queue_id, start_ms) DO UPDATE SET
         offered = offered + excluded.offered,
         answered = answered + excluded.answered,
         answered_in_threshold = answered_in_threshold + excluded.answered_in_threshold,
         abandoned = abandoned + excluded.abandoned,
         abandoned_in_threshold = abandoned_in_threshold + excluded.abandoned_in_threshold,
         wait_ms_answered = wait_ms_answered + excluded.wait_ms_answered,
         wait_ms_max = MAX(wait_ms_max, excluded.wait_ms_max),
         handled = handled + excluded.handled,
         handle_ms = handle_ms + excluded.handle_ms`,
    ),
    dispose: db.prepare<
      [{ tenantId: string; contactId: string; code: string; notes: string | null; atMs: number }]
    >(
      `UPDATE contact_history SET disposition_code = @code, disposition_notes = @notes,
         disposed_at_ms = @atMs
       WHERE tenant_id = @tenantId AND contact_id = @contactId`,
    ),
    historyPage: db.prepare<[string, string, number, number], HistoryRow>(
      `${historySelect} WHERE h.tenant_id = ? AND h.customer_id = ? AND h.seq < ?
       ORDER BY h.seq DESC LIMIT ?`,
    ),
    historyItem: db.prepare<[string, string], HistoryRow>(
      `${historySelect} WHERE h.tenant_id = ? AND h.contact_id = ?`,
    ),
    intervals: db.prepare<[string, string, number, number], IntervalRow>(
      `SELECT * FROM queue_intervals WHERE tenant_id = ? AND queue_id = ? AND start_ms >= ?
       AND start_ms < ? ORDER BY start_ms`,
    ),
  };
}

/** The prepared statements of the records. */
export type RecordStatements = ReturnType<typeof recordStatements>;
