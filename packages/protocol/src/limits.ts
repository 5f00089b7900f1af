/*
 * Every collection and number the engine accepts has a limit (STYLE.md: put a
 * limit on everything). Each is checked by validation and has a test at the
 * limit and one past it.
 */

/** Queues per tenant (DESIGN.md §4: one node holds 5,000 queues). */
export const queuesMax = 5_000;
/** Agents per tenant (DESIGN.md §4: one node holds 20,000 agents). */
export const agentsMax = 20_000;
/** Live (not ended) contacts per tenant (DESIGN.md §4: 500,000). */
export const liveContactsMax = 500_000;
/** Queues one agent may serve. */
export const membershipsPerAgentMax = 100;
/** Largest `maxSize` a queue may set. */
export const queueSizeMax = 500_000;
/** Expansion (bullseye) steps per queue. */
export const expansionStepsMax = 10;
/** Names and messages, in characters. */
export const nameLengthMax = 200;
/** A queue's closed/offline message, in characters. */
export const messageLengthMax = 2_000;
/** A queue's answer greeting, in characters: it fits a call log entry's detail. */
export const answerGreetingLengthMax = 200;
/** Free-form attributes per contact. */
export const attributesMax = 50;
/** One attribute's string value, in characters. */
export const attributeValueLengthMax = 1_000;
/** Priorities of queues, agents in queues, and contacts' scores are integers in ±this. */
export const priorityAbsMax = 1_000_000;
/** Capacity of an agent on one channel. */
export const capacityPerChannelMax = 100;
/** Longest time-out of any kind (offer, wrap-up, wait, sticky, cool-down): 7 days. */
export const durationMsMax = 7 * 24 * 60 * 60 * 1000;
/** Aging, in score points per minute of waiting (R2). */
export const agingPointsPerMinuteMax = 1_000;
/** Call-back attempts per contact (R10). */
export const callbackAttemptsMax = 20;
/** Contact priority scores, like queue priorities, are bounded so that aging arithmetic stays exact. */
export const contactPriorityAbsMax = 1_000_000;
