import type { Duplex } from 'node:stream';
import type { Journal } from '@lineup/journal';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import swagger from '@fastify/swagger';
import cors from '@fastify/cors';
import websocket from '@fastify/websocket';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import {
  PROTOCOL_VERSION,
  errorCodeList,
  errorCodes,
  idLengthMax,
  rejection,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Auth, Principal } from './auth.ts';
import { handleError, sendRejection } from './errors.ts';
import { ErrorBodySchema } from './schemas.ts';
import { tenantNotFound, type Host } from './host.ts';
import type { Metrics } from './metrics.ts';
import { SystemScheduler, systemClock, type Clock, type TimerScheduler } from './clock.ts';
import { SocketHub, type SocketSettings } from './socket-hub.ts';
import { RateLimiter } from './rate-limit.ts';
import { accessRoutes } from './routes/access.ts';
import { chatRoutes } from './routes/chat.ts';
import type { Chat } from './chat.ts';
import { agentActionRoutes } from './routes/agent-actions.ts';
import { agentRoutes } from './routes/agents.ts';
import { contactRoutes } from './routes/contacts.ts';
import { operationRoutes } from './routes/operations.ts';
import { queueRoutes } from './routes/queues.ts';
import { Tag, bodyOptionalMark, refusalOfAccess, type Access } from './routes/route.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { webRoutes } from './routes/web.ts';
import type { Webhooks } from './webhooks.ts';
import { recordRoutes } from './routes/records.ts';
import { Records, trackingHost } from './records.ts';
import { Feedback } from './feedback.ts';
import { openServerStore, type ServerStore } from './store.ts';
import { Assignments } from './assignments.ts';
import { assignmentRoutes } from './routes/assignments.ts';
import { agentCallbackRoutes } from './routes/agent-callback.ts';
import { QueueSamples } from './queue-samples.ts';
import { queueSampleRoutes } from './routes/queue-samples.ts';
import { setUpCalls, type CallOptions } from './calls/setup.ts';
import { callRoutes } from './routes/calls.ts';
import { WebChat, type WebChatSettings } from './compat/web-chat.ts';
import { webChatRoutes } from './compat/web-chat-routes.ts';
import { WebChatSessionStore } from './compat/web-chat-store.ts';
import type { ChatRobot } from './compat/robot.ts';

/*
 * The HTTP app: REST under /v1 with the tenant in the path, OpenAPI at
 * /v1/openapi.json, interactive docs at /docs, and /healthz and /readyz. It
 * validates every request fully against its schema before anything reaches
 * the host, so a refused request changes nothing; each route then submits
 * exactly one command, which the engine applies whole or not at all.
 */

/** Largest request body by default: the largest valid request (a contact with 50 attributes of 1,000 characters, a queue with a year of holidays) fits with room to spare. */
export const bodyLimitBytesDefault = 256 * 1024;
/**
 * Longest time to receive one whole request: a client that trickles its
 * bytes (slowloris) is cut off instead of holding a socket forever.
 */
export const requestTimeoutMs = 30_000;
/** Longest echo of a path in a 404 message, in characters. */
const echoedPathLengthMax = 200;

/** How the app is built. */
export interface AppOptions {
  /** The tenants' engines. */
  host: Host;
  /** Checks and issues credentials: every route under /v1 needs one. */
  auth: Auth;
  /** Fastify's logger options (pino); default off. Authorization headers are always redacted. */
  logger?: FastifyServerOptions['logger'];
  /** Largest request body; past it, 413 payload_too_large. */
  bodyLimitBytes?: number;
  /**
   * Web sites (origins such as https://shop.example) whose pages may call the
   * API from a browser: the widget embedded on another site. None by default.
   */
  corsOrigins?: readonly string[];
  /** When given, GET /metrics serves them and every request's duration is recorded. */
  metrics?: Metrics;
  /** The host's clock, for token expiry and the sockets' timers; default the wall clock. */
  clock?: Clock;
  /** The host's scheduler, for the sockets' timers; default setTimeout. */
  scheduler?: TimerScheduler;
  /** Settings of the WebSocket API; each has a default (socket-hub.ts). */
  socket?: Partial<SocketSettings>;
  /** Request rates per caller; each has a default (`requestRatesDefault`). */
  requestRates?: Partial<RequestRates>;
  /** The conversations (chat over the socket, transcripts and attachments over REST). */
  chat?: Chat;
  /** When given, the webhook routes serve it (docs/api.md, Webhooks); the caller closes it. */
  webhooks?: Webhooks;
  /**
   * The server store holding the records (contact history, statistics
   * history, messages, ratings); default one in memory, closed with the app.
   * The caller closes a store it gives, after the app.
   */
  store?: ServerStore;
  /** The host's journal: the records read it after their cursor (none for a memory host). */
  journal?: Journal;
  /**
   * The built web apps (packages/web/dist), served at /agent/, /wallboard/,
   * /widget/ and /assets/; none without it. The server never imports the web
   * package: its host names the folder.
   */
  webDirectory?: string;
  /** Calls: ring time, limits, recordings' folder, STUN and TURN (docs/calls.md). */
  calls?: CallOptions;
  /**
   * The web-chat REST for clients without a WebSocket (Huawei's, docs/compat.md),
   * served with `chat`: its robot (none by default) and settings.
   */
  webChat?: { robot?: ChatRobot | null; settings?: Partial<WebChatSettings> };
}

/** How many REST requests a caller may send. */
export interface RequestRates {
  /** Requests per second per API key, token or operator key, on average. */
  perSecond: number;
  /** Requests at once above the average. */
  burst: number;
  /** Requests with a refused credential per second per client address: slows guessing. */
  refusedPerSecond: number;
  /** Refused requests at once above that average. */
  refusedBurst: number;
}

/** The defaults of the request rates. */
export const requestRatesDefault: RequestRates = {
  perSecond: 100,
  burst: 200,
  refusedPerSecond: 5,
  refusedBurst: 20,
};

type Checker = ReturnType<typeof Compile>;

let errorBodyCheckerCompiled: Checker | null = null;

/** The error body's checker, compiled once: every route's 4xx and 5xx answers share it. */
function errorBodyChecker(): Checker {
  errorBodyCheckerCompiled ??= Compile(ErrorBodySchema);
  return errorBodyCheckerCompiled;
}

/**
 * Every response is checked against its route's schema before it leaves: a
 * mismatch is a bug, and becomes a logged 500 rather than a silent drift
 * between the API and its documentation. A compiled TypeBox check costs
 * microseconds per response. Error bodies are checked against the full
 * registry, not the route's documented codes: a code a route forgot to
 * document must still reach the client as itself (the tests catch the gap).
 */
function checkedSerializer({
  schema,
  httpStatus,
}: {
  schema: unknown;
  httpStatus?: string;
}): (data: unknown) => string {
  const isError = httpStatus !== undefined && /^[45]/.test(httpStatus);
  // Compiled on the route's first answer, not at start: a start compiled every route's schemas
  // (about 0.1 s of every restart) for answers most routes give rarely.
  let checker: Checker | null = null;
  return (data) => {
    checker ??= isError ? errorBodyChecker() : Compile(schema as TSchema);
    if (!checker.Check(data)) {
      const [first] = checker.Errors(data);
      throw new Error(
        `Response does not match its schema: ${first?.instancePath ?? ''} ${first?.message ?? ''}`,
      );
    }
    return JSON.stringify(data);
  };
}

function loggerOptions(logger: AppOptions['logger']): NonNullable<FastifyServerOptions['logger']> {
  if (logger === undefined || logger === false) return false;
  const redact = ['req.headers.authorization'];
  return logger === true ? { redact } : { redact, ...logger };
}

function openApiDescription(): string {
  const rows = errorCodeList.map(
    (code) => `| \`${code}\` | ${errorCodes[code].status} | ${errorCodes[code].message} |`,
  );
  return [
    'Lineup routes every waiting customer to the best free agent. Every refusal has the body',
    '`{ "error": { "code", "message", "details?" } }`; the codes (docs/errors.md):',
    '',
    '| Code | HTTP | Meaning |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Says `required: false` on the request bodies of operations marked optional (route.ts). */
function markOptionalBodies<T extends { paths?: object }>(document: T): T {
  for (const item of Object.values(document.paths ?? {}) as Record<string, unknown>[]) {
    for (const operation of Object.values(item) as Record<string, unknown>[]) {
      if (operation[bodyOptionalMark] !== true) continue;
      Reflect.deleteProperty(operation, bodyOptionalMark);
      const body = operation.requestBody as { required?: boolean } | undefined;
      if (body !== undefined) body.required = false;
    }
  }
  return document;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The WebSocket sessions and their fan-out. */
    sockets: SocketHub;
    /** The contact history and the queues' 15-minute intervals (records.ts). */
    records: Records;
    /** Each queue's last hour, a minute at a time (queue-samples.ts). */
    queueSamples: QueueSamples;
  }
  interface FastifyContextConfig {
    /** Who may call the route (route.ts); absent on routes outside the API (docs, OpenAPI). */
    access?: Access<never, never>;
  }
  interface FastifyRequest {
    /** The checked caller of a route that needs one; null on open routes. */
    principal: Principal | null;
  }
}

/**
 * Authenticates the caller of every route that declares an access (all of
 * /v1), before its body is read: 401 without a valid credential, 403 for a
 * credential of another tenant than the path's — whether or not that tenant
 * exists, so that nobody learns another tenant's ids — and 403 for a role or
 * scope that may not call the route (route.ts, refusalOfAccess). Whether a
 * customer's request concerns its own contact is checked once it is valid.
 */
function authenticateHook(auth: Auth, limits: { callers: RateLimiter; refused: RateLimiter }) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> => {
    const { access } = request.routeOptions.config;
    if (access === undefined || access === 'open') return undefined;
    const principal = await auth.authenticate(request.headers.authorization);
    if ('code' in principal) {
      const waitMs = limits.refused.take(request.ip);
      return sendRejection(reply, waitMs > 0 ? rateLimited(reply, waitMs) : principal);
    }
    const waitMs = limits.callers.take(callerKeyOf(principal));
    if (waitMs > 0) return sendRejection(reply, rateLimited(reply, waitMs));
    const params = request.params as { tenantId?: string; agentId?: string };
    const { tenantId } = params;
    if (
      principal.kind !== 'operator' &&
      tenantId !== undefined &&
      tenantId !== principal.tenantId
    ) {
      return sendRejection(
        reply,
        rejection('forbidden', 'This credential belongs to another tenant.', { tenantId }),
      );
    }
    const denied = refusalOfAccess(principal, access, params);
    if (denied !== null) return sendRejection(reply, denied);
    request.principal = principal;
    return undefined;
  };
}

/** The bucket a caller spends from: one per operator, API key, or person's token. */
function callerKeyOf(principal: Principal): string {
  switch (principal.kind) {
    case 'operator':
      return 'operator';
    case 'key':
      return `key ${principal.keyId}`;
    case 'token':
      return `token ${principal.tenantId} ${principal.role} ${principal.subject}`;
  }
}

/** A 429 with Retry-After in whole seconds and the exact wait in details. */
function rateLimited(reply: FastifyReply, waitMs: number): Rejection {
  void reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
  return rejection('rate_limited', `Too many requests; retry in ${waitMs} ms.`, {
    retryAfterMs: waitMs,
  });
}

/** Answers an unknown tenant with 404 before the request is validated further. */
function tenantGuard(host: Host) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const { tenantId } = request.params as { tenantId?: string };
    if (tenantId === undefined || !host.hasTenant(tenantId as TenantId)) {
      void sendRejection(reply, tenantNotFound((tenantId ?? '').slice(0, idLengthMax) as TenantId));
      return;
    }
    done();
  };
}

/** Builds the HTTP app on a host; the caller listens (or injects) and closes it. */
export function buildApp(options: AppOptions): FastifyInstance {
  const { host } = options;
  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: options.bodyLimitBytes ?? bodyLimitBytesDefault,
    requestTimeout: requestTimeoutMs,
    // Ids of idLengthMax characters may arrive percent-encoded; longer ones are refused by schema.
    routerOptions: { maxParamLength: idLengthMax * 3 },
  });
  const clock = options.clock ?? systemClock;
  const rates = { ...requestRatesDefault, ...options.requestRates };
  app.decorateRequest('principal', null);
  app.addHook(
    'onRequest',
    authenticateHook(options.auth, {
      callers: new RateLimiter({ perSecond: rates.perSecond, burst: rates.burst }, clock),
      refused: new RateLimiter(
        { perSecond: rates.refusedPerSecond, burst: rates.refusedBurst },
        clock,
      ),
    }),
  );
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.setSerializerCompiler(checkedSerializer);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.slice(0, echoedPathLengthMax);
    return sendRejection(
      reply,
      rejection(
        'not_found',
        `Nothing lives at ${request.method} ${path}; see /v1/openapi.json for the routes.`,
      ),
    );
  });

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lineup REST API',
        version: `v1 (protocol ${PROTOCOL_VERSION})`,
        description: openApiDescription(),
      },
      tags: [
        { name: Tag.tenants, description: 'Contact centers: the isolation boundary' },
        { name: Tag.access, description: 'API keys and short-lived tokens' },
        { name: Tag.queues, description: 'Where contacts wait, with their live status' },
        { name: Tag.agents, description: 'The people who serve queues' },
        { name: Tag.memberships, description: 'Which queues an agent serves, with what priority' },
        { name: Tag.agentActions, description: 'What an agent does: presence, offers, contacts' },
        { name: Tag.contacts, description: 'Customers joining, waiting, leaving, callbacks' },
        {
          name: Tag.statistics,
          description: 'Today and the last 15 minutes, per queue and agent; 15-minute history',
        },
        { name: Tag.webhooks, description: 'Signed event deliveries to your URLs, and replays' },
        { name: Tag.feedback, description: 'Messages customers leave and ratings of contacts' },
        { name: Tag.operations, description: 'Health, readiness and metrics' },
      ],
    },
    transformObject: (document) =>
      markOptionalBodies(
        'openapiObject' in document ? document.openapiObject : document.swaggerObject,
      ),
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });

  const scheduler = options.scheduler ?? new SystemScheduler(clock);
  const { records, feedback, store, assignments } = recordsOf(app, options, clock, scheduler);
  const calls = setUpCalls(app, { host, store, clock, scheduler, calls: options.calls });
  const hub = new SocketHub({
    host,
    auth: options.auth,
    clock,
    scheduler,
    calls: calls.calls,
    ...(options.chat === undefined ? {} : { chat: options.chat }),
    ...(options.socket === undefined ? {} : { settings: options.socket }),
  });
  app.decorate('sockets', hub);
  const stopHearingAssignments = assignments.onChange((tenantId, agentId) => {
    const agent = host.view(tenantId)?.agent(agentId) ?? null;
    if (agent !== null) hub.assignmentsChanged(tenantId, agentId, assignments.of(tenantId, agent));
  });
  app.addHook('onClose', (_app, done) => {
    stopHearingAssignments();
    done();
  });
  const queueSamples = new QueueSamples({ host, clock, scheduler });
  app.decorate('queueSamples', queueSamples);
  app.addHook('preClose', (done) => {
    queueSamples.close();
    done();
  });
  // Before the socket plugin closes the sockets: a stopping server ends no session.
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) {
    // Credentials travel in the Authorization header, never in cookies: no credentials mode.
    void app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
      exposedHeaders: ['retry-after', 'idempotent-replayed'],
      maxAge: 600,
    });
  }
  void app.register(websocket, { options: { maxPayload: hub.settings.messageBytesMax } });
  void app.register((root, _options, done) => {
    socketRoute(root, hub);
    done();
  });

  if (options.metrics !== undefined) timeRequests(app, options.metrics);
  void app.register((root, _options, done) => {
    operationRoutes(root, host);
    if (options.metrics !== undefined) metricRoute(root, options.metrics);
    root.get('/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
    done();
  });
  if (options.webDirectory !== undefined) {
    const { webDirectory } = options;
    void app.register((root, _options, done) => {
      webRoutes(root, webDirectory);
      done();
    });
  }
  void app.register(
    (v1, _options, done) => {
      tenantRoutes(v1, trackingHost(host, records));
      done();
    },
    { prefix: '/v1' },
  );
  void app.register(
    (tenant, _options, done) => {
      tenant.addHook('preValidation', tenantGuard(host));
      accessRoutes(tenant, host, options.auth);
      if (options.chat !== undefined) chatRoutes(tenant, options.chat);
      queueRoutes(tenant, host, assignments);
      agentRoutes(tenant, host, assignments);
      agentActionRoutes(tenant, host);
      assignmentRoutes(tenant, host, assignments);
      agentCallbackRoutes(tenant, host);
      contactRoutes(tenant, host);
      if (options.webhooks !== undefined) webhookRoutes(tenant, options.webhooks);
      recordRoutes(tenant, { host, records, feedback, nowMs: () => clock.nowMs() });
      queueSampleRoutes(tenant, queueSamples);
      // Like chat: the REST side of calls (ICE servers, recordings' files) where the host set it up.
      if (options.calls !== undefined) callRoutes(tenant, { ...calls, nowMs: () => clock.nowMs() });
      done();
    },
    { prefix: '/v1/tenants/:tenantId' },
  );
  if (options.chat !== undefined) {
    const webChat = new WebChat({
      host,
      chat: options.chat,
      clock,
      scheduler,
      robot: options.webChat?.robot ?? null,
      ...(options.webChat?.settings === undefined ? {} : { settings: options.webChat.settings }),
      sessions: new WebChatSessionStore(store),
    });
    app.addHook('preClose', (done) => {
      webChat.close();
      done();
    });
    const services = { host, auth: options.auth, chat: options.chat, feedback, records, clock };
    webChatRoutes(app, { webChat, ...services });
  }
  return app;
}

/**
 * The records of the app's host (and the agents' assignments), kept in the
 * store given or in one of its own in memory; they stop recording before the app closes.
 */
function recordsOf(
  app: FastifyInstance,
  options: AppOptions,
  clock: Clock,
  scheduler: TimerScheduler,
): { records: Records; feedback: Feedback; store: ServerStore; assignments: Assignments } {
  let store = options.store;
  if (store === undefined) {
    const opened = openServerStore();
    if (!opened.ok) throw new Error(`Cannot open a server store in memory: ${opened.message}`);
    const own = opened.store;
    store = own;
    app.addHook('onClose', async () => {
      await own.close();
    });
  }
  const records = new Records({
    store,
    host: options.host,
    clock,
    scheduler,
    ...(options.journal === undefined ? {} : { journal: options.journal }),
    onThreadFailed: (error) => {
      app.log.warn({ err: error }, "records thread failed; the server's thread writes the records");
    },
  });
  app.decorate('records', records);
  app.addHook('preClose', async () => {
    await records.close();
  });
  return {
    records,
    feedback: new Feedback({ store, clock, records }),
    store,
    assignments: new Assignments(store),
  };
}

/**
 * GET /v1/ws: the WebSocket API (docs/api.md, WebSocket). The socket
 * authenticates with its first message, so the route itself is open; it is
 * not a REST route, so OpenAPI leaves it out and docs/api.md describes it.
 */
function socketRoute(app: FastifyInstance, hub: SocketHub): void {
  app.get('/v1/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const stream = request.socket;
    // The receipt check under way (the hub asks one at a time), by the ping's payload, which the
    // pong echoes (RFC 6455 5.5.3): a pong of an earlier ping, or an unasked one, confirms nothing.
    let check: { payload: string; onReceived: () => void } | null = null;
    let checkNumber = 0;
    const handler = hub.accept({
      send: (text) => {
        if (socket.readyState !== socket.OPEN) return;
        corkUntilTick(stream);
        socket.send(text);
      },
      close: (code, reason) => {
        socket.close(code, reason);
      },
      confirm: (onReceived) => {
        if (socket.readyState !== socket.OPEN) return;
        checkNumber += 1;
        const payload = String(checkNumber);
        check = { payload, onReceived };
        corkUntilTick(stream);
        socket.ping(payload);
      },
    });
    socket.on('pong', (data: Buffer) => {
      if (check === null || data.toString('utf8') !== check.payload) return;
      const { onReceived } = check;
      check = null;
      onReceived();
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      handler.onMessage(isBinary ? '' : data.toString('utf8'));
    });
    socket.on('close', () => {
      handler.onClose();
    });
  });
}

/** Sockets corked in this tick, uncorked together once the tick's callbacks have run. */
const corked = new Set<Duplex>();

/**
 * Holds a socket's writes until the end of the current tick. One commit's
 * events often send a socket several messages (the offer, then the reply);
 * each frame was its own write system call, the larger part of the fan-out's
 * cost. Corked, they leave in one write when the tick's callbacks (the
 * promise reactions of the commit included) have run, so nothing waits for
 * a later turn of the event loop.
 */
function corkUntilTick(stream: Duplex): void {
  if (corked.has(stream)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  corked.add(stream);
  stream.cork();
}

function uncorkAll(): void {
  for (const stream of corked) stream.uncork();
  corked.clear();
}

/** Times every request, the app's own included, by its route pattern and status class. */
function timeRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest({
      method: request.method,
      // Fastify gives the pattern (`/v1/tenants/:tenantId`), never the raw URL: bounded labels.
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      durationMs: reply.elapsedTime,
    });
    done();
  });
}

/**
 * Serves GET /metrics in Prometheus text format. It answers text, not JSON,
 * so it bypasses addRoute and its JSON response check; it is not under a
 * tenant, since Prometheus scrapes the whole server, and so it needs the
 * operator key: its labels name every tenant's queues.
 */
function metricRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get(
    '/metrics',
    {
      config: { access: { isOperatorOnly: true } },
      schema: {
        tags: [Tag.operations],
        summary: 'Metrics in Prometheus text format (docs/api.md, Metrics)',
      },
    },
    async (_request, reply) => {
      const text = await metrics.scrape();
      return reply.type(metrics.contentType).send(text);
    },
  );
}
