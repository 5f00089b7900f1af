import type {
  AgentId,
  AnnouncementMessage,
  AssignmentsMessage,
  CallId,
  CallMessage,
  CallRecord,
  CallQualityMessage,
  CallSignalMessage,
  ChatAttachment,
  ChatEntry,
  ChatMessage,
  ChatReadMessage,
  ChatTypingMessage,
  CommandInput,
  ContactId,
  Event,
  EventMessage,
  EventOf,
  EventType,
  HangupReason,
  IceServers,
  PartyId,
  PlaceMessage,
  QualitySample,
  QueueId,
  Role,
  WaitingMessage,
  Welcome,
} from '@lineup/protocol';
import {
  Connection,
  type ConnectionChange,
  type ConnectionState,
  type PushedMessage,
} from './connection.ts';
import { Emitter, type Unsubscribe } from './emitter.ts';
import { CallActions, type MediaState, type Signal } from './calls.ts';
import type { LineupError } from './errors.ts';
import { randomId, resolveOptions, type ClientOptions } from './options.ts';
import { Rest, segment } from './rest.ts';
import type {
  AgentView,
  ContactHistoryItem,
  ContactView,
  Page,
  PageQuery,
  QueueView,
  Transcript,
} from './views.ts';

/*
 * What every role's client shares: the connection, typed listeners, commands
 * as promises, chat, and REST. The role classes (customer.ts, agent.ts,
 * supervisor.ts) add the commands their role may send.
 */

/**
 * Listeners of the engine's events, by event type: the event, and the message
 * that carried it (its seq, and the agent's name on offers and assignments).
 */
export type EngineEventListeners = {
  [T in EventType]: [event: EventOf<T>, message: EventMessage];
};

/** Every event a client can listen to, with its listener's arguments. */
export type ClientEvents = EngineEventListeners & {
  /** Every engine event the session may see, whatever its type. */
  event: [message: EventMessage];
  /** Customers: position and EWT of a waiting contact changed (R13). */
  place: [message: PlaceMessage];
  /** Agents: how many contacts wait in each queue it serves. */
  waiting: [message: WaitingMessage];
  /** Agents: the queues it may serve changed (an admin assigned one, or took it away). */
  assignments: [message: AssignmentsMessage];
  /** Agents and supervisors: a supervisor's announcement. */
  announcement: [message: AnnouncementMessage];
  /** A new message in a conversation. */
  chat: [message: ChatMessage];
  /** Someone else read a conversation up to a seq. */
  chatRead: [message: ChatReadMessage];
  /** Someone else started or stopped typing. */
  chatTyping: [message: ChatTypingMessage];
  /** A call the client takes part in (for supervisors: any call of the tenant) changed. */
  call: [message: CallMessage];
  /** Signalling (an SDP description or an ICE candidate) from another party of a call. */
  callSignal: [message: CallSignalMessage];
  /** Supervisors: a quality sample a party of a call reported. */
  callQuality: [message: CallQualityMessage];
  /** The connection's state changed: connecting, open, reconnecting, closed. */
  connection: [change: ConnectionChange];
  /** The server refused a message that had no reply to carry it (a typing indicator). */
  error: [error: LineupError];
};

/** What a command did: the events of it the caller may see. */
export interface CommandResult {
  events: Event[];
}

/** The first event of a type among a command's events, or undefined. */
export function eventOf<T extends EventType>(
  events: readonly Event[],
  type: T,
): EventOf<T> | undefined {
  return events.find((event): event is EventOf<T> => event.type === type);
}

/** What a chat message carries: text, an uploaded attachment, or both. */
export interface ChatContent {
  text?: string;
  /** The id `uploadAttachment` answered with. */
  attachmentId?: string;
}

/** The client every role's class extends; `E` is the events its role receives. */
export class LineupClient<E extends Partial<ClientEvents>> {
  readonly #emitter = new Emitter<ClientEvents>();
  /** The connection to /v1/ws. */
  protected readonly connection: Connection;
  /** The REST half, for reads and uploads. */
  protected readonly rest: Rest;
  /** Call requests and the REST routes of calls (calls.ts). */
  protected readonly calls: CallActions;

  protected constructor(options: ClientOptions, role: Role) {
    const resolved = resolveOptions(options);
    this.connection = new Connection(resolved, role, {
      pushed: (message) => {
        if (message.type === 'event') {
          this.#emitter.emit('event', message);
          this.#emitter.emit(
            message.event.type,
            ...([message.event, message] as ClientEvents[EventType]),
          );
          return;
        }
        this.#dispatch(message);
      },
      changed: (change) => {
        this.#emitter.emit('connection', change);
      },
      refused: (error) => {
        this.#emitter.emit('error', error);
      },
    });
    this.rest = new Rest(resolved.url, resolved.fetch, this.connection);
    this.calls = new CallActions(this.connection, this.rest);
    // Connect once the caller's synchronous code has registered its listeners.
    queueMicrotask(() => {
      this.connection.start();
    });
  }

  #dispatch(message: Exclude<PushedMessage, EventMessage>): void {
    switch (message.type) {
      case 'place':
        this.#emitter.emit('place', message);
        return;
      case 'waiting':
        this.#emitter.emit('waiting', message);
        return;
      case 'assignments':
        this.#emitter.emit('assignments', message);
        return;
      case 'announcement':
        this.#emitter.emit('announcement', message);
        return;
      case 'chat':
        this.#emitter.emit('chat', message);
        return;
      case 'chatRead':
        this.#emitter.emit('chatRead', message);
        return;
      case 'chatTyping':
        this.#emitter.emit('chatTyping', message);
        return;
      case 'call':
        this.#emitter.emit('call', message);
        return;
      case 'callSignal':
        this.#emitter.emit('callSignal', message);
        return;
      case 'callQuality':
        this.#emitter.emit('callQuality', message);
        return;
    }
  }

  /** Calls `listener` on every `name` from now on; returns the function that stops it. */
  on<K extends keyof E & keyof ClientEvents>(
    name: K,
    listener: (...args: ClientEvents[K]) => void,
  ): Unsubscribe {
    return this.#emitter.on(name, listener);
  }

  /** Resolves with the server's first welcome (tenant, role, subject); rejects if the client closes first. */
  opened(): Promise<Welcome> {
    return this.connection.opened();
  }

  /** The connection's state now. */
  get state(): ConnectionState {
    return this.connection.state;
  }

  /** Closes the connection for good; requests under way fail with `client_closed`. */
  close(): void {
    this.connection.close();
  }

  /**
   * Drops the socket as a network failure would; the client reconnects and
   * resumes. While it waits to retry, it retries now. For a UI's "reconnect
   * now", a browser's `offline` and `online` events, and for tests.
   */
  reconnect(): void {
    this.connection.drop();
  }

  /** The id the server confirmed for this client's person (customer id, agent id, supervisor name). */
  protected async subject(): Promise<string> {
    return (await this.connection.opened()).subject;
  }

  /**
   * Sends an engine command (without its time, which the server stamps). It
   * carries an idempotency key, so that after a dropped socket it is sent again
   * and acts once; resolves with its events, rejects with the server's code.
   */
  protected async command(command: CommandInput): Promise<CommandResult> {
    const result = await this.connection.request(
      { type: 'command', command, idempotencyKey: randomId() },
      true,
    );
    return { events: result.events };
  }

  // --- Chat -------------------------------------------------------------------------------------

  /** Writes in a contact's conversation; resolves with the entry as the server numbered it. */
  async sendChat(contactId: ContactId, content: ChatContent): Promise<ChatEntry> {
    // With a key, a message whose answer a drop lost is sent again and posted once.
    const result = await this.connection.request(
      { type: 'chat.send', contactId, ...content, idempotencyKey: randomId() },
      true,
    );
    if (result.chat === undefined) throw new TypeError('The reply to chat.send carries no entry.');
    return result.chat;
  }

  /** Tells the others in the conversation that this person is (or stopped) typing; not kept. */
  setTyping(contactId: ContactId, isTyping: boolean): boolean {
    return this.connection.notify({ type: 'chat.typing', contactId, isTyping });
  }

  /** Marks every message of the conversation up to `upToSeq` read; the others get `chatRead`. */
  async markRead(contactId: ContactId, upToSeq: number): Promise<void> {
    await this.connection.request(
      { type: 'chat.read', contactId, upToSeq, idempotencyKey: randomId() },
      true,
    );
  }

  /** Uploads a file to a contact's conversation; send its id with `sendChat` to show it. */
  uploadAttachment(
    contactId: ContactId,
    file: { bytes: Blob | ArrayBuffer | Uint8Array; name: string; contentType: string },
  ): Promise<ChatAttachment> {
    return this.rest.call<ChatAttachment>(
      'POST',
      `/contacts/${segment(contactId)}/attachments`,
      { bytes: file.bytes, contentType: file.contentType },
      { name: file.name },
    );
  }

  /**
   * An attachment's file (`GET /attachments/{id}`), to show an image or offer a
   * download: the route needs the token, so a page makes an object URL of it.
   */
  downloadAttachment(attachmentId: string): Promise<Blob> {
    return this.rest.download(`/attachments/${segment(attachmentId)}`);
  }

  /** A live contact with its position and EWT; `contact_not_found` once it ended. */
  contact(contactId: ContactId): Promise<ContactView> {
    return this.rest.call<ContactView>('GET', `/contacts/${segment(contactId)}`);
  }

  /** A page of the tenant's queues with their live status, in id order (agents and supervisors). */
  protected async listQueues(page: PageQuery): Promise<Page<QueueView>> {
    const body = await this.rest.call<{ queues: QueueView[]; next: string | null }>(
      'GET',
      '/queues',
      undefined,
      { ...page },
    );
    return { items: body.queues, next: body.next };
  }

  /** A page of the tenant's agents with their state, in id order (agents and supervisors). */
  protected async listAgents(page: PageQuery): Promise<Page<AgentView>> {
    const body = await this.rest.call<{ agents: AgentView[]; next: string | null }>(
      'GET',
      '/agents',
      undefined,
      { ...page },
    );
    return { items: body.agents, next: body.next };
  }

  /** A queue's settings and live status (agents and supervisors). */
  protected readQueue(queueId: QueueId): Promise<QueueView> {
    return this.rest.call<QueueView>('GET', `/queues/${segment(queueId)}`);
  }

  /** An agent's settings, state, pending offer and contacts (agents and supervisors). */
  protected readAgent(agentId: AgentId): Promise<AgentView> {
    return this.rest.call<AgentView>('GET', `/agents/${segment(agentId)}`);
  }

  /**
   * A page of a customer's contacts, newest first, with their outcome, rating
   * and disposition: what an agent reads of a returning customer (a customer
   * token reads only its own).
   */
  async customerContacts(
    customerId: string,
    page: PageQuery = {},
  ): Promise<Page<ContactHistoryItem>> {
    const body = await this.rest.call<{ contacts: ContactHistoryItem[]; next: string | null }>(
      'GET',
      `/customers/${segment(customerId)}/contacts`,
      undefined,
      { ...page },
    );
    return { items: body.contacts, next: body.next };
  }

  // --- Calls (docs/calls.md) ---------------------------------------------------------------------

  /** Answers a call that rings for this client; `call_not_ringing` once it stopped ringing. */
  answerCall(callId: CallId): Promise<CallId> {
    return this.calls.answer(callId);
  }

  /** Hangs up (a supervisor stops monitoring), or declines a ringing call. */
  hangUp(callId: CallId, reason?: HangupReason): Promise<CallId> {
    return this.calls.hangUp(callId, reason);
  }

  /** Relays an SDP description or an ICE candidate to one party of the call. */
  signal(callId: CallId, to: PartyId, signal: Signal): Promise<CallId> {
    return this.calls.signal(callId, to, signal);
  }

  /** Says which media this client sends now: camera, microphone, screen. */
  setMedia(callId: CallId, media: MediaState): Promise<CallId> {
    return this.calls.setMedia(callId, media);
  }

  /** Reports a getStats sample of the call; supervisors see it live, the contact keeps it. */
  sendQuality(callId: CallId, sample: QualitySample): Promise<CallId> {
    return this.calls.sendQuality(callId, sample);
  }

  /** STUN and TURN servers for RTCPeerConnection, with TURN credentials valid for `ttlSeconds`. */
  iceServers(): Promise<IceServers> {
    return this.calls.iceServers();
  }

  /** A contact's calls with their logs, quality samples and recordings (agents and supervisors). */
  contactCalls(contactId: ContactId): Promise<CallRecord[]> {
    return this.calls.ofContact(contactId);
  }

  /** A recording's file (the call's agents and supervisors): make an object URL of it to play it. */
  downloadRecording(callId: CallId, recordingId: string): Promise<Blob> {
    return this.calls.downloadRecording(callId, recordingId);
  }

  /** A contact's conversation so far (also after it ended): to show it after a reload or a gap. */
  transcript(contactId: ContactId): Promise<Transcript> {
    return this.rest.call<Transcript>('GET', `/contacts/${segment(contactId)}/transcript`);
  }
}
