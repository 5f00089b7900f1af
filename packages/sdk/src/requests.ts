import type { ClientMessage, Reply, ReplyResult } from '@lineup/protocol';
import { ClientErrorCode, LineupError, errorFromBody } from './errors.ts';
import type { WebSocketLike } from './options.ts';

/*
 * The requests of one connection waiting for their reply (docs/api.md,
 * WebSocket: each request gets exactly one reply of its id). Each is either
 * unsent (no socket was open, or its socket dropped and it may be sent
 * again) or sent on one socket. When a socket drops, what may be sent twice
 * (a command with an idempotency key) becomes unsent again; what may not is
 * failed with `connection_lost`, since nobody can say whether it arrived.
 */

/** A request: any client message that gets a reply, without the id the connection gives it. */
export type RequestMessage =
  Extract<ClientMessage, { id: string }> extends infer M
    ? M extends { id: string }
      ? Omit<M, 'id'>
      : never
    : never;

/** A request waiting for its reply. */
export interface PendingRequest {
  readonly message: RequestMessage & { id: string };
  /** Whether it may be sent again after a drop: it carries an idempotency key. */
  readonly isResendable: boolean;
  /** The socket it went out on; null while it waits for one. */
  sentOn: WebSocketLike | null;
  readonly resolve: (result: ReplyResult) => void;
  readonly reject: (error: LineupError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** The pending requests of a connection, by id. */
export class PendingRequests {
  readonly #pending = new Map<string, PendingRequest>();
  #count = 0;

  /**
   * Registers a request and returns its promise and its entry; it fails with
   * `request_timeout` unless its reply comes within `timeoutMs`.
   */
  add(
    message: RequestMessage,
    isResendable: boolean,
    timeoutMs: number,
  ): { promise: Promise<ReplyResult>; pending: PendingRequest } {
    this.#count += 1;
    const id = `r${this.#count}`;
    let pending: PendingRequest | undefined;
    const promise = new Promise<ReplyResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new LineupError(
            ClientErrorCode.request_timeout,
            `No answer to ${message.type} within ${timeoutMs} ms; it may have run: read the state before retrying.`,
          ),
        );
      }, timeoutMs);
      pending = { message: { ...message, id }, isResendable, sentOn: null, resolve, reject, timer };
    });
    if (pending === undefined) throw new Error('a promise executor runs at once');
    this.#pending.set(id, pending);
    return { promise, pending };
  }

  /** The requests no open socket carries yet, in the order they were made. */
  unsent(): PendingRequest[] {
    return [...this.#pending.values()].filter((pending) => pending.sentOn === null);
  }

  /** Settles the request a reply answers; a reply to nothing (timed out already) is ignored. */
  settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(errorFromBody(reply.error, null));
  }

  /** A socket dropped: its resendable requests wait for the next, the others fail. */
  dropped(): void {
    for (const [id, pending] of this.#pending) {
      if (pending.sentOn === null) continue;
      if (pending.isResendable) {
        pending.sentOn = null;
        continue;
      }
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(
        new LineupError(
          ClientErrorCode.connection_lost,
          `The connection dropped before the answer to ${pending.message.type}; it may or may not have arrived.`,
        ),
      );
    }
  }

  /** Fails every request with the error (the client closed). */
  failAll(error: LineupError): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }
}
