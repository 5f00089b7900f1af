import { randomBytes, createHash } from 'node:crypto';
import { Compile } from 'typebox/compile';
import {
  ClientMessageSchema,
  eventJson,
  eventsJson,
  HelloSchema,
  PROTOCOL_VERSION,
  Role,
  SocketCloseCode,
  rejection,
  type AgentId,
  type Announce,
  type AssignmentsMessage,
  type CallRequest,
  type ClientMessage,
  type CommandMessage,
  type ContactId,
  type Event,
  type QueueId,
  type Rejection,
  type ReplyResult,
  type SequencedMessage,
  type ServerMessage,
  type TenantId,
} from '@lineup/protocol';
import type { Auth, Principal } from './auth.ts';
import type { Chat } from './chat.ts';
import type { CallSink, Calls } from './calls/calls.ts';
import { errorBody, problemsMax } from './errors.ts';
import { agentIdsOf, contactIdOf, queueIdOf } from './event-subjects.ts';
import type { CancelTimer, Clock, TimerScheduler } from './clock.ts';
import type { Host, TenantView } from './host.ts';
import { ResumeLog } from './resume-log.ts';
import { TokenBucket, type Rate } from './rate-limit.ts';
import { RecentMap } from './recent-map.ts';

/*
 * The WebSocket side of the server (docs/api.md, WebSocket): sessions that
 * outlive their sockets for a grace period, and the fan-out of each tenant's
 * events to the sessions whose role may see them — a supervisor everything,
 * an agent what concerns it and the waiting count of its queues, a customer
 * its own contacts and their place in line. Every message a session is sent
 * is numbered and kept (up to a bound) so that a resume replays what a
 * dropped socket missed. Time comes from the host's clock and scheduler, so
 * tests drive grace periods and periodic updates by hand.
 */

/** Settings of the socket layer; each has a default. */
export interface SocketSettings {
  /** How long a session waits for its client to come back after the socket drops. */
  graceMs: number;
  /** How long a new socket may take to say hello. */
  helloTimeoutMs: number;
  /** Messages per second a socket may send, on average. */
  messagesPerSecond: number;
  /** Messages a socket may send at once above the average. */
  messageBurst: number;
  /** Sockets (sessions) one tenant may hold. */
  socketsPerTenantMax: number;
  /** Messages a session keeps for a resume, at most. */
  resumeBufferMax: number;
  /**
   * How often a connected session's socket is asked to confirm what it has
   * received (a WebSocket ping: its pong comes after every message sent
   * before it). The messages kept for a resume are then only those sent
   * since the last confirmation, or since the socket dropped, not the last
   * resumeBufferMax of all: 5,000 sockets kept every message of the last
   * minutes.
   */
  receiptCheckEveryMs: number;
  /** How often agents are sent the waiting count of every queue they serve. */
  waitingEveryMs: number;
  /**
   * Changed waiting counts reach agents at once, then at most once per this
   * period per tenant, each agent told once of all its queues that changed:
   * a busy queue served by hundreds of agents would otherwise cost a message
   * to each of them per contact that joins or is taken.
   */
  waitingChangeEveryMs: number;
  /** How often customers' changed places in line are sent, at most. */
  placeEveryMs: number;
  /** Largest message a client may send, in bytes. */
  messageBytesMax: number;
}

/** The defaults of the socket settings. */
export const socketSettingsDefault: SocketSettings = {
  graceMs: 30_000,
  helloTimeoutMs: 10_000,
  messagesPerSecond: 20,
  messageBurst: 40,
  socketsPerTenantMax: 10_000,
  resumeBufferMax: 1_000,
  receiptCheckEveryMs: 5_000,
  waitingEveryMs: 5_000,
  waitingChangeEveryMs: 1_000,
  placeEveryMs: 1_000,
  messageBytesMax: 64 * 1024,
};

/**
 * Chat messages, read receipts and announcements with an idempotency key
 * whose answer is remembered, over all tenants, most recently used kept. They
 * live in memory: a resend after a restart of the server acts again.
 */
export const recentRepliesMax = 10_000;

/** The WebSocket close code of a client that broke the protocol's rules (RFC 6455). */
const policyViolation = 1008;

/**
 * Sessions one slice of a periodic update (places, waiting counts) serves
 * before the event loop takes other work: about a millisecond or two of
 * sending. Thousands of customers served in one go held every command and
 * journal commit behind them for tens of milliseconds each second.
 */
export const sessionsPerSliceMax = 25;

/** What the hub needs of a socket. */
export interface Connection {
  send(text: string): void;
  close(code: number, reason: string): void;
  /**
   * Calls `onReceived` once the client has received every message sent
   * before this call; never, if the socket drops first or a later call
   * replaces this one (the hub asks one at a time). A connection that
   * cannot tell leaves it out, and its session keeps resumeBufferMax messages.
   */
  confirm?(onReceived: () => void): void;
}

type TokenPrincipal = Extract<Principal, { kind: 'token' }>;

/** Commands an agent's token may send, for its own agent id only. */
const agentCommands = new Set<string>([
  'logIn',
  'logOut',
  'setPresence',
  'setMode',
  'acceptOffer',
  'rejectOffer',
  'requestNext',
  'completeContact',
  'transferContact',
  'closeCallback',
]);

const checkHello = Compile(HelloSchema);
const checkMessage = Compile(ClientMessageSchema);

/** Events after which a contact is gone from the engine. */
const endingEvents = new Set<Event['type']>([
  'contactCompleted',
  'contactAbandoned',
  'contactTimedOut',
  'callbackClosed',
]);

function problemsOf(checker: ReturnType<typeof Compile>, value: unknown) {
  return [...checker.Errors(value)]
    .slice(0, problemsMax)
    .map((problem) => ({ path: problem.instancePath, message: problem.message }));
}

/** One client's session: it outlives a dropped socket for the grace period. */
class Session {
  readonly id = randomBytes(12).toString('base64url');
  readonly resumeToken = randomBytes(24).toString('base64url');
  connection: Connection | null = null;
  seq = 0;
  /**
   * The last messages sent, oldest first, for a resume: as the bytes sent,
   * off the heap (ResumeLog). Kept as objects, every event a socket was sent
   * stayed a graph of objects for the garbage collector to copy and trace;
   * kept as strings, they were still copied by every young collection they
   * outlived.
   */
  readonly kept = new ResumeLog();
  /** The receipt check under way on the session's socket, if any (SocketSettings.receiptCheckEveryMs). */
  receiptCheck: { seq: number } | null = null;
  /** When the last receipt check began. */
  receiptCheckedAtMs = 0;
  /** The place last sent per contact, as "position/ewt". */
  readonly places = new Map<ContactId, string>();
  /** The queues an agent serves, for its waiting counts. */
  servedQueues = new Set<QueueId>();
  graceTimer: CancelTimer | null = null;
  expiryTimer: CancelTimer | null = null;
  readonly bucket: TokenBucket;

  constructor(
    readonly principal: TokenPrincipal,
    readonly channel: TenantChannel,
    rate: Rate,
    nowMs: number,
  ) {
    this.bucket = new TokenBucket(rate, nowMs);
  }

  get role() {
    return this.principal.role;
  }
  get subject() {
    return this.principal.subject;
  }
}

/** Every session of one tenant, indexed by who they are, and the tenant's event fan-out. */
class TenantChannel {
  readonly sessions = new Set<Session>();
  readonly supervisors = new Set<Session>();
  readonly agents = new Map<string, Set<Session>>();
  readonly customers = new Map<string, Set<Session>>();
  /** The customer of each live contact the channel has seen queued. */
  readonly ownerOf = new Map<ContactId, string>();
  /** The live contacts of each customer: the inverse of ownerOf. */
  readonly contactsOf = new Map<string, Set<ContactId>>();
  /** Queues whose lines moved since the customers' places were last sent. */
  readonly dirtyQueues = new Set<QueueId>();
  /** The waiting count last sent per queue. */
  readonly waiting = new Map<QueueId, number>();
  placeTimer: CancelTimer | null = null;
  waitingTimer: CancelTimer | null = null;
  /** Queues whose waiting count changed since agents were last told. */
  readonly waitingChanged = new Set<QueueId>();
  /** When changed waiting counts were last sent, and the timer of the next send. */
  waitingSentAtMs = Number.NEGATIVE_INFINITY;
  waitingChangeTimer: CancelTimer | null = null;
  unsubscribe: () => void = () => undefined;

  constructor(readonly tenantId: TenantId) {}

  /** The agent sessions serving each queue: whom a queue's waiting count concerns. */
  readonly servers = new Map<QueueId, Set<Session>>();

  /** Records that an agent's session serves a queue, or no longer does. */
  serve(session: Session, queueId: QueueId, isServing: boolean) {
    if (isServing) session.servedQueues.add(queueId);
    else session.servedQueues.delete(queueId);
    const sessions = this.servers.get(queueId) ?? new Set<Session>();
    if (isServing) sessions.add(session);
    else sessions.delete(session);
    if (sessions.size === 0) this.servers.delete(queueId);
    else this.servers.set(queueId, sessions);
  }

  /** Records a live contact's customer. */
  own(contactId: ContactId, customerId: string) {
    this.ownerOf.set(contactId, customerId);
    const contacts = this.contactsOf.get(customerId) ?? new Set<ContactId>();
    contacts.add(contactId);
    this.contactsOf.set(customerId, contacts);
  }

  /** Forgets an ended contact, and the place last sent of it to its customer's sessions. */
  disown(contactId: ContactId) {
    const customerId = this.ownerOf.get(contactId);
    if (customerId === undefined) return;
    this.ownerOf.delete(contactId);
    for (const session of this.customers.get(customerId) ?? []) session.places.delete(contactId);
    const contacts = this.contactsOf.get(customerId);
    contacts?.delete(contactId);
    if (contacts?.size === 0) this.contactsOf.delete(customerId);
  }

  sessionsOf(role: Role, subject: string): Set<Session> | undefined {
    return role === Role.agent ? this.agents.get(subject) : this.customers.get(subject);
  }
}

/** The sessions of every tenant and their fan-out. */
export class SocketHub {
  /** The recipients of the event being fanned out, and its agents (#recipientsOf). */
  readonly #recipients: Session[] = [];
  readonly #agentIds: AgentId[] = [];

  readonly settings: SocketSettings;
  readonly #host: Host;
  readonly #auth: Auth;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  readonly #chat: Chat | null;
  readonly #calls: Calls | null;
  readonly #channels = new Map<TenantId, TenantChannel>();
  readonly #sessions = new Map<string, Session>();
  /** The answers to requests sent with an idempotency key, by person, type and key. */
  readonly #recentReplies = new RecentMap<string, ReplyResult>(recentRepliesMax);
  #isClosing = false;
  readonly #stopHearingChat: () => void;

  constructor(options: {
    host: Host;
    auth: Auth;
    clock: Clock;
    scheduler: TimerScheduler;
    /** The conversations; without it chat messages are refused. */
    chat?: Chat;
    /** The calls; without them call requests are refused. */
    calls?: Calls;
    settings?: Partial<SocketSettings>;
  }) {
    this.#chat = options.chat ?? null;
    this.#calls = options.calls ?? null;
    this.#calls?.connect(this.#callSink());
    this.#host = options.host;
    this.#auth = options.auth;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.settings = { ...socketSettingsDefault, ...options.settings };
    // Every posted message reaches the conversation's sockets, whoever posted it (socket or REST).
    this.#stopHearingChat =
      this.#chat?.onPosted((tenantId, contactId, posted) => {
        const channel = this.#channels.get(tenantId);
        if (channel === undefined) return;
        for (const party of this.#conversationSessions(channel, posted)) {
          this.#push(party, { type: 'chat', seq: 0, contactId, message: posted.entry });
        }
      }) ?? (() => undefined);
  }

  /** Sessions open now, live or in their grace period. */
  sessionCount(): number {
    return this.#sessions.size;
  }

  /** Sessions with a socket now (not waiting in their grace period). */
  connectedCount(): number {
    let count = 0;
    for (const session of this.#sessions.values()) if (session.connection !== null) count += 1;
    return count;
  }

  /** Messages kept for a resume, over every session. */
  keptCount(): number {
    let count = 0;
    for (const session of this.#sessions.values()) count += session.kept.size;
    return count;
  }

  /** Contacts whose last place sent the sessions remember, over every session. */
  placesCount(): number {
    let count = 0;
    for (const session of this.#sessions.values()) count += session.places.size;
    return count;
  }

  /** Takes a new socket: it must say hello in time. Returns the socket's message handler. */
  accept(connection: Connection): { onMessage(text: string): void; onClose(): void } {
    let session: Session | null = null;
    /** Messages that came after the hello while it is checked: handled in order once welcomed. */
    let early: string[] | null = null;
    const helloTimer = this.#scheduler.setTimer(
      this.#clock.nowMs() + this.settings.helloTimeoutMs,
      () => {
        if (session === null) connection.close(SocketCloseCode.helloTimeout, 'no hello in time');
      },
    );
    return {
      onMessage: (text) => {
        if (session !== null) {
          this.#onMessage(session, connection, text);
          return;
        }
        if (early !== null) {
          if (early.length < this.settings.messageBurst) early.push(text);
          else connection.close(policyViolation, 'too many messages before the welcome');
          return;
        }
        early = [];
        void this.#hello(connection, text).then((opened) => {
          const waiting = early ?? [];
          early = null;
          if (opened === null) return;
          helloTimer();
          session = opened;
          for (const message of waiting) this.#onMessage(opened, connection, message);
        });
      },
      onClose: () => {
        helloTimer();
        if (session?.connection === connection) this.#detach(session);
      },
    };
  }

  /** Closes every socket and forgets every session, without ending any contact or agent. */
  close(): void {
    this.#isClosing = true;
    this.#stopHearingChat();
    for (const session of this.#sessions.values()) {
      session.graceTimer?.();
      session.expiryTimer?.();
      session.connection?.close(SocketCloseCode.goingAway, 'server stopping');
    }
    for (const channel of this.#channels.values()) {
      channel.unsubscribe();
      channel.placeTimer?.();
      channel.waitingTimer?.();
      channel.waitingChangeTimer?.();
    }
    this.#sessions.clear();
    this.#channels.clear();
  }

  // --- Hello and resume --------------------------------------------------------------------------

  async #hello(connection: Connection, text: string): Promise<Session | null> {
    const refuse = (refusal: Rejection, code: number = SocketCloseCode.unauthorized) => {
      send(connection, { type: 'error', error: errorOf(refusal) });
      connection.close(code, refusal.code);
      return null;
    };
    const hello = parse(text);
    if (!checkHello.Check(hello)) {
      return refuse(
        rejection('invalid_command', 'The first message must be a hello with a token.', {
          problems: problemsOf(checkHello, hello),
        }),
      );
    }
    const principal = await this.#auth.authenticateCredential(hello.token);
    if ('code' in principal) return refuse(principal);
    if (principal.kind !== 'token') {
      return refuse(
        rejection('forbidden', 'Sockets take tokens, not API keys: mint one with POST …/tokens.'),
      );
    }
    if (!this.#host.hasTenant(principal.tenantId)) {
      return refuse(rejection('tenant_not_found', `No tenant has id ${principal.tenantId}.`));
    }
    const resumed =
      hello.resume === undefined ? undefined : this.#sessions.get(hello.resume.sessionId);
    const isResumable =
      resumed !== undefined &&
      hello.resume !== undefined &&
      resumed.resumeToken === hello.resume.resumeToken &&
      resumed.principal.tenantId === principal.tenantId &&
      resumed.role === principal.role &&
      resumed.subject === principal.subject;
    if (isResumable) {
      return this.#resume(resumed, connection, principal, hello.resume?.lastSeq ?? 0);
    }
    const channel = this.#channel(principal.tenantId);
    if (channel.sessions.size >= this.settings.socketsPerTenantMax) {
      return refuse(
        rejection(
          'limit_reached',
          `A tenant holds at most ${this.settings.socketsPerTenantMax} sockets.`,
          {
            limit: 'socketsPerTenant',
          },
        ),
        SocketCloseCode.tooManySockets,
      );
    }
    const rate = { perSecond: this.settings.messagesPerSecond, burst: this.settings.messageBurst };
    const session = new Session(principal, channel, rate, this.#clock.nowMs());
    this.#sessions.set(session.id, session);
    this.#join(channel, session);
    session.connection = connection;
    this.#armExpiry(session);
    // A resume that came too late (or after a restart) starts afresh: the client must re-read.
    this.#welcome(session, false, hello.resume !== undefined);
    if (session.role === Role.agent) this.#sendWaiting(session, [...session.servedQueues]);
    if (session.role === Role.customer) this.#sendPlaces(session, null);
    return session;
  }

  #resume(session: Session, connection: Connection, principal: TokenPrincipal, lastSeq: number) {
    session.graceTimer?.();
    session.graceTimer = null;
    const previous = session.connection;
    session.connection = connection;
    // A check on the dropped socket never ends, or ends for a socket that is gone.
    session.receiptCheck = null;
    if (previous !== null) previous.close(SocketCloseCode.replaced, 'resumed elsewhere');
    // The new token may live longer than the one the session started with.
    Object.assign(session.principal, { expiresAtMs: principal.expiresAtMs });
    this.#armExpiry(session);
    const firstSeq = session.kept.firstSeq();
    const isGap = lastSeq < session.seq && (firstSeq === null || firstSeq > lastSeq + 1);
    this.#welcome(session, true, isGap, lastSeq);
    for (const text of session.kept.textsAfter(lastSeq)) connection.send(text);
    return session;
  }

  #welcome(session: Session, isResumed: boolean, isGap: boolean, lastSeq = session.seq) {
    if (session.connection === null) return;
    send(session.connection, {
      type: 'welcome',
      sessionId: session.id,
      resumeToken: session.resumeToken,
      tenantId: session.principal.tenantId,
      role: session.role,
      subject: session.subject,
      graceMs: this.settings.graceMs,
      isResumed,
      isGap,
      lastSeq: isResumed ? lastSeq : session.seq,
      protocolVersion: PROTOCOL_VERSION,
    });
  }

  /** Closes the socket when its token expires: the client reconnects with a fresh one and resumes. */
  #armExpiry(session: Session) {
    session.expiryTimer?.();
    session.expiryTimer = this.#scheduler.setTimer(session.principal.expiresAtMs, () => {
      const { connection } = session;
      if (connection === null) return;
      send(connection, {
        type: 'error',
        error: errorOf(
          rejection('unauthorized', 'The token expired; reconnect with a fresh one and resume.', {
            reason: 'expired',
          }),
        ),
      });
      connection.close(SocketCloseCode.unauthorized, 'token expired');
    });
  }

  /** The socket dropped: the session waits for a resume, then ends what its person left. */
  #detach(session: Session) {
    session.connection = null;
    if (this.#isClosing) return;
    session.graceTimer = this.#scheduler.setTimer(
      this.#clock.nowMs() + this.settings.graceMs,
      () => {
        void this.#expire(session);
      },
    );
  }

  async #expire(session: Session) {
    session.expiryTimer?.();
    this.#sessions.delete(session.id);
    const { channel } = session;
    this.#leave(channel, session);
    // The person's calls end before anything else of it: an agent's contact is requeued after.
    if (this.#calls !== null && !this.#isConnected(channel, session.role, session.subject)) {
      await this.#calls.partyGone(channel.tenantId, session.role, session.subject);
    }
    if (session.role === Role.supervisor) return;
    // Another session of the same person keeps it present.
    if ((channel.sessionsOf(session.role, session.subject)?.size ?? 0) > 0) return;
    const view = this.#host.view(channel.tenantId);
    if (view === null) return;
    if (session.role === Role.agent) {
      const agent = view.agent(session.subject as AgentId);
      if (agent !== null && agent.presence !== 'offline') {
        await this.#host.submit(channel.tenantId, {
          type: 'logOut',
          agentId: session.subject as AgentId,
          isForced: true,
        });
      }
      return;
    }
    for (const contactId of [...(channel.contactsOf.get(session.subject) ?? [])]) {
      const contact = view.contact(contactId);
      // A callback needs no one on the line; a contact with an agent is the agent's to end.
      if (contact === null || contact.channel === 'callback') continue;
      if (contact.status !== 'queued' && contact.status !== 'offered') continue;
      await this.#host.submit(channel.tenantId, { type: 'abandonContact', contactId });
    }
  }

  // --- Membership of a tenant's channel ----------------------------------------------------------

  #channel(tenantId: TenantId): TenantChannel {
    let channel = this.#channels.get(tenantId);
    if (channel === undefined) {
      const created = new TenantChannel(tenantId);
      created.unsubscribe = this.#host.subscribe(tenantId, (events) => {
        this.#fanOut(created, events);
      });
      this.#channels.set(tenantId, created);
      channel = created;
    }
    return channel;
  }

  #join(channel: TenantChannel, session: Session) {
    channel.sessions.add(session);
    if (session.role === Role.supervisor) {
      channel.supervisors.add(session);
      return;
    }
    const index = session.role === Role.agent ? channel.agents : channel.customers;
    const set = index.get(session.subject) ?? new Set<Session>();
    set.add(session);
    index.set(session.subject, set);
    if (session.role === Role.agent) {
      const agent = this.#host.view(channel.tenantId)?.agent(session.subject as AgentId);
      for (const { queueId } of agent?.memberships ?? []) channel.serve(session, queueId, true);
      this.#armWaiting(channel);
    }
  }

  #leave(channel: TenantChannel, session: Session) {
    channel.sessions.delete(session);
    channel.supervisors.delete(session);
    for (const queueId of [...session.servedQueues]) channel.serve(session, queueId, false);
    const set = channel.sessionsOf(session.role, session.subject);
    set?.delete(session);
    if (set?.size === 0) {
      if (session.role === Role.agent) channel.agents.delete(session.subject);
      else channel.customers.delete(session.subject);
    }
  }

  // --- Fan-out -----------------------------------------------------------------------------------

  #fanOut(channel: TenantChannel, events: readonly Event[]) {
    const view = this.#host.view(channel.tenantId);
    const changedQueues = new Set<QueueId>();
    for (const event of events) {
      if (event.type === 'contactQueued') channel.own(event.contact.id, event.contact.customer.id);
      const recipients = this.#recipientsOf(channel, event);
      const agentName = this.#agentNameFor(event, view);
      // The event's JSON is made once for all its recipients; each message is that JSON in the
      // envelope of an EventMessage, fields in its order (type, seq, event, agentName).
      const json = eventJson(event);
      const nameJson = agentName === null ? '' : `,"agentName":${JSON.stringify(agentName)}`;
      for (const session of recipients) {
        const suffix = session.role === Role.customer ? nameJson : '';
        this.#pushText(session, (seq) => `{"type":"event","seq":${seq},"event":${json}${suffix}}`);
        if (session.role === Role.customer) {
          if (event.type === 'contactQueued')
            session.places.set(event.contact.id, `${event.position}/${event.ewtMs}`);
          // The offer tells the customer its contact left the line: no place of null follows it.
          else if (event.type === 'offerCreated') session.places.set(event.contactId, 'null/null');
        }
      }
      this.#trackMemberships(channel, event);
      const queueId = queueIdOf(event);
      if (queueId !== null) {
        channel.dirtyQueues.add(queueId);
        if (event.type === 'queueStatusChanged') changedQueues.add(queueId);
      }
      const contactId = contactIdOf(event);
      if (contactId !== null && endingEvents.has(event.type)) channel.disown(contactId);
    }
    this.#queueChangedWaiting(channel, changedQueues);
    if (channel.customers.size > 0 && channel.dirtyQueues.size > 0) this.#armPlaces(channel);
    else channel.dirtyQueues.clear();
  }

  /**
   * The sessions an event goes to, in a list reused for the next event (as
   * is the list of its agents): read it at once. This runs for every event,
   * and a list and a closure made each time were a twelfth of what the
   * server's thread allocated per contact.
   */
  #recipientsOf(channel: TenantChannel, event: Event): readonly Session[] {
    const recipients = emptied(this.#recipients);
    addSessions(recipients, channel.supervisors);
    for (const agentId of agentIdsOf(event, emptied(this.#agentIds)))
      addSessions(recipients, channel.agents.get(agentId));
    const contactId = contactIdOf(event);
    const owner = contactId === null ? undefined : channel.ownerOf.get(contactId);
    if (owner !== undefined) addSessions(recipients, channel.customers.get(owner));
    return recipients;
  }

  #agentNameFor(event: Event, view: TenantView | null): string | null {
    if (event.type !== 'contactAssigned' && event.type !== 'offerCreated') return null;
    return view?.agentName(event.agentId) ?? null;
  }

  #trackMemberships(channel: TenantChannel, event: Event) {
    if (event.type !== 'agentJoinedQueue' && event.type !== 'agentLeftQueue') return;
    for (const session of channel.agents.get(event.agentId) ?? []) {
      channel.serve(session, event.queueId, event.type === 'agentJoinedQueue');
      this.#sendWaiting(session, [event.queueId]);
    }
  }

  /** Numbers a message, keeps it for a resume, and sends it if the socket is there. */
  #push(session: Session, message: SequencedMessage) {
    this.#pushText(session, (seq) => JSON.stringify({ ...message, seq }));
  }

  /** #push with the message's JSON made by `textOf` from the session's next seq. */
  #pushText(session: Session, textOf: (seq: number) => string) {
    session.seq += 1;
    const text = textOf(session.seq);
    session.kept.push(session.seq, text, this.settings.resumeBufferMax);
    if (session.connection !== null) {
      session.connection.send(text);
      this.#checkReceipt(session, session.connection);
    }
  }

  /**
   * Asks the socket to confirm what it received, at most once per
   * receiptCheckEveryMs; once it has, the messages up to the check are no
   * longer kept for a resume. A resume from an earlier seq than the buffer
   * holds is told of the gap (welcome.isGap), as after resumeBufferMax.
   */
  #checkReceipt(session: Session, connection: Connection) {
    if (connection.confirm === undefined || session.receiptCheck !== null) return;
    const nowMs = this.#clock.nowMs();
    if (nowMs - session.receiptCheckedAtMs < this.settings.receiptCheckEveryMs) return;
    const check = { seq: session.seq };
    session.receiptCheck = check;
    session.receiptCheckedAtMs = nowMs;
    connection.confirm(() => {
      if (session.receiptCheck !== check) return;
      session.receiptCheck = null;
      session.kept.dropThrough(check.seq);
    });
  }

  // --- Waiting counts for agents -----------------------------------------------------------------

  #sendWaiting(session: Session, queueIds: readonly QueueId[]) {
    const view = this.#host.view(session.channel.tenantId);
    if (view === null || queueIds.length === 0) return;
    const queues = queueIds.map((queueId) => ({
      queueId,
      waiting: view.queueStatus(queueId)?.waiting ?? 0,
    }));
    this.#push(session, { type: 'waiting', seq: 0, queues });
  }

  /**
   * Sends the changed waiting counts of these queues at once when none was
   * sent within waitingChangeEveryMs, else when that period ends, together
   * with every other change meanwhile.
   */
  #queueChangedWaiting(channel: TenantChannel, queueIds: Set<QueueId>) {
    if (channel.agents.size === 0 || queueIds.size === 0) return;
    for (const queueId of queueIds) channel.waitingChanged.add(queueId);
    if (channel.waitingChangeTimer !== null) return;
    const flush = () => {
      channel.waitingChangeTimer = null;
      const view = this.#host.view(channel.tenantId);
      const changed = new Set(channel.waitingChanged);
      channel.waitingChanged.clear();
      channel.waitingSentAtMs = this.#clock.nowMs();
      if (view !== null) this.#sendChangedWaiting(channel, view, changed);
    };
    const dueMs = channel.waitingSentAtMs + this.settings.waitingChangeEveryMs;
    if (this.#clock.nowMs() >= dueMs) flush();
    else channel.waitingChangeTimer = this.#scheduler.setTimer(dueMs, flush);
  }

  #sendChangedWaiting(channel: TenantChannel, view: TenantView, queueIds: Set<QueueId>) {
    if (channel.agents.size === 0) return;
    const changed: QueueId[] = [];
    for (const queueId of queueIds) {
      const waiting = view.queueStatus(queueId)?.waiting ?? 0;
      if (channel.waiting.get(queueId) === waiting) continue;
      channel.waiting.set(queueId, waiting);
      changed.push(queueId);
    }
    // Only the sessions serving a changed queue, each told once of all its changed queues.
    const served = new Map<Session, QueueId[]>();
    for (const queueId of changed) {
      for (const session of channel.servers.get(queueId) ?? []) {
        const queues = served.get(session) ?? [];
        queues.push(queueId);
        served.set(session, queues);
      }
    }
    // Hundreds of agents serve a busy queue: they are told in slices, as in the periodic round.
    this.#inSlices(
      channel,
      [...served.keys()],
      (session) => {
        this.#sendWaiting(session, served.get(session) ?? []);
      },
      () => undefined,
    );
  }

  #armWaiting(channel: TenantChannel) {
    if (channel.waitingTimer !== null) return;
    channel.waitingTimer = this.#scheduler.setTimer(
      this.#clock.nowMs() + this.settings.waitingEveryMs,
      () => {
        const sessions = [...channel.agents.values()].flatMap((set) => [...set]);
        // The timer stays set while the slices run, so the next round starts after this one ends.
        this.#inSlices(
          channel,
          sessions,
          (session) => {
            this.#sendWaiting(session, [...session.servedQueues]);
          },
          () => {
            channel.waitingTimer = null;
            if (channel.agents.size > 0) this.#armWaiting(channel);
          },
        );
      },
    );
  }

  /**
   * Runs `each` on the sessions still in the channel, sessionsPerSliceMax at
   * a time, letting the event loop take other work between two slices (a
   * slice of few sessions runs at once, whole); then `done`. Sessions keep
   * their order, so one served late in a round is served late in the next.
   */
  #inSlices(
    channel: TenantChannel,
    sessions: readonly Session[],
    each: (session: Session) => void,
    done: () => void,
  ) {
    let index = 0;
    const slice = () => {
      if (this.#isClosing) return;
      const end = Math.min(sessions.length, index + sessionsPerSliceMax);
      for (; index < end; index++) {
        const session = sessions[index];
        if (session !== undefined && channel.sessions.has(session)) each(session);
      }
      if (index < sessions.length) setImmediate(slice);
      else done();
    };
    slice();
  }

  // --- Places for customers ----------------------------------------------------------------------

  #armPlaces(channel: TenantChannel) {
    if (channel.placeTimer !== null) return;
    channel.placeTimer = this.#scheduler.setTimer(
      this.#clock.nowMs() + this.settings.placeEveryMs,
      () => {
        const dirty = new Set(channel.dirtyQueues);
        channel.dirtyQueues.clear();
        const sessions = [...channel.customers.values()].flatMap((set) => [...set]);
        // The timer stays set while the slices run: lines that move meanwhile are sent in the
        // next round, a full period after this one ends (at most once a period per contact).
        this.#inSlices(
          channel,
          sessions,
          (session) => {
            this.#sendPlaces(session, dirty);
          },
          () => {
            channel.placeTimer = null;
            if (channel.customers.size > 0 && channel.dirtyQueues.size > 0)
              this.#armPlaces(channel);
          },
        );
      },
    );
  }

  /** Sends the customer the places that changed of its waiting contacts in the queues given (all: null). */
  #sendPlaces(session: Session, queues: Set<QueueId> | null) {
    const view = this.#host.view(session.channel.tenantId);
    if (view === null) return;
    for (const contactId of session.channel.contactsOf.get(session.subject) ?? []) {
      const contact = view.contact(contactId);
      if (contact === null || (queues !== null && !queues.has(contact.queueId))) continue;
      const place = view.placeOf(contactId);
      const position = place?.position ?? null;
      const ewtMs = place?.ewtMs ?? null;
      const key = `${position}/${ewtMs}`;
      if (session.places.get(contactId) === key) continue;
      session.places.set(contactId, key);
      this.#push(session, {
        type: 'place',
        seq: 0,
        contactId,
        queueId: contact.queueId,
        position,
        ewtMs,
      });
    }
  }

  // --- Client messages ---------------------------------------------------------------------------

  #onMessage(session: Session, connection: Connection, text: string) {
    const message = parse(text);
    const id =
      typeof message === 'object' &&
      message !== null &&
      'id' in message &&
      typeof message.id === 'string'
        ? message.id
        : null;
    const fail = (refusal: Rejection) => {
      if (id === null) send(connection, { type: 'error', error: errorOf(refusal) });
      else send(connection, { type: 'reply', id, ok: false, error: errorOf(refusal) });
    };
    const limited = this.#rateRefusal(session);
    if (limited !== null) {
      fail(limited);
      return;
    }
    if (!checkMessage.Check(message)) {
      fail(
        rejection('invalid_command', 'The message does not match the socket protocol.', {
          problems: problemsOf(checkMessage, message),
        }),
      );
      return;
    }
    switch (message.type) {
      case 'ping':
        send(connection, { type: 'reply', id: message.id, ok: true, result: { events: [] } });
        return;
      case 'announce':
        this.#announce(session, connection, message);
        return;
      case 'command':
        void this.#command(session, connection, message as CommandMessage);
        return;
      case 'chat.send':
      case 'chat.read':
      case 'chat.typing':
        this.#chatMessage(session, connection, message);
        return;
      case 'call.start':
      case 'call.answer':
      case 'call.hangup':
      case 'call.hold':
      case 'call.resume':
      case 'call.signal':
      case 'call.transfer':
      case 'call.consult':
      case 'call.consultComplete':
      case 'call.consultCancel':
      case 'call.conference':
      case 'call.monitor':
      case 'call.monitorStop':
      case 'call.media':
      case 'call.quality':
        void this.#callRequest(session, connection, message);
        return;
    }
  }

  /** A token bucket per session: past it, rate_limited with the wait. */
  #rateRefusal(session: Session): Rejection | null {
    const retryAfterMs = session.bucket.take(this.#clock.nowMs());
    if (retryAfterMs === 0) return null;
    return rejection(
      'rate_limited',
      `At most ${this.settings.messagesPerSecond} messages a second; wait ${retryAfterMs} ms.`,
      { retryAfterMs },
    );
  }

  /** A chat message, read receipt or typing indicator: checked by the chat, sent to the conversation. */
  #chatMessage(session: Session, connection: Connection, message: ChatClientMessage) {
    const { tenantId } = session.principal;
    const writer = { role: session.role, id: session.subject };
    const fail = (refusal: Rejection) => {
      if (message.type === 'chat.typing')
        send(connection, { type: 'error', error: errorOf(refusal) });
      else send(connection, { type: 'reply', id: message.id, ok: false, error: errorOf(refusal) });
    };
    if (this.#chat === null) {
      fail(rejection('unavailable', 'Chat is not enabled on this server.'));
      return;
    }
    const { contactId } = message;
    if (message.type !== 'chat.typing' && this.#replayed(session, connection, message)) return;
    switch (message.type) {
      case 'chat.send': {
        const posted = this.#chat.post(tenantId, contactId, writer, {
          ...(message.text === undefined ? {} : { text: message.text }),
          ...(message.attachmentId === undefined ? {} : { attachmentId: message.attachmentId }),
        });
        if ('code' in posted) {
          fail(posted);
          return;
        }
        // The conversation's sessions got it from the chat's posted listener (the constructor).
        this.#succeeded(session, connection, message, { events: [], chat: posted.entry });
        return;
      }
      case 'chat.read': {
        const read = this.#chat.markRead(tenantId, contactId, writer, message.upToSeq);
        if ('code' in read) {
          fail(read);
          return;
        }
        for (const party of this.#conversationSessions(session.channel, read)) {
          if (party === session) continue;
          this.#push(party, {
            type: 'chatRead',
            seq: 0,
            contactId,
            by: read.by,
            upToSeq: message.upToSeq,
          });
        }
        this.#succeeded(session, connection, message, { events: [] });
        return;
      }
      case 'chat.typing': {
        const typing = this.#chat.typing(tenantId, contactId, writer);
        if ('code' in typing) {
          fail(typing);
          return;
        }
        for (const party of this.#conversationSessions(session.channel, typing)) {
          if (party === session || party.connection === null) continue;
          send(party.connection, {
            type: 'chatTyping',
            contactId,
            from: typing.from,
            isTyping: message.isTyping,
          });
        }
        return;
      }
    }
  }

  /** A call request: run by the calls, answered with the call it concerns. */
  async #callRequest(session: Session, connection: Connection, message: CallRequest) {
    const answer =
      this.#calls === null
        ? rejection('unavailable', 'Calls are not enabled on this server.')
        : await this.#calls.request(
            { tenantId: session.principal.tenantId, role: session.role, subject: session.subject },
            message,
          );
    if ('code' in answer) {
      send(connection, { type: 'reply', id: message.id, ok: false, error: errorOf(answer) });
      return;
    }
    send(connection, {
      type: 'reply',
      id: message.id,
      ok: true,
      result: { events: [], callId: answer.callId },
    });
  }

  /** The sessions of one person (a supervisor by its subject). */
  #sessionsOfPerson(channel: TenantChannel, role: Role, subject: string): Session[] {
    if (role === Role.supervisor)
      return [...channel.supervisors].filter((session) => session.subject === subject);
    return [...(channel.sessionsOf(role, subject) ?? [])];
  }

  #isConnected(channel: TenantChannel, role: Role, subject: string): boolean {
    return this.#sessionsOfPerson(channel, role, subject).length > 0;
  }

  /** Tells an agent's sessions the queues it may serve now (an admin changed them). */
  assignmentsChanged(
    tenantId: TenantId,
    agentId: AgentId,
    items: AssignmentsMessage['items'],
  ): void {
    const channel = this.#channels.get(tenantId);
    if (channel === undefined) return;
    for (const session of this.#sessionsOfPerson(channel, Role.agent, agentId))
      this.#push(session, { type: 'assignments', seq: 0, items });
  }

  /** How the calls reach the sessions of their parties and the tenant's supervisors. */
  #callSink(): CallSink {
    return {
      push: (tenantId, role, subject, message) => {
        const channel = this.#channels.get(tenantId);
        if (channel === undefined) return;
        for (const session of this.#sessionsOfPerson(channel, role, subject))
          this.#push(session, message);
      },
      pushSupervisors: (tenantId, message) => {
        for (const session of this.#channels.get(tenantId)?.supervisors ?? [])
          this.#push(session, message);
      },
      isConnected: (tenantId, role, subject) => {
        const channel = this.#channels.get(tenantId);
        return channel !== undefined && this.#isConnected(channel, role, subject);
      },
    };
  }

  /** The sessions in a contact's conversation: its customer's, its agent's, and supervisors. */
  #conversationSessions(
    channel: TenantChannel,
    conversation: { customerId: string; agentId: string },
  ): Session[] {
    return [
      ...(channel.customers.get(conversation.customerId) ?? []),
      ...(channel.agents.get(conversation.agentId) ?? []),
      ...channel.supervisors,
    ];
  }

  #announce(session: Session, connection: Connection, message: Announce) {
    if (session.role !== Role.supervisor) {
      send(connection, {
        type: 'reply',
        id: message.id,
        ok: false,
        error: errorOf(rejection('forbidden', 'Only supervisors announce.')),
      });
      return;
    }
    if (this.#replayed(session, connection, message)) return;
    const { channel } = session;
    const targets = message.agentIds ?? [...channel.agents.keys()];
    const announcement = {
      type: 'announcement' as const,
      seq: 0,
      from: session.subject,
      text: message.text,
      atMs: this.#clock.nowMs(),
    };
    for (const agentId of targets) {
      for (const agentSession of channel.agents.get(agentId) ?? [])
        this.#push(agentSession, announcement);
    }
    for (const supervisor of channel.supervisors) this.#push(supervisor, announcement);
    this.#succeeded(session, connection, message, { events: [] });
  }

  /**
   * Answers a request whose idempotency key this person sent before, as the
   * first one was answered, without acting again; false when it is new. A
   * refused request is not remembered, so its retry acts (docs/api.md, Idempotency).
   */
  #replayed(session: Session, connection: Connection, message: KeyedRequest): boolean {
    const key = this.#replyKey(session, message);
    const result = key === null ? undefined : this.#recentReplies.get(key);
    if (result === undefined) return false;
    send(connection, { type: 'reply', id: message.id, ok: true, result });
    return true;
  }

  /** Answers a request that acted, remembering the answer under its idempotency key. */
  #succeeded(
    session: Session,
    connection: Connection,
    message: KeyedRequest,
    result: ReplyResult,
  ): void {
    const key = this.#replyKey(session, message);
    if (key !== null) this.#recentReplies.set(key, result);
    send(connection, { type: 'reply', id: message.id, ok: true, result });
  }

  /** Where a keyed request's answer is remembered: per tenant, person and message type. */
  #replyKey(session: Session, message: KeyedRequest): string | null {
    if (message.idempotencyKey === undefined) return null;
    const { tenantId } = session.principal;
    return [tenantId, session.role, session.subject, message.type, message.idempotencyKey].join(
      '\n',
    );
  }

  async #command(session: Session, connection: Connection, message: CommandMessage) {
    const reply = (refusal: Rejection) => {
      send(connection, { type: 'reply', id: message.id, ok: false, error: errorOf(refusal) });
    };
    // Who may send it first, from its type and ids alone: a role learns nothing of the schema
    // of commands it may not send.
    const denied = this.#commandRefusal(session, message.command);
    if (denied !== null) {
      reply(denied);
      return;
    }
    const { command } = message;
    // The engine checks the command's schema (its rejection names the problems); a tick is the
    // server's own.
    if (command.type === 'tick') {
      reply(
        rejection('invalid_command', "A tick is the server's own; clients do not send it.", {
          problems: [{ path: '/command/type', message: 'must not be tick' }],
        }),
      );
      return;
    }
    const { tenantId } = session.principal;
    const commandId =
      message.idempotencyKey === undefined
        ? undefined
        : `ws:${createHash('sha256')
            .update(`${session.role}\n${session.subject}\n${message.idempotencyKey}`)
            .digest('base64url')}`;
    const outcome = await this.#host.submit(
      tenantId,
      command,
      undefined,
      commandId === undefined ? {} : { commandId },
    );
    if (outcome.rejection !== null) {
      reply(outcome.rejection);
      return;
    }
    // What the session may see of the command's events; a customer's own join shows before its
    // contact is known to the channel.
    const joinedId = 'contact' in command ? command.contact.id : null;
    const events = outcome.events.filter(
      (event) =>
        this.#recipientsOf(session.channel, event).includes(session) ||
        (joinedId !== null && contactIdOf(event) === joinedId),
    );
    // A ReplyMessage, fields in its order, around the events' JSON the fan-out made already.
    connection.send(
      `{"type":"reply","id":${JSON.stringify(message.id)},"ok":true,"result":{"events":${eventsJson(events)}}}`,
    );
  }

  /** Why the session's role may not send a command of this type and these ids, or null. */
  #commandRefusal(session: Session, command: Fields): Rejection | null {
    const type = String(command.type);
    if (session.role === Role.supervisor) return null;
    if (session.role === Role.agent) {
      if (agentCommands.has(type) && command.agentId === session.subject) return null;
      return rejection('forbidden', `An agent sends only its own agent actions; not ${type}.`);
    }
    switch (type) {
      case 'enqueueContact':
      case 'requestCallback': {
        const contact = command.contact as Fields | undefined;
        const customer = contact?.customer as Fields | undefined;
        return customer?.id === session.subject
          ? null
          : rejection('forbidden', 'A customer joins only as itself (contact.customer.id).');
      }
      case 'abandonContact':
      case 'convertToCallback': {
        const contactId = command.contactId as ContactId;
        const owner =
          session.channel.ownerOf.get(contactId) ??
          this.#host.view(session.principal.tenantId)?.contact(contactId)?.customer.id;
        return owner === undefined || owner === session.subject
          ? null
          : rejection('forbidden', 'A customer acts only on its own contacts.');
      }
      default:
        return rejection('forbidden', `A customer may not send ${type}.`);
    }
  }
}

/** A request that may carry an idempotency key and is answered by the hub itself. */
type KeyedRequest = Extract<ClientMessage, { type: 'chat.send' | 'chat.read' | 'announce' }>;

/** The chat messages a client sends. */
type ChatClientMessage = Extract<ClientMessage, { type: `chat.${string}` }>;

/** A message's fields, before its schema is checked. */
type Fields = Record<string, unknown>;

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function send(connection: Connection, message: ServerMessage) {
  connection.send(JSON.stringify(message));
}

/** A refusal as the socket sends it: the REST error body's fields. */
const errorOf = (refusal: Rejection) => errorBody(refusal).error;

/** Adds a set's sessions to a list; loops rather than spreads, which go through an iterator. */
function addSessions(into: Session[], sessions: ReadonlySet<Session> | undefined): void {
  if (sessions !== undefined) for (const session of sessions) into.push(session);
}

/** A list emptied in place, keeping its storage for the next use. */
function emptied<T>(list: T[]): T[] {
  while (list.length > 0) list.pop();
  return list;
}
