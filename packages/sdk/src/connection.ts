import {
  SocketCloseCode,
  type ChatTypingMessage,
  type ClientMessage,
  type ReplyResult,
  type Role,
  type SequencedMessage,
  type ServerMessage,
  type Welcome,
} from '@lineup/protocol';
import { ClientErrorCode, LineupError, errorFromBody } from './errors.ts';
import { PendingRequests, type PendingRequest, type RequestMessage } from './requests.ts';
import type { ResolvedOptions, WebSocketLike } from './options.ts';

/*
 * One logical connection to /v1/ws that outlives its sockets (docs/api.md,
 * WebSocket). It says hello, keeps the last seq it delivered, and when a
 * socket drops it reconnects with back-off and resumes the session, so the
 * server replays what was missed. What it delivers is only what the server
 * sent; it keeps no state of its own beyond the session's id and last seq.
 *
 * Requests in flight when a socket drops are sent again after the resume
 * or fail, as requests.ts says.
 */

/** The states a UI shows: connecting (first time), open, reconnecting, closed (for good). */
export const ConnectionState = {
  connecting: 'connecting',
  open: 'open',
  reconnecting: 'reconnecting',
  closed: 'closed',
} as const;
/** A connection state. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** A change of the connection's state, with what a UI needs to show it. */
export type ConnectionChange =
  | { state: 'connecting' }
  /**
   * The server welcomed the socket. `welcome.isResumed`: the session picked up
   * where it dropped and missed messages follow. `welcome.isGap`: messages
   * were lost (the grace period passed, or the server restarted) — read the
   * state again over REST.
   */
  | { state: 'open'; welcome: Welcome }
  /** The socket dropped (close code, null when it never opened); the next attempt is after `delayMs`. */
  | { state: 'reconnecting'; attempt: number; delayMs: number; closeCode: number | null }
  /** Closed for good: by `close()` (error null), or why the client gave up. */
  | { state: 'closed'; error: LineupError | null };

/** What the server pushes that a client listens to: the numbered messages and typing indicators. */
export type PushedMessage = SequencedMessage | ChatTypingMessage;

/** Where a connection delivers what happens. */
export interface ConnectionSink {
  pushed(message: PushedMessage): void;
  changed(change: ConnectionChange): void;
  /** A server error that answers no request (e.g. a typing indicator refused). */
  refused(error: LineupError): void;
}

/** How the promise of the first welcome is settled. */
interface Settle {
  resolve: (welcome: Welcome) => void;
  reject: (error: LineupError) => void;
}

/** The WebSocket's readyState once open. */
const socketOpen = 1;
/** Close codes after which reconnecting cannot help. */
const finalCloseCodes: ReadonlySet<number> = new Set([SocketCloseCode.replaced]);
/** Close code the SDK uses for a socket it gives up on (a ping unanswered). */
const abandonedCloseCode = 4000;

/** The connection of one client object: one session, its sockets one after another. */
/** The error handler of a socket the connection no longer follows. */
const ignoreError = (): void => undefined;

export class Connection {
  readonly #options: ResolvedOptions;
  readonly #role: Role;
  readonly #sink: ConnectionSink;
  #state: ConnectionState = ConnectionState.connecting;
  #socket: WebSocketLike | null = null;
  #welcome: Welcome | null = null;
  /** The last seq delivered: sent back on a resume. */
  #lastSeq = 0;
  #token: string | null = null;
  /** The last error message the server sent without an id; explains the close that follows. */
  #lastRefusal: LineupError | null = null;
  readonly #requests = new PendingRequests();
  /** Attempts since the last welcome. */
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #isPinging = false;
  readonly #opened: Promise<Welcome>;
  #settleOpened: Settle;

  constructor(options: ResolvedOptions, role: Role, sink: ConnectionSink) {
    this.#options = options;
    this.#role = role;
    this.#sink = sink;
    let settle: Settle = { resolve: () => undefined, reject: () => undefined };
    this.#opened = new Promise<Welcome>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // A client closed before its first welcome should not leave an unhandled rejection behind.
    this.#opened.catch(() => undefined);
    this.#settleOpened = settle;
  }

  /** Starts connecting; called once, after the listeners of the first messages are in place. */
  start(): void {
    // close() may come before the first connection: then there is nothing to start.
    if (this.#state === ConnectionState.closed) return;
    this.#sink.changed({ state: ConnectionState.connecting });
    void this.#connect();
  }

  /** The connection's state now. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The latest welcome: the tenant, role and subject the server confirmed; null before the first. */
  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** Resolves with the first welcome; rejects if the client closes before it. */
  opened(): Promise<Welcome> {
    return this.#opened;
  }

  /** The token of the current connection, or a fresh one (after a REST answer said it expired). */
  async token(isFresh = false): Promise<string> {
    if (this.#token !== null && (!isFresh || typeof this.#options.token === 'string'))
      return this.#token;
    const source = this.#options.token;
    this.#token = typeof source === 'string' ? source : await source();
    return this.#token;
  }

  /** Whether a fresh token can be had (the token option is a function). */
  get isTokenRenewable(): boolean {
    return typeof this.#options.token !== 'string';
  }

  /**
   * Sends a request and resolves with its reply's result; rejects with the
   * server's error, or with the SDK's code when no reply can come.
   */
  request(
    message: RequestMessage,
    isResendable: boolean,
    timeoutMs?: number,
  ): Promise<ReplyResult> {
    if (this.#state === ConnectionState.closed) return Promise.reject(this.#closedError());
    const { promise, pending } = this.#requests.add(
      message,
      isResendable,
      timeoutMs ?? this.#options.requestTimeoutMs,
    );
    if (this.#state === ConnectionState.open) this.#send(pending);
    return promise;
  }

  /** Sends a message that gets no reply (a typing indicator); false when no socket is open. */
  notify(message: Exclude<ClientMessage, { id: string }>): boolean {
    const socket = this.#socket;
    if (this.#state !== ConnectionState.open || socket?.readyState !== socketOpen) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes for good: pending requests fail with `client_closed`. */
  close(): void {
    this.#finish(null);
  }

  /**
   * Drops the current socket as a network failure would (for tests and a UI's "retry now");
   * while waiting to retry, tries now instead (the browser said the network is back).
   */
  drop(): void {
    if (this.#socket !== null) {
      this.#abandon(this.#socket);
      return;
    }
    if (this.#retryTimer === null) return;
    clearTimeout(this.#retryTimer);
    void this.#connect();
  }

  // --- Sockets ----------------------------------------------------------------------------------

  async #connect(): Promise<void> {
    this.#retryTimer = null;
    let token: string;
    try {
      token = await this.token(this.#attempt > 0);
    } catch (error: unknown) {
      if (this.#state !== ConnectionState.closed) this.#retry(null, error);
      return;
    }
    if (this.#state === ConnectionState.closed) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#options.WebSocket(`${this.#options.url.replace(/^http/, 'ws')}/v1/ws`);
    } catch (error: unknown) {
      this.#retry(null, error);
      return;
    }
    this.#socket = socket;
    this.#lastRefusal = null;
    socket.onopen = () => {
      const session = this.#welcome;
      socket.send(
        JSON.stringify({
          type: 'hello',
          token,
          ...(session === null
            ? {}
            : {
                resume: {
                  sessionId: session.sessionId,
                  resumeToken: session.resumeToken,
                  lastSeq: this.#lastSeq,
                },
              }),
        }),
      );
    };
    socket.onmessage = (event) => {
      if (socket === this.#socket) this.#received(socket, event.data);
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#dropped(socket, event.code);
    };
    // An error is always followed by a close, which decides what happens.
    socket.onerror = ignoreError;
  }

  #received(socket: WebSocketLike, data: unknown): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch (error: unknown) {
      this.#sink.refused(
        new LineupError(
          ClientErrorCode.bad_response,
          'The server sent a message that is not JSON.',
          {},
          null,
          {
            cause: error,
          },
        ),
      );
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.#welcomed(socket, message);
        return;
      case 'reply':
        this.#requests.settle(message);
        return;
      case 'error': {
        const error = errorFromBody(message.error, null);
        this.#lastRefusal = error;
        this.#sink.refused(error);
        return;
      }
      case 'chatTyping':
        this.#sink.pushed(message);
        return;
      case 'event':
      case 'place':
      case 'waiting':
      case 'assignments':
      case 'announcement':
      case 'chat':
      case 'chatRead':
      case 'call':
      case 'callSignal':
      case 'callQuality':
        // A resume replays only what came after lastSeq; this guards against delivering twice.
        if (message.seq <= this.#lastSeq) return;
        this.#lastSeq = message.seq;
        this.#sink.pushed(message);
        return;
    }
  }

  #welcomed(socket: WebSocketLike, welcome: Welcome): void {
    if (welcome.role !== this.#role) {
      this.#finish(
        new LineupError(
          ClientErrorCode.wrong_role,
          `The token is a ${welcome.role}'s; this client is for a ${this.#role}: mint a ${this.#role} token.`,
          { role: welcome.role },
        ),
      );
      return;
    }
    // A new session numbers its messages from its own start; a resumed one goes on.
    if (!welcome.isResumed) this.#lastSeq = welcome.lastSeq;
    const isFirst = this.#welcome === null;
    this.#welcome = welcome;
    this.#attempt = 0;
    this.#state = ConnectionState.open;
    this.#sink.changed({ state: ConnectionState.open, welcome });
    if (isFirst) this.#settleOpened.resolve(welcome);
    for (const pending of this.#requests.unsent()) {
      if (socket === this.#socket) this.#send(pending);
    }
    this.#startPings(socket);
  }

  #send(pending: PendingRequest): void {
    const socket = this.#socket;
    if (socket?.readyState !== socketOpen) return;
    pending.sentOn = socket;
    socket.send(JSON.stringify(pending.message));
  }

  /** The socket closed: fail what cannot be resent, then reconnect unless that cannot help. */
  #dropped(socket: WebSocketLike, closeCode: number): void {
    this.#forget(socket);
    if (this.#state === ConnectionState.closed) return;
    this.#requests.dropped();
    const refusal = this.#lastRefusal;
    if (finalCloseCodes.has(closeCode)) {
      this.#finish(
        new LineupError(
          ClientErrorCode.client_closed,
          'The session was resumed on another connection (another tab or device); this one stopped.',
          { closeCode },
        ),
      );
      return;
    }
    if (closeCode === SocketCloseCode.unauthorized) {
      // An expired token is renewed by a token function; a forged or missing one cannot be.
      const isExpired = refusal?.details.reason === 'expired';
      if (!isExpired || !this.isTokenRenewable) {
        this.#finish(
          refusal ?? new LineupError('unauthorized', 'The server refused the token.', {}, 401),
        );
        return;
      }
    }
    this.#retry(closeCode, refusal);
  }

  #retry(closeCode: number | null, cause: unknown): void {
    this.#state = ConnectionState.reconnecting;
    this.#attempt += 1;
    const { delayMsMin, delayMsMax, attemptsMax } = this.#options.reconnect;
    if (this.#attempt > attemptsMax) {
      this.#finish(
        new LineupError(
          ClientErrorCode.client_closed,
          `Gave up after ${attemptsMax} attempts to reconnect; create the client again when the network is back.`,
          {},
          null,
          { cause },
        ),
      );
      return;
    }
    // Exponential back-off with jitter, so that a restarted server is not hit by every client at once.
    const ceilingMs = Math.min(delayMsMax, delayMsMin * 2 ** (this.#attempt - 1));
    const delayMs = Math.round(ceilingMs * (0.5 + Math.random() / 2));
    this.#sink.changed({
      state: ConnectionState.reconnecting,
      attempt: this.#attempt,
      delayMs,
      closeCode,
    });
    this.#retryTimer = setTimeout(() => {
      void this.#connect();
    }, delayMs);
  }

  /** Gives up on a socket now, as if the network had failed: its late messages are ignored. */
  #abandon(socket: WebSocketLike): void {
    try {
      socket.close(abandonedCloseCode, 'abandoned by the client');
    } catch {
      // Closing a socket that is still connecting may throw; it is forgotten either way.
    }
    if (socket === this.#socket) this.#dropped(socket, abandonedCloseCode);
  }

  /** Detaches a socket's handlers, so that nothing it says later is heard. */
  #forget(socket: WebSocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // Ignored rather than detached: Node's `ws` reports a socket closed while still connecting
    // with an error a tick later, and an error event nobody listens to ends the process.
    socket.onerror = ignoreError;
    if (socket === this.#socket) this.#socket = null;
    this.#stopPings();
  }

  #startPings(socket: WebSocketLike): void {
    this.#stopPings();
    this.#pingTimer = setInterval(() => {
      if (this.#isPinging || socket !== this.#socket) return;
      this.#isPinging = true;
      this.request({ type: 'ping' }, false, this.#options.pingEveryMs)
        .catch((error: unknown) => {
          if (error instanceof LineupError && error.code === ClientErrorCode.request_timeout) {
            if (socket === this.#socket) this.#abandon(socket);
          }
        })
        .finally(() => {
          this.#isPinging = false;
        });
    }, this.#options.pingEveryMs);
  }

  #stopPings(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
  }

  #closedError(): LineupError {
    return new LineupError(
      ClientErrorCode.client_closed,
      'The client is closed; create a new one.',
    );
  }

  /** Closes for good, with the reason (null: the user closed it). */
  #finish(error: LineupError | null): void {
    if (this.#state === ConnectionState.closed) return;
    this.#state = ConnectionState.closed;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const socket = this.#socket;
    if (socket !== null) {
      this.#forget(socket);
      try {
        socket.close(1000, 'closed by the client');
      } catch {
        // A socket still connecting may refuse to close; it is forgotten either way.
      }
    }
    this.#stopPings();
    const failure = error ?? this.#closedError();
    this.#requests.failAll(failure);
    this.#settleOpened.reject(failure);
    this.#sink.changed({ state: ConnectionState.closed, error });
  }
}
