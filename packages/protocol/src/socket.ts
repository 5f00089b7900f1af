import { Type, type Static } from 'typebox';
import type { Command } from './commands.ts';
import { errorCodeList } from './errors.ts';
import {
  AgentIdSchema,
  ContactIdSchema,
  TenantIdSchema,
  type ContactId,
  type QueueId,
} from './ids.ts';
import { roleList } from './access.ts';
import {
  CallRequestSchema,
  type CallId,
  type CallMessage,
  type CallQualityMessage,
  type CallRequest,
  type CallSignalMessage,
} from './calls.ts';
import type { Event } from './events.ts';

/*
 * The WebSocket protocol at /v1/ws (docs/api.md, WebSocket). A connection
 * starts with a `hello` carrying a token (and, on a reconnect, what it saw
 * last); the server answers `welcome` and from then on sends what the
 * token's role may see, each numbered (`seq`) so that a client resuming
 * within the grace period gets exactly what it missed. Client requests carry
 * an `id`; the server answers each with one `reply` of the same id.
 */

/** Longest text of a socket message's correlation id. */
const messageIdLengthMax = 64;
/** Longest announcement, in characters. */
export const announcementLengthMax = 2_000;

const MessageIdSchema = Type.String({ minLength: 1, maxLength: messageIdLengthMax });

/** How the server closes a socket, beyond the standard codes. */
export const SocketCloseCode = {
  /** No valid token in the hello, or the token expired: reconnect with a fresh one. */
  unauthorized: 4401,
  /** No hello in time. */
  helloTimeout: 4408,
  /** The tenant has as many sockets as it may. */
  tooManySockets: 4429,
  /** The same session was resumed on another connection. */
  replaced: 4409,
  /** The server is stopping. */
  goingAway: 1001,
} as const;

// --- Client to server ----------------------------------------------------------------------------

/** Schema of the first message of every connection. */
export const HelloSchema = Type.Object(
  {
    type: Type.Literal('hello'),
    token: Type.String({ minLength: 1, maxLength: 4_096 }),
    resume: Type.Optional(
      Type.Object(
        {
          sessionId: Type.String({ minLength: 1, maxLength: 64 }),
          resumeToken: Type.String({ minLength: 1, maxLength: 128 }),
          lastSeq: Type.Integer({ minimum: 0, description: 'The last seq received; 0 for none' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
/** The first message of every connection. */
export type Hello = Static<typeof HelloSchema>;

/**
 * An optional key that makes a request act once per person: the same key
 * sent again (after a dropped socket) is answered as the first was, without
 * acting twice (docs/api.md, Idempotency).
 */
const IdempotencyKeySchema = Type.Optional(
  Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' }),
);

/**
 * Schema of a command sent on the socket: an engine command without its time
 * (the server stamps it), checked against the command's own schema then.
 */
export const CommandMessageSchema = Type.Object(
  {
    type: Type.Literal('command'),
    id: MessageIdSchema,
    command: Type.Object({ type: Type.String({ maxLength: 64 }) }),
    idempotencyKey: IdempotencyKeySchema,
  },
  { additionalProperties: false },
);
/** An engine command, as a client sends it: the server stamps its time. */
export type CommandInput = Command extends infer C
  ? C extends { atMs: number }
    ? Omit<C, 'atMs'>
    : never
  : never;
/** A command sent on the socket. */
export type CommandMessage = Omit<Static<typeof CommandMessageSchema>, 'command'> & {
  command: CommandInput;
};

/** Schema of a supervisor's announcement to agents. */
export const AnnounceSchema = Type.Object(
  {
    type: Type.Literal('announce'),
    id: MessageIdSchema,
    text: Type.String({ minLength: 1, maxLength: announcementLengthMax }),
    /** Only these agents; default every agent of the tenant. */
    agentIds: Type.Optional(Type.Array(AgentIdSchema, { minItems: 1, maxItems: 1_000 })),
    idempotencyKey: IdempotencyKeySchema,
  },
  { additionalProperties: false },
);
/** A supervisor's announcement to agents. */
export type Announce = Static<typeof AnnounceSchema>;

/** Schema of a keep-alive the server answers with a reply. */
export const PingSchema = Type.Object(
  { type: Type.Literal('ping'), id: MessageIdSchema },
  { additionalProperties: false },
);

/** Longest chat text, in characters. */
export const chatTextLengthMax = 5_000;

/** Schema of a chat message to a contact's conversation (text, an uploaded attachment, or both). */
export const ChatSendSchema = Type.Object(
  {
    type: Type.Literal('chat.send'),
    id: MessageIdSchema,
    contactId: ContactIdSchema,
    text: Type.Optional(Type.String({ minLength: 1, maxLength: chatTextLengthMax })),
    /** An attachment uploaded with POST …/contacts/{contactId}/attachments. */
    attachmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    idempotencyKey: IdempotencyKeySchema,
  },
  { additionalProperties: false },
);
/** A chat message to a contact's conversation. */
export type ChatSend = Static<typeof ChatSendSchema>;

/** Schema of a typing indicator: relayed to the other side, not kept. */
export const ChatTypingSchema = Type.Object(
  {
    type: Type.Literal('chat.typing'),
    contactId: ContactIdSchema,
    isTyping: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** Schema of a read receipt: every message of the conversation up to `upToSeq` was read. */
export const ChatReadSchema = Type.Object(
  {
    type: Type.Literal('chat.read'),
    id: MessageIdSchema,
    contactId: ContactIdSchema,
    upToSeq: Type.Integer({ minimum: 1 }),
    idempotencyKey: IdempotencyKeySchema,
  },
  { additionalProperties: false },
);

/** Schema of every message a client sends after its hello. */
export const ClientMessageSchema = Type.Union([
  CommandMessageSchema,
  AnnounceSchema,
  PingSchema,
  ChatSendSchema,
  ChatTypingSchema,
  ChatReadSchema,
  CallRequestSchema,
]);
/** A message a client sends after its hello. */
export type ClientMessage =
  | CommandMessage
  | Announce
  | Static<typeof PingSchema>
  | ChatSend
  | Static<typeof ChatTypingSchema>
  | Static<typeof ChatReadSchema>
  | CallRequest;

// --- Server to client ----------------------------------------------------------------------------

/** Schema of an error on the socket: the REST error body's fields. */
export const SocketErrorSchema = Type.Object(
  {
    code: Type.Enum([...errorCodeList]),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

/** Schema of the answer to a hello. */
export const WelcomeSchema = Type.Object(
  {
    type: Type.Literal('welcome'),
    sessionId: Type.String(),
    /** Send it back in a hello's resume to pick the session up again. */
    resumeToken: Type.String(),
    tenantId: TenantIdSchema,
    role: Type.Enum([...roleList]),
    subject: Type.String(),
    /** How long the session waits for a reconnect after the socket drops. */
    graceMs: Type.Integer({ minimum: 0 }),
    /** True when a resume picked the session up again. */
    isResumed: Type.Boolean(),
    /**
     * True when messages the client missed are no longer kept (a resume too
     * late for the buffer, or a new session in place of an expired one):
     * read the state again over REST.
     */
    isGap: Type.Boolean(),
    /** The last seq sent before this welcome; the next message is lastSeq + 1. */
    lastSeq: Type.Integer({ minimum: 0 }),
    protocolVersion: Type.Integer(),
  },
  { additionalProperties: false },
);
/** The answer to a hello. */
export type Welcome = Static<typeof WelcomeSchema>;

/** The answer to a client request of the same id: ok with a result, or an error. */
export type Reply =
  | { type: 'reply'; id: string; ok: true; result: ReplyResult }
  | { type: 'reply'; id: string; ok: false; error: Static<typeof SocketErrorSchema> };
/** What a successful request gives: for a command, its events the caller may see; for a chat message, its entry. */
export interface ReplyResult {
  events: Event[];
  chat?: ChatEntry;
  /** For a call request: the call it concerns (the new one for call.start and call.consult). */
  callId?: CallId;
}

/** An engine event the session's role may see, with context people need. */
export interface EventMessage {
  type: 'event';
  seq: number;
  event: Event;
  /** On contactAssigned and offerCreated: the agent's name (customers may not read agents). */
  agentName?: string;
}

/** A customer's place in line changed (R13): position and EWT of one of its waiting contacts. */
export interface PlaceMessage {
  type: 'place';
  seq: number;
  contactId: ContactId;
  queueId: QueueId;
  position: number | null;
  ewtMs: number | null;
}

/**
 * For an agent: how many contacts wait in each queue it serves (every 5 s, and
 * on change: at once, then at most once a second by default).
 */
export interface WaitingMessage {
  type: 'waiting';
  seq: number;
  queues: { queueId: QueueId; waiting: number }[];
}

/**
 * For an agent: the queues it may serve changed, because an admin assigned
 * one, changed its priority or took it away (ADR 0017): every queue it may
 * serve now, with its priority there and whether it serves it.
 */
export interface AssignmentsMessage {
  type: 'assignments';
  seq: number;
  items: { queueId: QueueId; priority: number; isServing: boolean }[];
}

/** A supervisor's announcement, as agents (and supervisors) receive it. */
export interface AnnouncementMessage {
  type: 'announcement';
  seq: number;
  from: string;
  text: string;
  atMs: number;
}

/** Who wrote in a conversation. */
export interface ChatParty {
  role: (typeof roleList)[number];
  id: string;
  /** The agent's name; the customer's when it gave one; null otherwise. */
  name: string | null;
}

/** A file attached to a conversation. */
export interface ChatAttachment {
  id: string;
  name: string;
  contentType: string;
  bytes: number;
}

/** One message of a contact's conversation, as kept in its transcript. */
export interface ChatEntry {
  /** 1, 2, 3, … per contact: the conversation's order. */
  seq: number;
  from: ChatParty;
  text: string | null;
  attachment: ChatAttachment | null;
  atMs: number;
}

/** A new message in a conversation the session takes part in (or, for a supervisor, watches). */
export interface ChatMessage {
  type: 'chat';
  seq: number;
  contactId: ContactId;
  message: ChatEntry;
}

/** Someone else in the conversation read every message up to `upToSeq`. */
export interface ChatReadMessage {
  type: 'chatRead';
  seq: number;
  contactId: ContactId;
  by: ChatParty;
  upToSeq: number;
}

/** Someone else in the conversation started or stopped typing (not kept for a resume). */
export interface ChatTypingMessage {
  type: 'chatTyping';
  contactId: ContactId;
  from: ChatParty;
  isTyping: boolean;
}

/** A problem with a message that has no id to reply to (not JSON, no hello first). */
export interface ErrorMessage {
  type: 'error';
  error: Static<typeof SocketErrorSchema>;
}

/** A numbered message: what a resume replays. */
export type SequencedMessage =
  | EventMessage
  | PlaceMessage
  | WaitingMessage
  | AssignmentsMessage
  | AnnouncementMessage
  | ChatMessage
  | ChatReadMessage
  | CallMessage
  | CallSignalMessage
  | CallQualityMessage;
/** Every message the server sends. */
export type ServerMessage = Welcome | Reply | SequencedMessage | ChatTypingMessage | ErrorMessage;
