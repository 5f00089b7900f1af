import { Type, type Static, type TSchema } from 'typebox';
import {
  AgentIdSchema,
  ContactIdSchema,
  CustomerIdSchema,
  QueueIdSchema,
  TenantIdSchema,
} from '@lineup/protocol';
import { ContactOutcome } from './record-store.ts';
import { pageLimitDefault, pageLimitMax } from './schemas.ts';

/*
 * The shapes of the server's records (records.ts, feedback.ts) as the REST
 * API shows them: a customer's contact history, a queue's 15-minute
 * intervals, messages left for a queue and ratings of contacts. They live
 * beside the routes' other schemas and move to packages/protocol with them.
 */

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const epochMs = Type.Integer({ minimum: 0, description: 'Epoch ms' });
const ms = Type.Integer({ minimum: 0 });
const count = Type.Integer({ minimum: 0 });
const ratio = nullable(Type.Number({ minimum: 0, maximum: 1 }));

/** Longest text of a message, in characters. */
export const messageTextLengthMax = 5_000;
/** Longest comment of a rating, in characters. */
export const ratingCommentLengthMax = 2_000;

/** Schema of a message's id: a UUID the server mints. */
export const MessageIdSchema = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  description: 'Message id',
});

/** A cursor of a list kept in insertion order: the `next` of the previous page. */
const seqCursor = Type.String({
  pattern: '^[0-9]{1,15}$',
  description: 'The `next` of the previous page',
});
const limit = Type.Integer({
  minimum: 1,
  maximum: pageLimitMax,
  description: `Items per page, 1–${pageLimitMax}; default ${pageLimitDefault}`,
});

/** Schema of the path of a customer. */
export const CustomerParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  customerId: CustomerIdSchema,
});
/** Schema of the path of a message. */
export const MessageParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  messageId: MessageIdSchema,
});

/** Schema of the query of a list paged by cursor. */
export const SeqPageQuerySchema = Type.Object(
  { limit: Type.Optional(limit), after: Type.Optional(seqCursor) },
  { additionalProperties: false },
);

/** Schema of a contact's rating. */
export const RatingSchema = Type.Object(
  {
    contactId: ContactIdSchema,
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: nullable(Type.String({ maxLength: ratingCommentLengthMax })),
    createdAtMs: epochMs,
  },
  { additionalProperties: false, description: "A customer's rating of a contact that ended" },
);
/** A contact's rating. */
export type Rating = Static<typeof RatingSchema>;

/** Schema of a new rating. */
export const RatingInputSchema = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5, description: '1 (poor) to 5 (excellent)' }),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: ratingCommentLengthMax })),
  },
  { additionalProperties: false },
);

/** Schema of one contact in a customer's history. */
/** Longest disposition code, in characters. */
export const dispositionCodeLengthMax = 64;
/** Longest disposition notes, in characters. */
export const dispositionNotesLengthMax = 2_000;

/** Schema of the wrap-up an agent gives a contact it handled: a code and notes. */
export const DispositionInputSchema = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: dispositionCodeLengthMax,
      description: "The outcome in the tenant's own words, e.g. sale, complaint, follow-up",
    }),
    notes: Type.Optional(Type.String({ maxLength: dispositionNotesLengthMax })),
  },
  { additionalProperties: false },
);

/** Schema of a contact's disposition as kept. */
export const DispositionSchema = Type.Object(
  {
    code: Type.String(),
    notes: nullable(Type.String()),
    atMs: epochMs,
  },
  { additionalProperties: false },
);

export const ContactHistoryItemSchema = Type.Object(
  {
    id: ContactIdSchema,
    customerId: CustomerIdSchema,
    customerName: nullable(Type.String()),
    firstQueueId: QueueIdSchema,
    lastQueueId: QueueIdSchema,
    channel: Type.String(),
    /** Null for a contact turned away at the door. */
    joinedType: nullable(Type.String()),
    joinedAtMs: epochMs,
    answeredAtMs: nullable(epochMs),
    agentId: nullable(AgentIdSchema),
    endedAtMs: nullable(epochMs),
    outcome: nullable(Type.Enum(Object.values(ContactOutcome))),
    /** For a callback, how its last attempt went. */
    callbackOutcome: nullable(Type.String()),
    /** From joining to the answer, or to leaving unanswered. */
    waitMs: nullable(ms),
    /** Talk time of its agents, every callback attempt summed; wrap-up not included. */
    handleMs: ms,
    rating: nullable(RatingSchema),
    /** The wrap-up code and notes its agent gave it, or null. */
    disposition: nullable(DispositionSchema),
  },
  { additionalProperties: false },
);
/** One contact in a customer's history. */
export type ContactHistoryItem = Static<typeof ContactHistoryItemSchema>;

/** Schema of a page of a customer's history. */
export const ContactHistoryPageSchema = Type.Object(
  {
    contacts: Type.Array(ContactHistoryItemSchema),
    next: nullable(Type.String({ description: 'Pass as `after` for the next page' })),
  },
  { additionalProperties: false, description: "A page of a customer's contacts, newest first" },
);

/** Schema of one 15-minute interval of a queue. */
export const QueueIntervalSchema = Type.Object(
  {
    startMs: epochMs,
    endMs: epochMs,
    offered: count,
    answered: count,
    answeredInThreshold: count,
    abandoned: count,
    abandonedInThreshold: count,
    handled: count,
    serviceLevel: ratio,
    abandonRate: ratio,
    asaMs: nullable(ms),
    ahtMs: nullable(ms),
    /** Longest wait of a contact answered or abandoned in the interval. */
    waitMsMax: ms,
  },
  { additionalProperties: false },
);
/** One 15-minute interval of a queue. */
export type QueueInterval = Static<typeof QueueIntervalSchema>;

/** Schema of a queue's statistics history. */
export const QueueHistorySchema = Type.Object(
  { queueId: QueueIdSchema, intervals: Type.Array(QueueIntervalSchema) },
  {
    additionalProperties: false,
    description: "A queue's finished 15-minute intervals, oldest first",
  },
);
/** A queue's statistics history. */
export type QueueHistory = Static<typeof QueueHistorySchema>;

/** Schema of the query of a queue's history. */
export const QueueHistoryQuerySchema = Type.Object(
  {
    fromMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Intervals starting at or after; default toMs − 24 h',
      }),
    ),
    toMs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Intervals starting before; default now' }),
    ),
    format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'json (default) or csv' })),
  },
  { additionalProperties: false },
);

/** Schema of the customer who left a message. */
export const MessageCustomerSchema = Type.Object(
  {
    id: CustomerIdSchema,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    number: Type.Optional(Type.String({ maxLength: 32, pattern: '^[+0-9*#() .-]*$' })),
    email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' })),
  },
  { additionalProperties: false },
);

/** Schema of a new message. */
export const MessageInputSchema = Type.Object(
  {
    customer: MessageCustomerSchema,
    text: Type.String({ minLength: 1, maxLength: messageTextLengthMax }),
  },
  { additionalProperties: false },
);
/** A new message. */
export type MessageInput = Static<typeof MessageInputSchema>;

/** Schema of a message left for a queue. */
export const MessageSchema = Type.Object(
  {
    id: MessageIdSchema,
    queueId: QueueIdSchema,
    customer: MessageCustomerSchema,
    text: Type.String(),
    createdAtMs: epochMs,
    handledAtMs: nullable(epochMs),
  },
  { additionalProperties: false, description: 'A message a customer left for a queue' },
);
/** A message left for a queue. */
export type Message = Static<typeof MessageSchema>;

/** Schema of a page of messages. */
export const MessagePageSchema = Type.Object(
  {
    messages: Type.Array(MessageSchema),
    next: nullable(Type.String({ description: 'Pass as `after` for the next page' })),
  },
  { additionalProperties: false, description: 'A page of messages, oldest first' },
);

/** Schema of the query of a queue's messages. */
export const MessageQuerySchema = Type.Object(
  {
    status: Type.Optional(
      Type.Enum(['new', 'handled'], { description: 'Only new or only handled ones' }),
    ),
    limit: Type.Optional(limit),
    after: Type.Optional(seqCursor),
  },
  { additionalProperties: false },
);
