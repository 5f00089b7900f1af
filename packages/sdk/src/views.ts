import type {
  AgentId,
  Scope,
  AgentSettings,
  ChatEntry,
  ContactId,
  ContactRecord,
  ContactState,
  CustomerId,
  EventOf,
  Presence,
  QueueId,
  QueueSettings,
  QueueStatus,
} from '@lineup/protocol';

/*
 * What REST answers, built from packages/protocol's types. The server's
 * response schemas (packages/server/src/schemas.ts) are not in protocol yet,
 * so these compose protocol's pieces into the same shapes; each says which
 * schema it follows. Moving those schemas to protocol would let these go.
 */

/** A queue with its live status (R13); the server's QueueViewSchema. */
export type QueueView = QueueSettings & { status: QueueStatus };

/** What a customer may read of a queue before joining it; the server's PublicQueueStatusSchema. */
export type PublicQueueStatus = Pick<
  QueueStatus,
  'queueId' | 'waiting' | 'ewtMs' | 'isOffline' | 'isOpen'
> &
  Pick<QueueSettings, 'name' | 'channels'> & {
    /** Whether the queue takes callbacks (R10). */
    isCallbackAllowed: boolean;
    /** How often a customer waiting for a voice or video agent hears its place; 0 = never. */
    positionAnnouncementEveryMs: number;
  };

/** An agent's pending offer; the server's OfferViewSchema. */
export type OfferView = Pick<
  EventOf<'offerCreated'>,
  'offerId' | 'contactId' | 'queueId' | 'channel' | 'expiresAtMs'
>;

/** An agent's settings, state, pending offer and contacts held; the server's AgentViewSchema. */
export type AgentView = AgentSettings & {
  presence: Presence;
  /** Why the agent is not ready, or null. */
  reason: string | null;
  wrapUpUntilMs: number | null;
  offer: OfferView | null;
  contactIds: ContactId[];
};

/** A live contact with its place in line; the server's ContactViewSchema. */
export type ContactView = ContactRecord & {
  status: Extract<ContactState, 'queued' | 'offered' | 'assigned' | 'wrapUp'>;
  stickyAgentId: AgentId | null;
  stickyUntilMs: number | null;
  notBeforeMs: number | null;
  offerId: EventOf<'offerCreated'>['offerId'] | null;
  offerAgentId: AgentId | null;
  offerExpiresAtMs: number | null;
  agentId: AgentId | null;
  assignedAtMs: number | null;
  callbackAttempts: number;
  /** 1 = next in its queue; null when not in a line. */
  position: number | null;
  /** Expected wait from now; null when not in a line or no agent works the queue. */
  ewtMs: number | null;
};

/** A customer's rating of a contact that ended; the server's RatingSchema. */
export interface Rating {
  contactId: ContactId;
  /** 1 (poor) to 5 (excellent). */
  score: number;
  comment: string | null;
  createdAtMs: number;
}

/** One minute of a queue's last hour; the server's QueueSamplesSchema. */
export interface QueueSample {
  /** Start of the minute, epoch ms. */
  atMs: number;
  /** Contacts waiting at the minute's last status. */
  waiting: number;
  /** The most contacts waiting in the minute. */
  waitingMax: number;
  /** The service level (0–1) at the minute's last status, or null before any answer. */
  serviceLevel: number | null;
}

/** A contact's conversation, live or ended; the server's TranscriptSchema. */
export interface Transcript {
  contactId: ContactId;
  customerId: CustomerId;
  messages: ChatEntry[];
  /** The read receipts so far: the highest seq the customer, and any agent, read; 0 before any. */
  readUpToSeq: { customer: number; agent: number };
}

/** The wrap-up an agent gave a contact it handled; the server's DispositionSchema. */
export interface Disposition {
  /** The outcome in the tenant's own words, e.g. sale, complaint, follow-up. */
  code: string;
  notes: string | null;
  atMs: number;
}

/** One contact in a customer's history; the server's ContactHistoryItemSchema. */
export interface ContactHistoryItem {
  id: ContactId;
  customerId: CustomerId;
  customerName: string | null;
  firstQueueId: QueueId;
  lastQueueId: QueueId;
  channel: string;
  /** Null for a contact turned away at the door. */
  joinedType: string | null;
  joinedAtMs: number;
  answeredAtMs: number | null;
  agentId: AgentId | null;
  endedAtMs: number | null;
  outcome: 'completed' | 'abandoned' | 'timedOut' | 'deflected' | 'callbackClosed' | null;
  callbackOutcome: string | null;
  waitMs: number | null;
  handleMs: number;
  rating: Rating | null;
  disposition: Disposition | null;
}

/** A page of a list and the `after` of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Which page of a list: at most `limit` items (1–1000) after the id `after`. */
export interface PageQuery {
  limit?: number;
  after?: string;
}

/** The longest text of a message left for a queue; the server's messageTextLengthMax. */
export const leftMessageTextLengthMax = 5_000;

/** The largest file a conversation takes; the server's attachmentBytesMaxDefault (10 MiB). */
export const attachmentBytesMax = 10 * 1_048_576;

/** Who left a message and how to reach them; the server's MessageCustomerSchema. */
export interface LeftMessageCustomer {
  id: CustomerId;
  /** Up to 200 characters. */
  name?: string;
  /** A phone number: up to 32 of `+0-9*#() .-`. */
  number?: string;
  /** An e-mail address, up to 254 characters. */
  email?: string;
}

/** A message a customer left for a queue that was offline or closed; the server's MessageSchema. */
export interface LeftMessage {
  id: string;
  queueId: QueueId;
  customer: LeftMessageCustomer;
  text: string;
  createdAtMs: number;
  handledAtMs: number | null;
}

/** A queue an admin assigned an agent (ADR 0017); the server's AssignmentSchema. */
export interface Assignment {
  queueId: QueueId;
  /** The agent's priority in the queue (R4). */
  priority: number;
  /** Whether the agent serves the queue now. */
  isServing: boolean;
}

/** An API key as listed, never its secret; the server's ApiKeyViewSchema. */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  createdAtMs: number;
}

/** A new API key with the key itself, shown this once; the server's ApiKeyCreatedSchema. */
export type ApiKeyCreated = ApiKeyView & { key: string };

/** A webhook as listed, never its secret; the server's WebhookViewSchema. */
export interface WebhookView {
  id: string;
  url: string;
  /** Event type names, or `*` for every event. */
  eventTypes: string[];
  description: string | null;
  createdAtMs: number;
}

/** A new webhook with its signing secret, shown this once; the server's WebhookCreatedSchema. */
export type WebhookCreated = WebhookView & { secret: string };

/** A new webhook: where to POST, which events, what it is for. */
export interface WebhookInput {
  url: string;
  eventTypes: string[];
  description?: string;
}
