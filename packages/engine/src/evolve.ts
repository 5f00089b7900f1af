import { clone } from './clone.ts';
import type { AgentId, Event, EventOf } from '@lineup/protocol';
import { assert, fail } from './assert.ts';
import { removeAt } from './lists.ts';
import {
  agentOf,
  attachContact,
  contactOf,
  countAgentIn,
  detachContact,
  queueOf,
  orderQueues,
  refreshAgent,
  releaseSlots,
  syncDayTimer,
  syncQueueTimer,
} from './indexes.ts';
import {
  deriveQueueShape,
  materializeAgent,
  materializeQueue,
  markToAnnounce,
  newContact,
  noCooldowns,
  type Agent,
  type Contact,
  type Queue,
  type State,
} from './state.ts';
import {
  count,
  newTally,
  raise,
  resetToday,
  AgentCounter,
  QueueCounter,
  agentCounterKind,
  queueCounterKind,
} from './stats.ts';
import { statusSignature } from './status.ts';

/*
 * evolve: applies one event to the state (STYLE.md, Shape). It never decides
 * anything: every choice (which agent, which contact, which time) is in the
 * event, so folding a journal through evolve rebuilds the live state exactly.
 */

/** How many of an agent's last offer ids are kept to tell offer_expired from offer_not_found. */
export const recentOfferIdsMax = 8;

const countQueue = (queue: Queue, counter: number, amount: number, atMs: number): void => {
  count(queue.stats, counter, amount, atMs);
};

/** Notes that a queue's status may have changed (handle times and abandons feed its EWT). */
const touch = (state: State, queue: Queue): void => {
  markToAnnounce(state, queue);
  queue.isEwtInputChanged = true;
};

/** Applies one event to the state. */
export function evolve(state: State, event: Event): void {
  const atMs = event.atMs;
  if (atMs > state.nowMs) state.nowMs = atMs;
  apply(state, event);
  state.eventCount += 1;
}

function apply(state: State, event: Event): void {
  switch (event.type) {
    case 'queueCreated': {
      createQueue(state, event);
      return;
    }
    case 'queueUpdated': {
      updateQueue(state, event);
      return;
    }
    case 'queueDeleted': {
      const queue = queueOf(state, event.queueId);
      assert(
        queue.contactCount === 0 && queue.members.size === 0,
        `deleted queue ${event.queueId} is in use`,
      );
      if (queue.timer !== null) state.timers.delete(queue.timer);
      state.queues.delete(event.queueId);
      state.recentQueue = null;
      // Gone: the status check skips it (it may still be listed in queuesToAnnounce).
      queue.isToAnnounce = false;
      return;
    }
    case 'queueOpened':
    case 'queueClosed': {
      const queue = queueOf(state, event.queueId);
      queue.isOpen = event.type === 'queueOpened';
      queue.hoursChangeAtMs = event.hoursChangeAtMs;
      syncQueueTimer(state, queue);
      touch(state, queue);
      return;
    }
    case 'queueStatusChanged': {
      const queue = queueOf(state, event.status.queueId);
      queue.lastStatusSignature = statusSignature(event.status, queue.lastStatusSignature);
      return;
    }
    case 'agentCreated': {
      createAgent(state, event);
      return;
    }
    case 'agentUpdated': {
      const agent = agentOf(state, event.agentId);
      agent.name = event.name;
      agent.capacity = { ...event.capacity };
      refreshAgent(state, agent, event.atMs);
      return;
    }
    case 'agentRemoved': {
      const agent = agentOf(state, event.agentId);
      assert(
        agent.presence === 'offline' && agent.held.length === 0,
        `removed agent ${agent.id} is logged in`,
      );
      for (const membership of agent.memberships) {
        const queue = queueOf(state, membership.queueId);
        queue.members.delete(agent);
        // Offline, unless a replay has not counted its logging out yet.
        countAgentIn(state, queue, agent.countedActivity, -1);
      }
      agent.isToCount = false;
      state.agents.delete(agent.id);
      state.recentAgent = null;
      releaseSlots(state, agent);
      return;
    }
    case 'agentJoinedQueue': {
      joinQueue(state, event);
      return;
    }
    case 'agentLeftQueue': {
      const agent = agentOf(state, event.agentId);
      const queue = queueOf(state, event.queueId);
      agent.memberships = agent.memberships.filter(
        (membership) => membership.queueId !== event.queueId,
      );
      queue.members.delete(agent);
      countAgentIn(state, queue, agent.countedActivity, -1);
      orderQueues(state, agent);
      refreshAgent(state, agent, event.atMs);
      return;
    }
    case 'agentStateChanged': {
      changeAgentState(state, event);
      return;
    }
    case 'contactQueued': {
      queueContact(state, event);
      return;
    }
    case 'contactDeflected':
      countQueue(queueOf(state, event.queueId), QueueCounter.deflected, 1, event.atMs);
      return;
    case 'stickyQueued':
      return;
    case 'stickyDequeued': {
      changeContact(state, event.contactId, (contact) => {
        contact.stickyAgentId = null;
        contact.stickyUntilMs = null;
      });
      return;
    }
    case 'contactPoolWidened': {
      changeContact(state, event.contactId, (contact) => {
        contact.level = event.level;
      });
      return;
    }
    case 'callbackDue': {
      changeContact(state, event.contactId, (contact) => {
        contact.notBeforeMs = null;
      });
      return;
    }
    case 'offerCreated': {
      createOffer(state, event);
      return;
    }
    case 'offerAccepted': {
      const contact = contactOf(state, event.contactId);
      const agent = agentOf(state, event.agentId);
      detachContact(state, contact);
      clearOffer(state, contact, agent);
      agent.noAnswerCount = 0;
      attachContact(state, contact);
      // The agent is refreshed by the contactAssigned that always follows.
      return;
    }
    case 'offerRejected':
    case 'offerTimedOut':
    case 'offerCancelled': {
      returnOffer(state, event);
      return;
    }
    case 'offerCooldownEnded': {
      changeContact(state, event.contactId, (contact) => {
        contact.cooldowns = contact.cooldowns.filter(
          (cooldown) => cooldown.agentId !== event.agentId,
        );
      });
      return;
    }
    case 'contactAssigned': {
      assignContact(state, event);
      return;
    }
    case 'contactRequeued': {
      const contact = contactOf(state, event.contactId);
      const agent = agentOf(state, event.agentId);
      detachContact(state, contact);
      contact.status = 'queued';
      contact.agentId = null;
      contact.assignedAtMs = null;
      // It keeps its place; its maximum wait counts anew, as it was being served until now.
      contact.queueEnteredAtMs = event.atMs;
      attachContact(state, contact);
      releaseContact(agent, contact.id);
      refreshAgent(state, agent, event.atMs);
      return;
    }
    case 'contactAbandoned': {
      const contact = contactOf(state, event.contactId);
      const queue = queueOf(state, contact.queueId);
      countQueue(queue, QueueCounter.abandoned, 1, event.atMs);
      countQueue(queue, QueueCounter.waitMsAbandoned, event.waitMs, event.atMs);
      if (event.waitMs <= queue.settings.serviceLevelThresholdMs) {
        countQueue(queue, QueueCounter.abandonedInThreshold, 1, event.atMs);
      }
      endContact(state, contact);
      touch(state, queue);
      return;
    }
    case 'contactTimedOut': {
      const contact = contactOf(state, event.contactId);
      countQueue(queueOf(state, contact.queueId), QueueCounter.timedOut, 1, event.atMs);
      endContact(state, contact);
      return;
    }
    case 'contactOverflowed':
      countQueue(queueOf(state, event.fromQueueId), QueueCounter.overflowed, 1, event.atMs);
      moveContact(state, event.contactId, event.toQueueId, event.atMs, (contact) => {
        contact.joinedType = 'overflow';
        contact.stickyAgentId = null;
        contact.stickyUntilMs = null;
      });
      countQueue(queueOf(state, event.toQueueId), QueueCounter.offered, 1, event.atMs);
      return;
    case 'contactTransferred': {
      transferContact(state, event);
      return;
    }
    case 'contactConvertedToCallback': {
      changeContact(state, event.contactId, (contact) => {
        contact.channel = 'callback';
        contact.callbackNumber = event.number;
      });
      return;
    }
    case 'contactCompleted':
    case 'callbackClosed': {
      finishContact(state, event);
      return;
    }
    case 'dayStarted': {
      state.dayStartMs = event.dayStartMs;
      state.nextDayStartMs = event.nextDayStartMs;
      syncDayTimer(state);
      for (const queue of state.queues.values()) resetToday(queue.stats);
      for (const agent of state.agents.values()) {
        resetToday(agent.stats);
        // fewestContacts and leastTalkTime read today's counters.
        refreshAgent(state, agent, event.atMs);
      }
      return;
    }
  }
}

function createQueue(state: State, event: EventOf<'queueCreated'>): void {
  const queue = materializeQueue({
    settings: clone(event.queue),
    isOpen: event.isOpen,
    hoursChangeAtMs: event.hoursChangeAtMs,
    stats: newTally(queueCounterKind),
    lastEnteredServiceWaitMs: null,
    lastStatusSignature: null,
  });
  deriveQueueShape(queue);
  state.queues.set(queue.settings.id, queue);
  syncQueueTimer(state, queue);
  touch(state, queue);
}

function updateQueue(state: State, event: EventOf<'queueUpdated'>): void {
  const queue = queueOf(state, event.queue.id);
  // Re-indexed in the order they became live rather than joined this queue: what indexes hold
  // does not depend on the order (restore attaches in that order too).
  const contacts = [...state.contacts.values()].filter(
    (contact) => contact.queueId === queue.settings.id,
  );
  for (const contact of contacts) detachContact(state, contact);
  queue.settings = clone(event.queue);
  queue.isOpen = event.isOpen;
  queue.hoursChangeAtMs = event.hoursChangeAtMs;
  deriveQueueShape(queue);
  queue.lines.clear();
  // Emptied in place: the members' QueueOfAgent entries hold this array (and their sole-line
  // copies are rebuilt with them below, by orderQueues).
  queue.lineList.length = 0;
  queue.freeAgents.clear();
  for (const contact of contacts) {
    // The bullseye level follows the new steps and the wait so far (R15).
    contact.level = levelAt(queue, event.atMs - contact.queueEnteredAtMs);
    attachContact(state, contact);
  }
  // Channels and strategy may have changed: every member gets new slots in the new sets.
  for (const agent of queue.members) {
    orderQueues(state, agent);
    refreshAgent(state, agent, event.atMs);
  }
  syncQueueTimer(state, queue);
  touch(state, queue);
}

/** The bullseye level a contact has reached after waiting waitMs (R15). */
export function levelAt(queue: Queue, waitMs: number): number {
  let level = 0;
  queue.settings.expansion.forEach((step, index) => {
    if (step.afterMs <= waitMs) level = index;
  });
  return level;
}

function createAgent(state: State, event: EventOf<'agentCreated'>): void {
  const settings = event.agent;
  const agent = materializeAgent({
    id: settings.id,
    name: settings.name,
    capacity: { ...settings.capacity },
    memberships: [],
    mode: settings.mode,
    presence: 'offline',
    reason: null,
    wrapUpUntilMs: null,
    wrapUpStartMs: null,
    wrapUpQueueId: null,
    wrapUpContactIds: [],
    idleSinceMs: event.atMs,
    lastOfferSeq: -1,
    offerContactId: null,
    held: [],
    noAnswerCount: 0,
    recentOfferIds: [],
    activity: 'offline',
    activitySinceMs: event.atMs,
    stats: newTally(agentCounterKind),
  });
  state.agents.set(agent.id, agent);
  for (const membership of settings.memberships) {
    agent.memberships.push({
      queueId: membership.queueId,
      priority: membership.priority,
      seq: state.eventCount,
    });
    queueOf(state, membership.queueId).members.add(agent);
  }
  orderQueues(state, agent);
  refreshAgent(state, agent, event.atMs);
}

function joinQueue(state: State, event: EventOf<'agentJoinedQueue'>): void {
  const agent = agentOf(state, event.agentId);
  const queue = queueOf(state, event.queueId);
  const membership = agent.memberships.find((item) => item.queueId === event.queueId);
  if (membership === undefined) {
    agent.memberships.push({
      queueId: event.queueId,
      priority: event.priority,
      seq: state.eventCount,
    });
    queue.members.add(agent);
    countAgentIn(state, queue, agent.countedActivity, 1);
  } else {
    membership.priority = event.priority;
  }
  orderQueues(state, agent);
  refreshAgent(state, agent, event.atMs);
}

function changeAgentState(state: State, event: EventOf<'agentStateChanged'>): void {
  const agent = agentOf(state, event.agentId);
  const wasWrapUp = agent.presence === 'wrapUp';
  const wasReady = agent.presence === 'ready';
  agent.presence = event.presence;
  agent.reason = event.reason;
  agent.mode = event.mode;
  agent.wrapUpUntilMs = event.wrapUpUntilMs;
  if (wasWrapUp && event.presence !== 'wrapUp') endWrapUp(state, agent, event.atMs);
  if (event.presence === 'wrapUp' && !wasWrapUp) agent.wrapUpStartMs = event.atMs;
  if (event.presence === 'ready' && !wasReady) agent.idleSinceMs = event.atMs;
  if (event.cause === 'loggedIn' || (event.presence === 'ready' && event.cause === 'presenceSet')) {
    agent.noAnswerCount = 0;
  }
  refreshAgent(state, agent, event.atMs);
}

/** Ends an agent's wrap-up: its duration counts as handle time of the queue, and its contacts are done (R8). */
function endWrapUp(state: State, agent: Agent, atMs: number): void {
  if (agent.wrapUpQueueId !== null && agent.wrapUpStartMs !== null) {
    const queue = state.queues.get(agent.wrapUpQueueId);
    if (queue !== undefined) {
      countQueue(queue, QueueCounter.handleMs, atMs - agent.wrapUpStartMs, atMs);
      touch(state, queue);
    }
  }
  for (const contactId of agent.wrapUpContactIds) endContact(state, contactOf(state, contactId));
  agent.wrapUpContactIds = [];
  agent.wrapUpQueueId = null;
  agent.wrapUpStartMs = null;
}

function queueContact(state: State, event: EventOf<'contactQueued'>): void {
  const contact = newContact(event.contact, event.atMs, event);
  const queue = queueOf(state, contact.queueId);
  state.contacts.set(contact.id, contact);
  queue.contactCount += 1;
  attachContact(state, contact);
  countQueue(queue, QueueCounter.offered, 1, event.atMs);
}

/** Changes a contact's fields and re-indexes it. */
function changeContact(state: State, contactId: string, change: (contact: Contact) => void): void {
  const contact = contactOf(state, contactId);
  detachContact(state, contact);
  change(contact);
  attachContact(state, contact);
}

/** Moves a waiting contact into another queue (overflow, transfer): it starts there at level 0. */
function moveContact(
  state: State,
  contactId: string,
  toQueueId: string,
  atMs: number,
  change: (contact: Contact) => void,
): void {
  const contact = contactOf(state, contactId);
  detachContact(state, contact);
  queueOf(state, contact.queueId).contactCount -= 1;
  contact.queueId = queueOf(state, toQueueId).settings.id;
  contact.queueEnteredAtMs = atMs;
  contact.level = 0;
  // The new queue has not answered it yet (R12 overflow, transfer).
  contact.isAnswered = false;
  change(contact);
  queueOf(state, contact.queueId).contactCount += 1;
  attachContact(state, contact);
}

/** Removes a contact that ended. */
function endContact(state: State, contact: Contact): void {
  detachContact(state, contact);
  forgetContact(state, contact);
}

/** Drops a detached contact from its queue and the state. */
function forgetContact(state: State, contact: Contact): void {
  queueOf(state, contact.queueId).contactCount -= 1;
  // Its entry in the queue's bySince goes stale (since-line.ts): it ended in whatever state.
  contact.sinceLine = null;
  state.contacts.delete(contact.id);
  state.recentContact = null;
}

function createOffer(state: State, event: EventOf<'offerCreated'>): void {
  const contact = contactOf(state, event.contactId);
  const agent = agentOf(state, event.agentId);
  if (contact.status !== 'queued' || contact.line === null)
    fail(`offered contact ${contact.id} is not in a line`);
  if (agent.offerContactId !== null) fail(`agent ${agent.id} already holds an offer (R5)`);
  detachContact(state, contact);
  contact.status = 'offered';
  contact.offerId = event.offerId;
  contact.offerAgentId = agent.id;
  contact.offerExpiresAtMs = event.expiresAtMs;
  attachContact(state, contact);
  state.offers.set(event.offerId, contact);
  agent.offerContactId = contact.id;
  agent.lastOfferSeq = state.eventCount;
  agent.recentOfferIds.push(event.offerId);
  if (agent.recentOfferIds.length > recentOfferIdsMax) agent.recentOfferIds.shift();
  count(agent.stats, AgentCounter.offered, 1, event.atMs);
  refreshAgent(state, agent, event.atMs);
}

/** Clears a contact's offer and frees the agent's offer slot. */
function clearOffer(state: State, contact: Contact, agent: Agent): void {
  if (contact.offerId === null || agent.offerContactId !== contact.id)
    fail(`no offer of ${contact.id} to ${agent.id}`);
  state.offers.delete(contact.offerId);
  contact.offerId = null;
  contact.offerAgentId = null;
  contact.offerExpiresAtMs = null;
  agent.offerContactId = null;
}

function returnOffer(
  state: State,
  event: EventOf<'offerRejected'> | EventOf<'offerTimedOut'> | EventOf<'offerCancelled'>,
): void {
  const contact = contactOf(state, event.contactId);
  const agent = agentOf(state, event.agentId);
  detachContact(state, contact);
  clearOffer(state, contact, agent);
  // R6: back to its place; joinedAt and placeAt are unchanged.
  contact.status = 'queued';
  if (event.type !== 'offerCancelled' && event.cooldownUntilMs !== null) {
    contact.cooldowns = [
      ...contact.cooldowns,
      { agentId: agent.id, untilMs: event.cooldownUntilMs },
    ];
  }
  attachContact(state, contact);
  if (event.type === 'offerRejected') {
    agent.noAnswerCount = 0;
    count(agent.stats, AgentCounter.rejected, 1, event.atMs);
  } else if (event.type === 'offerTimedOut') {
    agent.noAnswerCount += 1;
    count(agent.stats, AgentCounter.missed, 1, event.atMs);
  }
  refreshAgent(state, agent, event.atMs);
}

function assignContact(state: State, event: EventOf<'contactAssigned'>): void {
  const contact = contactOf(state, event.contactId);
  const agent = agentOf(state, event.agentId);
  const queue = queueOf(state, contact.queueId);
  detachContact(state, contact);
  contact.status = 'assigned';
  contact.agentId = agent.id;
  contact.assignedAtMs = event.atMs;
  contact.cooldowns = noCooldowns;
  attachContact(state, contact);
  agent.held.push(contact.id);
  agent.idleSinceMs = event.atMs;
  agent.lastOfferSeq = state.eventCount;
  count(agent.stats, AgentCounter.answered, 1, event.atMs);
  // A queue answers a contact once: a retried callback or a requeued contact is not offered twice.
  if (!contact.isAnswered) {
    contact.isAnswered = true;
    countQueue(queue, QueueCounter.answered, 1, event.atMs);
    countQueue(queue, QueueCounter.waitMsAnswered, event.waitMs, event.atMs);
    raise(queue.stats, QueueCounter.waitMsAnsweredMax, event.waitMs, event.atMs);
    if (event.waitMs <= queue.settings.serviceLevelThresholdMs)
      countQueue(queue, QueueCounter.answeredInThreshold, 1, event.atMs);
    queue.lastEnteredServiceWaitMs = event.waitMs;
  }
  touch(state, queue);
  refreshAgent(state, agent, event.atMs);
}

function releaseContact(agent: Agent, contactId: string): void {
  const index = agent.held.indexOf(contactId as Contact['id']);
  if (index < 0) fail(`agent ${agent.id} does not hold ${contactId}`);
  removeAt(agent.held, index);
}

function transferContact(state: State, event: EventOf<'contactTransferred'>): void {
  countQueue(queueOf(state, event.fromQueueId), QueueCounter.transferredOut, 1, event.atMs);
  if (event.fromAgentId !== null)
    releaseContact(agentOf(state, event.fromAgentId), event.contactId);
  moveContact(state, event.contactId, event.toQueueId, event.atMs, (contact) => {
    contact.status = 'queued';
    contact.joinedType = 'transfer';
    contact.placeAtMs = event.placeAtMs;
    contact.agentId = null;
    contact.assignedAtMs = null;
    contact.stickyAgentId = event.toAgentId;
    contact.stickyUntilMs = event.stickyUntilMs;
    contact.notBeforeMs = null;
  });
  countQueue(queueOf(state, event.toQueueId), QueueCounter.offered, 1, event.atMs);
  if (event.fromAgentId !== null)
    refreshAgent(state, agentOf(state, event.fromAgentId), event.atMs);
}

function finishContact(
  state: State,
  event: EventOf<'contactCompleted'> | EventOf<'callbackClosed'>,
): void {
  const contact = contactOf(state, event.contactId);
  const agent = agentOf(state, event.agentId);
  const queue = queueOf(state, contact.queueId);
  releaseContact(agent, contact.id);
  agent.idleSinceMs = event.atMs;
  countQueue(queue, QueueCounter.handled, 1, event.atMs);
  countQueue(queue, QueueCounter.handleMs, event.talkMs, event.atMs);
  touch(state, queue);
  count(agent.stats, AgentCounter.handled, 1, event.atMs);
  count(agent.stats, AgentCounter.talkMs, event.talkMs, event.atMs);
  const retryAtMs = event.type === 'callbackClosed' ? event.retryAtMs : null;
  if (event.type === 'callbackClosed') contact.callbackAttempts = event.attempt;
  detachContact(state, contact);
  contact.agentId = null;
  contact.assignedAtMs = null;
  if (event.wrapUpUntilMs !== null) agent.wrapUpQueueId = queue.settings.id;
  if (retryAtMs !== null) {
    contact.status = 'queued';
    contact.notBeforeMs = retryAtMs;
    attachContact(state, contact);
  } else if (event.wrapUpUntilMs !== null) {
    contact.status = 'wrapUp';
    attachContact(state, contact);
    agent.wrapUpContactIds.push(contact.id);
  } else {
    // Detached above already: it only leaves the queue and the state.
    forgetContact(state, contact);
  }
  refreshAgent(state, agent, event.atMs);
}

/** Contacts an agent holds, for decisions that release them all. */
export function heldContacts(state: State, agentId: AgentId): Contact[] {
  return agentOf(state, agentId).held.map((contactId) => contactOf(state, contactId));
}
