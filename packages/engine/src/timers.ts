import { asAgentId } from '@lineup/protocol';
import { assert, fail } from './assert.ts';
import { agentState, leaveStickyLine, routeAgent, routeContact, type Context } from './steps.ts';
import { isOpen, nextChangeMs, nextLocalMidnightMs, startOfLocalDayMs } from './hours.ts';
import { agentOf, contactOf, queueOf } from './indexes.ts';
import { TimerKind, type TimerEntry } from './state.ts';

/*
 * Timers (the tick command). Every timer is derived from a field of the
 * state, and firing it emits an event that changes that field, so a timer
 * never fires twice; an assertion checks it. Due timers fire in order before
 * every command, so results do not depend on how often the host ticks.
 */

/** Timers fired by one command at most; a guard against a bug that re-arms a timer forever. */
export const timersPerCommandMax = 10_000_000;

/** Fires every timer due at or before untilMs, soonest first. */
export function fireDue(ctx: Context, untilMs: number): void {
  for (let fired = 0; ; fired++) {
    if (fired >= timersPerCommandMax) fail(`more than ${timersPerCommandMax} timers due at once`);
    const timer = ctx.state.timers.first();
    if (timer === undefined || timer.atMs > untilMs) return;
    // The first statistics day starts with the first command, not at epoch 0: firing the
    // placeholder timer at 0 would walk every day since 1970, one dayStarted each.
    const isFirstDay = timer.kind === TimerKind.day && ctx.state.dayStartMs === null;
    fire(ctx, timer, isFirstDay ? untilMs : Math.max(ctx.state.nowMs, timer.atMs));
    if (ctx.state.timers.has(timer))
      fail(`timer ${timer.kind} ${timer.id} ${timer.sub} at ${timer.atMs} fired without effect`);
  }
}

function fire(ctx: Context, timer: TimerEntry, atMs: number): void {
  const state = ctx.state;
  switch (timer.kind) {
    case TimerKind.day: {
      const dayStartMs = startOfLocalDayMs(atMs, state.timeZone);
      ctx.emit({
        type: 'dayStarted',
        atMs,
        dayStartMs,
        nextDayStartMs: nextLocalMidnightMs(atMs, state.timeZone),
      });
      return;
    }
    case TimerKind.hours: {
      const queue = queueOf(state, timer.id);
      const hours = queue.settings.hours;
      assert(hours !== null, `hours timer of ${timer.id} without hours`);
      const queueId = queue.settings.id;
      const hoursChangeAtMs = nextChangeMs(hours, atMs);
      ctx.emit({
        type: isOpen(hours, atMs) ? 'queueOpened' : 'queueClosed',
        atMs,
        queueId,
        hoursChangeAtMs,
      });
      return;
    }
    case TimerKind.offer: {
      const contact = contactOf(state, timer.id);
      const agent = agentOf(state, contact.offerAgentId as string);
      const queue = queueOf(state, contact.queueId);
      const cooldownMs = queue.settings.rejectCooldownMs;
      ctx.emit({
        type: 'offerTimedOut',
        atMs,
        offerId: contact.offerId as NonNullable<typeof contact.offerId>,
        contactId: contact.id,
        agentId: agent.id,
        cooldownUntilMs: cooldownMs > 0 ? atMs + cooldownMs : null,
      });
      // R6: after maxNoAnswer unanswered offers in a row the agent is set not ready.
      const max = queue.settings.maxNoAnswer;
      if (max > 0 && agent.noAnswerCount >= max && agent.presence === 'ready') {
        ctx.emit(
          agentState(agent, { presence: 'notReady', reason: 'no-answer' }, 'noAnswer', atMs),
        );
      }
      routeContact(ctx, contact, atMs);
      routeAgent(ctx, agent, atMs);
      return;
    }
    case TimerKind.wrapUp: {
      const agent = agentOf(state, timer.id);
      ctx.emit(agentState(agent, { presence: 'ready' }, 'wrapUpEnded', atMs));
      routeAgent(ctx, agent, atMs);
      return;
    }
    case TimerKind.cooldown: {
      const contact = contactOf(state, timer.id);
      ctx.emit({
        type: 'offerCooldownEnded',
        atMs,
        contactId: contact.id,
        agentId: asAgentId(timer.sub),
      });
      routeContact(ctx, contact, atMs);
      return;
    }
    case TimerKind.sticky: {
      const contact = contactOf(state, timer.id);
      leaveStickyLine(ctx, contact, 'expired', atMs);
      routeContact(ctx, contact, atMs);
      return;
    }
    case TimerKind.callbackDue: {
      const contact = contactOf(state, timer.id);
      ctx.emit({ type: 'callbackDue', atMs, contactId: contact.id, queueId: contact.queueId });
      routeContact(ctx, contact, atMs);
      return;
    }
    case TimerKind.expansion: {
      const contact = contactOf(state, timer.id);
      const queue = queueOf(state, contact.queueId);
      const level = contact.level + 1;
      const step = queue.settings.expansion[level];
      assert(step !== undefined, `expansion timer of ${contact.id} past the last step`);
      ctx.emit({
        type: 'contactPoolWidened',
        atMs,
        contactId: contact.id,
        queueId: contact.queueId,
        level,
        minAgentPriority: step.minAgentPriority,
      });
      routeContact(ctx, contact, atMs);
      return;
    }
    case TimerKind.maxWait: {
      const contact = contactOf(state, timer.id);
      const queue = queueOf(state, contact.queueId);
      const waitMs = atMs - contact.joinedAtMs;
      const target =
        queue.settings.overflowQueueId === null
          ? undefined
          : state.queues.get(queue.settings.overflowQueueId);
      if (target === undefined) {
        ctx.emit({
          type: 'contactTimedOut',
          atMs,
          contactId: contact.id,
          queueId: contact.queueId,
          waitMs,
          reason: 'maxWait',
        });
        return;
      }
      // R12: the overflow queue must take the channel and have room, or the contact times out.
      if (!target.channels.includes(contact.channel) || target.waiting >= target.settings.maxSize) {
        ctx.emit({
          type: 'contactTimedOut',
          atMs,
          contactId: contact.id,
          queueId: contact.queueId,
          waitMs,
          reason: 'overflowFull',
        });
        return;
      }
      leaveStickyLine(ctx, contact, 'expired', atMs);
      ctx.emit({
        type: 'contactOverflowed',
        atMs,
        contactId: contact.id,
        fromQueueId: contact.queueId,
        toQueueId: target.settings.id,
        waitMs,
      });
      routeContact(ctx, contact, atMs);
      return;
    }
  }
}
