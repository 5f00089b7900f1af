import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import {
  Scope,
  errorCodes,
  rejection,
  type ContactId,
  type ErrorCode,
  type QueueId,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Host } from '../host.ts';
import type { Records } from '../records.ts';
import type { Feedback } from '../feedback.ts';
import { sendRejection } from '../errors.ts';
import {
  AgentContactParamsSchema,
  ContactParamsSchema,
  QueueParamsSchema,
  errorBodySchema,
  pageLimitDefault,
} from '../schemas.ts';
import {
  ContactHistoryItemSchema,
  ContactHistoryPageSchema,
  DispositionInputSchema,
  CustomerParamsSchema,
  MessageInputSchema,
  MessagePageSchema,
  MessageParamsSchema,
  MessageQuerySchema,
  MessageSchema,
  QueueHistoryQuerySchema,
  QueueHistorySchema,
  RatingInputSchema,
  RatingSchema,
  SeqPageQuerySchema,
  type QueueInterval,
} from '../record-schemas.ts';
import { Tag, addRoute, answer, errorCodesOf, ok, viewOf, type Access } from './route.ts';

/*
 * The server's records through the API: a customer's contact history, a
 * queue's 15-minute statistics history (JSON or CSV), messages customers
 * leave for a queue, and ratings of contacts. None of them is an engine
 * command: they read and write the server store only.
 */

/** Longest span of a history request: a month of intervals (2,976 rows) at most. */
export const historySpanMsMax = 31 * 24 * 3_600_000;
/** Span of a history request that names no start. */
const historySpanMsDefault = 24 * 3_600_000;

const queueNotFound = (queueId: QueueId): Rejection =>
  rejection('queue_not_found', `No queue has id ${queueId}; list the queues to find it.`, {
    queueId,
  });

/** The services behind the record routes. */
export interface RecordServices {
  host: Host;
  records: Records;
  feedback: Feedback;
  /** The host's clock: a history's default span ends now. */
  nowMs: () => number;
}

/** The customer of a recorded contact, for a customer's token; null when none is on record. */
function customerOfRecord(
  records: Records,
  params: { tenantId: TenantId; contactId: ContactId },
): string | null {
  return records.contact(params.tenantId, params.contactId)?.customerId ?? null;
}

/** Registers the record routes under /v1/tenants/:tenantId. */
export function recordRoutes(app: FastifyInstance, services: RecordServices): void {
  historyRoutes(app, services);
  messageRoutes(app, services);
  ratingRoutes(app, services);
}

function historyRoutes(app: FastifyInstance, services: RecordServices): void {
  const { records } = services;
  addRoute(app, {
    method: 'PUT',
    url: '/agents/:agentId/contacts/:contactId/disposition',
    tag: Tag.agentActions,
    summary: 'The wrap-up of a contact the agent handled: a disposition code and notes',
    description:
      "Kept in the contact's history; given again, it replaces the earlier one. Usually sent " +
      'during wrap-up, after completing the contact.',
    params: AgentContactParamsSchema,
    body: DispositionInputSchema,
    responses: { 200: ContactHistoryItemSchema },
    errors: ['contact_not_found', 'contact_not_assigned'],
    isCommand: false,
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, body }) => {
      const item = records.dispose(params.tenantId, params.agentId, params.contactId, body);
      return answer(200, item);
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/customers/:customerId/contacts',
    tag: Tag.contacts,
    summary: "A customer's contacts, newest first, with their outcome and rating",
    description: `${pageLimitDefault} a page unless \`limit\` says otherwise; \`next\` is the cursor of the next page.`,
    params: CustomerParamsSchema,
    querystring: SeqPageQuerySchema,
    responses: { 200: ContactHistoryPageSchema },
    errors: [],
    access: { scope: Scope.read, customerOf: ({ params }) => params.customerId },
    handler: ({ params, query }) =>
      Promise.resolve(
        ok(
          200,
          records.history(params.tenantId, params.customerId, {
            limit: query.limit ?? pageLimitDefault,
            ...(query.after === undefined ? {} : { after: query.after }),
          }),
        ),
      ),
  });
  queueHistoryRoute(app, services);
}

/** The columns of a history in CSV, in order: the JSON fields, after the queue and an ISO time. */
const csvFields: readonly (keyof QueueInterval)[] = [
  'startMs',
  'endMs',
  'offered',
  'answered',
  'answeredInThreshold',
  'abandoned',
  'abandonedInThreshold',
  'handled',
  'serviceLevel',
  'abandonRate',
  'asaMs',
  'ahtMs',
  'waitMsMax',
];

/** A history as CSV (RFC 4180): a header row, one row per interval, an empty cell for null. */
export function historyCsv(queueId: QueueId, intervals: readonly QueueInterval[]): string {
  const header = ['queueId', 'start', ...csvFields].join(',');
  // Queue ids match the id pattern: no comma, quote or line break to escape.
  const rows = intervals.map((interval) =>
    [
      queueId,
      new Date(interval.startMs).toISOString(),
      ...csvFields.map((field) => String(interval[field] ?? '')),
    ].join(','),
  );
  return [header, ...rows].join('\r\n') + '\r\n';
}

/** The span [fromMs, toMs) of a history request, or why it is refused. */
function spanOf(
  query: Static<typeof QueueHistoryQuerySchema>,
  nowMs: number,
): { fromMs: number; toMs: number } | Rejection {
  const toMs = query.toMs ?? nowMs;
  const fromMs = query.fromMs ?? Math.max(0, toMs - historySpanMsDefault);
  if (fromMs > toMs || toMs - fromMs > historySpanMsMax) {
    return rejection(
      'invalid_command',
      `fromMs must be at most toMs, and the span at most ${historySpanMsMax} ms (31 days); ask for less.`,
      { fromMs, toMs },
    );
  }
  return { fromMs, toMs };
}

/**
 * GET /queues/:queueId/history answers JSON or, with format=csv, text/csv:
 * addRoute sends JSON only, so this route is declared by hand, with the same
 * parts (schemas, documented codes, and the `access` the authentication
 * hook reads). Its 200 schema documents and checks the JSON form; the CSV
 * is a string, which Fastify sends without serializing.
 */
function queueHistoryRoute(app: FastifyInstance, services: RecordServices): void {
  const access: Access<never, never> = { scope: Scope.read };
  const spec = { method: 'GET', errors: ['queue_not_found'] as ErrorCode[], access };
  const codes = errorCodesOf(spec, app.prefix);
  app.route({
    method: 'GET',
    url: '/queues/:queueId/history',
    schema: {
      tags: [Tag.statistics],
      summary: "A queue's 15-minute intervals, as JSON or CSV",
      description:
        'Intervals that ended, starting in [fromMs, toMs), oldest first; at most 31 days. ' +
        'With `format=csv`, text/csv with a header row (docs/api.md, Statistics history).',
      params: QueueParamsSchema,
      querystring: QueueHistoryQuerySchema,
      response: {
        200: QueueHistorySchema,
        '4xx': errorBodySchema(codes.filter((code) => errorCodes[code].status < 500)),
        '5xx': errorBodySchema(codes.filter((code) => errorCodes[code].status >= 500)),
      },
    },
    config: { access },
    handler: (request: FastifyRequest, reply: FastifyReply) =>
      answerHistory(request, reply, services),
  });
}

function answerHistory(
  request: FastifyRequest,
  reply: FastifyReply,
  { host, records, nowMs }: RecordServices,
): FastifyReply {
  // The schemas validated these parts; the casts only restore their static types.
  const params = request.params as Static<typeof QueueParamsSchema>;
  const query = request.query as Static<typeof QueueHistoryQuerySchema>;
  const span = spanOf(query, nowMs());
  if ('code' in span) return sendRejection(reply, span);
  const intervals = records.intervals(params.tenantId, params.queueId, span.fromMs, span.toMs);
  // A deleted queue's history stays readable; a queue that never was has none.
  const isKnown =
    intervals.length > 0 || viewOf(host, params.tenantId).queue(params.queueId) !== null;
  if (!isKnown) return sendRejection(reply, queueNotFound(params.queueId));
  if (query.format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${params.queueId}-history.csv"`)
      .send(historyCsv(params.queueId, intervals));
  }
  return reply.send({ queueId: params.queueId, intervals });
}

function messageRoutes(app: FastifyInstance, { host, feedback }: RecordServices): void {
  addRoute(app, {
    method: 'POST',
    url: '/queues/:queueId/messages',
    tag: Tag.feedback,
    summary: 'A customer leaves a message for a queue',
    description:
      'For a queue that is offline or closed (a deflection with action leaveMessage, R11, R16); ' +
      'any queue takes messages.',
    params: QueueParamsSchema,
    body: MessageInputSchema,
    responses: { 201: MessageSchema },
    errors: ['queue_not_found', 'limit_reached'],
    isCommand: false,
    access: { scope: Scope.contacts, customerOf: ({ body }) => body.customer.id },
    handler: ({ params, body }) => {
      if (viewOf(host, params.tenantId).queue(params.queueId) === null)
        return Promise.resolve(queueNotFound(params.queueId));
      const message = feedback.leaveMessage(params.tenantId, params.queueId, body);
      return answer(201, message);
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/queues/:queueId/messages',
    tag: Tag.feedback,
    summary: "A queue's messages, oldest first",
    description: '`status` keeps only new or only handled ones; paged like the other lists.',
    params: QueueParamsSchema,
    querystring: MessageQuerySchema,
    responses: { 200: MessagePageSchema },
    errors: [],
    access: { scope: Scope.read },
    handler: ({ params, query }) =>
      Promise.resolve(
        ok(
          200,
          feedback.messages(params.tenantId, params.queueId, {
            limit: query.limit ?? pageLimitDefault,
            ...(query.status === undefined ? {} : { status: query.status }),
            ...(query.after === undefined ? {} : { after: query.after }),
          }),
        ),
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/messages/:messageId/handle',
    tag: Tag.feedback,
    summary: 'Mark a message handled',
    description: 'Marking it again keeps the first time.',
    params: MessageParamsSchema,
    isBodyOptional: true,
    responses: { 200: MessageSchema },
    errors: ['message_not_found'],
    isCommand: false,
    access: { scope: Scope.agents },
    handler: ({ params }) => {
      const message = feedback.handleMessage(params.tenantId, params.messageId);
      return answer(200, message);
    },
  });
}

function ratingRoutes(app: FastifyInstance, { records, feedback }: RecordServices): void {
  addRoute(app, {
    method: 'POST',
    url: '/contacts/:contactId/rating',
    tag: Tag.feedback,
    summary: 'The customer rates a contact that ended after an answer',
    description: 'Once per contact; the rating shows in the customer’s contact history.',
    params: ContactParamsSchema,
    body: RatingInputSchema,
    responses: { 201: RatingSchema },
    errors: ['contact_not_found', 'contact_not_ended', 'rating_exists'],
    isCommand: false,
    access: {
      scope: Scope.contacts,
      customerOf: ({ params }) => customerOfRecord(records, params),
    },
    handler: ({ params, body }) => {
      const rating = feedback.rate(params.tenantId, params.contactId, body);
      return answer(201, rating);
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/contacts/:contactId/rating',
    tag: Tag.feedback,
    summary: "Read a contact's rating",
    params: ContactParamsSchema,
    responses: { 200: RatingSchema },
    errors: ['contact_not_found', 'rating_not_found'],
    access: { scope: Scope.read, customerOf: ({ params }) => customerOfRecord(records, params) },
    handler: ({ params }) => {
      const rating = feedback.rating(params.tenantId, params.contactId);
      return answer(200, rating);
    },
  });
}
