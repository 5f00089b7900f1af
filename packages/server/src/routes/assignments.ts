import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Scope, rejection, type AgentId, type QueueId, type TenantId } from '@lineup/protocol';
import type { Assignments } from '../assignments.ts';
import type { Host } from '../host.ts';
import {
  AgentActionResultSchema,
  AgentParamsSchema,
  AssignmentListSchema,
  AssignmentSchema,
  MembershipInputSchema,
  MembershipParamsSchema,
  NoInputSchema,
} from '../schemas.ts';
import { act, noContact } from './agent-actions.ts';
import { agentNotFound } from './agents.ts';
import { Tag, addRoute, ok, viewOf } from './route.ts';

/*
 * The queues an agent may serve (ADR 0017): an admin assigns them, each with
 * the agent's priority there; the agent turns serving each one on and off.
 * The membership routes (agents.ts) stay the admin's way to make an agent
 * serve a queue at once.
 */

const notAssigned = (agentId: AgentId, queueId: QueueId) =>
  rejection(
    'queue_not_assigned',
    `Agent ${agentId} is not assigned queue ${queueId}; an admin assigns it with PUT /agents/${agentId}/assignments/${queueId}.`,
    { agentId, queueId },
  );

/** Registers the assignment and serving routes under /v1/tenants/:tenantId. */
export function assignmentRoutes(app: FastifyInstance, host: Host, assignments: Assignments): void {
  const listOf = (tenantId: TenantId, agentId: AgentId) => {
    const agent = viewOf(host, tenantId).agent(agentId);
    return agent === null ? null : assignments.of(tenantId, agent);
  };

  addRoute(app, {
    method: 'GET',
    url: '/agents/:agentId/assignments',
    tag: Tag.memberships,
    summary:
      'The queues an agent may serve, with its priority there and whether it serves them now',
    params: AgentParamsSchema,
    responses: { 200: AssignmentListSchema },
    errors: ['agent_not_found'],
    access: { scope: Scope.read },
    handler: ({ params }) => {
      const items = listOf(params.tenantId, params.agentId);
      return Promise.resolve(items === null ? agentNotFound(params.agentId) : ok(200, { items }));
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/agents/:agentId/assignments/:queueId',
    tag: Tag.memberships,
    summary: 'Let an agent serve a queue with a priority (R4), or change that priority',
    description:
      'The agent turns serving it on with POST …/queues/{queueId}/start-serving. If it serves the ' +
      'queue already, its priority there changes at once.',
    params: MembershipParamsSchema,
    body: MembershipInputSchema,
    responses: { 200: AssignmentSchema },
    errors: ['agent_not_found', 'queue_not_found'],
    access: { scope: Scope.admin },
    handler: async ({ params, body }) => {
      const { tenantId, agentId, queueId } = params;
      const view = viewOf(host, tenantId);
      const agent = view.agent(agentId);
      if (agent === null) return agentNotFound(agentId);
      if (view.queue(queueId) === null) {
        return rejection('queue_not_found', `No queue has id ${queueId}; create it first.`, {
          queueId,
        });
      }
      assignments.assign(tenantId, agentId, queueId, body.priority);
      const isServing = agent.memberships.some((item) => item.queueId === queueId);
      if (isServing) {
        const changed = await host.submit(tenantId, {
          type: 'startServing',
          agentId,
          queueId,
          priority: body.priority,
        });
        if (changed.rejection !== null) return changed.rejection;
      }
      return ok(200, { queueId, priority: body.priority, isServing });
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/agents/:agentId/assignments/:queueId',
    tag: Tag.memberships,
    summary: 'Take a queue from an agent: it stops serving it and may not serve it again',
    params: MembershipParamsSchema,
    responses: { 204: Type.Null({ description: 'The agent may no longer serve the queue' }) },
    errors: ['agent_not_found', 'queue_not_assigned'],
    access: { scope: Scope.admin },
    handler: async ({ params }) => {
      const { tenantId, agentId, queueId } = params;
      const agent = viewOf(host, tenantId).agent(agentId);
      if (agent === null) return agentNotFound(agentId);
      if (assignments.priorityOf(tenantId, agent, queueId) === null) {
        return notAssigned(agentId, queueId);
      }
      // The row goes first, in the same turn as the command is queued: an agent's start
      // queued after it finds no assignment.
      assignments.unassign(tenantId, agentId, queueId);
      if (agent.memberships.some((item) => item.queueId === queueId)) {
        const stopped = await host.submit(tenantId, { type: 'stopServing', agentId, queueId });
        if (stopped.rejection !== null && stopped.rejection.code !== 'agent_not_serving_queue') {
          return stopped.rejection;
        }
      }
      return ok(204, null);
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/queues/:queueId/start-serving',
    tag: Tag.agentActions,
    summary: 'The agent starts serving a queue it is assigned, with its assigned priority',
    params: MembershipParamsSchema,
    body: NoInputSchema,
    isBodyOptional: true,
    responses: { 200: AgentActionResultSchema },
    errors: ['agent_not_found', 'queue_not_found', 'queue_not_assigned', 'limit_reached'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params }) => {
      const { tenantId, agentId, queueId } = params;
      const agent = viewOf(host, tenantId).agent(agentId);
      if (agent === null) return Promise.resolve(agentNotFound(agentId));
      const priority = assignments.priorityOf(tenantId, agent, queueId);
      if (priority === null) return Promise.resolve(notAssigned(agentId, queueId));
      return act(
        host,
        tenantId,
        agentId,
        { type: 'startServing', agentId, queueId, priority },
        noContact,
        undefined,
      );
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/queues/:queueId/stop-serving',
    tag: Tag.agentActions,
    summary: 'The agent stops serving a queue; it stays assigned, so it may start again',
    description: 'A pending offer from the queue is withdrawn and goes to another agent.',
    params: MembershipParamsSchema,
    body: NoInputSchema,
    isBodyOptional: true,
    responses: { 200: AgentActionResultSchema },
    errors: ['agent_not_found', 'agent_not_serving_queue'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params }) => {
      const { tenantId, agentId, queueId } = params;
      const agent = viewOf(host, tenantId).agent(agentId);
      if (agent === null) return Promise.resolve(agentNotFound(agentId));
      const membership = agent.memberships.find((item) => item.queueId === queueId);
      // A membership counts as an assignment; written down, it stays one once it has stopped.
      if (membership !== undefined) {
        assignments.assign(tenantId, agentId, queueId, membership.priority);
      }
      return act(
        host,
        tenantId,
        agentId,
        { type: 'stopServing', agentId, queueId },
        noContact,
        undefined,
      );
    },
  });
}
