import { randomBytes } from 'node:crypto';
import {
  Role,
  asContactId,
  asCustomerId,
  rejection,
  type ChatEntry,
  type ContactId,
  type Event,
  type QueueId,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Chat, PostedMessage } from '../chat.ts';
import type { CancelTimer, Clock, TimerScheduler } from '../clock.ts';
import type { Host } from '../host.ts';
import type { ChatRobot, RobotContext } from './robot.ts';
import type { WebChatSessionStore } from './web-chat-store.ts';

/*
 * Web chat for clients that cannot keep a WebSocket open (Huawei's web
 * client REST, docs/compat.md): a session per applyToken, a numbered
 * downlink of what the customer should see (agent and robot messages,
 * system notices, the end of the chat), and long polls that read it. The
 * session is a customer of Lineup like any other: it joins the queue with
 * `enqueueContact`, writes through the same Chat as the WebSocket API, and
 * hears its contact's events from the host. Nothing here routes.
 *
 * Sessions live in this process's memory and, given a session store, in the
 * server store too (web-chat-store.ts): a restart keeps the token, the
 * contact and the unacknowledged downlink, and a session idle past
 * sessionIdleMs meanwhile expires at the start. The conversation itself is in
 * the server store. A downlink message stays buffered until a poll
 * acknowledges it (its `cursor`), so none is lost between two polls.
 */

/** What a web-chat client may send (Huawei controlType). */
export const ControlType = {
  CONNECT: 'CONNECT',
  CHAT: 'CHAT',
  TRANS2AGENT: 'TRANS2AGENT',
  DISCONNECT: 'DISCONNECT',
} as const;
/** What a web-chat client may send. */
export type ControlType = (typeof ControlType)[keyof typeof ControlType];

/** Kinds of message content (Huawei mediaType). */
export const MediaType = {
  TEXT: 'TEXT',
  IMAGE: 'IMAGE',
  AUDIO: 'AUDIO',
  VIDEO: 'VIDEO',
  FILE: 'FILE',
} as const;
/** A kind of message content. */
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

/** Who a downlink message comes from (Huawei sourceType; the customer's own is CUSTOMER). */
export const SourceType = {
  CUSTOMER: 'CUSTOMER',
  AGENT: 'AGENT',
  ROBOT: 'ROBOT',
  SYSTEM: 'SYSTEM',
} as const;
/** Who a message comes from. */
export type SourceType = (typeof SourceType)[keyof typeof SourceType];

/** One message for the customer, with the field names of Huawei's downlinkMessages. */
export interface DownlinkMessage {
  channel: 'WEB';
  /** The sender: an agent id, the robot's name, or `system`. */
  from: string;
  /** The customer (applyToken's userId). */
  to: string;
  controlType: 'CONNECT' | 'CHAT' | 'DISCONNECT';
  mediaType: MediaType;
  /** The text; for IMAGE, AUDIO and VIDEO the file id; for FILE `name,size,fileId,type`. */
  content: string;
  sourceType: Exclude<SourceType, 'CUSTOMER'>;
  senderNickname: string;
  /** When it was sent, epoch ms as a string (as Huawei gives it). */
  timestamp: string;
  /** Unique per message. */
  messageCode: string;
  /** The customer waits in line: ask queryQueueInfo. */
  queueFlag: boolean;
  /** Nobody can take the chat now (offline, closed, timed out): offer doLeaveMessage. */
  isOfflineStatus: boolean;
  /** Lineup: the message's number in the session, for the poll's cursor. */
  seq: number;
}

/** Limits and timings of the web chat; each has a default. */
export interface WebChatSettings {
  /** A session no request touched for this long ends (its waiting contact leaves the line). */
  sessionIdleMs: number;
  /** Longest wait of one poll for a message. */
  pollWaitMsMax: number;
  /** Most messages one poll answers; the rest wait for the next. */
  pollMessagesMax: number;
  /** Most unacknowledged messages a session keeps; past it the oldest go (a client gone away). */
  downlinkBufferedMax: number;
  /** Most sessions at once on this server. */
  sessionsMax: number;
  /** Requests a second a session (or an address applying for tokens) may send, on average. */
  requestsPerSecond: number;
  /** Requests at once above that average. */
  requestBurst: number;
}

/** Defaults of the web chat's settings. */
export const webChatSettingsDefault: WebChatSettings = {
  sessionIdleMs: 15 * 60_000,
  pollWaitMsMax: 25_000,
  pollMessagesMax: 100,
  downlinkBufferedMax: 1_000,
  sessionsMax: 10_000,
  requestsPerSecond: 20,
  requestBurst: 40,
};

/** Where a session's chat stands. */
type Phase = 'idle' | 'robot' | 'joining' | 'queued' | 'assigned';

/** One customer's web-chat session. */
export interface WebChatSession {
  readonly token: string;
  readonly tenantId: TenantId;
  readonly customerId: string;
  readonly name: string;
  readonly queueId: QueueId;
  readonly locale: string | null;
  phase: Phase;
  /** The live contact, if any. */
  contactId: ContactId | null;
  /** The last contact of the session, live or ended: what saveSatisfaction rates. */
  lastContactId: ContactId | null;
  agentName: string | null;
  readonly buffered: DownlinkMessage[];
  lastSeq: number;
  /** The last seq a poll answered with. */
  deliveredSeq: number;
  lastSeenMs: number;
  expiryTimer: CancelTimer | null;
  /** Ends the poll waiting now, if any. */
  wake: (() => void) | null;
}

/** What the first answer to a join said. */
export type JoinOutcome =
  | { kind: 'queued'; position: number | null }
  | { kind: 'assigned' }
  | { kind: 'deflected'; message: string };

const systemName = 'system';

/** Types of attachment shown in place, by their kind. */
export function mediaTypeOf(contentType: string): MediaType {
  if (contentType.startsWith('image/')) return MediaType.IMAGE;
  if (contentType.startsWith('audio/')) return MediaType.AUDIO;
  if (contentType.startsWith('video/')) return MediaType.VIDEO;
  return MediaType.FILE;
}

/** The sessions of every tenant, their downlinks and polls. */
export class WebChat {
  readonly settings: WebChatSettings;
  readonly #host: Host;
  readonly #chat: Chat;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  readonly #robot: ChatRobot | null;
  readonly #sessions = new Map<string, WebChatSession>();
  /** The session of each live contact, by `tenant contact`. */
  readonly #byContact = new Map<string, WebChatSession>();
  readonly #tenants = new Map<TenantId, () => void>();
  readonly #stopHearingChat: () => void;
  readonly #store: WebChatSessionStore | null;

  constructor(options: {
    host: Host;
    chat: Chat;
    clock: Clock;
    scheduler: TimerScheduler;
    robot?: ChatRobot | null;
    settings?: Partial<WebChatSettings>;
    /** Where sessions are kept across a restart; none: in memory only. */
    sessions?: WebChatSessionStore | null;
  }) {
    this.#host = options.host;
    this.#chat = options.chat;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#robot = options.robot ?? null;
    this.settings = { ...webChatSettingsDefault, ...options.settings };
    this.#stopHearingChat = this.#chat.onPosted((tenantId, contactId, posted) => {
      this.#posted(tenantId, contactId, posted);
    });
    this.#store = options.sessions ?? null;
    this.#restore();
  }

  /**
   * Takes back the sessions kept before a restart. A contact that ended
   * meanwhile leaves its session idle, with a notice; one still live is heard
   * again, in the phase its contact is in now.
   */
  #restore() {
    for (const saved of this.#store?.all() ?? []) {
      const session: WebChatSession = { ...saved, expiryTimer: null, wake: null };
      this.#sessions.set(session.token, session);
      this.#hear(session.tenantId);
      const contact =
        session.contactId === null
          ? null
          : (this.#host.view(session.tenantId)?.contact(session.contactId) ?? null);
      if (contact === null) {
        if (session.contactId !== null) {
          session.contactId = null;
          session.phase = 'idle';
          this.#pushSystem(session, 'DISCONNECT', 'Your chat ended; send CONNECT to start again.', {
            isOfflineStatus: false,
          });
        }
      } else {
        this.#byContact.set(`${session.tenantId} ${contact.id}`, session);
        // A stop in the middle of joining left the phase behind its contact's.
        if (contact.status === 'assigned') session.phase = 'assigned';
        else if (contact.status === 'queued' || contact.status === 'offered')
          session.phase = 'queued';
        this.#save(session);
      }
      this.#armExpiry(session);
    }
  }

  /** Hears the tenant's events, once. */
  #hear(tenantId: TenantId) {
    if (this.#tenants.has(tenantId)) return;
    this.#tenants.set(
      tenantId,
      this.#host.subscribe(tenantId, (events) => {
        this.#heard(tenantId, events);
      }),
    );
  }

  /** Keeps the session as it stands, when there is a store and the session is still open. */
  #save(session: WebChatSession) {
    if (this.#sessions.get(session.token) === session) this.#store?.save(session);
  }

  /** Ends every poll and timer; the contacts stay as they are. */
  close(): void {
    this.#stopHearingChat();
    for (const stop of this.#tenants.values()) stop();
    for (const session of this.#sessions.values()) {
      session.expiryTimer?.();
      session.wake?.();
    }
    this.#tenants.clear();
    this.#sessions.clear();
    this.#byContact.clear();
  }

  /** Opens a session for a customer of a tenant, to chat with a queue (applyToken). */
  open(
    tenantId: TenantId,
    input: { customerId: string; name: string; queueId: QueueId; locale: string | null },
  ): WebChatSession | Rejection {
    if (this.#host.view(tenantId)?.queue(input.queueId) == null) {
      return rejection(
        'queue_not_found',
        `No queue has id ${input.queueId}; it is the channelId.`,
        {
          queueId: input.queueId,
        },
      );
    }
    if (this.#sessions.size >= this.settings.sessionsMax) {
      return rejection('limit_reached', 'This server holds as many web-chat sessions as it may.', {
        limit: 'sessionsMax',
        max: this.settings.sessionsMax,
      });
    }
    this.#hear(tenantId);
    const session: WebChatSession = {
      token: randomBytes(24).toString('base64url'),
      tenantId,
      ...input,
      phase: 'idle',
      contactId: null,
      lastContactId: null,
      agentName: null,
      buffered: [],
      lastSeq: 0,
      deliveredSeq: 0,
      lastSeenMs: this.#clock.nowMs(),
      expiryTimer: null,
      wake: null,
    };
    this.#sessions.set(session.token, session);
    this.#save(session);
    this.#armExpiry(session);
    return session;
  }

  /** The session of a ccmessaging-token, touched; `unauthorized` when it is unknown or expired. */
  session(token: string | undefined): WebChatSession | Rejection {
    const session = token === undefined ? undefined : this.#sessions.get(token);
    if (session === undefined) {
      return rejection(
        'unauthorized',
        'The ccmessaging-token is unknown or expired; call applyToken for a new one.',
      );
    }
    session.lastSeenMs = this.#clock.nowMs();
    return session;
  }

  // --- What the customer sends ------------------------------------------------------------------

  /** CONNECT: the robot greets, or (with no robot) the customer joins the queue. */
  async connect(session: WebChatSession): Promise<string | Rejection> {
    if (session.phase !== 'idle') return 'already connected';
    const robot = this.#robot;
    if (robot === null) return this.#joinDescribed(session);
    session.phase = 'robot';
    this.#save(session);
    const greeting = robot.greeting(this.#robotContext(session));
    if (greeting !== null) this.#pushRobot(session, robot, greeting);
    return 'connect to robot success';
  }

  /** TRANS2AGENT, or "talk to a person" to the robot: the customer joins the queue. */
  async toAgent(session: WebChatSession): Promise<string | Rejection> {
    if (session.phase !== 'idle' && session.phase !== 'robot') return 'already with the queue';
    return this.#joinDescribed(session);
  }

  /** A text or file from the customer: to the robot before the queue, to the agent after. */
  async say(
    session: WebChatSession,
    content: { text?: string; attachmentId?: string },
  ): Promise<string | Rejection> {
    switch (session.phase) {
      case 'idle':
        return rejection('contact_not_found', 'No chat is open; send CONNECT first.');
      case 'robot': {
        const robot = this.#robot;
        if (robot === null || content.text === undefined) {
          return rejection(
            'invalid_command',
            'The robot reads text only; send TEXT, or TRANS2AGENT to reach an agent.',
          );
        }
        const reply = robot.reply(content.text, this.#robotContext(session));
        this.#pushRobot(session, robot, reply.text);
        if (reply.kind !== 'handover') return 'robot answered';
        return this.#joinDescribed(session);
      }
      case 'joining':
      case 'queued':
        return rejection(
          'contact_not_assigned',
          'No agent has taken the chat yet; wait for one (poll), or leave a message.',
        );
      case 'assigned': {
        const contactId = session.contactId;
        if (contactId === null) throw new Error('an assigned web chat has a contact');
        const posted = this.#chat.post(
          session.tenantId,
          contactId,
          { role: Role.customer, id: session.customerId },
          content,
        );
        return 'code' in posted ? posted : 'sent';
      }
    }
  }

  /** DISCONNECT: the customer leaves; a waiting contact leaves the line, an agent completes its own. */
  async disconnect(session: WebChatSession): Promise<string | Rejection> {
    const { contactId, phase } = session;
    this.#endContact(session);
    session.phase = 'idle';
    this.#save(session);
    if (contactId === null || (phase !== 'queued' && phase !== 'joining')) return 'disconnected';
    const outcome = await this.#host.submit(session.tenantId, {
      type: 'abandonContact',
      contactId,
    });
    // Taken by an agent meanwhile: the agent completes it, as any chat with an agent.
    return outcome.rejection?.code === 'contact_not_waiting' ? 'disconnected' : 'left the queue';
  }

  // --- What the customer reads ------------------------------------------------------------------

  /**
   * The messages after the cursor (default: after the last poll's), waiting up
   * to `waitMs` for the first; at most pollMessagesMax. A poll acknowledges
   * what its cursor covers; a second poll of a session ends the first.
   */
  async poll(
    session: WebChatSession,
    query: { cursor?: number; waitMs: number },
  ): Promise<{ messages: DownlinkMessage[]; cursor: number }> {
    const acked = Math.min(query.cursor ?? session.deliveredSeq, session.lastSeq);
    while (session.buffered.length > 0 && (session.buffered[0]?.seq ?? 0) <= acked) {
      session.buffered.shift();
    }
    session.deliveredSeq = acked;
    session.wake?.();
    const waitMs = Math.min(query.waitMs, this.settings.pollWaitMsMax);
    if (session.buffered.length === 0 && waitMs > 0 && this.#sessions.has(session.token)) {
      await new Promise<void>((resolve) => {
        const cancel = this.#scheduler.setTimer(this.#clock.nowMs() + waitMs, () => {
          session.wake = null;
          resolve();
        });
        session.wake = () => {
          cancel();
          session.wake = null;
          resolve();
        };
      });
    }
    const messages = session.buffered.slice(0, this.settings.pollMessagesMax);
    session.deliveredSeq = messages.at(-1)?.seq ?? acked;
    session.lastSeenMs = this.#clock.nowMs();
    this.#save(session);
    return { messages, cursor: session.deliveredSeq };
  }

  /** The customer's live contact, or why there is none. */
  liveContact(session: WebChatSession): ContactId | Rejection {
    return (
      session.contactId ?? rejection('contact_not_found', 'No chat is open; send CONNECT first.')
    );
  }

  // --- Joining, and what the host says --------------------------------------------------------

  async #joinDescribed(session: WebChatSession): Promise<string | Rejection> {
    const joined = await this.#join(session);
    if ('code' in joined) return joined;
    switch (joined.kind) {
      case 'queued':
        return `queued at position ${joined.position ?? '-'}`;
      case 'assigned':
        return 'connect to agent success';
      case 'deflected':
        return joined.message;
    }
  }

  /** Joins the session's queue; the contact's events reach the downlink through #heard. */
  async #join(session: WebChatSession): Promise<JoinOutcome | Rejection> {
    const contactId = asContactId(`wc-${randomBytes(12).toString('base64url')}`);
    const previous = session.phase;
    session.phase = 'joining';
    session.contactId = contactId;
    this.#save(session);
    // Before the command: its events are heard during the submit.
    this.#byContact.set(`${session.tenantId} ${contactId}`, session);
    const outcome = await this.#host.submit(session.tenantId, {
      type: 'enqueueContact',
      contact: {
        id: contactId,
        queueId: session.queueId,
        channel: 'chat',
        customer: { id: asCustomerId(session.customerId), type: 'normal', name: session.name },
      },
    });
    if (outcome.rejection !== null) {
      this.#endContact(session);
      session.phase = previous;
      this.#save(session);
      return outcome.rejection;
    }
    session.lastContactId = contactId;
    this.#save(session);
    for (const event of outcome.events) {
      if (event.type === 'contactDeflected' && event.contactId === contactId) {
        return { kind: 'deflected', message: event.message };
      }
    }
    // The submit's events may have moved the phase on (an agent took the contact at once).
    if ((session.phase as Phase) === 'assigned') return { kind: 'assigned' };
    const place = this.#host.view(session.tenantId)?.placeOf(contactId) ?? null;
    return { kind: 'queued', position: place?.position ?? null };
  }

  /** The events of a tenant, for the sessions whose contacts they concern. */
  #heard(tenantId: TenantId, events: readonly Event[]) {
    for (const event of events) {
      const contactId =
        event.type === 'contactQueued'
          ? event.contact.id
          : 'contactId' in event
            ? event.contactId
            : null;
      if (contactId === null) continue;
      const session = this.#byContact.get(`${tenantId} ${contactId}`);
      if (session === undefined) continue;
      this.#apply(session, event);
      this.#save(session);
    }
  }

  #apply(session: WebChatSession, event: Event) {
    switch (event.type) {
      case 'contactQueued':
      case 'contactTransferred':
      case 'contactRequeued': {
        session.phase = 'queued';
        const place =
          session.contactId === null
            ? null
            : (this.#host.view(session.tenantId)?.placeOf(session.contactId) ?? null);
        const where = place === null ? 'in line' : `number ${place.position} in line`;
        this.#pushSystem(session, 'CHAT', `You are ${where}; an agent will be with you soon.`, {
          queueFlag: true,
        });
        return;
      }
      case 'contactDeflected':
        this.#endContact(session);
        session.phase = 'idle';
        this.#pushSystem(
          session,
          'CHAT',
          event.message === '' ? 'Nobody can take your chat now; leave a message.' : event.message,
          { isOfflineStatus: true },
        );
        return;
      case 'contactAssigned': {
        session.phase = 'assigned';
        const agent = this.#host.view(session.tenantId)?.agent(event.agentId);
        session.agentName = agent?.name ?? event.agentId;
        this.#push(session, {
          from: event.agentId,
          controlType: 'CONNECT',
          content: `${session.agentName} is with you.`,
          sourceType: SourceType.SYSTEM,
          senderNickname: session.agentName,
        });
        return;
      }
      case 'contactCompleted':
        this.#endContact(session);
        session.phase = 'idle';
        this.#push(session, {
          from: event.agentId,
          controlType: 'DISCONNECT',
          content: '',
          sourceType: SourceType.AGENT,
          senderNickname: session.agentName ?? event.agentId,
        });
        return;
      case 'contactTimedOut':
      case 'contactAbandoned':
        this.#endContact(session);
        session.phase = 'idle';
        this.#pushSystem(
          session,
          'DISCONNECT',
          event.type === 'contactTimedOut'
            ? 'Nobody could take your chat in time; leave a message.'
            : '',
          { isOfflineStatus: event.type === 'contactTimedOut' },
        );
        return;
      default:
        return;
    }
  }

  /** A message posted in a session's conversation by someone else than its customer. */
  #posted(tenantId: TenantId, contactId: ContactId, posted: PostedMessage) {
    const session = this.#byContact.get(`${tenantId} ${contactId}`);
    if (session === undefined) return;
    const { entry } = posted;
    if (entry.from.role === Role.customer) return;
    for (const part of downlinkPartsOf(entry)) {
      this.#push(session, {
        from: entry.from.id,
        controlType: 'CHAT',
        sourceType: SourceType.AGENT,
        senderNickname: entry.from.name ?? entry.from.id,
        ...part,
      });
    }
  }

  #endContact(session: WebChatSession) {
    if (session.contactId !== null)
      this.#byContact.delete(`${session.tenantId} ${session.contactId}`);
    session.contactId = null;
  }

  // --- The downlink ------------------------------------------------------------------------------

  #pushRobot(session: WebChatSession, robot: ChatRobot, text: string) {
    this.#push(session, {
      from: robot.name,
      controlType: 'CHAT',
      content: text,
      sourceType: SourceType.ROBOT,
      senderNickname: robot.name,
    });
  }

  #pushSystem(
    session: WebChatSession,
    controlType: DownlinkMessage['controlType'],
    content: string,
    flags: { queueFlag?: boolean; isOfflineStatus?: boolean },
  ) {
    this.#push(session, {
      from: systemName,
      controlType,
      content,
      sourceType: SourceType.SYSTEM,
      senderNickname: systemName,
      ...flags,
    });
  }

  #push(
    session: WebChatSession,
    message: Pick<
      DownlinkMessage,
      'from' | 'controlType' | 'content' | 'sourceType' | 'senderNickname'
    > &
      Partial<Pick<DownlinkMessage, 'mediaType' | 'queueFlag' | 'isOfflineStatus'>>,
  ) {
    session.lastSeq += 1;
    session.buffered.push({
      channel: 'WEB',
      to: session.customerId,
      mediaType: MediaType.TEXT,
      timestamp: String(this.#clock.nowMs()),
      messageCode: `${session.token.slice(0, 8)}-${session.lastSeq}`,
      queueFlag: false,
      isOfflineStatus: false,
      ...message,
      seq: session.lastSeq,
    });
    // A client that stopped polling: keep the newest; its session expires soon anyway.
    if (session.buffered.length > this.settings.downlinkBufferedMax) session.buffered.shift();
    this.#save(session);
    session.wake?.();
  }

  // --- Expiry ------------------------------------------------------------------------------------

  #armExpiry(session: WebChatSession) {
    session.expiryTimer = this.#scheduler.setTimer(
      session.lastSeenMs + this.settings.sessionIdleMs,
      () => {
        if (this.#clock.nowMs() - session.lastSeenMs < this.settings.sessionIdleMs) {
          this.#armExpiry(session);
          return;
        }
        void this.#expire(session);
      },
    );
  }

  async #expire(session: WebChatSession) {
    this.#sessions.delete(session.token);
    this.#store?.remove(session.token);
    session.wake?.();
    await this.disconnect(session);
  }

  #robotContext(session: WebChatSession): RobotContext {
    return { tenantId: session.tenantId, queueId: session.queueId, locale: session.locale };
  }
}

/**
 * What one chat entry shows as downlink messages: its file (IMAGE, AUDIO and
 * VIDEO carry the file id; FILE carries `name,size,fileId,type`), then its text.
 */
function downlinkPartsOf(entry: ChatEntry): Pick<DownlinkMessage, 'mediaType' | 'content'>[] {
  const parts: Pick<DownlinkMessage, 'mediaType' | 'content'>[] = [];
  const { attachment } = entry;
  if (attachment !== null) {
    const mediaType = mediaTypeOf(attachment.contentType);
    const extension = attachment.name.includes('.') ? (attachment.name.split('.').pop() ?? '') : '';
    parts.push({
      mediaType,
      content:
        mediaType === MediaType.FILE
          ? `${attachment.name},${attachment.bytes},${attachment.id},${extension}`
          : attachment.id,
    });
  }
  if (entry.text !== null) parts.push({ mediaType: MediaType.TEXT, content: entry.text });
  return parts;
}
