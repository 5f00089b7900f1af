/*
 * How a client is created: the server's URL, a token, and the platform's
 * WebSocket and fetch. The SDK imports nothing of Node: in a browser it uses
 * the globals; in Node 20 (which has fetch but no global WebSocket) the
 * caller passes the `ws` package's constructor.
 */

/** A handler slot of a WebSocket, compared bivariantly so that both the DOM's and `ws`'s fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the SDK needs of a WebSocket: the browser's and the `ws` package's both have it. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` of `ws` in Node 20. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** A token, or a function that fetches a fresh one from your back-end. */
export type TokenSource = string | (() => string | Promise<string>);

/** How the client reconnects after the socket drops: exponential back-off between the bounds. */
export interface ReconnectSettings {
  /** Wait before the first attempt. */
  delayMsMin: number;
  /** Longest wait between two attempts. */
  delayMsMax: number;
  /** Attempts in a row without a welcome before the client gives up and closes. */
  attemptsMax: number;
}

/** How a client is created. */
export interface ClientOptions {
  /** The server's base URL, e.g. `https://lineup.example.com`; the socket is at `/v1/ws`. */
  url: string;
  /**
   * A token minted by your back-end with `POST /v1/tenants/{tenantId}/tokens`
   * (an API key with the `tokens` scope never reaches the browser), or a
   * function that asks your back-end for one. A function is called for every
   * connection, so a reconnect after the token expired gets a fresh one.
   */
  token: TokenSource;
  /** The WebSocket constructor; default `globalThis.WebSocket`. In Node 20 pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** The fetch function; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Reconnect back-off; defaults in `reconnectDefault`. */
  reconnect?: Partial<ReconnectSettings>;
  /** How long a request waits for its answer before it fails with `request_timeout`. */
  requestTimeoutMs?: number;
  /** How often an idle socket is checked with a ping; a ping unanswered for as long drops it. */
  pingEveryMs?: number;
}

/** Reconnect defaults: the first retry within a quarter second, then at most every 10 s, 60 tries. */
export const reconnectDefault: ReconnectSettings = {
  delayMsMin: 250,
  delayMsMax: 10_000,
  attemptsMax: 60,
};

/** Default of `requestTimeoutMs`: longer than the server's slowest answer under load. */
export const requestTimeoutMsDefault = 30_000;

/** Default of `pingEveryMs`: finds a dead network path (no close ever comes) within a minute. */
export const pingEveryMsDefault = 25_000;

/** The options with every default filled in. */
export interface ResolvedOptions {
  url: string;
  token: TokenSource;
  WebSocket: WebSocketConstructor;
  fetch: typeof fetch;
  reconnect: ReconnectSettings;
  requestTimeoutMs: number;
  pingEveryMs: number;
}

/** Fills in the defaults; throws (a programming error) when the platform lacks what is needed. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const platform = globalThis as { WebSocket?: WebSocketConstructor; fetch?: typeof fetch };
  const WebSocket = options.WebSocket ?? platform.WebSocket;
  if (WebSocket === undefined) {
    throw new TypeError(
      "No WebSocket: in Node 20 pass the `ws` package's constructor as the WebSocket option.",
    );
  }
  const fetchFunction = options.fetch ?? platform.fetch?.bind(globalThis);
  if (fetchFunction === undefined) throw new TypeError('No fetch: pass one as the fetch option.');
  return {
    url: options.url.replace(/\/+$/, ''),
    token: options.token,
    WebSocket,
    fetch: fetchFunction,
    reconnect: { ...reconnectDefault, ...options.reconnect },
    requestTimeoutMs: options.requestTimeoutMs ?? requestTimeoutMsDefault,
    pingEveryMs: options.pingEveryMs ?? pingEveryMsDefault,
  };
}

/** A random id of 32 hex digits (getRandomValues works outside secure contexts too, unlike randomUUID). */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
