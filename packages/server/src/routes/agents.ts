import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  Scope,
  AgentChangesSchema,
  AgentInputSchema,
  AgentReportSchema,
  rejection,
  type AgentId,
} from '@lineup/protocol';
import type { Assignments } from '../assignments.ts';
import type { Host } from '../host.ts';
import {
  AgentPageSchema,
  AgentParamsSchema,
  AgentViewSchema,
  MembershipInputSchema,
  MembershipParamsSchema,
  PageQuerySchema,
  TenantParamsSchema,
  pageLimitDefault,
} from '../schemas.ts';
import { pageOf, present } from '../views.ts';
import { Tag, addRoute, ok, submitCommand, submitNoContent, viewOf } from './route.ts';

/*
 * Agents (DESIGN.md §1): create, list, read, change, remove; the queues they
 * serve (memberships, with a priority each: R4); their statistics.
 */

/** The refusal of an agent id that names no agent. */
export const agentNotFound = (agentId: AgentId) =>
  rejection('agent_not_found', `No agent has id ${agentId}; list the agents to find it.`, {
    agentId,
  });

/** Registers the agent and membership routes under /v1/tenants/:tenantId. */
export function agentRoutes(app: FastifyInstance, host: Host, assignments: Assignments): void {
  addRoute(app, {
    method: 'POST',
    url: '/agents',
    tag: Tag.agents,
    summary: 'Create an agent, logged out',
    params: TenantParamsSchema,
    body: AgentInputSchema,
    responses: { 201: AgentViewSchema },
    errors: ['agent_exists', 'queue_not_found', 'limit_reached'],
    access: { scope: Scope.admin },
    handler: ({ params, body }) =>
      submitCommand(
        host,
        params.tenantId,
        { type: 'createAgent', agent: body },
        201,
        (view) => view.agent(body.id),
        'agent',
      ),
  });

  addRoute(app, {
    method: 'GET',
    url: '/agents',
    tag: Tag.agents,
    summary: 'List agents with their state',
    description: `In id order, ${pageLimitDefault} a page unless \`limit\` says otherwise.`,
    params: TenantParamsSchema,
    querystring: PageQuerySchema,
    responses: { 200: AgentPageSchema },
    errors: [],
    access: { scope: Scope.read },
    handler: ({ params, query }) => {
      const view = viewOf(host, params.tenantId);
      const page = pageOf(view.agentIds(), query);
      const agents = page.ids.map((id) => present(view.agent(id), `agent ${id}`));
      return Promise.resolve(ok(200, { agents, next: page.next }));
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/agents/:agentId',
    tag: Tag.agents,
    summary: 'Read an agent: settings, presence, pending offer, contacts held',
    params: AgentParamsSchema,
    responses: { 200: AgentViewSchema },
    errors: ['agent_not_found'],
    access: { scope: Scope.read },
    handler: ({ params }) => {
      const agent = viewOf(host, params.tenantId).agent(params.agentId);
      return Promise.resolve(agent === null ? agentNotFound(params.agentId) : ok(200, agent));
    },
  });

  addRoute(app, {
    method: 'PATCH',
    url: '/agents/:agentId',
    tag: Tag.agents,
    summary: "Change an agent's name or capacity",
    description:
      'Memberships change through /agents/{agentId}/queues/{queueId}; the mode through /mode.',
    params: AgentParamsSchema,
    body: AgentChangesSchema,
    responses: { 200: AgentViewSchema },
    errors: ['agent_not_found'],
    access: { scope: Scope.admin },
    handler: ({ params, body }) =>
      submitCommand(
        host,
        params.tenantId,
        { type: 'updateAgent', agentId: params.agentId, changes: body },
        200,
        (view) => view.agent(params.agentId),
        'agent',
      ),
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/agents/:agentId',
    tag: Tag.agents,
    summary: 'Remove a logged-out agent',
    params: AgentParamsSchema,
    responses: { 204: Type.Null({ description: 'Removed' }) },
    errors: ['agent_not_found', 'agent_logged_in'],
    access: { scope: Scope.admin },
    handler: async ({ params }) => {
      const removed = await submitNoContent(host, params.tenantId, {
        type: 'removeAgent',
        agentId: params.agentId,
      });
      if (!('code' in removed)) assignments.forgetAgent(params.tenantId, params.agentId);
      return removed;
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/agents/:agentId/queues/:queueId',
    tag: Tag.memberships,
    summary: 'Make an agent serve a queue, or change its priority there',
    description: 'Higher-priority agents of a queue are offered its contacts first (R4).',
    params: MembershipParamsSchema,
    body: MembershipInputSchema,
    responses: { 200: AgentViewSchema },
    errors: ['agent_not_found', 'queue_not_found', 'limit_reached'],
    access: { scope: Scope.admin },
    handler: async ({ params, body }) => {
      const served = await submitCommand(
        host,
        params.tenantId,
        {
          type: 'startServing',
          agentId: params.agentId,
          queueId: params.queueId,
          priority: body.priority,
        },
        200,
        (view) => view.agent(params.agentId),
        'agent',
      );
      // Serving is assigned too (ADR 0017): the agent may stop and start it again.
      if (!('code' in served)) {
        assignments.assign(params.tenantId, params.agentId, params.queueId, body.priority);
      }
      return served;
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/agents/:agentId/queues/:queueId',
    tag: Tag.memberships,
    summary: 'Make an agent stop serving a queue, and take it from its assignments',
    params: MembershipParamsSchema,
    responses: { 204: Type.Null({ description: 'The agent no longer serves the queue' }) },
    errors: ['agent_not_found', 'agent_not_serving_queue'],
    access: { scope: Scope.admin },
    handler: async ({ params }) => {
      const stopped = await submitNoContent(host, params.tenantId, {
        type: 'stopServing',
        agentId: params.agentId,
        queueId: params.queueId,
      });
      if (!('code' in stopped)) {
        assignments.unassign(params.tenantId, params.agentId, params.queueId);
      }
      return stopped;
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/agents/:agentId/report',
    tag: Tag.statistics,
    summary: "An agent's statistics for today and the last 15 minutes",
    params: AgentParamsSchema,
    responses: { 200: AgentReportSchema },
    errors: ['agent_not_found'],
    access: { scope: Scope.read },
    handler: ({ params }) => {
      const report = viewOf(host, params.tenantId).agentReport(params.agentId);
      return Promise.resolve(report === null ? agentNotFound(params.agentId) : ok(200, report));
    },
  });
}
