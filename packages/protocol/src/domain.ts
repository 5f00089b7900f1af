/*
 * The closed sets of the domain (DESIGN.md §1), as `as const` objects with a
 * derived union: one word per idea, used by code, API, events and docs.
 */

/** How a contact reaches the contact center. */
export const Channel = {
  voice: 'voice',
  video: 'video',
  chat: 'chat',
  callback: 'callback',
  email: 'email',
  task: 'task',
} as const;
/** A contact's channel. */
export type Channel = (typeof Channel)[keyof typeof Channel];
/** Every channel, in a fixed order. */
export const channels: readonly Channel[] = Object.values(Channel);

/**
 * Channels that take an agent's whole attention: an agent in one of them takes
 * nothing else, and an agent holding any contact is not offered one of them.
 */
export const liveChannels: readonly Channel[] = [Channel.voice, Channel.video, Channel.callback];

/** How a queue picks among free agents of equal priority (R4). */
export const Strategy = {
  longestIdle: 'longestIdle',
  roundRobin: 'roundRobin',
  fewestContacts: 'fewestContacts',
  leastTalkTime: 'leastTalkTime',
  topDown: 'topDown',
  random: 'random',
} as const;
/** A queue's agent-selection strategy. */
export type Strategy = (typeof Strategy)[keyof typeof Strategy];

/** What an agent has said about being available, plus wrap-up, set by the engine (R8). */
export const Presence = {
  offline: 'offline',
  ready: 'ready',
  notReady: 'notReady',
  wrapUp: 'wrapUp',
} as const;
/** An agent's presence. */
export type Presence = (typeof Presence)[keyof typeof Presence];

/** Whether the engine offers contacts (auto) or the agent asks for the next one (manual, R7). */
export const AgentMode = { auto: 'auto', manual: 'manual' } as const;
/** An agent's assignment mode. */
export type AgentMode = (typeof AgentMode)[keyof typeof AgentMode];

/** A contact's lifecycle state (DESIGN.md §1). */
export const ContactState = {
  queued: 'queued',
  offered: 'offered',
  assigned: 'assigned',
  wrapUp: 'wrapUp',
  done: 'done',
  abandoned: 'abandoned',
  cancelled: 'cancelled',
  timedOut: 'timedOut',
  overflowed: 'overflowed',
  deflected: 'deflected',
} as const;
/** A contact's state. */
export type ContactState = (typeof ContactState)[keyof typeof ContactState];

/** How a contact joined its queue. */
export const JoinedType = {
  inbound: 'inbound',
  transfer: 'transfer',
  callback: 'callback',
  overflow: 'overflow',
} as const;
/** How a contact joined. */
export type JoinedType = (typeof JoinedType)[keyof typeof JoinedType];

/** A customer's tier: VIP contacts go before normal ones (R2). */
export const CustomerType = { normal: 'normal', vip: 'vip' } as const;
/** A customer's tier. */
export type CustomerType = (typeof CustomerType)[keyof typeof CustomerType];

/** What a contact joining a queue that no agent serves gets (R11). */
export const WhenEmpty = { reject: 'reject', wait: 'wait', leaveMessage: 'leaveMessage' } as const;
/** A queue's policy when no agent serves it. */
export type WhenEmpty = (typeof WhenEmpty)[keyof typeof WhenEmpty];

/** What a contact joining a closed queue gets (R16). */
export const WhenClosed = {
  refuse: 'refuse',
  leaveMessage: 'leaveMessage',
  callback: 'callback',
} as const;
/** A queue's policy outside its opening hours. */
export type WhenClosed = (typeof WhenClosed)[keyof typeof WhenClosed];

/** Why a joining contact never waited. */
export const DeflectReason = {
  queueOffline: 'queueOffline',
  queueClosed: 'queueClosed',
  queueFull: 'queueFull',
} as const;
/** Why a joining contact never waited. */
export type DeflectReason = (typeof DeflectReason)[keyof typeof DeflectReason];

/** What the customer is told to do instead of waiting. */
export const DeflectAction = { refuse: 'refuse', leaveMessage: 'leaveMessage' } as const;
/** What the customer is told to do instead of waiting. */
export type DeflectAction = (typeof DeflectAction)[keyof typeof DeflectAction];

/** How an agent's call-back attempt went (R10). */
export const CallbackOutcome = {
  reached: 'reached',
  noAnswer: 'noAnswer',
  failed: 'failed',
} as const;
/** How a call-back attempt went. */
export type CallbackOutcome = (typeof CallbackOutcome)[keyof typeof CallbackOutcome];

/** Why a waiting contact left its sticky agent's line (R9; seed leaveType 1 agent, 2 abandon). */
export const StickyLeaveType = {
  agent: 'agent',
  abandon: 'abandon',
  expired: 'expired',
  transferred: 'transferred',
  agentRemoved: 'agentRemoved',
} as const;
/** Why a contact stopped waiting for its preferred agent. */
export type StickyLeaveType = (typeof StickyLeaveType)[keyof typeof StickyLeaveType];

/** Why an offer was withdrawn by the engine rather than answered. */
export const OfferCancelReason = {
  contactAbandoned: 'contactAbandoned',
  contactTransferred: 'contactTransferred',
  contactTimedOut: 'contactTimedOut',
  agentLoggedOut: 'agentLoggedOut',
  agentNotReady: 'agentNotReady',
  agentStoppedServing: 'agentStoppedServing',
  agentManual: 'agentManual',
  contactConverted: 'contactConverted',
} as const;
/** Why an offer was withdrawn. */
export type OfferCancelReason = (typeof OfferCancelReason)[keyof typeof OfferCancelReason];

/** Why a contact went back to waiting. */
export const RequeueReason = {
  offerRejected: 'offerRejected',
  offerTimedOut: 'offerTimedOut',
  offerCancelled: 'offerCancelled',
  agentLoggedOut: 'agentLoggedOut',
  callbackRetry: 'callbackRetry',
} as const;
/** Why a contact went back to waiting. */
export type RequeueReason = (typeof RequeueReason)[keyof typeof RequeueReason];

/** What caused an agent's state to change. */
export const AgentStateCause = {
  loggedIn: 'loggedIn',
  loggedOut: 'loggedOut',
  presenceSet: 'presenceSet',
  modeSet: 'modeSet',
  noAnswer: 'noAnswer',
  wrapUpStarted: 'wrapUpStarted',
  wrapUpEnded: 'wrapUpEnded',
} as const;
/** What caused an agent's state to change. */
export type AgentStateCause = (typeof AgentStateCause)[keyof typeof AgentStateCause];
