import type { Channel } from '@lineup/protocol';
import { fail } from './assert.ts';
import { empty } from './lists.ts';
import { OrderedSet } from './ordered-set.ts';
import {
  activityOf,
  hasRoomFor,
  isLiveChannel,
  isOfferable,
  lineFor,
  lineKeyOf,
  setSoleLine,
  markToAnnounce,
  noTimers,
  personalLineFor,
  slotOrder,
  TimerKind,
  type Activity,
  type Agent,
  type AgentSlot,
  type Contact,
  type MembershipState,
  type Queue,
  type QueueOfAgent,
  type State,
  type TimerEntry,
} from './state.ts';
import { AgentCounter, countSpan } from './stats.ts';

/*
 * Keeping the derived indexes in step with the records. evolve.ts changes a
 * contact between detachContact and attachContact, and an agent before
 * refreshAgent; these put the contact or agent back in exactly the lines,
 * free-agent sets, counts and timers its fields call for. Costs: O(log n) per
 * line or timer touched; refreshAgent is O(memberships × channels × log n).
 */

/** The queue of a contact; every live contact's queue exists. */
export function queueOf(state: State, queueId: string): Queue {
  const recent = state.recentQueue;
  if (recent !== null && recent.settings.id === queueId) return recent;
  const queue = state.queues.get(queueId as Queue['settings']['id']);
  if (queue === undefined) fail(`queue ${queueId} is missing`);
  state.recentQueue = queue;
  return queue;
}

/** The agent with this id; callers only ask for agents that exist. */
export function agentOf(state: State, agentId: string): Agent {
  const agent = lookUpAgent(state, agentId);
  if (agent === undefined) fail(`agent ${agentId} is missing`);
  return agent;
}

/** The agent with this id, or undefined; remembered for the lookups that follow (State.recentAgent). */
export function lookUpAgent(state: State, agentId: string): Agent | undefined {
  const recent = state.recentAgent;
  if (recent !== null && recent.id === agentId) return recent;
  const agent = state.agents.get(agentId as Agent['id']);
  if (agent !== undefined) state.recentAgent = agent;
  return agent;
}

/** The live contact with this id. */
export function contactOf(state: State, contactId: string): Contact {
  const contact = lookUpContact(state, contactId);
  if (contact === undefined) fail(`contact ${contactId} is missing`);
  return contact;
}

/** The live contact with this id, or undefined; remembered like lookUpAgent's. */
export function lookUpContact(state: State, contactId: string): Contact | undefined {
  const recent = state.recentContact;
  if (recent !== null && recent.id === contactId) return recent;
  const contact = state.contacts.get(contactId as Contact['id']);
  if (contact !== undefined) state.recentContact = contact;
  return contact;
}

function addTimer(state: State, entry: TimerEntry): TimerEntry {
  const isNew = state.timers.insert(entry);
  if (!isNew) fail(`timer ${entry.kind} ${entry.id} ${entry.sub} at ${entry.atMs} set twice`);
  return entry;
}

function removeTimer(state: State, entry: TimerEntry | null): void {
  if (entry === null) return;
  const wasThere = state.timers.delete(entry);
  if (!wasThere) fail(`timer ${entry.kind} ${entry.id} ${entry.sub} was not set`);
}

/**
 * The contact's timers, from its fields; the shared noTimers when it has
 * none, as most contacts in most states have, so that attaching one
 * allocates no list.
 */
function contactTimers(contact: Contact, queue: Queue): readonly TimerEntry[] {
  let timers: TimerEntry[] | null = null;
  const id = contact.id;
  for (const cooldown of contact.cooldowns) {
    (timers ??= []).push({
      atMs: cooldown.untilMs,
      kind: TimerKind.cooldown,
      id,
      sub: cooldown.agentId,
    });
  }
  if (contact.status === 'offered' && contact.offerExpiresAtMs !== null) {
    (timers ??= []).push({ atMs: contact.offerExpiresAtMs, kind: TimerKind.offer, id, sub: '' });
  }
  if (contact.status !== 'queued') return timers ?? noTimers;
  if (contact.notBeforeMs !== null) {
    (timers ??= []).push({ atMs: contact.notBeforeMs, kind: TimerKind.callbackDue, id, sub: '' });
    return timers;
  }
  const settings = queue.settings;
  if (settings.maxWaitMs > 0 && contact.channel !== 'callback') {
    (timers ??= []).push({
      atMs: contact.queueEnteredAtMs + settings.maxWaitMs,
      kind: TimerKind.maxWait,
      id,
      sub: '',
    });
  }
  if (contact.stickyAgentId !== null) {
    if (contact.stickyUntilMs !== null) {
      (timers ??= []).push({ atMs: contact.stickyUntilMs, kind: TimerKind.sticky, id, sub: '' });
    }
    return timers ?? noTimers;
  }
  const nextStep = settings.expansion[contact.level + 1];
  if (nextStep !== undefined) {
    (timers ??= []).push({
      atMs: contact.queueEnteredAtMs + nextStep.afterMs,
      kind: TimerKind.expansion,
      id,
      sub: '',
    });
  }
  return timers ?? noTimers;
}

/** Takes a contact out of every index (lines, counts, timers) before its fields change. */
export function detachContact(state: State, contact: Contact): void {
  const queue = queueOf(state, contact.queueId);
  markToAnnounce(state, queue);
  if (contact.line !== null) {
    const wasThere = contact.line.delete(contact);
    if (!wasThere) fail(`contact ${contact.id} was not in its line`);
    contact.line = null;
  }
  if (contact.status === 'queued') {
    // Its entry in bySince goes stale with its status or queue, and is dropped later.
    queue.waiting -= 1;
  } else if (contact.status === 'offered') {
    queue.offered -= 1;
  }
  for (const timer of contact.timers) removeTimer(state, timer);
  contact.timers = noTimers;
}

/** Puts a contact into the indexes its fields call for. */
export function attachContact(state: State, contact: Contact): void {
  const queue = queueOf(state, contact.queueId);
  markToAnnounce(state, queue);
  contact.vip = contact.customer.type === 'vip' ? 1 : 0;
  if (contact.status === 'queued') {
    queue.waiting += 1;
    queue.bySince.add(contact, queue.waiting);
    if (contact.notBeforeMs === null) {
      let line: OrderedSet<Contact>;
      if (contact.stickyAgentId !== null) {
        // Personal lines mix queues, so no queue's aging applies there.
        contact.lineKey = lineKeyOf(contact, 0);
        line = personalLineFor(agentOf(state, contact.stickyAgentId), contact.channel);
      } else {
        contact.lineKey = lineKeyOf(contact, queue.settings.agingPointsPerMinute);
        // A contact of a channel the queue no longer takes (updateQueue) still waits its turn:
        // the first line of such a channel needs free-agent slots too (slotAgent).
        if (!queue.lines.has(contact.channel) && !queue.channels.includes(contact.channel))
          for (const member of queue.members) markToSlot(state, member);
        line = lineFor(queue, contact.channel, contact.level);
      }
      const isNew = line.insert(contact);
      if (!isNew) fail(`contact ${contact.id} was in its line twice`);
      contact.line = line;
    }
  } else if (contact.status === 'offered') {
    queue.offered += 1;
  }
  const timers = contactTimers(contact, queue);
  for (const timer of timers) addTimer(state, timer);
  contact.timers = timers;
}

/** Sets the queue's hours timer from its fields. */
export function syncQueueTimer(state: State, queue: Queue): void {
  removeTimer(state, queue.timer);
  queue.timer =
    queue.hoursChangeAtMs === null
      ? null
      : addTimer(state, {
          atMs: queue.hoursChangeAtMs,
          kind: TimerKind.hours,
          id: queue.settings.id,
          sub: '',
        });
}

/** Sets the statistics-day timer; before the first day it is due at once. */
export function syncDayTimer(state: State): void {
  removeTimer(state, state.dayTimer);
  state.dayTimer = addTimer(state, {
    atMs: state.nextDayStartMs ?? 0,
    kind: TimerKind.day,
    id: '',
    sub: '',
  });
}

/** The duration counter each activity adds to. */
export const activityCounter: Record<Activity, number | null> = {
  offline: null,
  notReady: AgentCounter.notReadyMs,
  wrapUp: AgentCounter.wrapUpMs,
  busy: AgentCounter.busyMs,
  free: AgentCounter.freeMs,
};
const activityCount: Record<Activity, 'ready' | 'busy' | 'wrapUp' | 'notReady' | null> = {
  offline: null,
  notReady: 'notReady',
  wrapUp: 'wrapUp',
  busy: 'busy',
  free: 'ready',
};

/**
 * Adds (or with sign -1 removes) an agent of this activity to a queue's
 * counts; membership changes pass the agent's countedActivity.
 */
export function countAgentIn(state: State, queue: Queue, activity: Activity, sign: 1 | -1): void {
  const key = activityCount[activity];
  if (key === null) return;
  markToAnnounce(state, queue);
  queue.agents.serving += sign;
  queue.agents[key] += sign;
}

/** The strategy's tie-breaker for an agent in a queue, smaller first (R4). */
function strategyKey(agent: Agent, membership: MembershipState, queue: Queue): number {
  switch (queue.settings.strategy) {
    case 'longestIdle':
      return agent.idleSinceMs;
    case 'roundRobin':
      return agent.lastOfferSeq;
    case 'fewestContacts':
      return agent.stats.today[AgentCounter.answered] as number;
    case 'leastTalkTime':
      return agent.stats.today[AgentCounter.talkMs] as number;
    case 'topDown':
      return membership.seq;
    case 'random':
      // Drawn among the agents of the highest priority at offer time (routing.ts).
      return 0;
  }
}

/** The free-agent index of a queue for a channel, created on first use. */
function freeAgentsFor(queue: Queue, channel: Channel): OrderedSet<AgentSlot> {
  let set = queue.freeAgents.get(channel);
  if (set === undefined) {
    set = new OrderedSet(slotOrder);
    queue.freeAgents.set(channel, set);
  }
  return set;
}

/**
 * Brings an agent's derived parts up to date after its fields changed at
 * atMs: contacts held per channel, activity (with time accounting and queue
 * counts), free-agent slots and wrap-up timer.
 */
export function refreshAgent(state: State, agent: Agent, atMs: number): void {
  const held = agent.heldByChannel;
  held.voice = held.video = held.chat = held.callback = held.email = held.task = 0;
  agent.heldLive = 0;
  for (const contactId of agent.held) {
    const channel = contactOf(state, contactId).channel;
    held[channel] += 1;
    if (isLiveChannel(channel)) agent.heldLive += 1;
  }

  const activity = activityOf(agent);
  if (activity !== agent.activity) {
    const counter = activityCounter[agent.activity];
    if (counter !== null) {
      countSpan(agent.stats, counter, agent.activitySinceMs, atMs, state.dayStartMs ?? 0);
    }
    agent.activity = activity;
    agent.activitySinceMs = atMs;
    if (!agent.isToCount) {
      agent.isToCount = true;
      state.agentsToCount.push(agent);
    }
  }

  markToSlot(state, agent);

  removeTimer(state, agent.timer);
  agent.timer =
    agent.presence === 'wrapUp' && agent.wrapUpUntilMs !== null
      ? addTimer(state, {
          atMs: agent.wrapUpUntilMs,
          kind: TimerKind.wrapUp,
          id: agent.id,
          sub: '',
        })
      : null;
}

/**
 * Brings the agent counts of queues up to date with the activity of the
 * agents that changed since the last call (Agent.countedActivity), marking
 * each queue whose counts change for the status check. Called before counts
 * are read; an agent back in the activity it was counted in changes nothing.
 */
export function flushCounts(state: State): void {
  const agents = state.agentsToCount;
  if (agents.length === 0) return;
  for (let index = 0; index < agents.length; index++) {
    const agent = agents[index] as Agent;
    if (!agent.isToCount) continue;
    agent.isToCount = false;
    const from = agent.countedActivity;
    const to = agent.activity;
    if (from === to) continue;
    for (const { queue } of agent.queueOrder) {
      countAgentIn(state, queue, from, -1);
      countAgentIn(state, queue, to, 1);
    }
    agent.countedActivity = to;
  }
  empty(agents);
}

/** Sorts an agent's memberships by queue priority (R3); after they or a queue's priority change. */
export function orderQueues(state: State, agent: Agent): void {
  agent.queueOrder = agent.memberships
    .map((membership): QueueOfAgent => {
      const queue = queueOf(state, membership.queueId);
      const entry: QueueOfAgent = {
        membership,
        queue,
        agentPriority: membership.priority,
        queuePriority: queue.settings.priority,
        agingPointsPerMinute: queue.settings.agingPointsPerMinute,
        lineList: queue.lineList,
        soleLine: null,
        soleChannel: 'voice',
        soleMinPriority: Number.NEGATIVE_INFINITY,
      };
      setSoleLine(entry, queue.lineList);
      return entry;
    })
    .sort(
      (a, b) =>
        b.queuePriority - a.queuePriority || (a.queue.settings.id < b.queue.settings.id ? -1 : 1),
    );
}

/** Takes an agent out of every free-agent index (it was removed). */
export function releaseSlots(state: State, agent: Agent): void {
  for (const { set, slot } of agent.slots) set.delete(slot);
  agent.slots = [];
  // It stays listed in agentsToSlot, unmarked, and flushSlots skips it.
  agent.isToSlot = false;
}

/** Lists an agent whose free-agent slots are stale, once. O(1). */
function markToSlot(state: State, agent: Agent): void {
  if (agent.isToSlot) return;
  agent.isToSlot = true;
  state.agentsToSlot.push(agent);
}

/**
 * Rebuilds the free-agent slots of the agents that changed since the last
 * call: each offerable agent gets one slot per queue it serves and channel it
 * has room for, keyed by its priority there and the queue's strategy (R4).
 * Called before free agents are looked up; the result does not depend on
 * when it is called, as slots are ordered by their keys alone.
 */
export function flushSlots(state: State): void {
  const agents = state.agentsToSlot;
  for (let index = 0; index < agents.length; index++) {
    const agent = agents[index] as Agent;
    if (!agent.isToSlot) continue;
    agent.isToSlot = false;
    slotAgent(agent);
  }
  empty(agents);
}

function slotIn(agent: Agent, membership: MembershipState, queue: Queue, channel: Channel): void {
  if (!hasRoomFor(agent, channel)) return;
  const slot: AgentSlot = {
    agent,
    priority: membership.priority,
    key: strategyKey(agent, membership, queue),
  };
  const set = freeAgentsFor(queue, channel);
  set.insert(slot);
  agent.slots.push({ set, slot });
}

function slotAgent(agent: Agent): void {
  if (agent.slots.length > 0) {
    for (const { set, slot } of agent.slots) set.delete(slot);
    agent.slots = [];
  }
  // Holding a live contact leaves room for nothing (hasRoomFor), so no slot would be made.
  if (isOfferable(agent) && agent.heldLive === 0) {
    for (const { membership, queue } of agent.queueOrder) {
      for (const channel of queue.channels) slotIn(agent, membership, queue, channel);
      // Contacts of a channel the queue stopped taking keep their places and are still served.
      for (const channel of queue.lines.keys())
        if (!queue.channels.includes(channel)) slotIn(agent, membership, queue, channel);
    }
  }
}
