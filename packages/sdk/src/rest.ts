import type { TenantId } from '@lineup/protocol';
import { ClientErrorCode, LineupError, errorFromBody } from './errors.ts';
import type { Connection } from './connection.ts';

/*
 * The REST half of a client (docs/api.md): the same token as the socket, the
 * tenant the server's welcome named. A refusal becomes a LineupError with the
 * server's code; a token that expired is renewed once when the token option
 * is a function.
 */

/** A request body: JSON, or raw bytes with their content type (an attachment). */
export type RestBody =
  { json: unknown } | { bytes: Blob | ArrayBuffer | Uint8Array; contentType: string };

/** Query parameters; undefined ones are left out. */
export type RestQuery = Record<string, string | number | undefined>;

/** Sends REST requests for one client. */
export class Rest {
  readonly #url: string;
  readonly #fetch: typeof fetch;
  readonly #connection: Connection;

  constructor(url: string, fetchFunction: typeof fetch, connection: Connection) {
    this.#url = url;
    this.#fetch = fetchFunction;
    this.#connection = connection;
  }

  /**
   * Calls a route of the client's tenant (`path` after `/v1/tenants/{tenantId}`);
   * resolves with the parsed body (null for 204), rejects with a LineupError.
   * Waits for the first welcome, which names the tenant.
   */
  async call<T>(method: string, path: string, body?: RestBody, query?: RestQuery): Promise<T> {
    const response = await this.#authorized(method, path, body, query);
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch (error: unknown) {
        throw new LineupError(
          ClientErrorCode.bad_response,
          `${method} ${path} answered ${response.status} with a body that is not JSON.`,
          {},
          response.status,
          { cause: error },
        );
      }
    }
    if (response.ok) return parsed as T;
    throw refusalOf(parsed, response.status);
  }

  /** Reads a file (`GET path`) as its bytes; rejects with a LineupError as `call` does. */
  async download(path: string): Promise<Blob> {
    const response = await this.#authorized('GET', path, undefined, undefined);
    if (response.ok) return response.blob();
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      // Not the error body: the refusal carries the text as it came.
    }
    throw refusalOf(parsed, response.status);
  }

  /** Sends with the current token, and once more with a renewed one after a 401. */
  async #authorized(
    method: string,
    path: string,
    body: RestBody | undefined,
    query: RestQuery | undefined,
  ): Promise<Response> {
    const { tenantId } = await this.#connection.opened();
    const url = this.#urlOf(tenantId, path, query);
    const response = await this.#send(method, url, body, await this.#connection.token());
    if (response.status === 401 && this.#connection.isTokenRenewable) {
      return this.#send(method, url, body, await this.#connection.token(true));
    }
    return response;
  }

  #urlOf(tenantId: TenantId, path: string, query: RestQuery | undefined): string {
    const url = new URL(`${this.#url}/v1/tenants/${encodeURIComponent(tenantId)}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  async #send(
    method: string,
    url: string,
    body: RestBody | undefined,
    token: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: string | Blob | ArrayBuffer | Uint8Array<ArrayBuffer> | undefined;
    if (body !== undefined && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body !== undefined) {
      headers['content-type'] = body.contentType;
      // A copy over its own ArrayBuffer: fetch does not take views of shared memory.
      payload = body.bytes instanceof Uint8Array ? new Uint8Array(body.bytes) : body.bytes;
    }
    try {
      return await this.#fetch(url, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
      });
    } catch (error: unknown) {
      throw new LineupError(
        ClientErrorCode.connection_lost,
        `${method} ${url} got no answer (the network failed); it may or may not have arrived.`,
        {},
        null,
        { cause: error },
      );
    }
  }
}

/** The LineupError of a refused request's parsed body. */
function refusalOf(parsed: unknown, status: number): LineupError {
  const error =
    typeof parsed === 'object' && parsed !== null && 'error' in parsed ? parsed.error : parsed;
  return errorFromBody(error, status);
}

/** Encodes one path segment (an id). */
export const segment = (id: string): string => encodeURIComponent(id);
