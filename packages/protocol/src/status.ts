import { Type, type Static } from 'typebox';
import { AgentIdSchema, QueueIdSchema } from './ids.ts';

/*
 * What supervisors, customers and planners read: a queue's live status (R13)
 * and the statistics of queues and agents, for "today" and for a sliding
 * 15-minute window. Definitions are in docs/routing.md (Statistics).
 */

const count = Type.Integer({ minimum: 0 });
const ms = Type.Integer({ minimum: 0 });
const ratio = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const msOrNull = Type.Union([ms, Type.Null()]);

/** Schema of the raw counters kept per queue. */
export const QueueCountersSchema = Type.Object({
  /** Contacts that joined the queue (inbound, transfer, overflow, callback). */
  offered: count,
  answered: count,
  answeredInThreshold: count,
  abandoned: count,
  abandonedInThreshold: count,
  waitMsAnswered: ms,
  waitMsAbandoned: ms,
  waitMsAnsweredMax: ms,
  handled: count,
  handleMs: ms,
  overflowed: count,
  timedOut: count,
  deflected: count,
  transferredOut: count,
});
/** Raw counters of a queue. */
export type QueueCounters = Static<typeof QueueCountersSchema>;

/** Schema of a queue's statistics over a period: counters and the ratios derived from them. */
export const QueueStatisticsSchema = Type.Object({
  ...QueueCountersSchema.properties,
  serviceLevel: ratio,
  abandonRate: ratio,
  asaMs: msOrNull,
  ahtMs: msOrNull,
  occupancy: ratio,
});
/** A queue's statistics over a period. */
export type QueueStatistics = Static<typeof QueueStatisticsSchema>;

/** Schema of the raw counters kept per agent. */
export const AgentCountersSchema = Type.Object({
  offered: count,
  answered: count,
  rejected: count,
  missed: count,
  handled: count,
  talkMs: ms,
  /** Time logged in, ready and holding nothing. */
  freeMs: ms,
  /** Time holding a contact (ready or not ready), or ready with an offer. */
  busyMs: ms,
  wrapUpMs: ms,
  notReadyMs: ms,
});
/** Raw counters of an agent. */
export type AgentCounters = Static<typeof AgentCountersSchema>;

/** Schema of an agent's statistics over a period. */
export const AgentStatisticsSchema = Type.Object({
  ...AgentCountersSchema.properties,
  occupancy: ratio,
  ahtMs: msOrNull,
});
/** An agent's statistics over a period. */
export type AgentStatistics = Static<typeof AgentStatisticsSchema>;

/** Schema of the statistics of one queue for today and the last 15 minutes. */
export const QueueReportSchema = Type.Object({
  queueId: QueueIdSchema,
  today: QueueStatisticsSchema,
  window: QueueStatisticsSchema,
});
/** The statistics of one queue for today and the last 15 minutes. */
export type QueueReport = Static<typeof QueueReportSchema>;

/** Schema of the statistics of one agent for today and the last 15 minutes. */
export const AgentReportSchema = Type.Object({
  agentId: AgentIdSchema,
  today: AgentStatisticsSchema,
  window: AgentStatisticsSchema,
});
/** The statistics of one agent for today and the last 15 minutes. */
export type AgentReport = Static<typeof AgentReportSchema>;

/** Schema of how many of a queue's agents are in each state. */
export const AgentCountsSchema = Type.Object({
  /** Logged in (every state below). */
  serving: count,
  /** Ready and holding nothing. */
  ready: count,
  /** Holding a contact (ready or not ready), or ready with an offer. */
  busy: count,
  wrapUp: count,
  notReady: count,
});
/** How many of a queue's agents are in each state. */
export type AgentCounts = Static<typeof AgentCountsSchema>;

/** Schema of a queue's live status (R13). */
export const QueueStatusSchema = Type.Object({
  queueId: QueueIdSchema,
  /** Contacts waiting: in the line, for a preferred agent, or a callback not yet due. */
  waiting: count,
  /** Contacts offered to an agent and not yet answered. */
  offered: count,
  /** When the longest-waiting contact started waiting, or null when none waits. */
  longestWaitingSinceMs: Type.Union([Type.Integer(), Type.Null()]),
  agents: AgentCountsSchema,
  /** Expected wait of a contact joining now; null when no agent serves the queue. */
  ewtMs: msOrNull,
  /** R11: no agent is logged in to serve the queue. */
  isOffline: Type.Boolean(),
  /** R16: inside opening hours (always true without hours). */
  isOpen: Type.Boolean(),
  /** Service level and abandon rate of the last 15 minutes. */
  serviceLevel: ratio,
  abandonRate: ratio,
});
/** A queue's live status. */
export type QueueStatus = Static<typeof QueueStatusSchema>;
