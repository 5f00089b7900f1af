import { clone } from './clone.ts';
import {
  membershipsPerAgentMax,
  queuesMax,
  type QueueSettings,
  type Rejection,
} from '@lineup/protocol';
import { queueSettingsOf } from './defaults.ts';
import { queueOf } from './indexes.ts';
import { lineOrder } from './state.ts';
import { queueSettingsProblem } from './validate.ts';
import {
  type Context,
  type HandledCommand,
  agentState,
  cancelAgentOffer,
  cancelOffer,
  findAgent,
  findContact,
  findLoggedIn,
  findQueue,
  hoursAt,
  isRejection,
  leaveStickyLine,
  refuse,
  routeAgent,
  routeContact,
  routeMembers,
  withinLimit,
} from './steps.ts';
import { enqueue, finish, requestCallback, transfer } from './contact-commands.ts';
import { answerOffer, createAgent, logOut, requestNext } from './agent-commands.ts';

/*
 * decide: the handlers of commands (STYLE.md, Shape). Each first checks
 * everything that could refuse the command, returning a rejection before any
 * event; then emits its events. `emit` applies each event at once, because a
 * routing step after an event depends on the state it left (an accepted offer
 * frees the agent's offer slot, which lets it be offered the next chat).
 */

/** Runs one command: a rejection (nothing changed) or null after its events were emitted. */
export function handle(ctx: Context, command: HandledCommand): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  switch (command.type) {
    case 'createQueue': {
      if (state.queues.has(command.queue.id))
        return refuse('queue_exists', `Queue ${command.queue.id} exists already.`);
      const limit = withinLimit(state.queues.size, queuesMax, 'queues');
      if (limit !== null) return limit;
      const settings = queueSettingsOf(command.queue);
      const problem = queueSettingsProblem(state, settings, ctx.predictors);
      if (problem !== null) return problem;
      ctx.emit({ type: 'queueCreated', atMs, queue: settings, ...hoursAt(settings, atMs) });
      return null;
    }
    case 'updateQueue': {
      const queue = findQueue(state, command.queueId);
      if (isRejection(queue)) return queue;
      const settings: QueueSettings = clone({ ...queue.settings, ...command.changes });
      const problem = queueSettingsProblem(state, settings, ctx.predictors);
      if (problem !== null) return problem;
      ctx.emit({ type: 'queueUpdated', atMs, queue: settings, ...hoursAt(settings, atMs) });
      routeMembers(ctx, queue, atMs);
      return null;
    }
    case 'deleteQueue': {
      const queue = findQueue(state, command.queueId);
      if (isRejection(queue)) return queue;
      if (queue.contactCount > 0) {
        return refuse(
          'queue_not_empty',
          `Queue ${command.queueId} still holds ${queue.contactCount} contacts.`,
        );
      }
      const user = [...state.queues.values()].find(
        (other) => other.settings.overflowQueueId === command.queueId,
      );
      if (user !== undefined)
        return refuse(
          'queue_in_use',
          `Queue ${user.settings.id} overflows into ${command.queueId}.`,
        );
      const members = [...queue.members].sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const agent of members)
        ctx.emit({ type: 'agentLeftQueue', atMs, agentId: agent.id, queueId: command.queueId });
      ctx.emit({ type: 'queueDeleted', atMs, queueId: command.queueId });
      return null;
    }
    case 'createAgent':
      return createAgent(ctx, command);
    case 'updateAgent': {
      const agent = findAgent(state, command.agentId);
      if (isRejection(agent)) return agent;
      ctx.emit({
        type: 'agentUpdated',
        atMs,
        agentId: agent.id,
        name: command.changes.name ?? agent.name,
        capacity: { ...agent.capacity, ...command.changes.capacity },
      });
      routeAgent(ctx, agent, atMs);
      return null;
    }
    case 'removeAgent': {
      const agent = findAgent(state, command.agentId);
      if (isRejection(agent)) return agent;
      if (agent.presence !== 'offline')
        return refuse('agent_logged_in', `Agent ${agent.id} is logged in; log it out first.`);
      // In the order the agent would have served them (R9), not by channel: the channels' order
      // in the personal-line map follows history, which a restored engine does not share.
      const waiting = [...agent.personal.values()]
        .flatMap((line) => [...line.values()])
        .sort(lineOrder);
      for (const contact of waiting) leaveStickyLine(ctx, contact, 'agentRemoved', atMs);
      ctx.emit({ type: 'agentRemoved', atMs, agentId: agent.id });
      for (const contact of waiting) routeContact(ctx, contact, atMs);
      return null;
    }
    case 'logIn': {
      const agent = findAgent(state, command.agentId);
      if (isRejection(agent)) return agent;
      if (agent.presence !== 'offline')
        return refuse('agent_logged_in', `Agent ${agent.id} is logged in already.`);
      const reason = command.notReadyReason ?? null;
      ctx.emit(
        agentState(
          agent,
          { presence: reason === null ? 'ready' : 'notReady', reason },
          'loggedIn',
          atMs,
        ),
      );
      routeAgent(ctx, agent, atMs);
      return null;
    }
    case 'logOut':
      return logOut(ctx, command);
    case 'setPresence': {
      const agent = findLoggedIn(state, command.agentId);
      if (isRejection(agent)) return agent;
      if (command.presence === 'ready') {
        if (agent.presence === 'ready') return null;
        ctx.emit(
          agentState(
            agent,
            { presence: 'ready' },
            agent.presence === 'wrapUp' ? 'wrapUpEnded' : 'presenceSet',
            atMs,
          ),
        );
        routeAgent(ctx, agent, atMs);
        return null;
      }
      const reason = command.reason ?? 'notReady';
      if (agent.presence === 'notReady' && agent.reason === reason) return null;
      const contact = cancelAgentOffer(ctx, agent, 'agentNotReady', atMs);
      ctx.emit(agentState(agent, { presence: 'notReady', reason }, 'presenceSet', atMs));
      routeContact(ctx, contact, atMs);
      return null;
    }
    case 'setMode': {
      const agent = findAgent(state, command.agentId);
      if (isRejection(agent)) return agent;
      if (agent.mode === command.mode) return null;
      const contact =
        command.mode === 'manual' ? cancelAgentOffer(ctx, agent, 'agentManual', atMs) : undefined;
      ctx.emit(agentState(agent, { mode: command.mode }, 'modeSet', atMs));
      routeContact(ctx, contact, atMs);
      routeAgent(ctx, agent, atMs);
      return null;
    }
    case 'startServing': {
      const agent = findAgent(state, command.agentId);
      if (isRejection(agent)) return agent;
      const queue = findQueue(state, command.queueId);
      if (isRejection(queue)) return queue;
      const membership = agent.memberships.find((item) => item.queueId === command.queueId);
      if (membership === undefined) {
        const limit = withinLimit(
          agent.memberships.length,
          membershipsPerAgentMax,
          'queues per agent',
        );
        if (limit !== null) return limit;
      } else if (membership.priority === command.priority) {
        return null;
      }
      ctx.emit({
        type: 'agentJoinedQueue',
        atMs,
        agentId: agent.id,
        queueId: command.queueId,
        priority: command.priority,
      });
      routeAgent(ctx, agent, atMs);
      return null;
    }
    case 'stopServing': {
      const agent = findAgent(state, command.agentId);
      if (isRejection(agent)) return agent;
      if (!agent.memberships.some((item) => item.queueId === command.queueId)) {
        return refuse(
          'agent_not_serving_queue',
          `Agent ${agent.id} does not serve queue ${command.queueId}.`,
        );
      }
      const offered =
        agent.offerContactId === null ? undefined : state.contacts.get(agent.offerContactId);
      const contact =
        offered !== undefined && offered.queueId === command.queueId
          ? cancelAgentOffer(ctx, agent, 'agentStoppedServing', atMs)
          : undefined;
      ctx.emit({ type: 'agentLeftQueue', atMs, agentId: agent.id, queueId: command.queueId });
      routeContact(ctx, contact, atMs);
      routeAgent(ctx, agent, atMs);
      return null;
    }
    case 'enqueueContact':
      return enqueue(ctx, command);
    case 'requestCallback':
      return requestCallback(ctx, command);
    case 'abandonContact': {
      const contact = findContact(state, command.contactId);
      if (isRejection(contact)) return contact;
      if (contact.status !== 'queued' && contact.status !== 'offered') {
        return refuse(
          'contact_not_waiting',
          `Contact ${contact.id} is with an agent; the agent completes it.`,
        );
      }
      const agent = cancelOffer(ctx, contact, 'contactAbandoned', atMs);
      leaveStickyLine(ctx, contact, 'abandon', atMs);
      ctx.emit({
        type: 'contactAbandoned',
        atMs,
        contactId: contact.id,
        queueId: contact.queueId,
        waitMs: atMs - contact.joinedAtMs,
      });
      routeAgent(ctx, agent, atMs);
      return null;
    }
    case 'convertToCallback': {
      const contact = findContact(state, command.contactId);
      if (isRejection(contact)) return contact;
      if (contact.status !== 'queued' && contact.status !== 'offered') {
        return refuse('contact_not_waiting', `Contact ${contact.id} is not waiting any more.`);
      }
      if (contact.channel === 'callback')
        return refuse('invalid_command', `Contact ${contact.id} is a callback already.`);
      if (!queueOf(state, contact.queueId).settings.callbacks.isAllowed) {
        return refuse('callbacks_not_allowed', `Queue ${contact.queueId} does not take callbacks.`);
      }
      const agent = cancelOffer(ctx, contact, 'contactConverted', atMs);
      ctx.emit({
        type: 'contactConvertedToCallback',
        atMs,
        contactId: contact.id,
        queueId: contact.queueId,
        number: command.number,
      });
      routeContact(ctx, contact, atMs);
      routeAgent(ctx, agent, atMs);
      return null;
    }
    case 'transferContact':
      return transfer(ctx, command);
    case 'completeContact':
    case 'closeCallback':
      return finish(ctx, command);
    case 'acceptOffer':
    case 'rejectOffer':
      return answerOffer(ctx, command);
    case 'requestNext':
      return requestNext(ctx, command);
  }
}
