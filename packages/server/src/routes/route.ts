import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Static, TSchema } from 'typebox';
import {
  errorCodes,
  idLengthMax,
  rejection,
  type ErrorCode,
  type Event,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Scope } from '@lineup/protocol';
import { grants, scopesOf, type Principal } from '../auth.ts';
import { sendRejection } from '../errors.ts';
import type { CommandInput, Host, TenantView } from '../host.ts';
import { present } from '../views.ts';
import { errorBodySchema } from '../schemas.ts';

/*
 * One way to declare a REST route: its schemas (validation, response check
 * and OpenAPI in one place) and a handler that returns either a success with
 * its status or a rejection. A handler never touches the reply, so every
 * refusal leaves through the same door with the one error body.
 */

/** The areas of the API, as OpenAPI tags. */
export const Tag = {
  tenants: 'tenants',
  access: 'access',
  queues: 'queues',
  agents: 'agents',
  memberships: 'memberships',
  agentActions: 'agent actions',
  contacts: 'contacts',
  statistics: 'statistics',
  webhooks: 'webhooks',
  feedback: 'feedback',
  operations: 'operations',
} as const;
/** An area of the API. */
export type Tag = (typeof Tag)[keyof typeof Tag];

/**
 * Marks an operation whose body may be left out; @fastify/swagger copies x-
 * keys into the operation and always marks a body required, so the app's
 * document transform reads this mark to say otherwise.
 */
export const bodyOptionalMark = 'x-body-optional';

/** Success statuses a route may answer with. */
type SuccessStatus = 200 | 201 | 204;
type Responses = Partial<Record<SuccessStatus, TSchema>>;

/**
 * A success of one of the route's statuses, with the body its schema
 * describes; `isReplayed` when a retried idempotency key answered it.
 */
export type Success<R extends Responses> = {
  [K in keyof R & SuccessStatus]: R[K] extends TSchema
    ? { status: K; body: Static<R[K]>; isReplayed?: boolean }
    : never;
}[keyof R & SuccessStatus];

/** What a handler gets: the validated request parts. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /**
   * The command id the request's Idempotency-Key stands for, on a route that
   * takes one (`isIdempotent`) and a request that sent one.
   */
  commandId?: string;
}

/** The request header carrying a client's idempotency key (docs/api.md, Idempotency). */
export const idempotencyKeyHeader = 'idempotency-key';
/** The response header set on an answer replayed for a retried key. */
export const replayedHeader = 'idempotent-replayed';
/** What an idempotency key may be: an id (1 to idLengthMax characters). */
const idempotencyKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;

/**
 * The command id of a request's Idempotency-Key, undefined without one, or
 * the refusal of a malformed key. The key is scoped to the route and its path
 * parameters (the tenant's scope is the journal's): the same key on another
 * route or another agent, offer or contact is another command. Hashing keeps
 * the id within the journal's id length whatever the route; the prefix says
 * what it is.
 */
export function commandIdOf(request: FastifyRequest): string | Rejection | undefined {
  const key = request.headers[idempotencyKeyHeader];
  if (key === undefined) return undefined;
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > idLengthMax ||
    !idempotencyKeyPattern.test(key)
  ) {
    return rejection(
      'invalid_command',
      `The Idempotency-Key header must be 1 to ${idLengthMax} characters: a letter or digit, ` +
        'then letters, digits and . _ : @ -; send a fresh key such as a UUID.',
      { header: 'Idempotency-Key' },
    );
  }
  const scope = `${request.method} ${request.routeOptions.url ?? ''} ${JSON.stringify(request.params)}`;
  return `idem:${createHash('sha256').update(`${scope}\n${key}`).digest('base64url')}`;
}

/**
 * Who may call a route (docs/api.md, Authentication). The operator may call
 * every route; an API key or a supervisor needs the scope; an agent token
 * holds read, and acts only for itself; a customer token acts only on what is
 * its own. A credential of another tenant than the path's is always refused.
 */
export type Access<P, B> =
  /** Anyone, with no credential (health and readiness). */
  | 'open'
  | { isOperatorOnly: true }
  | {
      /** The scope an API key needs. */
      scope: Scope;
      /** An agent's token may call it for its own agent id in the path (`:agentId`). */
      isAgentSelf?: boolean;
      /** Any agent's token may call it; the handler decides (the contact's own agent). */
      isForAgents?: boolean;
      /** Any customer's token of the tenant may call it (reads made for customers, nothing of another's). */
      isForCustomers?: boolean;
      /**
       * A customer's token may call it when this gives its own customer id;
       * null lets the handler answer (the resource does not exist).
       */
      customerOf?: (input: { params: P; body: B }) => string | null;
    };

/**
 * Why a checked caller may not call a route, judged before the request is
 * read further (its path only), or null when it may or when only its body can
 * tell (a customer's token on a route that checks whose contact it is).
 */
export function refusalOfAccess(
  principal: Principal,
  access: Access<never, never>,
  params: { agentId?: string },
): Rejection | null {
  if (principal.kind === 'operator' || access === 'open') return null;
  if ('isOperatorOnly' in access) {
    return rejection('forbidden', 'Only the operator key may do this.', { needs: 'operator' });
  }
  if (grants(scopesOf(principal), access.scope)) return null;
  if (principal.kind === 'token' && principal.role === 'agent' && access.isForAgents === true) {
    return null;
  }
  if (principal.kind === 'token' && principal.role === 'agent' && access.isAgentSelf === true) {
    if (params.agentId === principal.subject) return null;
    return rejection('forbidden', 'An agent acts only for itself.', { agentId: principal.subject });
  }
  if (principal.kind === 'token' && principal.role === 'customer') {
    if (access.customerOf !== undefined || access.isForCustomers === true) return null;
  }
  const who = principal.kind === 'key' ? 'This API key' : `A ${principal.role} token`;
  return rejection('forbidden', `${who} may not do this; it needs the ${access.scope} scope.`, {
    needs: access.scope,
  });
}

/**
 * Why a customer's token may not call a route with this validated request:
 * it concerns another customer. Null for every other caller, and when the
 * resource does not exist (the handler says so).
 */
export function refusalOfOwnership<P, B>(
  principal: Principal | null,
  access: Access<P, B>,
  input: { params: P; body: B },
): Rejection | null {
  if (principal?.kind !== 'token' || principal.role !== 'customer') return null;
  if (typeof access !== 'object' || !('scope' in access) || access.customerOf === undefined)
    return null;
  const customerId = access.customerOf(input);
  if (customerId === null || customerId === principal.subject) return null;
  return rejection('forbidden', 'A customer sees and acts only on its own contacts.');
}

/** A route's declaration. */
export interface RouteSpec<
  P extends TSchema,
  Q extends TSchema,
  B extends TSchema,
  R extends Responses,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  tag: Tag;
  summary: string;
  description?: string;
  params?: P;
  querystring?: Q;
  body?: B;
  /** The body may be left out, standing for `{}` (actions with only optional fields). */
  isBodyOptional?: boolean;
  responses: R;
  /**
   * The codes this route refuses with, besides those every route of its kind
   * has (see `errorCodesOf`); the OpenAPI document lists them all.
   */
  errors: readonly ErrorCode[];
  /** Whether the route submits a command to the host; default: all but GET. */
  isCommand?: boolean;
  /** Whether the route takes an Idempotency-Key header (docs/api.md, Idempotency). */
  isIdempotent?: boolean;
  /** Who may call it. */
  access: Access<Static<P>, Static<B>>;
  handler(input: RouteInput<Static<P>, Static<Q>, Static<B>>): Promise<Success<R> | Rejection>;
}

/**
 * Every code a route can answer with: its own, plus invalid_command,
 * unauthorized, forbidden and internal (any route), tenant_not_found (an unknown tenant in the path),
 * payload_too_large (a body), and rate_limited and unavailable (a host busy
 * or stopping, for a command).
 */
export function errorCodesOf(
  spec: {
    method: string;
    errors: readonly ErrorCode[];
    isCommand?: boolean;
    access: Access<never, never>;
  },
  prefix: string,
): ErrorCode[] {
  const codes = new Set<ErrorCode>(['invalid_command', ...spec.errors]);
  if (spec.access !== 'open') {
    codes.add('unauthorized');
    codes.add('forbidden');
  }
  if (prefix.includes(':tenantId')) codes.add('tenant_not_found');
  if (spec.method !== 'GET') codes.add('payload_too_large');
  if (spec.isCommand ?? spec.method !== 'GET') {
    codes.add('rate_limited');
    codes.add('unavailable');
  }
  codes.add('internal');
  // Registry order, so the document reads like docs/errors.md.
  return Object.keys(errorCodes).filter((code): code is ErrorCode => codes.has(code as ErrorCode));
}

/** Registers a route on the app. */
export function addRoute<
  P extends TSchema,
  Q extends TSchema,
  B extends TSchema,
  R extends Responses,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B, R>): void {
  const codes = errorCodesOf(spec, app.prefix);
  const clientCodes = codes.filter((code) => errorCodes[code].status < 500);
  const serverCodes = codes.filter((code) => errorCodes[code].status >= 500);
  // Typed as plain route options: the response schemas are checked by the serializer (app.ts).
  const options: RouteOptions = {
    method: spec.method,
    url: spec.url,
    schema: {
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      ...(spec.params === undefined ? {} : { params: spec.params }),
      ...(spec.querystring === undefined ? {} : { querystring: spec.querystring }),
      ...(spec.body === undefined ? {} : { body: spec.body }),
      ...(spec.isBodyOptional === true ? { [bodyOptionalMark]: true } : {}),
      response: {
        ...spec.responses,
        '4xx': errorBodySchema(clientCodes),
        '5xx': errorBodySchema(serverCodes),
      },
    },
    ...(spec.isBodyOptional === true
      ? {
          preValidation: (request, _reply, done) => {
            request.body ??= {};
            done();
          },
        }
      : {}),
    config: { access: spec.access },
    handler: async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      // The schemas above validated these parts; the casts only restore their static types.
      const params = request.params as Static<P>;
      const body = request.body as Static<B>;
      const denied = refusalOfOwnership(request.principal, spec.access, { params, body });
      if (denied !== null) return sendRejection(reply, denied);
      const commandId = spec.isIdempotent === true ? commandIdOf(request) : undefined;
      if (typeof commandId === 'object') return sendRejection(reply, commandId);
      const result = await spec.handler({
        params,
        query: request.query as Static<Q>,
        body,
        ...(commandId === undefined ? {} : { commandId }),
      });
      if (!('status' in result)) return sendRejection(reply, result);
      if (result.isReplayed === true) void reply.header(replayedHeader, 'true');
      return reply.code(result.status).send(result.body);
    },
  };
  app.route(options);
}

/** A success with a status and a body. */
export const ok = <S extends SuccessStatus, T>(status: S, body: T): { status: S; body: T } => ({
  status,
  body,
});

/**
 * A handler's answer from a service's result that is a value or a refusal:
 * the refusal as it is, else the value with `status`. (A value never has a
 * `code`; a Rejection always has.)
 */
export function answer<S extends SuccessStatus, T extends object>(
  status: S,
  result: T | Rejection,
): Promise<{ status: S; body: T } | Rejection> {
  return Promise.resolve('code' in result ? result : ok(status, result));
}

/**
 * Submits a command and answers with what `read` shows right after it, or
 * with the command's rejection. `read` returning null after a success is a
 * bug; after a replay the resource may have gone since: not_found.
 */
export async function submitCommand<S extends SuccessStatus, T>(
  host: Host,
  tenantId: TenantId,
  command: CommandInput,
  status: S,
  read: (view: TenantView, events: readonly Event[]) => T | null,
  what: string,
  commandId?: string,
): Promise<{ status: S; body: T; isReplayed?: boolean } | Rejection> {
  const outcome = await host.submit(
    tenantId,
    command,
    read,
    commandId === undefined ? {} : { commandId },
  );
  if (outcome.rejection !== null) return outcome.rejection;
  if (outcome.isReplayed === true) {
    if (outcome.after === null) return goneSinceFirst(what);
    return { status, body: outcome.after, isReplayed: true };
  }
  return ok(status, present(outcome.after, what));
}

/** The refusal of a replay whose resource has gone since the first request. */
export function goneSinceFirst(what: string): Rejection {
  return rejection(
    'not_found',
    `The request with this Idempotency-Key ran already, but its ${what} is gone since; read it ` +
      'again by id to see where it went.',
  );
}

/** The tenant's views; the tenant guard has checked that it exists. */
export function viewOf(host: Host, tenantId: TenantId): TenantView {
  return present(host.view(tenantId), `tenant ${tenantId}`);
}

/** Submits a command whose success has nothing to show: 204, or the command's rejection. */
export async function submitNoContent(
  host: Host,
  tenantId: TenantId,
  command: CommandInput,
  commandId?: string,
): Promise<{ status: 204; body: null; isReplayed?: boolean } | Rejection> {
  const outcome = await host.submit(
    tenantId,
    command,
    undefined,
    commandId === undefined ? {} : { commandId },
  );
  if (outcome.rejection !== null) return outcome.rejection;
  return outcome.isReplayed === true
    ? { status: 204, body: null, isReplayed: true }
    : ok(204, null);
}
