import { clone } from './clone.ts';
import {
  agentsMax,
  asContactId,
  asCustomerId,
  asQueueId,
  liveContactsMax,
  membershipsPerAgentMax,
  queuesMax,
  rejection,
  channels,
  type AgentId,
  type Command,
  type CommandOf,
  type Event,
  type EventOf,
  type QueueId,
  type QueueSettings,
  type Rejection,
} from '@lineup/protocol';
import { capacityOf, queueSettingsOf, agentTransferWaitMsDefault } from './defaults.ts';
import { isOpen, nextChangeMs } from './hours.ts';
import { agentOf, queueOf } from './indexes.ts';
import { bestAgentFor, bestContactFor, positionOf } from './routing.ts';
import {
  hasRoomFor,
  isOfferable,
  lineKeyOf,
  lineOrder,
  newContact,
  type Agent,
  type Contact,
  type Queue,
  type State,
} from './state.ts';
import { ewtAt, type PredictorLookup } from './status.ts';
import { queueSettingsProblem } from './validate.ts';

/*
 * decide: the handlers of commands (STYLE.md, Shape). Each first checks
 * everything that could refuse the command, returning a rejection before any
 * event; then emits its events. `emit` applies each event at once, because a
 * routing step after an event depends on the state it left (an accepted offer
 * frees the agent's offer slot, which lets it be offered the next chat).
 */

/** What a handler works with. */
export interface Context {
  readonly state: State;
  readonly predictors: PredictorLookup;
  /** Applies an event to the state and records it. */
  emit(event: Event): void;
}

/** Every command but tick, with its time already clamped to the engine's clock. */
export type HandledCommand = Exclude<Command, { type: 'tick' }>;

const refuse = rejection;

// --- Routing steps --------------------------------------------------------------------------

/** Offers a waiting contact to the best free agent, if there is one (R4, R5). */
export function routeContact(ctx: Context, contact: Contact | undefined, atMs: number): void {
  if (contact === undefined || !ctx.state.contacts.has(contact.id)) return;
  const agent = bestAgentFor(ctx.state, contact);
  if (agent !== null) offer(ctx, contact, agent, atMs);
}

/** Offers a free auto agent its best waiting contact, if there is one (R3). */
export function routeAgent(ctx: Context, agent: Agent | undefined, atMs: number): void {
  if (agent === undefined || !ctx.state.agents.has(agent.id) || !isOfferable(agent)) return;
  const contact = bestContactFor(ctx.state, agent, atMs);
  if (contact !== null) offer(ctx, contact, agent, atMs);
}

/** Routes every free agent of a queue, in id order so that replays agree. */
function routeMembers(ctx: Context, queue: Queue, atMs: number): void {
  const members = [...queue.members].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const agent of members) routeAgent(ctx, agent, atMs);
}

/** Takes a contact out of its one agent's line, reporting why (R9; seed: memberDequeue). */
export function leaveStickyLine(
  ctx: Context,
  contact: Contact,
  leaveType: Extract<Event, { type: 'stickyDequeued' }>['leaveType'],
  atMs: number,
): void {
  if (contact.stickyAgentId === null) return;
  ctx.emit({
    type: 'stickyDequeued',
    atMs,
    contactId: contact.id,
    agentId: contact.stickyAgentId,
    queueId: contact.queueId,
    leaveType,
  });
}

function offer(ctx: Context, contact: Contact, agent: Agent, atMs: number): void {
  leaveStickyLine(ctx, contact, 'agent', atMs);
  const queue = queueOf(ctx.state, contact.queueId);
  ctx.emit({
    type: 'offerCreated',
    atMs,
    // The number of this very event: unique for the engine's life.
    offerId: `o${ctx.state.eventCount}` as Contact['offerId'] & string,
    contactId: contact.id,
    agentId: agent.id,
    queueId: contact.queueId,
    channel: contact.channel,
    expiresAtMs: atMs + queue.settings.offerTimeoutMs,
  });
}

/** Withdraws the contact's pending offer, if any, and returns the agent it was made to. */
function cancelOffer(
  ctx: Context,
  contact: Contact,
  reason: Parameters<typeof cancelReason>[0],
  atMs: number,
): Agent | undefined {
  if (contact.status !== 'offered' || contact.offerId === null || contact.offerAgentId === null)
    return undefined;
  const agent = agentOf(ctx.state, contact.offerAgentId);
  ctx.emit({
    type: 'offerCancelled',
    atMs,
    offerId: contact.offerId,
    contactId: contact.id,
    agentId: agent.id,
    reason: cancelReason(reason),
  });
  return agent;
}
const cancelReason = <T extends Extract<Event, { type: 'offerCancelled' }>['reason']>(
  reason: T,
): T => reason;

/** Withdraws the agent's pending offer, if any, and returns its contact. */
function cancelAgentOffer(
  ctx: Context,
  agent: Agent,
  reason: Parameters<typeof cancelReason>[0],
  atMs: number,
): Contact | undefined {
  if (agent.offerContactId === null) return undefined;
  const contact = ctx.state.contacts.get(agent.offerContactId);
  if (contact === undefined) return undefined;
  cancelOffer(ctx, contact, reason, atMs);
  return contact;
}

/** The agentStateChanged event of a change to an agent's presence or mode. */
export function agentState(
  agent: Agent,
  changes: Partial<Pick<Agent, 'presence' | 'reason' | 'mode' | 'wrapUpUntilMs'>>,
  cause: Extract<Event, { type: 'agentStateChanged' }>['cause'],
  atMs: number,
): Event {
  const presence = changes.presence ?? agent.presence;
  return {
    type: 'agentStateChanged',
    atMs,
    agentId: agent.id,
    presence,
    reason: presence === 'notReady' ? (changes.reason ?? agent.reason) : null,
    mode: changes.mode ?? agent.mode,
    cause,
    wrapUpUntilMs: presence === 'wrapUp' ? (changes.wrapUpUntilMs ?? agent.wrapUpUntilMs) : null,
  };
}

/** The wrap-up an agent enters after finishing a contact of `queue`, or null (R8). */
function wrapUpAfter(agent: Agent, queue: Queue, atMs: number): number | null {
  if (queue.settings.wrapUpMs === 0 || (agent.presence !== 'ready' && agent.presence !== 'wrapUp'))
    return null;
  return Math.max(agent.wrapUpUntilMs ?? 0, atMs + queue.settings.wrapUpMs);
}

// --- Lookups that refuse --------------------------------------------------------------------

type Found<T> = T | Rejection;
const isRejection = (value: unknown): value is Rejection =>
  typeof value === 'object' && value !== null && 'code' in value && 'message' in value;

function findQueue(state: State, queueId: QueueId): Found<Queue> {
  return (
    state.queues.get(queueId) ??
    refuse('queue_not_found', `No queue has id ${queueId}.`, { queueId })
  );
}
function findAgent(state: State, agentId: AgentId): Found<Agent> {
  return (
    state.agents.get(agentId) ??
    refuse('agent_not_found', `No agent has id ${agentId}.`, { agentId })
  );
}
function findContact(state: State, contactId: string): Found<Contact> {
  return (
    state.contacts.get(contactId as Contact['id']) ??
    refuse('contact_not_found', `No live contact has id ${contactId}; it may have ended.`, {
      contactId,
    })
  );
}
function findLoggedIn(state: State, agentId: AgentId): Found<Agent> {
  const agent = findAgent(state, agentId);
  if (isRejection(agent)) return agent;
  return agent.presence === 'offline'
    ? refuse('agent_logged_out', `Agent ${agentId} is logged out; log it in first.`, { agentId })
    : agent;
}

function withinLimit(count: number, max: number, what: string): Rejection | null {
  return count >= max
    ? refuse('limit_reached', `At most ${max} ${what} are allowed.`, { limit: what, max })
    : null;
}

/** The opening state of hours at atMs, and when it next changes. */
function hoursAt(
  settings: QueueSettings,
  atMs: number,
): { isOpen: boolean; hoursChangeAtMs: number | null } {
  if (settings.hours === null) return { isOpen: true, hoursChangeAtMs: null };
  return {
    isOpen: isOpen(settings.hours, atMs),
    hoursChangeAtMs: nextChangeMs(settings.hours, atMs),
  };
}

// --- Handlers -------------------------------------------------------------------------------

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
      if (queue.contacts.size > 0) {
        return refuse(
          'queue_not_empty',
          `Queue ${command.queueId} still holds ${queue.contacts.size} contacts.`,
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

function createAgent(ctx: Context, command: CommandOf<'createAgent'>): Rejection | null {
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

function logOut(ctx: Context, command: CommandOf<'logOut'>): Rejection | null {
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
  ctx.emit({
    type: 'contactQueued',
    atMs,
    ...arrival,
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

function enqueue(ctx: Context, command: CommandOf<'enqueueContact'>): Rejection | null {
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
  const deflect = (
    reason: 'queueOffline' | 'queueClosed' | 'queueFull',
    action: 'refuse' | 'leaveMessage',
  ) => {
    ctx.emit({
      type: 'contactDeflected',
      atMs,
      contactId: input.id,
      queueId: settings.id,
      channel: input.channel,
      customer: input.customer,
      reason,
      action,
      message: settings.closedMessage,
    });
    return null;
  };
  let channel = input.channel;
  let joinedType = input.joinedType ?? 'inbound';
  let notBeforeMs: number | null = null;
  if (!queue.isOpen) {
    // R16: contacts already waiting are served; a joining one gets the closed policy.
    if (settings.whenClosed === 'refuse') return deflect('queueClosed', 'refuse');
    if (
      settings.whenClosed === 'leaveMessage' ||
      input.customer.number === undefined ||
      queue.hoursChangeAtMs === null
    ) {
      return deflect('queueClosed', 'leaveMessage');
    }
    channel = 'callback';
    joinedType = 'callback';
    notBeforeMs = queue.hoursChangeAtMs;
  } else if (queue.agents.serving === 0 && settings.whenEmpty !== 'wait') {
    return deflect('queueOffline', settings.whenEmpty === 'reject' ? 'refuse' : 'leaveMessage');
  }
  if (queue.waiting >= settings.maxSize) return deflect('queueFull', 'refuse');

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
  routeContact(ctx, contact, atMs);
  return null;
}

/** Reports a contact that now waits for one agent (R9; seed: memberEnqueue). */
function announceSticky(ctx: Context, contact: Contact, atMs: number): void {
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

function requestCallback(ctx: Context, command: CommandOf<'requestCallback'>): Rejection | null {
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

function transfer(ctx: Context, command: CommandOf<'transferContact'>): Rejection | null {
  const state = ctx.state;
  const atMs = command.atMs;
  const contact = findContact(state, command.contactId);
  if (isRejection(contact)) return contact;
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

function finish(
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

function answerOffer(
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

function requestNext(ctx: Context, command: CommandOf<'requestNext'>): Rejection | null {
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
