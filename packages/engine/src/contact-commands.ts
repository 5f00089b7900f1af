import {
  asContactId,
  asCustomerId,
  asQueueId,
  liveContactsMax,
  type AgentId,
  type CommandOf,
  type EventOf,
  type Rejection,
} from '@lineup/protocol';
import { agentTransferWaitMsDefault } from './defaults.ts';
import { agentOf, flushCounts, queueOf } from './indexes.ts';
import { positionOf } from './routing.ts';
import { lineKeyOf, newContact, type Agent, type Contact, type Queue } from './state.ts';
import { ewtAt } from './status.ts';
import {
  type Context,
  agentState,
  cancelOffer,
  findAgent,
  findContact,
  findQueue,
  isRejection,
  leaveStickyLine,
  refuse,
  routeAgent,
  routeContact,
  routeLiveContact,
  withinLimit,
  wrapUpAfter,
} from './steps.ts';
/*
 * Handlers of the contact commands: joining (R11, R16, R9), callbacks (R10),
 * transfers, and finishing a contact (R8, R10).
 */

type Arrival = Pick<
  EventOf<'contactQueued'>,
  'contact' | 'stickyAgentId' | 'stickyUntilMs' | 'notBeforeMs'
>;

/**
 * Emits contactQueued with the contact's first position and EWT (R13). The
 * position is the rank of the contact in its line before it is in it, found
 * with a contact built exactly as evolve will build it.
 */
function queueArrival(ctx: Context, queue: Queue, atMs: number, arrival: Arrival): void {
  const record = arrival.contact;
  // Only the fields lineOrder and positionOf read are set; the probe is never stored.
  probe.id = record.id;
  probe.queueId = record.queueId;
  probe.status = 'queued';
  probe.stickyAgentId = arrival.stickyAgentId;
  probe.notBeforeMs = arrival.notBeforeMs;
  probe.placeAtMs = record.placeAtMs;
  probe.priority = record.priority;
  probe.vip = record.customer.type === 'vip' ? 1 : 0;
  probe.lineKey = lineKeyOf(
    probe,
    probe.stickyAgentId === null ? queue.settings.agingPointsPerMinute : 0,
  );
  const position = positionOf(ctx.state, probe);
  // The EWT reads the queue's agent counts.
  flushCounts(ctx.state);
  ctx.emit({
    type: 'contactQueued',
    atMs,
    // Named one by one: a spread builds the event through V8's slow generic copy.
    contact: record,
    stickyAgentId: arrival.stickyAgentId,
    stickyUntilMs: arrival.stickyUntilMs,
    notBeforeMs: arrival.notBeforeMs,
    position,
    ewtMs: position === null ? null : ewtAt(queue, position, atMs, ctx.predictors),
  });
}

/**
 * The contact used to rank an arrival before it exists. One object, reused:
 * built by newContact so that it shares the hidden class of real contacts,
 * which keeps the line comparisons monomorphic.
 */
const probe = newContact(
  {
    id: asContactId('probe'),
    queueId: asQueueId('probe'),
    channel: 'chat',
    customer: { id: asCustomerId('probe'), type: 'normal' },
    priority: 0,
    joinedType: 'inbound',
    joinedAtMs: 0,
    placeAtMs: 0,
    preferredAgentId: null,
    attributes: {},
    callbackNumber: null,
  },
  0,
  { stickyAgentId: null, stickyUntilMs: null, notBeforeMs: null },
);

/** Turns a joining contact away with the queue's policy (R11, R16, maxSize); never refused. */
function deflect(
  ctx: Context,
  command: CommandOf<'enqueueContact'>,
  queue: Queue,
  reason: EventOf<'contactDeflected'>['reason'],
  action: EventOf<'contactDeflected'>['action'],
): null {
  const input = command.contact;
  ctx.emit({
    type: 'contactDeflected',
    atMs: command.atMs,
    contactId: input.id,
    queueId: queue.settings.id,
    channel: input.channel,
    customer: input.customer,
    reason,
    action,
    message: queue.settings.closedMessage,
  });
  return null;
}

export function enqueue(ctx: Context, command: CommandOf<'enqueueContact'>): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const input = command.contact;
  if (state.contacts.has(input.id))
    return refuse('contact_exists', `A live contact has id ${input.id} already.`);
  const queue = findQueue(state, input.queueId);
  if (isRejection(queue)) return queue;
  if (!queue.channels.includes(input.channel)) {
    return refuse(
      'channel_not_served',
      `Queue ${queue.settings.id} does not take ${input.channel} contacts.`,
      { channel: input.channel },
    );
  }
  const limit = withinLimit(state.contacts.size, liveContactsMax, 'live contacts');
  if (limit !== null) return limit;
  const settings = queue.settings;
  let channel = input.channel;
  let joinedType = input.joinedType ?? 'inbound';
  let notBeforeMs: number | null = null;
  flushCounts(state);
  if (!queue.isOpen) {
    // R16: contacts already waiting are served; a joining one gets the closed policy.
    if (settings.whenClosed === 'refuse')
      return deflect(ctx, command, queue, 'queueClosed', 'refuse');
    if (
      settings.whenClosed === 'leaveMessage' ||
      input.customer.number === undefined ||
      queue.hoursChangeAtMs === null
    ) {
      return deflect(ctx, command, queue, 'queueClosed', 'leaveMessage');
    }
    channel = 'callback';
    joinedType = 'callback';
    notBeforeMs = queue.hoursChangeAtMs;
  } else if (queue.agents.serving === 0 && settings.whenEmpty !== 'wait') {
    const action = settings.whenEmpty === 'reject' ? 'refuse' : 'leaveMessage';
    return deflect(ctx, command, queue, 'queueOffline', action);
  }
  if (queue.waiting >= settings.maxSize) return deflect(ctx, command, queue, 'queueFull', 'refuse');

  const preferred =
    input.preferredAgentId === undefined ? undefined : state.agents.get(input.preferredAgentId);
  const isSticky = preferred !== undefined && settings.stickyTimeoutMs > 0 && notBeforeMs === null;
  const stickyAgentId = isSticky ? preferred.id : null;
  queueArrival(ctx, queue, atMs, {
    contact: {
      id: input.id,
      queueId: settings.id,
      channel,
      customer: input.customer,
      priority: input.priority ?? 0,
      joinedType,
      joinedAtMs: atMs,
      placeAtMs: atMs,
      preferredAgentId: input.preferredAgentId ?? null,
      attributes: input.attributes ?? {},
      callbackNumber: channel === 'callback' ? (input.customer.number ?? null) : null,
    },
    stickyAgentId,
    stickyUntilMs: isSticky ? atMs + settings.stickyTimeoutMs : null,
    notBeforeMs,
  });
  const contact = state.contacts.get(input.id) as Contact;
  announceSticky(ctx, contact, atMs);
  routeLiveContact(ctx, contact, atMs);
  return null;
}

/** Reports a contact that now waits for one agent (R9; seed: memberEnqueue). */
export function announceSticky(ctx: Context, contact: Contact, atMs: number): void {
  if (contact.stickyAgentId === null) return;
  let lineLength = 0;
  for (const line of agentOf(ctx.state, contact.stickyAgentId).personal.values())
    lineLength += line.size;
  ctx.emit({
    type: 'stickyQueued',
    atMs,
    contactId: contact.id,
    agentId: contact.stickyAgentId,
    queueId: contact.queueId,
    untilMs: contact.stickyUntilMs,
    lineLength,
  });
}

export function requestCallback(
  ctx: Context,
  command: CommandOf<'requestCallback'>,
): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const input = command.contact;
  if (state.contacts.has(input.id))
    return refuse('contact_exists', `A live contact has id ${input.id} already.`);
  const queue = findQueue(state, input.queueId);
  if (isRejection(queue)) return queue;
  if (!queue.settings.callbacks.isAllowed)
    return refuse('callbacks_not_allowed', `Queue ${queue.settings.id} does not take callbacks.`);
  if (input.customer.number === undefined || input.customer.number === '') {
    return refuse('callback_number_required', 'A callback needs customer.number.');
  }
  if (queue.waiting >= queue.settings.maxSize)
    return refuse('queue_full', `Queue ${queue.settings.id} is full.`);
  const limit = withinLimit(state.contacts.size, liveContactsMax, 'live contacts');
  if (limit !== null) return limit;
  // A callback asked for outside opening hours is due when the queue opens (R16).
  let notBeforeMs = input.notBeforeMs ?? null;
  if (!queue.isOpen && queue.hoursChangeAtMs !== null)
    notBeforeMs = Math.max(notBeforeMs ?? 0, queue.hoursChangeAtMs);
  if (notBeforeMs !== null && notBeforeMs <= atMs) notBeforeMs = null;
  queueArrival(ctx, queue, atMs, {
    contact: {
      id: input.id,
      queueId: queue.settings.id,
      channel: 'callback',
      customer: input.customer,
      priority: input.priority ?? 0,
      joinedType: 'callback',
      joinedAtMs: atMs,
      placeAtMs: atMs,
      preferredAgentId: null,
      attributes: input.attributes ?? {},
      callbackNumber: input.customer.number,
    },
    stickyAgentId: null,
    stickyUntilMs: null,
    notBeforeMs,
  });
  routeContact(ctx, state.contacts.get(input.id), atMs);
  return null;
}

export function transfer(ctx: Context, command: CommandOf<'transferContact'>): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const contact = findContact(state, command.contactId);
  if (isRejection(contact)) return contact;
  // The agent that transfers, when one is named, exists, even for a waiting contact it does not hold.
  if (command.agentId !== undefined) {
    const agent = findAgent(state, command.agentId);
    if (isRejection(agent)) return agent;
  }
  if (contact.status === 'wrapUp')
    return refuse('contact_not_waiting', `Contact ${contact.id} has ended.`);
  if (contact.status === 'assigned' && contact.agentId !== command.agentId) {
    return refuse(
      'contact_not_assigned',
      `Contact ${contact.id} is held by another agent; only it may transfer it.`,
    );
  }
  const target = command.target;
  let toQueue: Queue;
  let toAgent: Agent | null = null;
  if ('queueId' in target) {
    const found = findQueue(state, target.queueId);
    if (isRejection(found)) return found;
    toQueue = found;
    if (!toQueue.channels.includes(contact.channel)) {
      return refuse(
        'channel_not_served',
        `Queue ${toQueue.settings.id} does not take ${contact.channel} contacts.`,
      );
    }
    if (
      toQueue !== queueOf(state, contact.queueId) &&
      toQueue.waiting >= toQueue.settings.maxSize
    ) {
      return refuse('queue_full', `Queue ${toQueue.settings.id} is full.`);
    }
  } else {
    const found = findAgent(state, target.agentId);
    if (isRejection(found)) return found;
    toAgent = found;
    toQueue = queueOf(state, contact.queueId);
  }
  const fromAgent =
    contact.status === 'assigned' ? agentOf(state, contact.agentId as AgentId) : undefined;
  const offerAgent = cancelOffer(ctx, contact, 'contactTransferred', atMs);
  leaveStickyLine(ctx, contact, 'transferred', atMs);
  const keepsPlace = 'keepsPlace' in target ? target.keepsPlace : true;
  ctx.emit({
    type: 'contactTransferred',
    atMs,
    contactId: contact.id,
    fromQueueId: contact.queueId,
    toQueueId: toQueue.settings.id,
    fromAgentId: fromAgent?.id ?? null,
    toAgentId: toAgent?.id ?? null,
    placeAtMs: keepsPlace ? contact.placeAtMs : atMs,
    stickyUntilMs:
      'agentId' in target ? atMs + (target.waitMsMax ?? agentTransferWaitMsDefault) : null,
  });
  announceSticky(ctx, contact, atMs);
  routeContact(ctx, contact, atMs);
  routeAgent(ctx, fromAgent ?? offerAgent, atMs);
  return null;
}

export function finish(
  ctx: Context,
  command: CommandOf<'completeContact'> | CommandOf<'closeCallback'>,
): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const agent = findAgent(state, command.agentId);
  if (isRejection(agent)) return agent;
  const contact = findContact(state, command.contactId);
  if (isRejection(contact)) return contact;
  if (contact.status !== 'assigned' || contact.agentId !== agent.id) {
    return refuse(
      'contact_not_assigned',
      `Contact ${contact.id} is not held by agent ${agent.id}.`,
    );
  }
  if (command.type === 'closeCallback' && contact.channel !== 'callback') {
    return refuse(
      'not_a_callback',
      `Contact ${contact.id} is not a callback; complete it instead.`,
    );
  }
  const queue = queueOf(state, contact.queueId);
  const talkMs = atMs - (contact.assignedAtMs ?? atMs);
  const wrapUpUntilMs = wrapUpAfter(agent, queue, atMs);
  if (command.type === 'completeContact') {
    ctx.emit({
      type: 'contactCompleted',
      atMs,
      contactId: contact.id,
      agentId: agent.id,
      queueId: queue.settings.id,
      talkMs,
      wrapUpUntilMs,
    });
  } else {
    const attempt = contact.callbackAttempts + 1;
    const policy = queue.settings.callbacks;
    const isRetried = command.outcome === 'noAnswer' && attempt < policy.attemptsMax;
    ctx.emit({
      type: 'callbackClosed',
      atMs,
      contactId: contact.id,
      agentId: agent.id,
      queueId: queue.settings.id,
      outcome: command.outcome,
      attempt,
      talkMs,
      retryAtMs: isRetried ? atMs + policy.retryDelayMs : null,
      wrapUpUntilMs,
    });
  }
  if (wrapUpUntilMs !== null) {
    ctx.emit(agentState(agent, { presence: 'wrapUp', wrapUpUntilMs }, 'wrapUpStarted', atMs));
  }
  routeAgent(ctx, agent, atMs);
  return null;
}
