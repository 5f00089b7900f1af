import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  Scope,
  QueueChangesSchema,
  QueueInputSchema,
  QueueReportSchema,
  rejection,
  type QueueId,
} from '@lineup/protocol';
import type { Assignments } from '../assignments.ts';
import type { Host } from '../host.ts';
import {
  LimitQuerySchema,
  PageQuerySchema,
  PublicQueueStatusPageSchema,
  QueuePageSchema,
  QueueParamsSchema,
  QueueViewSchema,
  TenantParamsSchema,
  WaitingContactsSchema,
  pageLimitDefault,
} from '../schemas.ts';
import { contactViewOf, pageOf, present, publicQueueStatusOf, queueViewOf } from '../views.ts';
import { Tag, addRoute, ok, submitCommand, submitNoContent, viewOf } from './route.ts';

/*
 * Queues (DESIGN.md §1): create, list with live status, read, change,
 * delete; and, for supervisors, a queue's statistics and waiting contacts.
 */

const queueNotFound = (queueId: QueueId) =>
  rejection('queue_not_found', `No queue has id ${queueId}; list the queues to find it.`, {
    queueId,
  });

/** Registers the queue routes under /v1/tenants/:tenantId. */
export function queueRoutes(app: FastifyInstance, host: Host, assignments: Assignments): void {
  addRoute(app, {
    method: 'POST',
    url: '/queues',
    tag: Tag.queues,
    summary: 'Create a queue',
    description: 'Settings left out take the defaults of docs/routing.md.',
    params: TenantParamsSchema,
    body: QueueInputSchema,
    responses: { 201: QueueViewSchema },
    errors: ['queue_exists', 'invalid_queue_settings', 'limit_reached'],
    access: { scope: Scope.admin },
    handler: ({ params, body }) =>
      submitCommand(
        host,
        params.tenantId,
        { type: 'createQueue', queue: body },
        201,
        (view) => queueViewOf(view, body.id),
        'queue',
      ),
  });

  addRoute(app, {
    method: 'GET',
    url: '/queues',
    tag: Tag.queues,
    summary: 'List queues with their live status',
    description: `In id order, ${pageLimitDefault} a page unless \`limit\` says otherwise.`,
    params: TenantParamsSchema,
    querystring: PageQuerySchema,
    responses: { 200: QueuePageSchema },
    errors: [],
    access: { scope: Scope.read },
    handler: ({ params, query }) => {
      const view = viewOf(host, params.tenantId);
      const page = pageOf(view.queueIds(), query);
      const queues = page.ids.map((id) => present(queueViewOf(view, id), `queue ${id}`));
      return Promise.resolve(ok(200, { queues, next: page.next }));
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/queue-statuses',
    tag: Tag.queues,
    summary: 'List queues as customers see them: name, channels, live status',
    description:
      'What a customer widget shows before joining: no settings, no agent counts. ' +
      `In id order, ${pageLimitDefault} a page unless \`limit\` says otherwise. Any token of the tenant may read it.`,
    params: TenantParamsSchema,
    querystring: PageQuerySchema,
    responses: { 200: PublicQueueStatusPageSchema },
    errors: [],
    access: { scope: Scope.read, isForCustomers: true },
    handler: ({ params, query }) => {
      const view = viewOf(host, params.tenantId);
      const page = pageOf(view.queueIds(), query);
      const queues = page.ids.map((id) => present(publicQueueStatusOf(view, id), `queue ${id}`));
      return Promise.resolve(ok(200, { queues, next: page.next }));
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/queues/:queueId',
    tag: Tag.queues,
    summary: 'Read a queue and its live status',
    params: QueueParamsSchema,
    responses: { 200: QueueViewSchema },
    errors: ['queue_not_found'],
    access: { scope: Scope.read },
    handler: ({ params }) => {
      const queue = queueViewOf(viewOf(host, params.tenantId), params.queueId);
      return Promise.resolve(queue === null ? queueNotFound(params.queueId) : ok(200, queue));
    },
  });

  addRoute(app, {
    method: 'PATCH',
    url: '/queues/:queueId',
    tag: Tag.queues,
    summary: "Change some of a queue's settings",
    description: 'Waiting contacts keep their places.',
    params: QueueParamsSchema,
    body: QueueChangesSchema,
    responses: { 200: QueueViewSchema },
    errors: ['queue_not_found', 'invalid_queue_settings'],
    access: { scope: Scope.admin },
    handler: ({ params, body }) =>
      submitCommand(
        host,
        params.tenantId,
        { type: 'updateQueue', queueId: params.queueId, changes: body },
        200,
        (view) => queueViewOf(view, params.queueId),
        'queue',
      ),
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/queues/:queueId',
    tag: Tag.queues,
    summary: 'Delete an empty queue',
    description: 'Its agents stop serving it.',
    params: QueueParamsSchema,
    responses: { 204: Type.Null({ description: 'Deleted' }) },
    errors: ['queue_not_found', 'queue_not_empty', 'queue_in_use'],
    access: { scope: Scope.admin },
    handler: async ({ params }) => {
      const deleted = await submitNoContent(host, params.tenantId, {
        type: 'deleteQueue',
        queueId: params.queueId,
      });
      if (!('code' in deleted)) assignments.forgetQueue(params.tenantId, params.queueId);
      return deleted;
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/queues/:queueId/report',
    tag: Tag.statistics,
    summary: "A queue's statistics for today and the last 15 minutes",
    params: QueueParamsSchema,
    responses: { 200: QueueReportSchema },
    errors: ['queue_not_found'],
    access: { scope: Scope.read },
    handler: ({ params }) => {
      const report = viewOf(host, params.tenantId).queueReport(params.queueId);
      return Promise.resolve(report === null ? queueNotFound(params.queueId) : ok(200, report));
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/queues/:queueId/contacts',
    tag: Tag.queues,
    summary: "A queue's waiting contacts in serving order, for supervisors",
    description: "The first `limit` contacts of the queue's line, with position and EWT.",
    params: QueueParamsSchema,
    querystring: LimitQuerySchema,
    responses: { 200: WaitingContactsSchema },
    errors: ['queue_not_found'],
    access: { scope: Scope.read },
    handler: ({ params, query }) => {
      const view = viewOf(host, params.tenantId);
      if (view.queue(params.queueId) === null)
        return Promise.resolve(queueNotFound(params.queueId));
      const contacts = view
        .waitingContacts(params.queueId, query.limit ?? pageLimitDefault)
        .map((contact) => present(contactViewOf(view, contact.id), `contact ${contact.id}`));
      return Promise.resolve(ok(200, { contacts }));
    },
  });
}
