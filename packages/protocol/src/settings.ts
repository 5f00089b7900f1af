import { Type, type Static } from 'typebox';
import { closedSet } from './schema-kit.ts';
import { AgentIdSchema, CustomerIdSchema, QueueIdSchema } from './ids.ts';
import {
  AgentMode,
  Channel,
  CustomerType,
  JoinedType,
  Strategy,
  WhenClosed,
  WhenEmpty,
} from './domain.ts';
import {
  attributesMax,
  attributeValueLengthMax,
  agingPointsPerMinuteMax,
  callbackAttemptsMax,
  capacityPerChannelMax,
  contactPriorityAbsMax,
  durationMsMax,
  expansionStepsMax,
  membershipsPerAgentMax,
  messageLengthMax,
  answerGreetingLengthMax,
  nameLengthMax,
  priorityAbsMax,
  queueSizeMax,
} from './limits.ts';

/*
 * Settings of queues and agents, and the customer carried by a contact. Each
 * schema is the one source of validation, TypeScript types and OpenAPI.
 * Durations are integer milliseconds; priorities are integers, higher first.
 */

/** Schema of a channel. */
export const ChannelSchema = closedSet(Channel, 'How the contact reaches the contact center.');
/** Schema of a strategy. */
export const StrategySchema = closedSet(
  Strategy,
  'How the queue picks among free agents of equal priority (R4).',
);
/** Schema of a queue's policy when no agent serves it (R11). */
export const WhenEmptySchema = closedSet(
  WhenEmpty,
  'What a joining contact gets when no agent serves the queue (R11).',
);
/** Schema of a queue's policy outside opening hours (R16). */
export const WhenClosedSchema = closedSet(
  WhenClosed,
  'What a joining contact gets outside opening hours (R16).',
);
/** Schema of an agent's mode (R7). */
export const AgentModeSchema = closedSet(
  AgentMode,
  'auto: the engine offers; manual: the agent asks (R7).',
);
/** Schema of a customer type (R2). */
export const CustomerTypeSchema = closedSet(
  CustomerType,
  'VIP contacts go before normal ones (R2).',
);
/** Schema of a joined type. */
export const JoinedTypeSchema = closedSet(JoinedType, 'How the contact joined its queue.');

const durationMs = (description: string, minimum = 0) =>
  Type.Integer({ minimum, maximum: durationMsMax, description });
const priority = (description: string) =>
  Type.Integer({ minimum: -priorityAbsMax, maximum: priorityAbsMax, description });
const name = Type.String({ minLength: 1, maxLength: nameLengthMax });

/** Schema of one weekly opening window, local to the hours' time zone. */
export const WeeklyOpeningSchema = Type.Object(
  {
    day: Type.Integer({ minimum: 0, maximum: 6, description: '0 = Sunday … 6 = Saturday' }),
    openMinute: Type.Integer({ minimum: 0, maximum: 1439 }),
    closeMinute: Type.Integer({ minimum: 1, maximum: 1440 }),
  },
  { additionalProperties: false },
);

/** Schema of a queue's opening hours (R16). */
export const OpeningHoursSchema = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' }),
    weekly: Type.Array(WeeklyOpeningSchema, { maxItems: 100 }),
    holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 1000 }),
  },
  { additionalProperties: false },
);
/** A queue's opening hours. */
export type OpeningHours = Static<typeof OpeningHoursSchema>;

/** Schema of one bullseye expansion step (R15). */
export const ExpansionStepSchema = Type.Object(
  {
    afterMs: durationMs('Wait after which this step applies'),
    minAgentPriority: priority('Agents below this priority in the queue are not offered'),
  },
  { additionalProperties: false },
);
/** One bullseye expansion step. */
export type ExpansionStep = Static<typeof ExpansionStepSchema>;

/** Schema of a queue's call-back policy (R10). */
export const CallbackPolicySchema = Type.Object(
  {
    isAllowed: Type.Boolean(),
    retryDelayMs: durationMs('Wait before calling again after no answer', 1_000),
    attemptsMax: Type.Integer({ minimum: 1, maximum: callbackAttemptsMax }),
  },
  { additionalProperties: false },
);

const queueFields = {
  name,
  priority: priority('Agents serving several queues take higher-priority queues first (R3)'),
  channels: Type.Array(ChannelSchema, { minItems: 1, maxItems: 6, uniqueItems: true }),
  strategy: StrategySchema,
  offerTimeoutMs: durationMs('An unanswered offer is withdrawn after this (R6)', 1_000),
  wrapUpMs: durationMs('Wrap-up after each contact (R8)'),
  serviceLevelThresholdMs: durationMs('Answered within this counts as in service level', 1_000),
  maxWaitMs: durationMs('Overflow or time out after this wait; 0 = no limit (R12)'),
  maxSize: Type.Integer({ minimum: 1, maximum: queueSizeMax }),
  overflowQueueId: Type.Union([QueueIdSchema, Type.Null()]),
  whenEmpty: WhenEmptySchema,
  hours: Type.Union([OpeningHoursSchema, Type.Null()]),
  whenClosed: WhenClosedSchema,
  closedMessage: Type.String({ maxLength: messageLengthMax }),
  expansion: Type.Array(ExpansionStepSchema, { maxItems: expansionStepsMax }),
  stickyTimeoutMs: durationMs('Wait for the preferred agent; 0 = no stickiness (R9)'),
  callbacks: CallbackPolicySchema,
  agingPointsPerMinute: Type.Integer({ minimum: 0, maximum: agingPointsPerMinuteMax }),
  maxNoAnswer: Type.Integer({ minimum: 0, maximum: 100, description: '0 = never (R6)' }),
  rejectCooldownMs: durationMs('The same agent is not offered the contact again for this (R6)'),
  ewtPredictor: Type.String({ minLength: 1, maxLength: 32 }),
  expectedHandleMs: durationMs('Handle time assumed before any contact was handled', 1_000),
  // Optional, so that queues journaled before it existed replay unchanged: read it with
  // positionAnnouncementEveryMsOf, which gives the default when it is missing.
  positionAnnouncementEveryMs: Type.Optional(
    durationMs(
      'How often a customer waiting for a voice or video agent hears its place and wait; 0 = never',
    ),
  ),
  // Optional for the same reason: read it with answerGreetingOf.
  answerGreeting: Type.Optional(
    Type.String({
      maxLength: answerGreetingLengthMax,
      description:
        "Spoken to a voice or video customer as the agent's call is answered; {agent} is the agent's name; empty = none",
    }),
  ),
};

/** How often a waiting voice or video customer hears its place, when the queue does not say. */
export const positionAnnouncementEveryMsDefault = 30_000;

/** How often a queue's waiting voice or video customers hear their place and wait; 0 = never. */
export function positionAnnouncementEveryMsOf(settings: {
  positionAnnouncementEveryMs?: number;
}): number {
  return settings.positionAnnouncementEveryMs ?? positionAnnouncementEveryMsDefault;
}

/**
 * What a queue's voice and video customers hear as the agent's call is
 * answered, with `{agent}` replaced by the agent's name, cut to
 * answerGreetingLengthMax; '' when the queue has no greeting.
 */
export function answerGreetingOf(settings: { answerGreeting?: string }, agentName: string): string {
  const text = (settings.answerGreeting ?? '').replaceAll('{agent}', agentName);
  return text.slice(0, answerGreetingLengthMax);
}

/** Schema of a queue's full settings, as events carry them. */
export const QueueSettingsSchema = Type.Object(
  { id: QueueIdSchema, ...queueFields },
  { additionalProperties: false },
);
/** A queue's full settings. */
export type QueueSettings = Static<typeof QueueSettingsSchema>;

/** Schema of a change to a queue: any subset of its settings but the id. */
export const QueueChangesSchema = Type.Partial(Type.Object(queueFields), {
  additionalProperties: false,
});
/** A change to a queue's settings. */
export type QueueChanges = Static<typeof QueueChangesSchema>;

/** Schema of a new queue: an id, a name, and any settings to override the defaults. */
export const QueueInputSchema = Type.Object(
  { ...Type.Partial(Type.Object(queueFields)).properties, id: QueueIdSchema, name },
  { additionalProperties: false },
);
/** A new queue. */
export type QueueInput = Static<typeof QueueInputSchema>;

/** Schema of an agent's capacity: contacts it may hold at once, per channel. */
export const CapacitySchema = Type.Object(
  {
    voice: Type.Integer({ minimum: 0, maximum: 1 }),
    video: Type.Integer({ minimum: 0, maximum: 1 }),
    callback: Type.Integer({ minimum: 0, maximum: 1 }),
    chat: Type.Integer({ minimum: 0, maximum: capacityPerChannelMax }),
    email: Type.Integer({ minimum: 0, maximum: capacityPerChannelMax }),
    task: Type.Integer({ minimum: 0, maximum: capacityPerChannelMax }),
  },
  { additionalProperties: false },
);
/** Contacts an agent may hold at once, per channel. */
export type Capacity = Static<typeof CapacitySchema>;

/** Schema of an agent serving a queue with a priority in it (R4). */
export const MembershipSchema = Type.Object(
  { queueId: QueueIdSchema, priority: priority('Higher-priority agents are offered first (R4)') },
  { additionalProperties: false },
);
/** An agent serving a queue. */
export type Membership = Static<typeof MembershipSchema>;

const agentFields = {
  name,
  capacity: CapacitySchema,
  memberships: Type.Array(MembershipSchema, { maxItems: membershipsPerAgentMax }),
  mode: AgentModeSchema,
};

/** Schema of an agent's full settings, as events carry them. */
export const AgentSettingsSchema = Type.Object(
  { id: AgentIdSchema, ...agentFields },
  { additionalProperties: false },
);
/** An agent's full settings. */
export type AgentSettings = Static<typeof AgentSettingsSchema>;

/** Schema of a new agent: an id, a name, and any settings to override the defaults. */
export const AgentInputSchema = Type.Object(
  {
    id: AgentIdSchema,
    name,
    capacity: Type.Optional(Type.Partial(CapacitySchema)),
    memberships: Type.Optional(agentFields.memberships),
    mode: Type.Optional(AgentModeSchema),
  },
  { additionalProperties: false },
);
/** A new agent. */
export type AgentInput = Static<typeof AgentInputSchema>;

/** Schema of a change to an agent's name or capacity. */
export const AgentChangesSchema = Type.Object(
  {
    name: Type.Optional(name),
    capacity: Type.Optional(Type.Partial(CapacitySchema)),
  },
  { additionalProperties: false },
);
/** A change to an agent. */
export type AgentChanges = Static<typeof AgentChangesSchema>;

/** Schema of the customer behind a contact. */
export const CustomerSchema = Type.Object(
  {
    id: CustomerIdSchema,
    name: Type.Optional(Type.String({ maxLength: nameLengthMax })),
    number: Type.Optional(Type.String({ maxLength: 32, pattern: '^[+0-9*#() .-]*$' })),
    type: CustomerTypeSchema,
  },
  { additionalProperties: false },
);
/** The customer behind a contact. */
export type Customer = Static<typeof CustomerSchema>;

/** Schema of a contact's free-form attributes. */
export const AttributesSchema = Type.Record(
  Type.String({ minLength: 1, maxLength: 64 }),
  Type.Union([Type.String({ maxLength: attributeValueLengthMax }), Type.Number(), Type.Boolean()]),
  { maxProperties: attributesMax },
);
/** A contact's free-form attributes. */
export type Attributes = Static<typeof AttributesSchema>;

/** Schema of a contact's priority score (R2). */
export const ContactPrioritySchema = Type.Integer({
  minimum: -contactPriorityAbsMax,
  maximum: contactPriorityAbsMax,
  description: 'Higher first, after VIP above normal (R2)',
});
