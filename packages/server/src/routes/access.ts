import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Role, Scope, rejection, type AgentId } from '@lineup/protocol';
import type { Auth } from '../auth.ts';
import type { Host } from '../host.ts';
import {
  ApiKeyCreatedSchema,
  ApiKeyInputSchema,
  ApiKeyListSchema,
  ApiKeyParamsSchema,
  TenantParamsSchema,
  TokenInputSchema,
  TokenViewSchema,
} from '../schemas.ts';
import { Tag, addRoute, ok, viewOf } from './route.ts';

/*
 * Credentials of a tenant (docs/api.md, Authentication): its API keys, shown
 * once and revocable, and the short-lived tokens a back-end mints for the
 * customers, agents and supervisors who use the web apps and the socket.
 */

/** Registers the API key and token routes under /v1/tenants/:tenantId. */
export function accessRoutes(app: FastifyInstance, host: Host, auth: Auth): void {
  addRoute(app, {
    method: 'POST',
    url: '/api-keys',
    tag: Tag.access,
    summary: 'Create an API key with scopes; the key is shown in this answer only',
    params: TenantParamsSchema,
    body: ApiKeyInputSchema,
    responses: { 201: ApiKeyCreatedSchema },
    errors: ['limit_reached'],
    isCommand: false,
    access: { scope: Scope.admin },
    handler: ({ params, body }) => {
      const created = auth.createKey(params.tenantId, body.name, body.scopes);
      return Promise.resolve(
        'code' in created ? created : ok(201, { ...created.view, key: created.key }),
      );
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api-keys',
    tag: Tag.access,
    summary: "List the tenant's API keys (never their secrets)",
    params: TenantParamsSchema,
    responses: { 200: ApiKeyListSchema },
    errors: [],
    access: { scope: Scope.admin },
    handler: ({ params }) => Promise.resolve(ok(200, { items: auth.listKeys(params.tenantId) })),
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/api-keys/:keyId',
    tag: Tag.access,
    summary: 'Revoke an API key: refused from the next request on',
    params: ApiKeyParamsSchema,
    responses: { 204: Type.Null({ description: 'Revoked' }) },
    errors: ['api_key_not_found'],
    isCommand: false,
    access: { scope: Scope.admin },
    handler: ({ params }) =>
      Promise.resolve(
        auth.revokeKey(params.tenantId, params.keyId)
          ? ok(204, null)
          : rejection('api_key_not_found', `The tenant has no live API key ${params.keyId}.`, {
              keyId: params.keyId,
            }),
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/tokens',
    tag: Tag.access,
    summary: 'Mint a short-lived token for a customer, an agent or a supervisor',
    description:
      "A customer's token reads and acts on its own contacts only; an agent's reads the tenant and " +
      "acts for that agent only; a supervisor's may do everything in the tenant.",
    params: TenantParamsSchema,
    body: TokenInputSchema,
    responses: { 201: TokenViewSchema },
    errors: ['agent_not_found'],
    isCommand: false,
    access: { scope: Scope.tokens },
    handler: async ({ params, body }) => {
      const isUnknownAgent =
        body.role === Role.agent &&
        viewOf(host, params.tenantId).agent(body.subject as AgentId) === null;
      if (isUnknownAgent) {
        return rejection('agent_not_found', `No agent has id ${body.subject}; create it first.`, {
          agentId: body.subject,
        });
      }
      const minted = await auth.mintToken(
        params.tenantId,
        body.role,
        body.subject,
        body.ttlSeconds,
      );
      return ok(201, {
        ...minted,
        tenantId: params.tenantId,
        role: body.role,
        subject: body.subject,
      });
    },
  });
}
