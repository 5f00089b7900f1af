import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Scope, rejection, type Rejection } from '@lineup/protocol';
import {
  DeliveryPageSchema,
  DeliveryParamsSchema,
  DeliveryQuerySchema,
  DeliveryViewSchema,
  ReplayedSchema,
  TenantParamsSchema,
  WebhookCreatedSchema,
  WebhookInputSchema,
  WebhookListSchema,
  WebhookParamsSchema,
  WebhookViewSchema,
  pageLimitDefault,
} from '../schemas.ts';
import type { Webhooks } from '../webhooks.ts';
import { Tag, addRoute, answer, ok } from './route.ts';

/*
 * A tenant's webhooks (docs/api.md, Webhooks): subscribe a URL to event
 * types, list and delete subscriptions, and look at and replay what was
 * delivered or failed. Admin only: a webhook sends the tenant's events out.
 * None of these routes is a command: they change the server's records, not
 * the engine's.
 */

/** Why a URL the schema let through is still not one to POST to, or null. */
function urlProblem(url: string): Rejection | null {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return null;
  return rejection('invalid_command', 'The webhook url must be a valid http or https URL.', {
    problems: [{ path: '/body/url', message: 'must be an http or https URL' }],
  });
}

/** Registers the webhook routes under /v1/tenants/:tenantId. */
export function webhookRoutes(app: FastifyInstance, webhooks: Webhooks): void {
  addRoute(app, {
    method: 'POST',
    url: '/webhooks',
    tag: Tag.webhooks,
    summary: 'Subscribe a URL to event types; the signing secret is shown in this answer only',
    params: TenantParamsSchema,
    body: WebhookInputSchema,
    responses: { 201: WebhookCreatedSchema },
    errors: ['limit_reached'],
    isCommand: false,
    access: { scope: Scope.admin },
    handler: ({ params, body }) => {
      const created = urlProblem(body.url) ?? webhooks.create(params.tenantId, body);
      return answer(201, created);
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/webhooks',
    tag: Tag.webhooks,
    summary: "List the tenant's webhooks (never their secrets)",
    params: TenantParamsSchema,
    responses: { 200: WebhookListSchema },
    errors: [],
    access: { scope: Scope.admin },
    handler: ({ params }) => Promise.resolve(ok(200, { items: webhooks.list(params.tenantId) })),
  });

  addRoute(app, {
    method: 'GET',
    url: '/webhooks/:webhookId',
    tag: Tag.webhooks,
    summary: 'Get a webhook',
    params: WebhookParamsSchema,
    responses: { 200: WebhookViewSchema },
    errors: ['webhook_not_found'],
    access: { scope: Scope.admin },
    handler: ({ params }) => {
      const found = webhooks.get(params.tenantId, params.webhookId);
      return answer(200, found);
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/webhooks/:webhookId',
    tag: Tag.webhooks,
    summary: 'Delete a webhook and its deliveries: nothing more is sent to it',
    params: WebhookParamsSchema,
    responses: { 204: Type.Null({ description: 'Deleted' }) },
    errors: ['webhook_not_found'],
    isCommand: false,
    access: { scope: Scope.admin },
    handler: ({ params }) =>
      Promise.resolve(webhooks.delete(params.tenantId, params.webhookId) ?? ok(204, null)),
  });

  addRoute(app, {
    method: 'GET',
    url: '/webhooks/:webhookId/deliveries',
    tag: Tag.webhooks,
    summary: "List a webhook's deliveries, newest first, optionally by status",
    params: WebhookParamsSchema,
    querystring: DeliveryQuerySchema,
    responses: { 200: DeliveryPageSchema },
    errors: ['webhook_not_found'],
    access: { scope: Scope.admin },
    handler: ({ params, query }) => {
      const page = webhooks.deliveries(params.tenantId, params.webhookId, {
        limit: query.limit ?? pageLimitDefault,
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(query.after === undefined ? {} : { after: query.after }),
      });
      return answer(200, page);
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/webhooks/:webhookId/deliveries/:deliveryId/replay',
    tag: Tag.webhooks,
    summary: 'Send a failed delivery again, now, with a fresh budget of attempts',
    params: DeliveryParamsSchema,
    responses: { 200: DeliveryViewSchema },
    errors: ['webhook_not_found', 'delivery_not_found', 'delivery_not_failed'],
    isCommand: false,
    access: { scope: Scope.admin },
    handler: ({ params }) => {
      const replayed = webhooks.replay(params.tenantId, params.webhookId, params.deliveryId);
      return answer(200, replayed);
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/webhooks/:webhookId/replay-failed',
    tag: Tag.webhooks,
    summary: 'Send every failed delivery of a webhook again, oldest first',
    params: WebhookParamsSchema,
    responses: { 200: ReplayedSchema },
    errors: ['webhook_not_found'],
    isCommand: false,
    access: { scope: Scope.admin },
    handler: ({ params }) => {
      const replayed = webhooks.replayFailed(params.tenantId, params.webhookId);
      return answer(200, replayed);
    },
  });
}
