import type { FastifyInstance } from 'fastify';
import { Scope } from '@lineup/protocol';
import type { AgentId, ContactId, ErrorCode, Event, Rejection, TenantId } from '@lineup/protocol';
import type { CommandInput, Host } from '../host.ts';
import {
  AgentActionResultSchema,
  AgentContactParamsSchema,
  AgentParamsSchema,
  CallbackResultInputSchema,
  LogInInputSchema,
  LogOutInputSchema,
  ModeInputSchema,
  NoInputSchema,
  OfferParamsSchema,
  PresenceInputSchema,
  TransferInputSchema,
  type AgentActionResult,
} from '../schemas.ts';
import { agentActionResultOf } from '../views.ts';
import { Tag, addRoute, submitCommand } from './route.ts';

/*
 * What an agent does: log in and out, say whether it is ready, switch
 * between auto and manual mode (R7), answer offers (R5, R6), ask for the next
 * contact (R7), and finish, transfer or close the contacts it holds (R8,
 * R10). Each answers with the agent and the contact the action concerned.
 */

const responses = { 200: AgentActionResultSchema };
const offerErrors: ErrorCode[] = [
  'agent_not_found',
  'offer_not_found',
  'offer_expired',
  'offer_not_for_agent',
];

/** Runs an agent's command and answers with the agent and the contact `contactOf` picks from its events. */
export function act(
  host: Host,
  tenantId: TenantId,
  agentId: AgentId,
  command: CommandInput,
  contactOf: (events: readonly Event[]) => ContactId | null,
  commandId: string | undefined,
): Promise<{ status: 200; body: AgentActionResult; isReplayed?: boolean } | Rejection> {
  return submitCommand(
    host,
    tenantId,
    command,
    200,
    (view, events) => agentActionResultOf(view, agentId, contactOf(events)),
    'agent',
    commandId,
  );
}

export const noContact = (): null => null;

/** The contact of the first event of a type that names one, for this agent. */
function contactIn(type: Event['type'], agentId: AgentId) {
  return (events: readonly Event[]): ContactId | null => {
    for (const event of events) {
      if (event.type === type && 'contactId' in event && 'agentId' in event) {
        if (event.agentId === agentId) return event.contactId;
      }
    }
    return null;
  };
}

/** Registers the agent action routes under /v1/tenants/:tenantId. */
export function agentActionRoutes(app: FastifyInstance, host: Host): void {
  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/log-in',
    tag: Tag.agentActions,
    summary: 'Log an agent in: ready, or not ready with the reason given',
    params: AgentParamsSchema,
    body: LogInInputSchema,
    isBodyOptional: true,
    responses,
    isIdempotent: true,
    errors: ['agent_not_found', 'agent_logged_in'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, body, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        { type: 'logIn', agentId: params.agentId, ...body },
        noContact,
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/log-out',
    tag: Tag.agentActions,
    summary: 'Log an agent out; a pending offer is withdrawn',
    description:
      'Refused with agent_busy while it holds contacts, unless isForced puts them back in their queues.',
    params: AgentParamsSchema,
    body: LogOutInputSchema,
    isBodyOptional: true,
    responses,
    isIdempotent: true,
    errors: ['agent_not_found', 'agent_logged_out', 'agent_busy'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, body, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        { type: 'logOut', agentId: params.agentId, ...body },
        noContact,
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/presence',
    tag: Tag.agentActions,
    summary: 'Set a logged-in agent ready, or not ready with a reason',
    description: 'Ready also ends a wrap-up early (R8).',
    params: AgentParamsSchema,
    body: PresenceInputSchema,
    responses,
    isIdempotent: true,
    errors: ['agent_not_found', 'agent_logged_out'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, body, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        { type: 'setPresence', agentId: params.agentId, ...body },
        noContact,
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/mode',
    tag: Tag.agentActions,
    summary: 'Switch between auto (offers) and manual (the agent asks: R7)',
    params: AgentParamsSchema,
    body: ModeInputSchema,
    responses,
    isIdempotent: true,
    errors: ['agent_not_found'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, body, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        { type: 'setMode', agentId: params.agentId, mode: body.mode },
        noContact,
        commandId,
      ),
  });

  // Accepting and rejecting an offer differ only in the command and what they say.
  const answers = [
    {
      verb: 'accept',
      type: 'acceptOffer',
      event: 'offerAccepted',
      summary: 'Accept an offer: the agent takes the contact',
    },
    {
      verb: 'reject',
      type: 'rejectOffer',
      event: 'offerRejected',
      summary: 'Reject an offer: the contact keeps its place (R6)',
    },
  ] as const;
  for (const answer of answers) {
    addRoute(app, {
      method: 'POST',
      url: `/agents/:agentId/offers/:offerId/${answer.verb}`,
      tag: Tag.agentActions,
      summary: answer.summary,
      params: OfferParamsSchema,
      body: NoInputSchema,
      isBodyOptional: true,
      responses,
      isIdempotent: true,
      errors: offerErrors,
      access: { scope: Scope.agents, isAgentSelf: true },
      handler: ({ params, commandId }) =>
        act(
          host,
          params.tenantId,
          params.agentId,
          { type: answer.type, offerId: params.offerId, agentId: params.agentId },
          contactIn(answer.event, params.agentId),
          commandId,
        ),
    });
  }

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/next',
    tag: Tag.agentActions,
    summary: 'A manual-mode agent takes the best waiting contact at once (R7)',
    description: 'Refused with no_contact_waiting when none it may take is waiting.',
    params: AgentParamsSchema,
    body: NoInputSchema,
    isBodyOptional: true,
    responses,
    isIdempotent: true,
    errors: [
      'agent_not_found',
      'agent_logged_out',
      'agent_not_manual',
      'agent_not_ready',
      'agent_at_capacity',
      'no_contact_waiting',
    ],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        { type: 'requestNext', agentId: params.agentId },
        contactIn('contactAssigned', params.agentId),
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/contacts/:contactId/complete',
    tag: Tag.agentActions,
    summary: 'The agent has finished with a contact; wrap-up follows (R8)',
    params: AgentContactParamsSchema,
    body: NoInputSchema,
    isBodyOptional: true,
    responses,
    isIdempotent: true,
    errors: ['agent_not_found', 'contact_not_found', 'contact_not_assigned'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        { type: 'completeContact', contactId: params.contactId, agentId: params.agentId },
        () => params.contactId,
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/contacts/:contactId/transfer',
    tag: Tag.agentActions,
    summary: 'Move a contact the agent holds to another queue or to one agent',
    params: AgentContactParamsSchema,
    body: TransferInputSchema,
    responses,
    isIdempotent: true,
    errors: [
      'contact_not_found',
      'contact_not_waiting',
      'contact_not_assigned',
      'queue_not_found',
      'agent_not_found',
      'channel_not_served',
      'queue_full',
    ],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, body, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        {
          type: 'transferContact',
          contactId: params.contactId,
          agentId: params.agentId,
          target: body.target,
        },
        () => params.contactId,
        commandId,
      ),
  });

  addRoute(app, {
    method: 'POST',
    url: '/agents/:agentId/contacts/:contactId/callback-result',
    tag: Tag.agentActions,
    summary: "How the agent's call to a callback customer went (R10)",
    description: "noAnswer is retried by the queue's callback policy; reached and failed end it.",
    params: AgentContactParamsSchema,
    body: CallbackResultInputSchema,
    responses,
    isIdempotent: true,
    errors: ['agent_not_found', 'contact_not_found', 'contact_not_assigned', 'not_a_callback'],
    access: { scope: Scope.agents, isAgentSelf: true },
    handler: ({ params, body, commandId }) =>
      act(
        host,
        params.tenantId,
        params.agentId,
        {
          type: 'closeCallback',
          contactId: params.contactId,
          agentId: params.agentId,
          outcome: body.outcome,
        },
        () => params.contactId,
        commandId,
      ),
  });
}
