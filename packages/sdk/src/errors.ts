import { errorCodeList, errorCodes, type ErrorCode } from '@lineup/protocol';

/*
 * Every failure the SDK reports is a LineupError with a stable `code`: the
 * server's (packages/protocol's registry, docs/errors.md) when the server
 * refused, or one of the SDK's own below when the answer never came. A
 * promise of the SDK rejects with nothing else.
 */

/** Failures the SDK itself detects: the server never answered, so it gave no code. */
export const ClientErrorCode = {
  /**
   * The network failed while a request was under way and it cannot be sent
   * twice safely (a REST call without an idempotency key): it may or may not
   * have reached the server. Read the state again before retrying.
   */
  connection_lost: 'connection_lost',
  /** The client was closed, by `close()` or because it stopped reconnecting. */
  client_closed: 'client_closed',
  /** No answer within `requestTimeoutMs`. */
  request_timeout: 'request_timeout',
  /** The token is for another role than the client's class (a customer token in a LineupAgent). */
  wrong_role: 'wrong_role',
  /** The server answered something that is not the protocol (a proxy's error page, say). */
  bad_response: 'bad_response',
} as const;
/** A failure the SDK itself detects. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

const serverCodes: ReadonlySet<string> = new Set(errorCodeList);

/** Whether a code is one of the server's registry (not the SDK's own). */
export function isServerErrorCode(code: string): code is ErrorCode {
  return serverCodes.has(code);
}

/** A refusal by the server (its error code, message and details) or a failure the SDK detected. */
export class LineupError extends Error {
  /** The stable code: the server's (errors.md) or the SDK's own (`ClientErrorCode`). */
  readonly code: ErrorCode | ClientErrorCode;
  /** The server's details (e.g. `problems`, `retryAfterMs`), or an empty object. */
  readonly details: Readonly<Record<string, unknown>>;
  /** The HTTP status of a REST refusal, or null for the socket and the SDK's own failures. */
  readonly status: number | null;

  constructor(
    code: ErrorCode | ClientErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
    status: number | null = null,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'LineupError';
    this.code = code;
    this.details = details;
    this.status = status;
  }

  /** Whether sending the same request again later may succeed (the registry's advice for server codes). */
  get isRetryable(): boolean {
    if (isServerErrorCode(this.code)) return errorCodes[this.code].isRetryable;
    return this.code === 'connection_lost' || this.code === 'request_timeout';
  }
}

/** A LineupError from the server's error body fields, as the socket and REST both carry them. */
export function errorFromBody(body: unknown, status: number | null): LineupError {
  if (typeof body === 'object' && body !== null) {
    const { code, message, details } = body as Record<string, unknown>;
    if (typeof code === 'string' && isServerErrorCode(code) && typeof message === 'string') {
      const detailsOf =
        typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {};
      return new LineupError(code, message, detailsOf, status);
    }
  }
  return new LineupError(
    ClientErrorCode.bad_response,
    `The server answered with an error the SDK does not know: ${JSON.stringify(body)}`,
    {},
    status,
  );
}
