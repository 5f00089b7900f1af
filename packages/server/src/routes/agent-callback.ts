import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Scope, asContactId, rejection } from '@lineup/protocol';
import type { Host } from '../host.ts';
import {
  AgentActionResultSchema,
  AgentCallbackInputSchema,
  AgentContactParamsSchema,
} from '../schemas.ts';
import { agentActionResultOf } from '../views.ts';
import { Tag, addRoute, ok, viewOf } from './route.ts';

/*
 * An agent turns a contact it holds into a callback (R10): the customer
 * would rather be called later. The engine converts only waiting contacts,
 * so the server does it in two commands, in this order: a callback request
 * for the same customer in the same queue (refused → nothing changed), then
 * the completion of the held contact, which starts its wrap-up (R8). A
 * completion refused because the contact ended or moved in between leaves the
 * callback standing, which is what the customer asked for. ADR 0017.
 */

/** Registers the agent's convert-to-callback route under /v1/tenants/:tenantId. */
export function agentCallbackRoutes(app: FastifyInstance, host: Host): void {
  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/contacts/:contactId/convert-to-callback',
    tag: Tag.agentActions,
    summary: 'Turn a contact the agent holds into a callback, and complete it',
    description:
      'A new callback contact for the same customer joins the same queue (to the number given, ' +
      "default the customer's), then the held contact is completed (R8, R10). The answer's " +
      'contact is the callback.',
    params: AgentContactParamsSchema,
    body: AgentCallbackInputSchema,
    isBodyOptional: true,
    responses: { 200: AgentActionResultSchema },
    errors: [
      'agent_not_found',
      'contact_not_found',
      'contact_not_assigned',
      'callbacks_not_allowed',
      'callback_number_required',
      'queue_full',
      'limit_reached',
    ],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: async ({ params, body }) => {
      const { tenantId, agentId, contactId } = params;
      const held = viewOf(host, tenantId).contact(contactId);
      if (held === null) {
        return rejection('contact_not_found', `No live contact has id ${contactId}.`, {
          contactId,
        });
      }
      if (held.agentId !== agentId || held.status !== 'assigned') {
        return rejection(
          'contact_not_assigned',
          `Agent ${agentId} does not hold contact ${contactId}.`,
          {
            contactId,
            agentId,
          },
        );
      }
      const number = body.number ?? held.customer.number;
      const callbackId = asContactId(randomUUID());
      const requested = await host.submit(tenantId, {
        type: 'requestCallback',
        contact: {
          id: callbackId,
          queueId: held.queueId,
          customer: number === undefined ? held.customer : { ...held.customer, number },
          priority: held.priority,
          attributes: { ...held.attributes, convertedFrom: contactId },
          ...(body.notBeforeMs === undefined ? {} : { notBeforeMs: body.notBeforeMs }),
        },
      });
      if (requested.rejection !== null) return requested.rejection;
      const completed = await host.submit(
        tenantId,
        { type: 'completeContact', agentId, contactId },
        (view) => agentActionResultOf(view, agentId, callbackId),
      );
      const result =
        completed.after ?? agentActionResultOf(viewOf(host, tenantId), agentId, callbackId);
      if (result === null) return rejection('agent_not_found', `No agent has id ${agentId}.`);
      return ok(200, result);
    },
  });
}
