import { agentsMax, channels, type CommandOf, type Rejection } from '@lineup/protocol';
import { capacityOf } from './defaults.ts';
import { queueOf } from './indexes.ts';
import { bestContactFor } from './routing.ts';
import { hasRoomFor, type Contact } from './state.ts';
import {
  type Context,
  agentState,
  cancelAgentOffer,
  findAgent,
  findLoggedIn,
  isRejection,
  leaveStickyLine,
  refuse,
  routeAgent,
  routeContact,
  withinLimit,
} from './steps.ts';
/*
 * Handlers of the agent commands that need more than a few lines: creating
 * an agent, logging out (R6, forced requeue), answering an offer (R6) and
 * asking for the next contact (R7).
 */

export function createAgent(ctx: Context, command: CommandOf<'createAgent'>): Rejection | null {
  const state = ctx.state;
  const input = command.agent;
  if (state.agents.has(input.id))
    return refuse('agent_exists', `Agent ${input.id} exists already.`);
  const limit = withinLimit(state.agents.size, agentsMax, 'agents');
  if (limit !== null) return limit;
  const memberships = input.memberships ?? [];
  const seen = new Set<string>();
  for (const membership of memberships) {
    if (!state.queues.has(membership.queueId)) {
      return refuse('queue_not_found', `No queue has id ${membership.queueId}.`, {
        queueId: membership.queueId,
      });
    }
    if (seen.has(membership.queueId)) {
      return refuse(
        'invalid_command',
        `Queue ${membership.queueId} is listed twice in memberships.`,
      );
    }
    seen.add(membership.queueId);
  }
  ctx.emit({
    type: 'agentCreated',
    atMs: command.atMs,
    agent: {
      id: input.id,
      name: input.name,
      capacity: capacityOf(input.capacity),
      memberships: memberships.map((membership) => ({ ...membership })),
      mode: input.mode ?? 'auto',
    },
  });
  return null;
}

export function logOut(ctx: Context, command: CommandOf<'logOut'>): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const agent = findLoggedIn(state, command.agentId);
  if (isRejection(agent)) return agent;
  if (agent.held.length > 0 && command.isForced !== true) {
    return refuse(
      'agent_busy',
      `Agent ${agent.id} holds ${agent.held.length} contacts; complete them or force the log-out.`,
    );
  }
  const offered = cancelAgentOffer(ctx, agent, 'agentLoggedOut', atMs);
  const requeued = agent.held.map((contactId) => state.contacts.get(contactId) as Contact);
  for (const contact of requeued) {
    ctx.emit({
      type: 'contactRequeued',
      atMs,
      contactId: contact.id,
      queueId: contact.queueId,
      agentId: agent.id,
    });
  }
  ctx.emit(agentState(agent, { presence: 'offline' }, 'loggedOut', atMs));
  routeContact(ctx, offered, atMs);
  for (const contact of requeued) routeContact(ctx, contact, atMs);
  return null;
}

export function answerOffer(
  ctx: Context,
  command: CommandOf<'acceptOffer'> | CommandOf<'rejectOffer'>,
): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const agent = findAgent(state, command.agentId);
  if (isRejection(agent)) return agent;
  const contact = state.offers.get(command.offerId);
  if (contact === undefined) {
    return agent.recentOfferIds.includes(command.offerId)
      ? refuse(
          'offer_expired',
          `Offer ${command.offerId} was withdrawn, timed out or answered already.`,
        )
      : refuse('offer_not_found', `No offer has id ${command.offerId}.`);
  }
  if (contact.offerAgentId !== agent.id)
    return refuse('offer_not_for_agent', `Offer ${command.offerId} was made to another agent.`);
  const offerId = command.offerId;
  if (command.type === 'acceptOffer') {
    ctx.emit({ type: 'offerAccepted', atMs, offerId, contactId: contact.id, agentId: agent.id });
    ctx.emit({
      type: 'contactAssigned',
      atMs,
      contactId: contact.id,
      agentId: agent.id,
      queueId: contact.queueId,
      waitMs: atMs - contact.joinedAtMs,
      via: 'offer',
    });
    routeAgent(ctx, agent, atMs);
    return null;
  }
  const cooldownMs = queueOf(state, contact.queueId).settings.rejectCooldownMs;
  ctx.emit({
    type: 'offerRejected',
    atMs,
    offerId,
    contactId: contact.id,
    agentId: agent.id,
    cooldownUntilMs: cooldownMs > 0 ? atMs + cooldownMs : null,
  });
  routeContact(ctx, contact, atMs);
  routeAgent(ctx, agent, atMs);
  return null;
}

export function requestNext(ctx: Context, command: CommandOf<'requestNext'>): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const agent = findLoggedIn(state, command.agentId);
  if (isRejection(agent)) return agent;
  if (agent.mode !== 'manual')
    return refuse('agent_not_manual', `Agent ${agent.id} is in auto mode and receives offers.`);
  if (agent.presence === 'notReady')
    return refuse('agent_not_ready', `Agent ${agent.id} is not ready; set it ready first.`);
  const contact = bestContactFor(state, agent, atMs);
  if (contact === null) {
    if (!channels.some((channel) => hasRoomFor(agent, channel))) {
      return refuse(
        'agent_at_capacity',
        `Agent ${agent.id} holds all it can; complete a contact first.`,
      );
    }
    return refuse(
      'no_contact_waiting',
      `No contact agent ${agent.id} may take is waiting; ask again later.`,
    );
  }
  if (agent.presence === 'wrapUp')
    ctx.emit(agentState(agent, { presence: 'ready' }, 'wrapUpEnded', atMs));
  leaveStickyLine(ctx, contact, 'agent', atMs);
  ctx.emit({
    type: 'contactAssigned',
    atMs,
    contactId: contact.id,
    agentId: agent.id,
    queueId: contact.queueId,
    waitMs: atMs - contact.joinedAtMs,
    via: 'requestNext',
  });
  return null;
}
