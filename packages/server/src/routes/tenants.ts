import type { FastifyInstance } from 'fastify';
import { Scope } from '@lineup/protocol';
import { tenantNotFound, type Host } from '../host.ts';
import { TenantInputSchema, TenantParamsSchema, TenantViewSchema } from '../schemas.ts';
import { tenantSummaryOf } from '../views.ts';
import { Tag, addRoute, ok } from './route.ts';

/*
 * Tenants (DESIGN.md §1): one contact center each, the isolation boundary.
 * Creating one is an operator's act; auth scopes arrive with the auth slice.
 */

/** Registers the tenant routes under /v1. */
export function tenantRoutes(app: FastifyInstance, host: Host): void {
  addRoute(app, {
    method: 'POST',
    url: '/tenants',
    tag: Tag.tenants,
    summary: 'Create a tenant (one contact center) with no queues and no agents',
    body: TenantInputSchema,
    responses: { 201: TenantViewSchema },
    errors: ['tenant_exists', 'limit_reached', 'unavailable'],
    // Creating a tenant is not an engine command: no queue of commands to be full.
    isCommand: false,
    access: { isOperatorOnly: true },
    handler: async ({ body }) => {
      const refusal = await host.createTenant(body.id);
      if (refusal !== null) return refusal;
      const view = host.view(body.id);
      return view === null ? tenantNotFound(body.id) : ok(201, tenantSummaryOf(body.id, view));
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/tenants/:tenantId',
    tag: Tag.tenants,
    summary: 'Read a tenant: how many queues and agents it has',
    params: TenantParamsSchema,
    responses: { 200: TenantViewSchema },
    errors: ['tenant_not_found'],
    access: { scope: Scope.read },
    handler: ({ params }) => {
      const view = host.view(params.tenantId);
      return Promise.resolve(
        view === null
          ? tenantNotFound(params.tenantId)
          : ok(200, tenantSummaryOf(params.tenantId, view)),
      );
    },
  });
}
