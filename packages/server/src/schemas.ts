import { Type, type Static, type TSchema } from 'typebox';
import {
  AgentIdSchema,
  AgentModeSchema,
  CapacitySchema,
  ChannelSchema,
  CloseCallbackSchema,
  ContactIdSchema,
  ContactInputSchema,
  ConvertToCallbackSchema,
  CustomerSchema,
  AttributesSchema,
  EventSchema,
  DeflectAction,
  DeflectReason,
  JoinedTypeSchema,
  LogInSchema,
  LogOutSchema,
  MembershipSchema,
  OfferIdSchema,
  Presence,
  QueueIdSchema,
  QueueSettingsSchema,
  QueueStatusSchema,
  RequestCallbackSchema,
  SetModeSchema,
  SetPresenceSchema,
  StartServingSchema,
  TenantIdSchema,
  TransferTargetSchema,
  errorCodeList,
  errorCodes,
  nameLengthMax,
  roleList,
  scopeList,
  tokenTtlSeconds,
  type ErrorCode,
  type EventType,
} from '@lineup/protocol';

/*
 * The REST API's request and response shapes, as TypeBox schemas: Fastify
 * validates requests and checks responses with them, and @fastify/swagger
 * publishes them as OpenAPI. Fields are taken from the protocol's command
 * schemas wherever a route carries a command, so the two cannot drift.
 *
 * These belong in packages/protocol once the SDK needs them (DESIGN.md §3:
 * REST messages are protocol types); they live here while the API settles.
 */

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const epochMs = Type.Integer({ minimum: 0, description: 'Epoch ms' });
const closedSet = <T extends string>(set: Record<string, T>) => Type.Enum(Object.values(set));

/** Largest page of a list route. */
export const pageLimitMax = 1_000;
/** Page size of a list route that names none. */
export const pageLimitDefault = 100;

// --- Errors -------------------------------------------------------------------------------------

/**
 * Schema of the one error body (STYLE.md, Errors) with the codes given: each
 * route documents the codes it can answer with; every code is in docs/errors.md.
 */
export function errorBodySchema(codes: readonly ErrorCode[]) {
  const listed = codes.map((code) => `${code} (${errorCodes[code].status})`).join(', ');
  return Type.Object(
    {
      error: Type.Object(
        {
          code: Type.Enum([...codes], {
            description: 'Stable, machine-readable code; see docs/errors.md',
          }),
          message: Type.String({ description: 'For people: what went wrong and what to do next' }),
          details: Type.Optional(
            Type.Record(Type.String(), Type.Unknown(), {
              description: 'Structured context; for invalid_command, the problems with their paths',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false, description: `Refused: ${listed}.` },
  );
}

/** Schema of the one error body, with every code. */
export const ErrorBodySchema = errorBodySchema(errorCodeList);
/** The one error body. */
export type ErrorBody = Static<typeof ErrorBodySchema>;

// --- Params and queries ---------------------------------------------------------------------------

/** Schema of the path of a tenant. */
export const TenantParamsSchema = Type.Object({ tenantId: TenantIdSchema });
/** Schema of the path of a queue. */
export const QueueParamsSchema = Type.Object({ tenantId: TenantIdSchema, queueId: QueueIdSchema });
/** Schema of the path of an agent. */
export const AgentParamsSchema = Type.Object({ tenantId: TenantIdSchema, agentId: AgentIdSchema });
/** Schema of the path of an agent's membership in a queue. */
export const MembershipParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  agentId: AgentIdSchema,
  queueId: QueueIdSchema,
});
/** Schema of the path of an offer made to an agent. */
export const OfferParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  agentId: AgentIdSchema,
  offerId: OfferIdSchema,
});
/** Schema of the path of a contact an agent holds. */
export const AgentContactParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  agentId: AgentIdSchema,
  contactId: ContactIdSchema,
});
/** Schema of the path of a contact. */
export const ContactParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  contactId: ContactIdSchema,
});

const limit = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: pageLimitMax,
    description: `Items per page, 1–${pageLimitMax}; default ${pageLimitDefault}`,
  }),
);

/** Schema of a list route's query: a page size and the id after which the page starts. */
export const PageQuerySchema = Type.Object(
  {
    limit,
    after: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'The `next` of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
/** Schema of the query of a queue's waiting contacts. */
export const LimitQuerySchema = Type.Object({ limit }, { additionalProperties: false });

// --- Tenants ---------------------------------------------------------------------------------------

/** Schema of a new tenant. */
export const TenantInputSchema = Type.Object(
  { id: TenantIdSchema },
  { additionalProperties: false },
);

/** Schema of a tenant as the API shows it. */
export const TenantViewSchema = Type.Object(
  {
    id: TenantIdSchema,
    queueCount: Type.Integer({ minimum: 0 }),
    agentCount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false, description: 'The tenant' },
);
/** A tenant as the API shows it. */
export type TenantSummary = Static<typeof TenantViewSchema>;

// --- Access ----------------------------------------------------------------------------------------

const ScopeSchema = Type.Enum([...scopeList], {
  description: 'admin (all), contacts (+read), agents (+read), read, tokens',
});
const RoleSchema = Type.Enum([...roleList]);
/** Schema of an API key's id. */
const ApiKeyIdSchema = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });

/** Schema of the path of an API key. */
export const ApiKeyParamsSchema = Type.Object({ tenantId: TenantIdSchema, keyId: ApiKeyIdSchema });

/** Schema of a new API key. */
export const ApiKeyInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: nameLengthMax, description: 'What uses it' }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: scopeList.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);

const apiKeyFields = {
  id: ApiKeyIdSchema,
  name: Type.String(),
  scopes: Type.Array(ScopeSchema),
  createdAtMs: epochMs,
};
/** Schema of an API key as listed: never its secret. */
export const ApiKeyViewSchema = Type.Object(apiKeyFields, { additionalProperties: false });
/** Schema of a new API key: the key itself, shown this once. */
export const ApiKeyCreatedSchema = Type.Object(
  {
    ...apiKeyFields,
    key: Type.String({ description: 'Send as Authorization: Bearer <key>. Shown only now.' }),
  },
  { additionalProperties: false },
);
/** Schema of a tenant's API keys. */
export const ApiKeyListSchema = Type.Object(
  { items: Type.Array(ApiKeyViewSchema) },
  { additionalProperties: false },
);

/** Schema of a token request. */
export const TokenInputSchema = Type.Object(
  {
    role: RoleSchema,
    subject: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$',
      description: "The agent's id, the customer's id, or the supervisor's name",
    }),
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: tokenTtlSeconds.min,
        maximum: tokenTtlSeconds.max,
        description: `Lifetime; default ${tokenTtlSeconds.default}`,
      }),
    ),
  },
  { additionalProperties: false },
);

/** Schema of a minted token. */
export const TokenViewSchema = Type.Object(
  {
    token: Type.String({
      description: 'Send as Authorization: Bearer <token>, or in the socket hello',
    }),
    tenantId: TenantIdSchema,
    role: RoleSchema,
    subject: Type.String(),
    expiresAtMs: epochMs,
  },
  { additionalProperties: false },
);

// --- Queues ---------------------------------------------------------------------------------------

/** Schema of a queue as the API shows it: its full settings and its live status (R13). */
export const QueueViewSchema = Type.Object(
  { ...QueueSettingsSchema.properties, status: QueueStatusSchema },
  { additionalProperties: false, description: "The queue's settings and live status" },
);
/** A queue as the API shows it. */
export type QueueView = Static<typeof QueueViewSchema>;

/** Schema of a page of queues. */
export const QueuePageSchema = Type.Object(
  {
    queues: Type.Array(QueueViewSchema),
    next: nullable(Type.String({ description: 'Pass as `after` for the next page' })),
  },
  { additionalProperties: false, description: 'A page of queues, in id order' },
);

/**
 * Schema of what a customer may know of a queue before joining it: its name,
 * channels and the live numbers a waiting customer would see anyway (R13),
 * without settings or agent counts.
 */
export const PublicQueueStatusSchema = Type.Object(
  {
    queueId: QueueIdSchema,
    name: Type.String(),
    channels: Type.Array(ChannelSchema),
    /** Whether a customer may ask to be called back instead of waiting (R10). */
    isCallbackAllowed: Type.Boolean(),
    waiting: Type.Integer({ minimum: 0 }),
    ewtMs: nullable(Type.Integer({ minimum: 0 })),
    isOffline: Type.Boolean(),
    isOpen: Type.Boolean(),
    positionAnnouncementEveryMs: Type.Integer({
      minimum: 0,
      description:
        'How often a customer waiting here for a voice or video agent hears its place and wait; 0 = never',
    }),
  },
  {
    additionalProperties: false,
    description: "A queue's name, channels and live status, as customers may read it",
  },
);
/** A queue as a customer sees it before joining. */
export type PublicQueueStatus = Static<typeof PublicQueueStatusSchema>;

/** Schema of a page of queue statuses for customers. */
export const PublicQueueStatusPageSchema = Type.Object(
  {
    queues: Type.Array(PublicQueueStatusSchema),
    next: nullable(Type.String({ description: 'Pass as `after` for the next page' })),
  },
  { additionalProperties: false, description: 'A page of queue statuses, in id order' },
);

// --- Agents ---------------------------------------------------------------------------------------

/** Schema of an agent's pending offer. */
export const OfferViewSchema = Type.Object(
  {
    offerId: OfferIdSchema,
    contactId: ContactIdSchema,
    queueId: QueueIdSchema,
    channel: ChannelSchema,
    expiresAtMs: epochMs,
  },
  { additionalProperties: false },
);
/** An agent's pending offer. */
export type OfferView = Static<typeof OfferViewSchema>;

/** Schema of an agent as the API shows it: settings, state, and what it holds. */
export const AgentViewSchema = Type.Object(
  {
    id: AgentIdSchema,
    name: Type.String(),
    capacity: CapacitySchema,
    memberships: Type.Array(MembershipSchema),
    mode: AgentModeSchema,
    presence: closedSet(Presence),
    /** Why the agent is not ready, or null. */
    reason: nullable(Type.String()),
    /** In wrap-up: when it ends by itself (R8). */
    wrapUpUntilMs: nullable(epochMs),
    /** The offer waiting for the agent's answer (R5: at most one). */
    offer: nullable(OfferViewSchema),
    /** Contacts the agent holds, in the order it took them. */
    contactIds: Type.Array(ContactIdSchema),
  },
  {
    additionalProperties: false,
    description: "The agent's settings, state, pending offer and contacts held",
  },
);
/** An agent as the API shows it. */
export type AgentView = Static<typeof AgentViewSchema>;

/** Schema of a page of agents. */
export const AgentPageSchema = Type.Object(
  {
    agents: Type.Array(AgentViewSchema),
    next: nullable(Type.String({ description: 'Pass as `after` for the next page' })),
  },
  { additionalProperties: false, description: 'A page of agents, in id order' },
);

/** Schema of the body of a membership: the agent's priority in the queue (R4). */
export const MembershipInputSchema = Type.Object(
  { priority: StartServingSchema.properties.priority },
  { additionalProperties: false },
);

/** Schema of a queue an admin assigned an agent (ADR 0017). */
export const AssignmentSchema = Type.Object(
  {
    queueId: QueueIdSchema,
    priority: StartServingSchema.properties.priority,
    /** Whether the agent serves the queue now (an engine membership). */
    isServing: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** Schema of the queues an agent may serve, in queue id order. */
export const AssignmentListSchema = Type.Object(
  { items: Type.Array(AssignmentSchema) },
  { additionalProperties: false },
);

// --- Agent actions --------------------------------------------------------------------------------

/** Schema of an action with nothing to say; the body may be left out. */
export const NoInputSchema = Type.Object({}, { additionalProperties: false });
/** Schema of a log-in. */
export const LogInInputSchema = Type.Object(
  { notReadyReason: LogInSchema.properties.notReadyReason },
  { additionalProperties: false },
);
/** Schema of a log-out. */
export const LogOutInputSchema = Type.Object(
  { isForced: LogOutSchema.properties.isForced },
  { additionalProperties: false },
);
/** Schema of a presence change. */
export const PresenceInputSchema = Type.Object(
  { presence: SetPresenceSchema.properties.presence, reason: SetPresenceSchema.properties.reason },
  { additionalProperties: false },
);
/** Schema of a mode change (R7). */
export const ModeInputSchema = Type.Object(
  { mode: SetModeSchema.properties.mode },
  { additionalProperties: false },
);
/** Schema of a transfer. */
export const TransferInputSchema = Type.Object(
  { target: TransferTargetSchema },
  { additionalProperties: false },
);
/** Schema of a callback attempt's result (R10). */
export const CallbackResultInputSchema = Type.Object(
  { outcome: CloseCallbackSchema.properties.outcome },
  { additionalProperties: false },
);

// --- Contacts -------------------------------------------------------------------------------------

const contactId = Type.Optional(
  Type.Unsafe<Static<typeof ContactIdSchema>>({
    ...ContactIdSchema,
    description: 'Contact id; the server mints one when left out',
  }),
);

/** Schema of a new contact: the protocol's, with the id optional. */
export const EnqueueInputSchema = Type.Object(
  { ...ContactInputSchema.properties, id: contactId },
  { additionalProperties: false },
);
/** Schema of a callback request with no live customer (R10): the protocol's, with the id optional. */
export const CallbackRequestInputSchema = Type.Object(
  { ...RequestCallbackSchema.properties.contact.properties, id: contactId },
  { additionalProperties: false },
);
/**
 * Schema of an agent's conversion of a contact it holds into a callback: the
 * number to call (default the customer's) and not before when.
 */
export const AgentCallbackInputSchema = Type.Object(
  {
    number: Type.Optional(ConvertToCallbackSchema.properties.number),
    notBeforeMs: RequestCallbackSchema.properties.contact.properties.notBeforeMs,
  },
  { additionalProperties: false },
);
/** Schema of a waiting customer's request to be called back (R10). */
export const ConvertInputSchema = Type.Object(
  { number: ConvertToCallbackSchema.properties.number },
  { additionalProperties: false },
);

/** Schema of a live contact with its place in line (R13). */
export const ContactViewSchema = Type.Object(
  {
    id: ContactIdSchema,
    queueId: QueueIdSchema,
    channel: ChannelSchema,
    customer: CustomerSchema,
    priority: Type.Integer(),
    joinedType: JoinedTypeSchema,
    /** When the customer first joined any queue (kept through overflow and transfers). */
    joinedAtMs: epochMs,
    /** The time that orders it in its line (R2). */
    placeAtMs: epochMs,
    preferredAgentId: nullable(AgentIdSchema),
    attributes: AttributesSchema,
    callbackNumber: nullable(Type.String()),
    status: Type.Enum(['queued', 'offered', 'assigned', 'wrapUp']),
    stickyAgentId: nullable(AgentIdSchema),
    stickyUntilMs: nullable(epochMs),
    notBeforeMs: nullable(epochMs),
    offerId: nullable(OfferIdSchema),
    offerAgentId: nullable(AgentIdSchema),
    offerExpiresAtMs: nullable(epochMs),
    agentId: nullable(AgentIdSchema),
    assignedAtMs: nullable(epochMs),
    callbackAttempts: Type.Integer({ minimum: 0 }),
    /** 1 = next for its queue; null when not in a line (offered, assigned, callback not yet due). */
    position: nullable(Type.Integer({ minimum: 1 })),
    /** Expected wait from now; null when not in a line or no agent works the queue. */
    ewtMs: nullable(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, description: 'The live contact, with its position and EWT' },
);
/** A live contact with its place in line. */
export type ContactPlacedView = Static<typeof ContactViewSchema>;

/** Schema of a contact the queue turned away at the door (R11, R12 queue full, R16). */
export const DeflectedViewSchema = Type.Object(
  {
    id: ContactIdSchema,
    queueId: QueueIdSchema,
    deflected: Type.Object(
      {
        reason: closedSet(DeflectReason),
        action: closedSet(DeflectAction),
        message: Type.String({ description: "The queue's message for the customer" }),
      },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    description: 'The queue turned the contact away; it never waited',
  },
);
/** A contact turned away at the door. */
export type DeflectedView = Static<typeof DeflectedViewSchema>;

/** Schema of a queue's waiting contacts in serving order. */
export const WaitingContactsSchema = Type.Object(
  { contacts: Type.Array(ContactViewSchema) },
  { additionalProperties: false, description: 'The first waiting contacts, in serving order' },
);

/** Schema of what an agent action did: the agent, and the contact it concerned as it stands now. */
export const AgentActionResultSchema = Type.Object(
  {
    agent: AgentViewSchema,
    contact: nullable(ContactViewSchema),
  },
  {
    additionalProperties: false,
    description: 'contact is null when the action concerned none, or the contact has ended',
  },
);
/** What an agent action did. */
export type AgentActionResult = Static<typeof AgentActionResultSchema>;

// --- Webhooks -------------------------------------------------------------------------------------

/** Every event type the engine emits, in the protocol's order. */
export const eventTypeList: readonly EventType[] = EventSchema.anyOf.map(
  (schema) => schema.properties.type.const,
);
/** The event type filter that matches every event. */
export const everyEventType = '*';
/** Longest webhook URL, in characters. */
export const webhookUrlLengthMax = 2_048;
/** Longest webhook description, in characters. */
const webhookDescriptionLengthMax = 500;
/** Schema of a webhook's or a delivery's id: minted by the server. */
const WebhookIdSchema = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });
const DeliveryStatusSchema = Type.Enum(['pending', 'delivered', 'failed'], {
  description: 'pending (waiting or retrying), delivered (a 2xx answer), failed (gave up)',
});

/** Schema of the path of a webhook. */
export const WebhookParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  webhookId: WebhookIdSchema,
});
/** Schema of the path of one delivery of a webhook. */
export const DeliveryParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  webhookId: WebhookIdSchema,
  deliveryId: WebhookIdSchema,
});

/** Schema of a new webhook. */
export const WebhookInputSchema = Type.Object(
  {
    url: Type.String({
      minLength: 8,
      maxLength: webhookUrlLengthMax,
      pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
      description: 'Where events are POSTed: an http or https URL',
    }),
    eventTypes: Type.Array(Type.Enum([everyEventType, ...eventTypeList]), {
      minItems: 1,
      maxItems: eventTypeList.length + 1,
      uniqueItems: true,
      description: 'The event types to deliver, or ["*"] for every one',
    }),
    description: Type.Optional(Type.String({ maxLength: webhookDescriptionLengthMax })),
  },
  { additionalProperties: false },
);

const webhookFields = {
  id: WebhookIdSchema,
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  description: nullable(Type.String()),
  createdAtMs: epochMs,
};
/** Schema of a webhook as listed: never its secret. */
export const WebhookViewSchema = Type.Object(webhookFields, { additionalProperties: false });
/** A webhook as listed. */
export type WebhookView = Static<typeof WebhookViewSchema>;
/** Schema of a new webhook: its signing secret, shown this once. */
export const WebhookCreatedSchema = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({
      description: 'Verifies the Lineup-Signature header of every delivery. Shown only now.',
    }),
  },
  { additionalProperties: false },
);
/** Schema of a tenant's webhooks. */
export const WebhookListSchema = Type.Object(
  { items: Type.Array(WebhookViewSchema) },
  { additionalProperties: false },
);

/** Schema of the query of a webhook's deliveries. */
export const DeliveryQuerySchema = Type.Object(
  {
    status: Type.Optional(DeliveryStatusSchema),
    limit,
    after: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,14}$',
        description: 'The `next` of the previous page',
      }),
    ),
  },
  { additionalProperties: false },
);
/** Schema of one delivery: an event for a webhook, and how its attempts went. */
export const DeliveryViewSchema = Type.Object(
  {
    id: Type.String({ description: "Also the payload's id and the Lineup-Event-Id header" }),
    webhookId: WebhookIdSchema,
    eventType: Type.String(),
    contactId: nullable(Type.String()),
    status: DeliveryStatusSchema,
    attempts: Type.Integer({ minimum: 0, description: 'Attempts since it last became pending' }),
    createdAtMs: epochMs,
    lastAttemptAtMs: nullable(epochMs),
    lastStatusCode: nullable(Type.Integer({ description: "The receiver's last HTTP status" })),
    lastError: nullable(Type.String({ description: 'Why the last attempt failed' })),
    nextAttemptAtMs: nullable(epochMs),
    deliveredAtMs: nullable(epochMs),
  },
  { additionalProperties: false },
);
/** One delivery as the API shows it. */
export type DeliveryView = Static<typeof DeliveryViewSchema>;
/** Schema of a page of deliveries, newest first. */
export const DeliveryPageSchema = Type.Object(
  {
    items: Type.Array(DeliveryViewSchema),
    next: nullable(Type.String({ description: 'Pass as `after` for the next page' })),
  },
  { additionalProperties: false },
);
/** Schema of what a replay of every failed delivery did. */
export const ReplayedSchema = Type.Object(
  { replayed: Type.Integer({ minimum: 0, description: 'Failed deliveries now pending again' }) },
  { additionalProperties: false },
);

// --- Operations -----------------------------------------------------------------------------------

/** Schema of /healthz. */
export const HealthSchema = Type.Object(
  { status: Type.Literal('ok') },
  { description: 'The process answers' },
);
/** Schema of /readyz when ready. */
export const ReadySchema = Type.Object(
  { status: Type.Literal('ready') },
  { description: 'The host takes commands' },
);
