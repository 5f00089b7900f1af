import { Type, type Static } from 'typebox';
import { closedSet, timedMessage } from './schema-kit.ts';
import { AgentIdSchema, ContactIdSchema, OfferIdSchema, QueueIdSchema } from './ids.ts';
import {
  AgentModeSchema,
  AgentSettingsSchema,
  AttributesSchema,
  CapacitySchema,
  ChannelSchema,
  CustomerSchema,
  JoinedTypeSchema,
  QueueSettingsSchema,
} from './settings.ts';
import {
  AgentStateCause,
  CallbackOutcome,
  DeflectAction,
  DeflectReason,
  OfferCancelReason,
  Presence,
  StickyLeaveType,
} from './domain.ts';
import { QueueStatusSchema } from './status.ts';

/*
 * Events: what the engine decided, in the past tense (R14: every state change
 * is one of these). The journal stores them; folding them through the engine's
 * `evolve` rebuilds its state. Changing an event's shape or meaning bumps
 * PROTOCOL_VERSION and ENGINE_VERSION (STYLE.md, Replay equals live).
 */

const atMs = Type.Integer({ minimum: 0, description: 'When it happened, epoch ms' });
const msOrNull = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const agentIdOrNull = Type.Union([AgentIdSchema, Type.Null()]);

const event = <T extends string, P extends Parameters<typeof timedMessage>[2]>(
  type: T,
  properties: P,
  description: string,
) => timedMessage(type, atMs, properties, description);

/** Schema of a contact as it joined its queue. */
export const ContactRecordSchema = Type.Object(
  {
    id: ContactIdSchema,
    queueId: QueueIdSchema,
    channel: ChannelSchema,
    customer: CustomerSchema,
    priority: Type.Integer(),
    joinedType: JoinedTypeSchema,
    /** When the customer first joined any queue; kept through overflow and transfers, for reporting (R12). */
    joinedAtMs: Type.Integer({ minimum: 0 }),
    /** The time that orders it in its line (R2); kept when a rejected contact returns (R6). */
    placeAtMs: Type.Integer({ minimum: 0 }),
    preferredAgentId: agentIdOrNull,
    attributes: AttributesSchema,
    /** The number to call for a callback. */
    callbackNumber: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
/** A contact as it joined its queue. */
export type ContactRecord = Static<typeof ContactRecordSchema>;

const hoursFields = {
  isOpen: Type.Boolean(),
  /** When opening hours next open or close the queue; null without hours or beyond 400 days. */
  hoursChangeAtMs: msOrNull,
};

/** Schema of queueCreated. */
export const QueueCreatedSchema = event(
  'queueCreated',
  { queue: QueueSettingsSchema, ...hoursFields },
  'A queue was created.',
);
/** Schema of queueUpdated. */
export const QueueUpdatedSchema = event(
  'queueUpdated',
  { queue: QueueSettingsSchema, ...hoursFields },
  "A queue's settings changed; this is the full new settings.",
);
/** Schema of queueDeleted. */
export const QueueDeletedSchema = event(
  'queueDeleted',
  { queueId: QueueIdSchema },
  'A queue was deleted.',
);
/** Schema of queueOpened. */
export const QueueOpenedSchema = event(
  'queueOpened',
  { queueId: QueueIdSchema, hoursChangeAtMs: msOrNull },
  'Opening hours began (R16).',
);
/** Schema of queueClosed. */
export const QueueClosedSchema = event(
  'queueClosed',
  { queueId: QueueIdSchema, hoursChangeAtMs: msOrNull },
  'Opening hours ended; waiting contacts are still served (R16).',
);
/** Schema of queueStatusChanged. */
export const QueueStatusChangedSchema = event(
  'queueStatusChanged',
  { status: QueueStatusSchema },
  "A queue's live status changed (R13).",
);

/** Schema of agentCreated. */
export const AgentCreatedSchema = event(
  'agentCreated',
  { agent: AgentSettingsSchema },
  'An agent was created, logged out.',
);
/** Schema of agentUpdated. */
export const AgentUpdatedSchema = event(
  'agentUpdated',
  { agentId: AgentIdSchema, name: Type.String(), capacity: CapacitySchema },
  "An agent's name or capacity changed.",
);
/** Schema of agentRemoved. */
export const AgentRemovedSchema = event(
  'agentRemoved',
  { agentId: AgentIdSchema },
  'An agent was removed.',
);
/** Schema of agentJoinedQueue. */
export const AgentJoinedQueueSchema = event(
  'agentJoinedQueue',
  { agentId: AgentIdSchema, queueId: QueueIdSchema, priority: Type.Integer() },
  'An agent started serving a queue, or its priority there changed (R4).',
);
/** Schema of agentLeftQueue. */
export const AgentLeftQueueSchema = event(
  'agentLeftQueue',
  { agentId: AgentIdSchema, queueId: QueueIdSchema },
  'An agent stopped serving a queue.',
);
/** Schema of agentStateChanged. */
export const AgentStateChangedSchema = event(
  'agentStateChanged',
  {
    agentId: AgentIdSchema,
    presence: closedSet(Presence),
    reason: Type.Union([Type.String(), Type.Null()]),
    mode: AgentModeSchema,
    cause: closedSet(AgentStateCause),
    /** In wrap-up: when it ends by itself (R8). */
    wrapUpUntilMs: msOrNull,
  },
  "An agent's presence or mode changed.",
);

/** Schema of contactQueued. */
export const ContactQueuedSchema = event(
  'contactQueued',
  {
    contact: ContactRecordSchema,
    /** Waiting for this agent only (R9 preferred agent, or a transfer to one agent). */
    stickyAgentId: agentIdOrNull,
    stickyUntilMs: msOrNull,
    /** A callback not to be offered before this time (R10, R16). */
    notBeforeMs: msOrNull,
    /** 1-based place in the order the engine will serve; null while a callback is not yet due. */
    position: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    ewtMs: msOrNull,
  },
  'A contact joined a queue and waits (R13 gives its first position and EWT).',
);
/** Schema of contactDeflected. */
export const ContactDeflectedSchema = event(
  'contactDeflected',
  {
    contactId: ContactIdSchema,
    queueId: QueueIdSchema,
    channel: ChannelSchema,
    customer: CustomerSchema,
    reason: closedSet(DeflectReason),
    action: closedSet(DeflectAction),
    message: Type.String(),
  },
  'A joining contact was turned away by the queue being offline, closed or full (R11, R16); it never waited.',
);
/** Schema of stickyQueued. */
export const StickyQueuedSchema = event(
  'stickyQueued',
  {
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    queueId: QueueIdSchema,
    untilMs: msOrNull,
    /** Contacts now waiting for this agent (seed: memoryLineUpNum). */
    lineLength: Type.Integer({ minimum: 1 }),
  },
  'A contact started waiting for its preferred agent (R9; seed: memberEnqueue).',
);
/** Schema of stickyDequeued. */
export const StickyDequeuedSchema = event(
  'stickyDequeued',
  {
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    queueId: QueueIdSchema,
    leaveType: closedSet(StickyLeaveType),
  },
  "A contact stopped waiting for one agent and joined its queue's line (R9; seed: memberDequeue).",
);
/** Schema of contactPoolWidened. */
export const ContactPoolWidenedSchema = event(
  'contactPoolWidened',
  {
    contactId: ContactIdSchema,
    queueId: QueueIdSchema,
    level: Type.Integer({ minimum: 0 }),
    minAgentPriority: Type.Integer(),
  },
  'A waiting contact reached the next bullseye step: more agents may take it (R15).',
);
/** Schema of callbackDue. */
export const CallbackDueSchema = event(
  'callbackDue',
  { contactId: ContactIdSchema, queueId: QueueIdSchema },
  'A scheduled callback may now be offered (R10).',
);
/** Schema of offerCreated. */
export const OfferCreatedSchema = event(
  'offerCreated',
  {
    offerId: OfferIdSchema,
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    queueId: QueueIdSchema,
    channel: ChannelSchema,
    expiresAtMs: Type.Integer({ minimum: 0 }),
  },
  'A contact was offered to one agent until expiresAtMs (R5, R6).',
);
/** Schema of offerAccepted. */
export const OfferAcceptedSchema = event(
  'offerAccepted',
  { offerId: OfferIdSchema, contactId: ContactIdSchema, agentId: AgentIdSchema },
  'The agent took the offer.',
);
const returnFields = {
  offerId: OfferIdSchema,
  contactId: ContactIdSchema,
  agentId: AgentIdSchema,
  /** Until when this agent is not offered the contact again (R6). */
  cooldownUntilMs: msOrNull,
};
/** Schema of offerRejected. */
export const OfferRejectedSchema = event(
  'offerRejected',
  returnFields,
  'The agent declined; the contact keeps its place (R6).',
);
/** Schema of offerTimedOut. */
export const OfferTimedOutSchema = event(
  'offerTimedOut',
  returnFields,
  'Nobody answered the offer in time; the contact keeps its place (R6).',
);
/** Schema of offerCancelled. */
export const OfferCancelledSchema = event(
  'offerCancelled',
  {
    offerId: OfferIdSchema,
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    reason: closedSet(OfferCancelReason),
  },
  'The engine withdrew an offer; a contact still waiting keeps its place.',
);
/** Schema of offerCooldownEnded. */
export const OfferCooldownEndedSchema = event(
  'offerCooldownEnded',
  { contactId: ContactIdSchema, agentId: AgentIdSchema },
  'The agent may be offered the contact again (R6).',
);
/** Schema of contactAssigned. */
export const ContactAssignedSchema = event(
  'contactAssigned',
  {
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    queueId: QueueIdSchema,
    /** From when the customer first joined (joinedAtMs) to now: overflow and transfers count the whole wait. */
    waitMs: Type.Integer({ minimum: 0 }),
    via: Type.Enum(['offer', 'requestNext']),
  },
  'An agent now holds the contact.',
);
/** Schema of contactRequeued. */
export const ContactRequeuedSchema = event(
  'contactRequeued',
  { contactId: ContactIdSchema, queueId: QueueIdSchema, agentId: AgentIdSchema },
  'A contact an agent held went back to its queue, keeping its place (forced log-out).',
);
/** Schema of contactAbandoned. */
export const ContactAbandonedSchema = event(
  'contactAbandoned',
  { contactId: ContactIdSchema, queueId: QueueIdSchema, waitMs: Type.Integer({ minimum: 0 }) },
  'The waiting customer left.',
);
/** Schema of contactOverflowed. */
export const ContactOverflowedSchema = event(
  'contactOverflowed',
  {
    contactId: ContactIdSchema,
    fromQueueId: QueueIdSchema,
    toQueueId: QueueIdSchema,
    waitMs: Type.Integer({ minimum: 0 }),
  },
  'The contact waited maxWait and moved to the overflow queue, keeping its joinedAt (R12).',
);
/** Schema of contactTimedOut. */
export const ContactTimedOutSchema = event(
  'contactTimedOut',
  {
    contactId: ContactIdSchema,
    queueId: QueueIdSchema,
    waitMs: Type.Integer({ minimum: 0 }),
    reason: Type.Enum(['maxWait', 'overflowFull']),
  },
  'The contact waited maxWait with nowhere to overflow (R12).',
);
/** Schema of contactTransferred. */
export const ContactTransferredSchema = event(
  'contactTransferred',
  {
    contactId: ContactIdSchema,
    fromQueueId: QueueIdSchema,
    toQueueId: QueueIdSchema,
    fromAgentId: agentIdOrNull,
    toAgentId: agentIdOrNull,
    placeAtMs: Type.Integer({ minimum: 0 }),
    stickyUntilMs: msOrNull,
  },
  'The contact moved to another queue or to one agent and waits there.',
);
/** Schema of contactConvertedToCallback. */
export const ContactConvertedToCallbackSchema = event(
  'contactConvertedToCallback',
  { contactId: ContactIdSchema, queueId: QueueIdSchema, number: Type.String() },
  'The waiting customer hung up for a callback and keeps its place (R10).',
);
/** Schema of contactCompleted. */
export const ContactCompletedSchema = event(
  'contactCompleted',
  {
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    queueId: QueueIdSchema,
    /** From assignment to completion. */
    talkMs: Type.Integer({ minimum: 0 }),
    /** Null when the agent does not go into wrap-up. */
    wrapUpUntilMs: msOrNull,
  },
  'The agent finished with the contact (R8).',
);
/** Schema of callbackClosed. */
export const CallbackClosedSchema = event(
  'callbackClosed',
  {
    contactId: ContactIdSchema,
    agentId: AgentIdSchema,
    queueId: QueueIdSchema,
    outcome: closedSet(CallbackOutcome),
    attempt: Type.Integer({ minimum: 1 }),
    talkMs: Type.Integer({ minimum: 0 }),
    /** When the next attempt is due; null when the callback is over. */
    retryAtMs: msOrNull,
    wrapUpUntilMs: msOrNull,
  },
  "The agent's call-back attempt ended; no answer is retried by the queue's policy (R10).",
);
/** Schema of dayStarted. */
export const DayStartedSchema = event(
  'dayStarted',
  { dayStartMs: Type.Integer(), nextDayStartMs: Type.Integer() },
  'A new statistics day began: today counters start again.',
);

/** Schema of every event. */
export const EventSchema = Type.Union([
  QueueCreatedSchema,
  QueueUpdatedSchema,
  QueueDeletedSchema,
  QueueOpenedSchema,
  QueueClosedSchema,
  QueueStatusChangedSchema,
  AgentCreatedSchema,
  AgentUpdatedSchema,
  AgentRemovedSchema,
  AgentJoinedQueueSchema,
  AgentLeftQueueSchema,
  AgentStateChangedSchema,
  ContactQueuedSchema,
  ContactDeflectedSchema,
  StickyQueuedSchema,
  StickyDequeuedSchema,
  ContactPoolWidenedSchema,
  CallbackDueSchema,
  OfferCreatedSchema,
  OfferAcceptedSchema,
  OfferRejectedSchema,
  OfferTimedOutSchema,
  OfferCancelledSchema,
  OfferCooldownEndedSchema,
  ContactAssignedSchema,
  ContactRequeuedSchema,
  ContactAbandonedSchema,
  ContactOverflowedSchema,
  ContactTimedOutSchema,
  ContactTransferredSchema,
  ContactConvertedToCallbackSchema,
  ContactCompletedSchema,
  CallbackClosedSchema,
  DayStartedSchema,
]);
/** Something the engine decided. */
export type Event = Static<typeof EventSchema>;
/** The name of an event. */
export type EventType = Event['type'];
/** The event of one type. */
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

/**
 * Events' JSON, made once per event: the journal writes each event and the
 * server sends it to every socket that may see it, and the same stringify
 * in each place was a tenth of the server's work. Events are never changed
 * after they are made, so an event's JSON stays right.
 *
 * The JSON is kept on the event itself, under a symbol and not enumerable,
 * so JSON, spreads, structured clones and equality checks do not see it. A
 * WeakMap from event to JSON did the same but stalled the server: at 1,000
 * enqueues/s the WeakMap's upkeep held the event loop for up to 28 ms at a
 * time, every few seconds (a loop of two million sets into a WeakMap, the
 * keys dying young, paused 10–40 ms every 35,000 sets or so; keeping the
 * JSON on the object instead, at most the 3–5 ms of a young collection).
 */
const jsonKey = Symbol('lineup.eventJson');

/** An event's JSON, as JSON.stringify gives it; made once per event object. */
export function eventJson(event: Event): string {
  const kept = (event as { [jsonKey]?: string })[jsonKey];
  if (kept !== undefined) return kept;
  const json = JSON.stringify(event);
  Object.defineProperty(event, jsonKey, { value: json });
  return json;
}

/** A list of events' JSON, byte for byte JSON.stringify(events), from eventJson's. */
export function eventsJson(events: readonly Event[]): string {
  let json = '[';
  for (let index = 0; index < events.length; index++) {
    if (index > 0) json += ',';
    json += eventJson(events[index] as Event);
  }
  return `${json}]`;
}
