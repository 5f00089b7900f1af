import { describe, expect, it } from 'vitest';
import { Engine } from '../src/index.ts';
import {
  T0,
  dayMs,
  kinds,
  lab,
  minuteMs,
  ofType,
  one,
  secondMs,
  utcMs,
  type Lab,
} from './harness.ts';

/*
 * One or more unit tests per routing rule of DESIGN.md §2 (R1–R16), named
 * after the rule, each asserting what a user would notice: the events and
 * their fields, positions and EWT, queue status and statistics.
 */

/** Ids of the contacts offered, in order. */
const offeredIds = (events: Parameters<typeof kinds>[0]): string[] =>
  ofType(events, 'offerCreated').map((event) => `${event.contactId}>${event.agentId}`);

/** Serves the agent's offers one by one (accept then complete) and returns the contact ids in order. */
function serveAll(t: Lab, agentId: string, count: number): string[] {
  const served: string[] = [];
  for (let index = 0; index < count; index++) {
    const contactId = t.offeredTo(agentId);
    served.push(contactId);
    t.accept(agentId);
    t.complete(contactId, agentId);
  }
  return served;
}

describe('R1 one queue at a time', () => {
  it('[R1] a contact transferred to another queue waits there only', () => {
    const t = lab({ queues: [{ id: 'q1' }, { id: 'q2' }] });
    t.enqueue('c1', 'q1');
    expect(t.engine.queueStatus('q1' as never)?.waiting).toBe(1);
    const events = t.run({
      type: 'transferContact',
      contactId: 'c1',
      target: { queueId: 'q2', keepsPlace: true },
    });
    const moved = one(events, 'contactTransferred');
    expect(moved).toMatchObject({ fromQueueId: 'q1', toQueueId: 'q2', toAgentId: null });
    expect(t.engine.queueStatus('q1' as never)?.waiting).toBe(0);
    expect(t.engine.queueStatus('q2' as never)?.waiting).toBe(1);
    expect(t.engine.waitingContacts('q1' as never, 10)).toEqual([]);
    expect(t.engine.waitingContacts('q2' as never, 10).map((contact) => contact.id)).toEqual([
      'c1',
    ]);
    expect(t.placeOf('c1')?.position).toBe(1);
  });

  it('[R1] a live contact id cannot join a second queue', () => {
    const t = lab({ queues: [{ id: 'q1' }, { id: 'q2' }] });
    t.enqueue('c1', 'q1');
    t.expectRejected(
      {
        type: 'enqueueContact',
        contact: {
          id: 'c1',
          queueId: 'q2',
          channel: 'voice',
          customer: { id: 'x', type: 'normal' },
        },
      },
      'contact_exists',
    );
    expect(t.engine.queueStatus('q2' as never)?.waiting).toBe(0);
  });
});

describe('R2 order inside a queue', () => {
  it('[R2] VIP first, then the higher score, then the earlier joinedAt', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.enqueue('n1', 'q');
    t.clock.advance(secondMs);
    t.enqueue('n2', 'q');
    t.clock.advance(secondMs);
    t.enqueue('high', 'q', { priority: 5 });
    t.clock.advance(secondMs);
    const vip = one(t.enqueue('vip', 'q', { isVip: true, priority: -10 }), 'contactQueued');
    expect(vip.position).toBe(1);
    expect(['vip', 'high', 'n1', 'n2'].map((id) => t.placeOf(id)?.position)).toEqual([1, 2, 3, 4]);

    t.createAgent({ id: 'a1', serves: ['q'] });
    expect(serveAll(t, 'a1', 4)).toEqual(['vip', 'high', 'n1', 'n2']);
  });

  it('[R2] aging raises the score with the wait so an early low-priority contact is not starved', () => {
    const order = (agingPointsPerMinute: number): string[] => {
      const t = lab({ queues: [{ id: 'q', agingPointsPerMinute }] });
      t.enqueue('early', 'q', { priority: 0 });
      t.clock.advance(3 * minuteMs);
      // 5 points ahead, 3 minutes later: at 1 point a minute it still goes first.
      t.enqueue('recent', 'q', { priority: 5 });
      t.clock.advance(7 * minuteMs);
      // 5 points ahead but 10 minutes later: `early` has aged past it.
      t.enqueue('urgent', 'q', { priority: 5 });
      return ['early', 'recent', 'urgent'].sort(
        (a, b) => (t.placeOf(a)?.position ?? 0) - (t.placeOf(b)?.position ?? 0),
      );
    };
    expect(order(0)).toEqual(['recent', 'urgent', 'early']);
    expect(order(1)).toEqual(['recent', 'early', 'urgent']);
  });
});

describe('R3 agents serving several queues', () => {
  it('[R3] takes the contact of the higher-priority queue first, even if it joined later', () => {
    const t = lab({
      queues: [
        { id: 'low', priority: 0 },
        { id: 'high', priority: 10 },
      ],
    });
    t.enqueue('waitedLong', 'low');
    t.clock.advance(5 * minuteMs);
    t.enqueue('justCame', 'high');
    t.createAgent({ id: 'a1', serves: ['low', 'high'] });
    expect(serveAll(t, 'a1', 2)).toEqual(['justCame', 'waitedLong']);
  });

  it('[R3] between queues of equal priority takes the longest-waiting contact, after contact priority', () => {
    const t = lab({ queues: [{ id: 'qa' }, { id: 'qb' }] });
    t.enqueue('b-first', 'qb');
    t.clock.advance(secondMs);
    t.enqueue('a-second', 'qa');
    t.clock.advance(secondMs);
    t.enqueue('a-vip', 'qa', { isVip: true });
    t.clock.advance(secondMs);
    t.enqueue('b-scored', 'qb', { priority: 3 });
    t.createAgent({ id: 'a1', serves: ['qa', 'qb'] });
    expect(serveAll(t, 'a1', 4)).toEqual(['a-vip', 'b-scored', 'b-first', 'a-second']);
  });
});

describe('R4 choosing among free agents', () => {
  it('[R4] the agent with the higher priority in the queue gets the contact', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'backup', serves: { q: 1 } },
        { id: 'senior', serves: { q: 5 } },
      ],
    });
    const events = t.enqueue('c1', 'q');
    expect(offeredIds(events)).toEqual(['c1>senior']);
  });

  it('[R4] the same agent may be senior in one queue and backup in another', () => {
    const t = lab({
      queues: [{ id: 'sales' }, { id: 'support' }],
      agents: [
        { id: 'ann', serves: { sales: 9, support: 1 } },
        { id: 'bob', serves: { sales: 1, support: 9 } },
      ],
    });
    expect(offeredIds(t.enqueue('s1', 'sales'))).toEqual(['s1>ann']);
    expect(offeredIds(t.enqueue('p1', 'support'))).toEqual(['p1>bob']);
  });

  it('[R4] ties go to the agent idle longest by default (longestIdle)', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.createAgent({ id: 'b', serves: ['q'] });
    t.clock.advance(secondMs);
    t.createAgent({ id: 'a', serves: ['q'] });
    t.clock.advance(secondMs);
    expect(offeredIds(t.enqueue('c1', 'q'))).toEqual(['c1>b']);
    // b took a contact, so now a has been idle longest.
    t.accept('b');
    expect(offeredIds(t.enqueue('c2', 'q'))).toEqual(['c2>a']);
    t.accept('a');
    t.clock.advance(secondMs);
    t.complete('c2', 'a');
    t.clock.advance(secondMs);
    t.complete('c1', 'b');
    // a finished first, so it has been idle longer than b.
    expect(offeredIds(t.enqueue('c3', 'q'))).toEqual(['c3>a']);
  });
});

describe('R4 strategies', () => {
  /** Logs agents in in the order given (the first idle longest), then serves contacts one at a time. */
  function cycle(strategy: 'roundRobin' | 'topDown', loginOrder: string[], count: number) {
    const t = lab({ queues: [{ id: 'q', strategy }] });
    // Created in id order (a1 first serves the queue first), logged in in loginOrder.
    for (const id of [...loginOrder].sort())
      t.createAgent({ id, serves: ['q'], isLoggedIn: false });
    for (const id of loginOrder) {
      t.run({ type: 'logIn', agentId: id });
      t.clock.advance(secondMs);
    }
    const chosen: string[] = [];
    for (let index = 0; index < count; index++) {
      const offer = one(t.enqueue(`c${index}`, 'q'), 'offerCreated');
      chosen.push(offer.agentId);
      t.accept(offer.agentId);
      t.clock.advance(secondMs);
      t.complete(offer.contactId, offer.agentId);
      t.clock.advance(secondMs);
    }
    return chosen;
  }

  it('[R4] roundRobin takes agents in turn, whoever was idle longest', () => {
    expect(cycle('roundRobin', ['a3', 'a2', 'a1'], 5)).toEqual(['a1', 'a2', 'a3', 'a1', 'a2']);
  });

  it('[R4] topDown always starts from the agent that joined the queue first', () => {
    expect(cycle('topDown', ['a3', 'a2', 'a1'], 3)).toEqual(['a1', 'a1', 'a1']);
  });

  it('[R4] topDown passes to the next agent while the first is busy', () => {
    const t = lab({
      queues: [{ id: 'q', strategy: 'topDown' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: ['q'] },
      ],
    });
    expect(offeredIds(t.enqueue('c1', 'q'))).toEqual(['c1>a1']);
    expect(offeredIds(t.enqueue('c2', 'q'))).toEqual(['c2>a2']);
  });

  /** Gives each agent in turn (the others not ready) contacts with the given talk times. */
  function history(strategy: 'fewestContacts' | 'leastTalkTime', talks: Record<string, number[]>) {
    const ids = Object.keys(talks);
    const t = lab({ queues: [{ id: 'q', strategy }] });
    for (const id of ids) t.createAgent({ id, serves: ['q'], isLoggedIn: false });
    let n = 0;
    for (const id of ids) {
      t.run({ type: 'logIn', agentId: id });
      for (const talkMs of talks[id] ?? []) {
        const contactId = `h${n++}`;
        t.enqueue(contactId, 'q');
        t.accept(id);
        t.clock.advance(talkMs);
        t.complete(contactId, id);
      }
      t.run({ type: 'setPresence', agentId: id, presence: 'notReady', reason: 'lunch' });
    }
    // Everybody ready again, in the order given: the first has been idle longest.
    for (const id of ids) {
      t.clock.advance(secondMs);
      t.run({ type: 'setPresence', agentId: id, presence: 'ready' });
    }
    return one(t.enqueue('next', 'q'), 'offerCreated').agentId;
  }

  it('[R4] fewestContacts picks the agent that answered fewest contacts today', () => {
    expect(history('fewestContacts', { busy: [minuteMs, minuteMs], quiet: [10 * minuteMs] })).toBe(
      'quiet',
    );
  });

  it('[R4] leastTalkTime picks the agent with the least talk time today', () => {
    expect(history('leastTalkTime', { long: [10 * minuteMs], short: [minuteMs, minuteMs] })).toBe(
      'short',
    );
  });

  /** The agents a random queue picks for `count` contacts, each served at once. */
  function draws(seed: number, count: number): string[] {
    const agents = ['a1', 'a2', 'a3', 'a4'];
    const t = lab({
      options: { seed },
      queues: [{ id: 'q', strategy: 'random' }],
      agents: [...agents.map((id) => ({ id, serves: { q: 1 } })), { id: 'low', serves: { q: 0 } }],
    });
    const chosen: string[] = [];
    for (let index = 0; index < count; index++) {
      const offer = one(t.enqueue(`c${index}`, 'q'), 'offerCreated');
      chosen.push(offer.agentId);
      t.accept(offer.agentId);
      t.complete(offer.contactId, offer.agentId);
      t.clock.advance(secondMs);
    }
    return chosen;
  }

  it('[R4] random with the same seed makes the same choices', () => {
    expect(draws(42, 40)).toEqual(draws(42, 40));
    expect(draws(42, 40)).not.toEqual(draws(43, 40));
  });

  it('[R4] random spreads contacts over the agents of the highest priority only', () => {
    const chosen = draws(7, 400);
    const counts = new Map<string, number>();
    for (const id of chosen) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
    // Each of 4 agents expects 100 of 400 draws; 60 is more than 4 standard deviations below.
    for (const value of counts.values()) expect(value).toBeGreaterThan(60);
  });
});

describe('R4 random strategy and cool-downs', () => {
  it('[R4] random never draws an agent the contact is cooling down from', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const t = lab({
        options: { seed },
        queues: [{ id: 'q', strategy: 'random' }],
        agents: ['a1', 'a2', 'a3'].map((id) => ({ id, serves: ['q'] })),
      });
      const first = one(t.enqueue('c1', 'q'), 'offerCreated').agentId;
      const second = one(t.reject(first), 'offerCreated').agentId;
      const third = one(t.reject(second), 'offerCreated').agentId;
      expect(new Set([first, second, third]).size, `seed ${seed}`).toBe(3);
    }
  });
});

describe('R5 one offer at a time, capacity', () => {
  it('[R5] a contact is offered to one agent only, and an agent holds one pending offer', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: ['q'] },
      ],
    });
    t.enqueue('c1', 'q', { channel: 'chat' });
    t.enqueue('c2', 'q', { channel: 'chat' });
    t.enqueue('c3', 'q', { channel: 'chat' });
    const offers = ofType(t.log, 'offerCreated');
    expect(offers.map((offer) => `${offer.contactId}>${offer.agentId}`)).toEqual([
      'c1>a1',
      'c2>a2',
    ]);
    expect(t.engine.queueStatus('q' as never)).toMatchObject({ waiting: 1, offered: 2 });
    expect(t.placeOf('c3')?.position).toBe(1);
  });

  it('[R5] a chat agent is offered chats one by one, up to its capacity of 3', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    for (let index = 1; index <= 5; index++) t.enqueue(`c${index}`, 'q', { channel: 'chat' });
    expect(offeredIds(t.log)).toEqual(['c1>a1']);
    // Accepting frees the offer slot: the next chat is offered at once.
    expect(offeredIds(t.accept('a1'))).toEqual(['c2>a1']);
    expect(offeredIds(t.accept('a1'))).toEqual(['c3>a1']);
    expect(offeredIds(t.accept('a1'))).toEqual([]);
    expect(t.heldBy('a1')).toEqual(['c1', 'c2', 'c3']);
    expect(t.engine.queueStatus('q' as never)).toMatchObject({ waiting: 2, offered: 0 });
    // Finishing one makes room for one more.
    expect(offeredIds(t.complete('c2', 'a1'))).toEqual(['c4>a1']);
  });

  it('[R5] an agent on a voice call is offered nothing else', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('call', 'q', { channel: 'voice' });
    t.accept('a1');
    expect(offeredIds(t.enqueue('chat1', 'q', { channel: 'chat' }))).toEqual([]);
    expect(offeredIds(t.complete('call', 'a1'))).toEqual(['chat1>a1']);
  });

  it('[R5] a live contact is not offered to an agent holding chats; another chat is', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('chat1', 'q', { channel: 'chat' });
    t.accept('a1');
    t.clock.advance(secondMs);
    expect(offeredIds(t.enqueue('call', 'q', { channel: 'voice' }))).toEqual([]);
    t.clock.advance(secondMs);
    expect(offeredIds(t.enqueue('chat2', 'q', { channel: 'chat' }))).toEqual(['chat2>a1']);
    t.accept('a1');
    t.complete('chat1', 'a1');
    expect(offeredIds(t.complete('chat2', 'a1'))).toEqual(['call>a1']);
  });

  it('[R5] capacity set by updateAgent applies at once', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'a1', serves: ['q'], capacity: { chat: 1 } }],
    });
    t.enqueue('c1', 'q', { channel: 'chat' });
    t.accept('a1');
    expect(offeredIds(t.enqueue('c2', 'q', { channel: 'chat' }))).toEqual([]);
    const events = t.run({
      type: 'updateAgent',
      agentId: 'a1',
      changes: { capacity: { chat: 2 } },
    });
    expect(one(events, 'agentUpdated').capacity.chat).toBe(2);
    expect(offeredIds(events)).toEqual(['c2>a1']);
  });
});

describe('R6 unanswered and rejected offers', () => {
  it('[R6] an offer not answered within offerTimeout is withdrawn at that instant and the contact keeps its place', () => {
    const t = lab({
      queues: [{ id: 'q', offerTimeoutMs: 20 * secondMs, rejectCooldownMs: 30 * secondMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    const offer = one(t.enqueue('c1', 'q'), 'offerCreated');
    expect(offer.expiresAtMs).toBe(T0 + 20 * secondMs);
    t.clock.advance(secondMs);
    t.enqueue('c2', 'q');
    expect(t.advanceTo(T0 + 20 * secondMs - 1)).toEqual([]);
    const events = t.advance(1);
    expect(one(events, 'offerTimedOut')).toMatchObject({
      atMs: T0 + 20 * secondMs,
      offerId: offer.offerId,
      contactId: 'c1',
      agentId: 'a1',
      cooldownUntilMs: T0 + 50 * secondMs,
    });
    // The same agent is offered the next contact instead; c1 stays first in line.
    expect(offeredIds(events)).toEqual(['c2>a1']);
    expect(t.placeOf('c1')?.position).toBe(1);
    const waiting = t.engine.waitingContacts('q' as never, 5);
    expect(waiting.map((contact) => [contact.id, contact.joinedAtMs])).toEqual([['c1', T0]]);
  });

  it('[R6] a rejected contact keeps its place and is not offered to the same agent during the cool-down', () => {
    const t = lab({
      queues: [{ id: 'q', rejectCooldownMs: 30 * secondMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.run({ type: 'setPresence', agentId: 'a1', presence: 'notReady' });
    t.enqueue('c1', 'q');
    t.clock.advance(secondMs);
    t.enqueue('c2', 'q');
    t.clock.advance(secondMs);
    t.run({ type: 'setPresence', agentId: 'a1', presence: 'ready' });
    expect(t.offeredTo('a1')).toBe('c1');
    t.clock.advance(secondMs);
    const events = t.reject('a1');
    expect(one(events, 'offerRejected')).toMatchObject({
      contactId: 'c1',
      agentId: 'a1',
      cooldownUntilMs: t.nowMs + 30 * secondMs,
    });
    expect(offeredIds(events)).toEqual(['c2>a1']);
    expect(t.placeOf('c1')).toEqual({ position: 1, ewtMs: expect.any(Number) as number });
    t.accept('a1');
    // Free again before the cool-down ends: still not offered c1.
    expect(offeredIds(t.complete('c2', 'a1'))).toEqual([]);
    const cooldownEnd = t.advanceTo(T0 + 33 * secondMs);
    expect(kinds(cooldownEnd)).toEqual(['offerCooldownEnded', 'offerCreated']);
    expect(offeredIds(cooldownEnd)).toEqual(['c1>a1']);
  });

  it('[R6] a rejected contact goes at once to another free agent', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: ['q'] },
      ],
    });
    expect(offeredIds(t.enqueue('c1', 'q'))).toEqual(['c1>a1']);
    expect(offeredIds(t.reject('a1'))).toEqual(['c1>a2']);
  });

  it("[R6] after maxNoAnswer unanswered offers in a row the agent is set notReady('no-answer')", () => {
    const t = lab({
      queues: [{ id: 'q', maxNoAnswer: 2, offerTimeoutMs: 10 * secondMs, rejectCooldownMs: 0 }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    const first = t.advance(10 * secondMs);
    expect(kinds(first)).toEqual(['offerTimedOut', 'offerCreated']);
    const second = t.advance(10 * secondMs);
    expect(kinds(second)).toEqual(['offerTimedOut', 'agentStateChanged']);
    expect(one(second, 'agentStateChanged')).toMatchObject({
      agentId: 'a1',
      presence: 'notReady',
      reason: 'no-answer',
      cause: 'noAnswer',
    });
    expect(t.engine.queueStatus('q' as never)?.agents).toMatchObject({ notReady: 1, ready: 0 });
    expect(t.placeOf('c1')?.position).toBe(1);
  });

  it('[R6] an answered offer resets the unanswered count', () => {
    const t = lab({
      queues: [{ id: 'q', maxNoAnswer: 2, offerTimeoutMs: 10 * secondMs, rejectCooldownMs: 0 }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    t.advance(10 * secondMs); // one missed, offered again
    t.accept('a1');
    t.complete('c1', 'a1');
    t.enqueue('c2', 'q');
    const events = t.advance(10 * secondMs);
    expect(kinds(events)).toEqual(['offerTimedOut', 'offerCreated']);
    expect(t.engine.inspect().agents.get('a1' as never)?.presence).toBe('ready');
  });
});

describe('R7 manual mode', () => {
  it('[R7] a manual-mode agent gets no offers; requestNext hands it the best contact at once', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'm1', serves: ['q'], mode: 'manual' }],
    });
    t.enqueue('c1', 'q');
    t.clock.advance(secondMs);
    t.enqueue('vip', 'q', { isVip: true });
    expect(ofType(t.log, 'offerCreated')).toEqual([]);
    const events = t.run({ type: 'requestNext', agentId: 'm1' });
    expect(kinds(events)).toEqual(['contactAssigned']);
    expect(one(events, 'contactAssigned')).toMatchObject({
      contactId: 'vip',
      agentId: 'm1',
      queueId: 'q',
      via: 'requestNext',
      waitMs: 0,
    });
    expect(t.heldBy('m1')).toEqual(['vip']);
  });

  it('[R7] requestNext says that no contact is waiting', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'm1', serves: ['q'], mode: 'manual' }],
    });
    const rejection = t.expectRejected(
      { type: 'requestNext', agentId: 'm1' },
      'no_contact_waiting',
    );
    expect(rejection.message).toContain('m1');
  });

  it('[R7] switching to manual withdraws a pending offer; back to auto gets offers again', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('c1', 'q');
    const manual = t.run({ type: 'setMode', agentId: 'a1', mode: 'manual' });
    expect(one(manual, 'offerCancelled')).toMatchObject({ contactId: 'c1', reason: 'agentManual' });
    expect(one(manual, 'agentStateChanged')).toMatchObject({ mode: 'manual', cause: 'modeSet' });
    expect(t.placeOf('c1')?.position).toBe(1);
    const auto = t.run({ type: 'setMode', agentId: 'a1', mode: 'auto' });
    expect(offeredIds(auto)).toEqual(['c1>a1']);
  });

  it('[R7] requestNext during wrap-up ends the wrap-up and assigns the next contact', () => {
    const t = lab({
      queues: [{ id: 'q', wrapUpMs: minuteMs }],
      agents: [{ id: 'm1', serves: ['q'], mode: 'manual' }],
    });
    t.enqueue('c1', 'q');
    t.enqueue('c2', 'q');
    t.run({ type: 'requestNext', agentId: 'm1' });
    t.complete('c1', 'm1');
    const events = t.run({ type: 'requestNext', agentId: 'm1' });
    expect(kinds(events)).toEqual(['agentStateChanged', 'contactAssigned']);
    expect(one(events, 'agentStateChanged')).toMatchObject({
      presence: 'ready',
      cause: 'wrapUpEnded',
    });
    expect(one(events, 'contactAssigned').contactId).toBe('c2');
  });
});

describe('R8 wrap-up', () => {
  it('[R8] after a contact the agent is in wrap-up for the queue wrap-up time, then ready and offered the next', () => {
    const t = lab({
      queues: [{ id: 'q', wrapUpMs: 30 * secondMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.enqueue('c2', 'q');
    t.clock.advance(minuteMs);
    const done = t.complete('c1', 'a1');
    expect(one(done, 'contactCompleted')).toMatchObject({
      talkMs: minuteMs,
      wrapUpUntilMs: T0 + 90 * secondMs,
    });
    expect(one(done, 'agentStateChanged')).toMatchObject({
      presence: 'wrapUp',
      cause: 'wrapUpStarted',
      wrapUpUntilMs: T0 + 90 * secondMs,
    });
    expect(offeredIds(done)).toEqual([]);
    expect(t.engine.queueStatus('q' as never)?.agents.wrapUp).toBe(1);
    expect(t.advanceTo(T0 + 90 * secondMs - 1)).toEqual([]);
    const end = t.advance(1);
    expect(one(end, 'agentStateChanged')).toMatchObject({
      atMs: T0 + 90 * secondMs,
      presence: 'ready',
      cause: 'wrapUpEnded',
    });
    expect(offeredIds(end)).toEqual(['c2>a1']);
  });

  it('[R8] saying ready ends the wrap-up early', () => {
    const t = lab({
      queues: [{ id: 'q', wrapUpMs: 5 * minuteMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.enqueue('c2', 'q');
    t.complete('c1', 'a1');
    t.clock.advance(10 * secondMs);
    const events = t.run({ type: 'setPresence', agentId: 'a1', presence: 'ready' });
    expect(one(events, 'agentStateChanged')).toMatchObject({
      presence: 'ready',
      cause: 'wrapUpEnded',
      wrapUpUntilMs: null,
    });
    expect(offeredIds(events)).toEqual(['c2>a1']);
    // The wrap-up timer is gone: nothing happens when it would have ended.
    t.accept('a1');
    expect(kinds(t.advance(5 * minuteMs))).toEqual([]);
  });

  it('[R8] a contact ends with its wrap-up: live until then, gone after', () => {
    const t = lab({
      queues: [{ id: 'q', wrapUpMs: 30 * secondMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.complete('c1', 'a1');
    t.expectRejected({ type: 'abandonContact', contactId: 'c1' }, 'contact_not_waiting');
    t.run({ type: 'stopServing', agentId: 'a1', queueId: 'q' });
    t.expectRejected({ type: 'deleteQueue', queueId: 'q' }, 'queue_not_empty');
    t.advance(30 * secondMs);
    t.expectRejected({ type: 'abandonContact', contactId: 'c1' }, 'contact_not_found');
    expect(kinds(t.run({ type: 'deleteQueue', queueId: 'q' }))).toEqual(['queueDeleted']);
  });

  it('[R8] a queue without wrap-up time sends the agent straight back to ready', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.enqueue('c2', 'q');
    const done = t.complete('c1', 'a1');
    expect(one(done, 'contactCompleted').wrapUpUntilMs).toBeNull();
    expect(ofType(done, 'agentStateChanged')).toEqual([]);
    expect(offeredIds(done)).toEqual(['c2>a1']);
  });
});

describe('R9 preferred (sticky) agent', () => {
  it('[R9] waits for its busy preferred agent and is reported with the line length', () => {
    const t = lab({ queues: [{ id: 'q', stickyTimeoutMs: minuteMs }] });
    t.createAgent({ id: 'pref', serves: ['q'] });
    t.clock.advance(secondMs);
    t.createAgent({ id: 'other', serves: ['q'] });
    t.enqueue('first', 'q');
    expect(t.offeredTo('pref')).toBe('first');
    t.accept('pref');
    const queued = t.enqueue('c1', 'q', { preferredAgentId: 'pref' });
    expect(kinds(queued)).toEqual(['contactQueued', 'stickyQueued']);
    expect(one(queued, 'contactQueued')).toMatchObject({
      stickyAgentId: 'pref',
      stickyUntilMs: T0 + secondMs + minuteMs,
      position: 1,
    });
    expect(one(queued, 'stickyQueued')).toMatchObject({
      contactId: 'c1',
      agentId: 'pref',
      queueId: 'q',
      untilMs: T0 + secondMs + minuteMs,
      lineLength: 1,
    });
    expect(one(t.enqueue('c2', 'q', { preferredAgentId: 'pref' }), 'stickyQueued').lineLength).toBe(
      2,
    );
    expect(t.placeOf('c2')?.position).toBe(2);
    // The preferred agent frees up: it takes its own line first.
    const freed = t.complete('first', 'pref');
    expect(kinds(freed)).toEqual(['contactCompleted', 'stickyDequeued', 'offerCreated']);
    expect(one(freed, 'stickyDequeued')).toMatchObject({
      contactId: 'c1',
      agentId: 'pref',
      leaveType: 'agent',
    });
    expect(offeredIds(freed)).toEqual(['c1>pref']);
  });

  it('[R9] after the sticky timeout any agent may take it', () => {
    const t = lab({
      queues: [{ id: 'q', stickyTimeoutMs: minuteMs }],
      agents: [
        { id: 'pref', serves: ['q'] },
        { id: 'other', serves: ['q'] },
      ],
    });
    t.run({ type: 'setPresence', agentId: 'pref', presence: 'notReady' });
    t.enqueue('c1', 'q', { preferredAgentId: 'pref' });
    expect(offeredIds(t.log)).toEqual([]);
    expect(t.advanceTo(T0 + minuteMs - 1)).toEqual([]);
    const events = t.advance(1);
    expect(kinds(events)).toEqual(['stickyDequeued', 'offerCreated']);
    expect(one(events, 'stickyDequeued')).toMatchObject({ contactId: 'c1', leaveType: 'expired' });
    expect(offeredIds(events)).toEqual(['c1>other']);
  });

  it('[R9] a free preferred agent is offered the contact at once', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'pref', serves: ['q'] },
      ],
    });
    const events = t.enqueue('c1', 'q', { preferredAgentId: 'pref' });
    expect(kinds(events)).toEqual([
      'contactQueued',
      'stickyQueued',
      'stickyDequeued',
      'offerCreated',
    ]);
    expect(offeredIds(events)).toEqual(['c1>pref']);
  });

  it('[R9] a customer leaving the sticky line is reported with leave type abandon', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'pref', serves: ['q'], isLoggedIn: false }],
    });
    t.enqueue('c1', 'q', { preferredAgentId: 'pref' });
    t.clock.advance(5 * secondMs);
    const events = t.run({ type: 'abandonContact', contactId: 'c1' });
    expect(kinds(events)).toEqual(['stickyDequeued', 'contactAbandoned']);
    expect(one(events, 'stickyDequeued').leaveType).toBe('abandon');
    expect(one(events, 'contactAbandoned').waitMs).toBe(5 * secondMs);
  });

  it('[R9] an unknown preferred agent, or a queue without stickiness, means no preference', () => {
    const t = lab({
      queues: [{ id: 'q' }, { id: 'plain', stickyTimeoutMs: 0 }],
      agents: [
        { id: 'a1', serves: ['q', 'plain'] },
        { id: 'pref', serves: ['q', 'plain'], isLoggedIn: false },
      ],
    });
    expect(kinds(t.enqueue('c1', 'q', { preferredAgentId: 'ghost' }))).toEqual([
      'contactQueued',
      'offerCreated',
    ]);
    t.accept('a1');
    t.complete('c1', 'a1');
    const plain = t.enqueue('c2', 'plain', { preferredAgentId: 'pref' });
    expect(one(plain, 'contactQueued').stickyAgentId).toBeNull();
    expect(offeredIds(plain)).toEqual(['c2>a1']);
  });
});

describe('R10 callbacks', () => {
  it('[R10] a waiting customer converting to a callback keeps its place', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.enqueue('c1', 'q');
    t.clock.advance(secondMs);
    t.enqueue('c2', 'q');
    t.clock.advance(secondMs);
    t.enqueue('c3', 'q');
    t.clock.advance(secondMs);
    const events = t.run({ type: 'convertToCallback', contactId: 'c2', number: '+49 30 1234' });
    expect(one(events, 'contactConvertedToCallback')).toMatchObject({
      contactId: 'c2',
      queueId: 'q',
      number: '+49 30 1234',
    });
    expect(['c1', 'c2', 'c3'].map((id) => t.placeOf(id)?.position)).toEqual([1, 2, 3]);
    const waiting = t.engine.waitingContacts('q' as never, 5);
    expect(waiting.map((contact) => [contact.id, contact.channel, contact.joinedAtMs])).toEqual([
      ['c1', 'voice', T0],
      ['c2', 'callback', T0 + secondMs],
      ['c3', 'voice', T0 + 2 * secondMs],
    ]);
    t.createAgent({ id: 'a1', serves: ['q'] });
    expect(serveAll(t, 'a1', 3)).toEqual(['c1', 'c2', 'c3']);
  });

  it('[R10] converting an offered contact withdraws the offer and it is offered again as a callback', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('c1', 'q');
    const events = t.run({ type: 'convertToCallback', contactId: 'c1', number: '555' });
    expect(kinds(events)).toEqual(['offerCancelled', 'contactConvertedToCallback', 'offerCreated']);
    expect(one(events, 'offerCancelled').reason).toBe('contactConverted');
    expect(one(events, 'offerCreated')).toMatchObject({ contactId: 'c1', channel: 'callback' });
  });

  it('[R10] a callback requested through the API is not offered before notBeforeMs', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    const dueMs = T0 + 10 * minuteMs;
    const events = t.run({
      type: 'requestCallback',
      contact: {
        id: 'cb1',
        queueId: 'q',
        customer: { id: 'k1', type: 'normal', number: '+1 555 0100' },
        notBeforeMs: dueMs,
      },
    });
    expect(kinds(events)).toEqual(['contactQueued']);
    expect(one(events, 'contactQueued')).toMatchObject({
      contact: { channel: 'callback', joinedType: 'callback', callbackNumber: '+1 555 0100' },
      notBeforeMs: dueMs,
      position: null,
      ewtMs: null,
    });
    expect(t.placeOf('cb1')).toBeNull();
    expect(t.engine.queueStatus('q' as never)?.waiting).toBe(1);
    expect(t.advanceTo(dueMs - 1)).toEqual([]);
    const due = t.advance(1);
    expect(kinds(due)).toEqual(['callbackDue', 'offerCreated']);
    expect(offeredIds(due)).toEqual(['cb1>a1']);
  });

  it('[R10] a callback requested for now is offered at once', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    const events = t.run({
      type: 'requestCallback',
      contact: { id: 'cb1', queueId: 'q', customer: { id: 'k1', type: 'normal', number: '1' } },
    });
    expect(one(events, 'contactQueued')).toMatchObject({ notBeforeMs: null, position: 1 });
    expect(offeredIds(events)).toEqual(['cb1>a1']);
  });

  it('[R10] no answer is retried by the queue policy, then closed', () => {
    const retryDelayMs = 2 * minuteMs;
    const t = lab({
      queues: [{ id: 'q', callbacks: { isAllowed: true, retryDelayMs, attemptsMax: 3 } }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.run({
      type: 'requestCallback',
      contact: { id: 'cb', queueId: 'q', customer: { id: 'k', type: 'normal', number: '1' } },
    });
    for (let attempt = 1; attempt <= 3; attempt++) {
      t.accept('a1');
      t.clock.advance(30 * secondMs);
      const closed = t.run({
        type: 'closeCallback',
        contactId: 'cb',
        agentId: 'a1',
        outcome: 'noAnswer',
      });
      const event = one(closed, 'callbackClosed');
      expect(event).toMatchObject({ outcome: 'noAnswer', attempt, talkMs: 30 * secondMs });
      if (attempt < 3) {
        // Waiting again, not in a line until it is due.
        expect(event.retryAtMs).toBe(t.nowMs + retryDelayMs);
        expect(offeredIds(closed)).toEqual([]);
        expect(t.placeOf('cb')).toBeNull();
        expect(t.engine.queueStatus('q' as never)?.waiting).toBe(1);
        expect(t.advanceTo(t.nowMs + retryDelayMs - 1)).toEqual([]);
        const due = t.advance(1);
        expect(kinds(due)).toEqual(['callbackDue', 'offerCreated']);
      } else {
        expect(event.retryAtMs).toBeNull();
        expect(t.engine.queueStatus('q' as never)?.waiting).toBe(0);
        t.expectRejected({ type: 'abandonContact', contactId: 'cb' }, 'contact_not_found');
      }
    }
    expect(t.engine.queueReport('q' as never)?.today).toMatchObject({ offered: 1, handled: 3 });
  });

  it('[R10] a callback that reached the customer or failed is closed at the first attempt', () => {
    for (const outcome of ['reached', 'failed'] as const) {
      const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
      t.run({
        type: 'requestCallback',
        contact: { id: 'cb', queueId: 'q', customer: { id: 'k', type: 'normal', number: '1' } },
      });
      t.accept('a1');
      const closed = t.run({ type: 'closeCallback', contactId: 'cb', agentId: 'a1', outcome });
      expect(one(closed, 'callbackClosed')).toMatchObject({ outcome, attempt: 1, retryAtMs: null });
      t.expectRejected({ type: 'abandonContact', contactId: 'cb' }, 'contact_not_found');
    }
  });
});

describe('R11 queues nobody serves', () => {
  it('[R11] a queue no agent is logged in to reports offline, and online once one logs in', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'a1', serves: ['q'], isLoggedIn: false }],
    });
    expect(t.engine.queueStatus('q' as never)).toMatchObject({ isOffline: true, ewtMs: null });
    const events = t.run({ type: 'logIn', agentId: 'a1' });
    const status = one(events, 'queueStatusChanged').status;
    expect(status).toMatchObject({ queueId: 'q', isOffline: false });
    expect(status.agents).toEqual({ serving: 1, ready: 1, busy: 0, wrapUp: 0, notReady: 0 });
  });

  it('[R11] whenEmpty reject turns a joining contact away with the queue message', () => {
    const t = lab({
      queues: [{ id: 'q', whenEmpty: 'reject', closedMessage: 'Nobody is here; call back at 9.' }],
    });
    const events = t.enqueue('c1', 'q');
    expect(kinds(events)).toEqual(['contactDeflected']);
    expect(one(events, 'contactDeflected')).toMatchObject({
      contactId: 'c1',
      queueId: 'q',
      reason: 'queueOffline',
      action: 'refuse',
      message: 'Nobody is here; call back at 9.',
    });
    expect(t.engine.queueStatus('q' as never)?.waiting).toBe(0);
    expect(t.engine.queueReport('q' as never)?.today.deflected).toBe(1);
    // Never waited: the id is free again.
    t.createAgent({ id: 'a1', serves: ['q'] });
    expect(kinds(t.enqueue('c1', 'q'))).toEqual(['contactQueued', 'offerCreated']);
  });

  it('[R11] whenEmpty leaveMessage offers to leave a message', () => {
    const t = lab({ queues: [{ id: 'q', whenEmpty: 'leaveMessage' }] });
    expect(one(t.enqueue('c1', 'q'), 'contactDeflected')).toMatchObject({
      reason: 'queueOffline',
      action: 'leaveMessage',
    });
  });

  it('[R11] whenEmpty wait lets the contact wait with no EWT until an agent logs in', () => {
    const t = lab({
      queues: [{ id: 'q', whenEmpty: 'wait' }],
      agents: [{ id: 'a1', serves: ['q'], isLoggedIn: false }],
    });
    const queued = one(t.enqueue('c1', 'q'), 'contactQueued');
    expect(queued).toMatchObject({ position: 1, ewtMs: null });
    expect(offeredIds(t.run({ type: 'logIn', agentId: 'a1' }))).toEqual(['c1>a1']);
  });

  it('[R11] an agent logged in but not ready still counts as serving the queue', () => {
    const t = lab({
      queues: [{ id: 'q', whenEmpty: 'reject' }],
      agents: [{ id: 'a1', serves: ['q'], isLoggedIn: false }],
    });
    t.run({ type: 'logIn', agentId: 'a1', notReadyReason: 'meeting' });
    expect(t.engine.queueStatus('q' as never)).toMatchObject({
      isOffline: false,
      agents: { serving: 1, notReady: 1 },
    });
    expect(kinds(t.enqueue('c1', 'q'))).toEqual(['contactQueued']);
  });
});

describe('R12 maxWait, overflow and time-out', () => {
  it('[R12] after maxWait a contact overflows, keeping its original joinedAt', () => {
    const t = lab({
      queues: [{ id: 'spill' }, { id: 'main', maxWaitMs: minuteMs, overflowQueueId: 'spill' }],
      agents: [{ id: 'helper', serves: ['spill'], isLoggedIn: false }],
    });
    t.enqueue('c1', 'main');
    expect(t.advanceTo(T0 + minuteMs - 1)).toEqual([]);
    const events = t.advance(1);
    expect(kinds(events)).toEqual(['contactOverflowed']);
    expect(one(events, 'contactOverflowed')).toMatchObject({
      contactId: 'c1',
      fromQueueId: 'main',
      toQueueId: 'spill',
      waitMs: minuteMs,
    });
    const [waiting] = t.engine.waitingContacts('spill' as never, 1);
    expect(waiting).toMatchObject({ id: 'c1', joinedAtMs: T0, joinedType: 'overflow' });
    expect(t.engine.queueStatus('main' as never)?.waiting).toBe(0);
    expect(t.engine.queueReport('main' as never)?.today.overflowed).toBe(1);
    expect(t.engine.queueReport('spill' as never)?.today.offered).toBe(1);
    t.advance(30 * secondMs);
    const offered = t.run({ type: 'logIn', agentId: 'helper' });
    expect(offeredIds(offered)).toEqual(['c1>helper']);
    // The wait is reported from the first join.
    expect(one(t.accept('helper'), 'contactAssigned').waitMs).toBe(90 * secondMs);
  });

  it('[R12] overflow keeps the contact ahead of later joiners of the overflow queue', () => {
    const t = lab({
      queues: [{ id: 'spill' }, { id: 'main', maxWaitMs: minuteMs, overflowQueueId: 'spill' }],
    });
    t.enqueue('early', 'main');
    t.clock.advance(30 * secondMs);
    t.enqueue('later', 'spill');
    t.advance(30 * secondMs);
    expect(t.placeOf('early')?.position).toBe(1);
    expect(t.placeOf('later')?.position).toBe(2);
  });

  it('[R12] maxWait counts anew in the overflow queue, then the contact times out', () => {
    const t = lab({
      queues: [
        { id: 'spill', maxWaitMs: 2 * minuteMs },
        { id: 'main', maxWaitMs: minuteMs, overflowQueueId: 'spill' },
      ],
    });
    t.enqueue('c1', 'main');
    t.advance(minuteMs);
    expect(t.advanceTo(T0 + 3 * minuteMs - 1)).toEqual([]);
    const events = t.advance(1);
    expect(kinds(events)).toEqual(['contactTimedOut']);
    expect(one(events, 'contactTimedOut')).toMatchObject({
      contactId: 'c1',
      queueId: 'spill',
      waitMs: 3 * minuteMs,
      reason: 'maxWait',
    });
    expect(t.engine.queueReport('spill' as never)?.today.timedOut).toBe(1);
  });

  it('[R12] without an overflow queue the contact times out with reason maxWait', () => {
    const t = lab({ queues: [{ id: 'q', maxWaitMs: minuteMs }] });
    t.enqueue('c1', 'q');
    const events = t.advance(minuteMs);
    expect(one(events, 'contactTimedOut')).toMatchObject({ reason: 'maxWait', waitMs: minuteMs });
    expect(t.engine.queueStatus('q' as never)?.waiting).toBe(0);
  });

  it('[R12] overflow into a full queue times out with reason overflowFull', () => {
    const t = lab({
      queues: [
        { id: 'spill', maxSize: 1 },
        { id: 'main', maxWaitMs: minuteMs, overflowQueueId: 'spill' },
      ],
    });
    t.enqueue('c1', 'main');
    t.enqueue('blocker', 'spill');
    const events = t.advance(minuteMs);
    expect(kinds(events)).toEqual(['contactTimedOut']);
    expect(one(events, 'contactTimedOut')).toMatchObject({
      contactId: 'c1',
      queueId: 'main',
      reason: 'overflowFull',
    });
  });

  it('[R12] overflow into a queue that does not take the channel times out with reason overflowFull', () => {
    const t = lab({
      queues: [
        {
          id: 'chats',
          channels: ['chat'],
          callbacks: { isAllowed: false, retryDelayMs: 60_000, attemptsMax: 1 },
        },
        { id: 'main', maxWaitMs: minuteMs, overflowQueueId: 'chats' },
      ],
    });
    t.enqueue('c1', 'main', { channel: 'voice' });
    expect(one(t.advance(minuteMs), 'contactTimedOut').reason).toBe('overflowFull');
  });

  it('[R12] a callback does not time out by maxWait: nobody is holding on the line', () => {
    const t = lab({ queues: [{ id: 'q', maxWaitMs: minuteMs }] });
    t.enqueue('c1', 'q');
    t.clock.advance(30 * secondMs);
    t.run({ type: 'convertToCallback', contactId: 'c1', number: '1' });
    expect(kinds(t.advance(10 * minuteMs))).toEqual([]);
    expect(t.placeOf('c1')?.position).toBe(1);
  });

  it('[R12] a contact is not timed out while offered, but is once the offer lapses past maxWait', () => {
    const t = lab({
      queues: [{ id: 'q', maxWaitMs: minuteMs, offerTimeoutMs: 2 * minuteMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    expect(kinds(t.advance(minuteMs))).toEqual([]);
    const lapsed = t.advance(minuteMs);
    expect(kinds(lapsed)).toEqual(['offerTimedOut', 'contactTimedOut']);
    expect(one(lapsed, 'contactTimedOut')).toMatchObject({
      atMs: T0 + 2 * minuteMs,
      waitMs: 2 * minuteMs,
      reason: 'maxWait',
    });
  });
});

describe('R13 position and EWT', () => {
  /** A queue whose two agents are both busy, so nobody is free and the line has to wait. */
  function busyQueue() {
    const t = lab({
      queues: [{ id: 'q', expectedHandleMs: 2 * minuteMs }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: ['q'] },
      ],
    });
    t.enqueue('busy1', 'q');
    t.enqueue('busy2', 'q');
    t.accept('a1');
    t.accept('a2');
    return t;
  }

  it('[R13] the queue-length EWT is position × handle time / working agents', () => {
    const t = busyQueue();
    const first = one(t.enqueue('c1', 'q'), 'contactQueued');
    expect(first).toMatchObject({ position: 1, ewtMs: minuteMs });
    t.enqueue('c2', 'q');
    const third = one(t.enqueue('c3', 'q'), 'contactQueued');
    expect(third).toMatchObject({ position: 3, ewtMs: 3 * minuteMs });
    expect(t.placeOf('c2')).toEqual({ position: 2, ewtMs: 2 * minuteMs });
    // The queue's EWT is that of a contact joining now: position 4.
    expect(t.engine.queueStatus('q' as never)?.ewtMs).toBe(4 * minuteMs);
  });

  it('[R13] the handle time follows the contacts handled, once there are some', () => {
    const t = busyQueue();
    t.clock.advance(30 * secondMs);
    t.complete('busy1', 'a1');
    t.complete('busy2', 'a2');
    t.run({ type: 'setPresence', agentId: 'a1', presence: 'notReady' });
    t.enqueue('c1', 'q');
    t.accept('a2');
    // One working agent, average handle 30 s: the next contact waits 30 s.
    expect(one(t.enqueue('c2', 'q'), 'contactQueued')).toMatchObject({
      position: 1,
      ewtMs: 30 * secondMs,
    });
  });

  it('[R13] EWT is null while no agent works the queue, and 0 when a free agent can take it', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'a1', serves: ['q'], isLoggedIn: false }],
    });
    expect(one(t.enqueue('c1', 'q'), 'contactQueued').ewtMs).toBeNull();
    expect(t.placeOf('c1')).toEqual({ position: 1, ewtMs: null });
    t.run({ type: 'logIn', agentId: 'a1', notReadyReason: 'break' });
    expect(t.placeOf('c1')?.ewtMs).toBeNull();
    const u = lab({
      queues: [{ id: 'q', channels: ['chat'] }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    u.run({ type: 'setMode', agentId: 'a1', mode: 'manual' });
    expect(one(u.enqueue('c1', 'q', { channel: 'chat' }), 'contactQueued').ewtMs).toBe(0);
  });

  it('[R13] positions follow the real serving order, VIP and aging included', () => {
    const t = lab({ queues: [{ id: 'q', agingPointsPerMinute: 1 }] });
    t.enqueue('old', 'q');
    t.clock.advance(2 * minuteMs);
    t.enqueue('scored', 'q', { priority: 5 });
    t.clock.advance(8 * minuteMs);
    t.enqueue('late', 'q', { priority: 5 });
    t.clock.advance(minuteMs);
    const vip = one(t.enqueue('vip', 'q', { isVip: true }), 'contactQueued');
    expect(vip.position).toBe(1);
    const byPosition = ['old', 'scored', 'late', 'vip'].sort(
      (a, b) => (t.placeOf(a)?.position ?? 0) - (t.placeOf(b)?.position ?? 0),
    );
    expect(byPosition).toEqual(['vip', 'scored', 'old', 'late']);
    t.createAgent({ id: 'a1', serves: ['q'] });
    expect(serveAll(t, 'a1', 4)).toEqual(byPosition);
  });

  it('[R13] positions count the contacts of every channel of the queue', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.enqueue('chat', 'q', { channel: 'chat' });
    t.clock.advance(secondMs);
    expect(one(t.enqueue('call', 'q', { channel: 'voice' }), 'contactQueued').position).toBe(2);
  });

  it('[R13] an offered contact has no position; the ones behind move up', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'a1', serves: ['q'], isLoggedIn: false }],
    });
    t.enqueue('c1', 'q');
    t.clock.advance(secondMs);
    t.enqueue('c2', 'q');
    t.run({ type: 'logIn', agentId: 'a1' });
    expect(t.placeOf('c1')).toBeNull();
    expect(t.placeOf('c2')?.position).toBe(1);
  });
});

describe('R13 queue status events', () => {
  it('[R13] a queue status is published when it changes', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    const events = t.enqueue('c1', 'q');
    const status = one(events, 'queueStatusChanged').status;
    expect(status).toMatchObject({
      queueId: 'q',
      waiting: 1,
      offered: 0,
      longestWaitingSinceMs: T0,
      isOffline: true,
      isOpen: true,
      ewtMs: null,
    });
    expect(events.at(-1)?.type).toBe('queueStatusChanged');
  });

  it('[R13] a queue status is not repeated when nothing in it changed', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('c1', 'q');
    expect(t.advance(secondMs)).toEqual([]);
    const renamed = t.run({ type: 'updateAgent', agentId: 'a1', changes: { name: 'Ann' } });
    expect(renamed.map((event) => event.type)).toEqual(['agentUpdated']);
    // Ready while ready is no change at all.
    expect(t.run({ type: 'setPresence', agentId: 'a1', presence: 'ready' })).toEqual([]);
  });

  it('[R13] an agent freed and offered the next contact at once leaves its other queues unannounced', () => {
    const t = lab({
      queues: [{ id: 'q1' }, { id: 'q2' }, { id: 'q3' }],
      agents: [{ id: 'a1', serves: ['q1', 'q2', 'q3'] }],
    });
    t.enqueue('c1', 'q1');
    t.accept('a1');
    t.enqueue('c2', 'q2');
    const events = t.complete('c1', 'a1');
    expect(kinds(events)).toEqual(['contactCompleted', 'offerCreated']);
    // q1 handled c1, which moves its EWT; q2's line changed; q3 saw nothing change.
    const statuses = ofType(events, 'queueStatusChanged').map((event) => event.status);
    expect(statuses.map((status) => status.queueId)).toEqual(['q1', 'q2']);
    expect(statuses[1]).toMatchObject({
      waiting: 0,
      offered: 1,
      agents: { serving: 1, busy: 1, ready: 0 },
    });
    // With nothing waiting it is free: every queue it serves counts one agent ready.
    t.accept('a1');
    const freed = ofType(t.complete('c2', 'a1'), 'queueStatusChanged');
    expect(freed.map((event) => [event.status.queueId, event.status.agents.ready])).toEqual([
      ['q2', 1],
      ['q1', 1],
      ['q3', 1],
    ]);
  });

  it('[R13] a status change caused through an agent outside the queue is published too', () => {
    // The preferred agent need not serve the queue (docs/routing.md, R9).
    const t = lab({
      queues: [{ id: 'q', offerTimeoutMs: 10 * secondMs }, { id: 'home' }],
      agents: [{ id: 'outsider', serves: ['home'] }],
    });
    t.enqueue('c1', 'q', { preferredAgentId: 'outsider' });
    expect(t.engine.queueStatus('q' as never)).toMatchObject({ waiting: 0, offered: 1 });
    const lapsed = t.advance(10 * secondMs);
    expect(kinds(lapsed)).toEqual(['offerTimedOut']);
    const statuses = ofType(lapsed, 'queueStatusChanged').filter(
      (event) => event.status.queueId === 'q',
    );
    expect(statuses.map((event) => [event.status.waiting, event.status.offered])).toEqual([[1, 0]]);
  });

  it('[R13] each queue an event concerns gets its own status', () => {
    const t = lab({
      queues: [{ id: 'q1' }, { id: 'q2' }],
      agents: [{ id: 'a1', serves: ['q1', 'q2'], isLoggedIn: false }],
    });
    const events = t.run({ type: 'logIn', agentId: 'a1' });
    expect(
      ofType(events, 'queueStatusChanged')
        .map((event) => event.status.queueId)
        .sort(),
    ).toEqual(['q1', 'q2']);
  });
});

describe('R13 statistics', () => {
  /**
   * One agent, threshold 20 s: c1 answered after 5 s and talked 60 s; c2
   * abandoned after 5 s; c3 abandoned after 30 s; c4 answered after 40 s and
   * talked 30 s. Ends at T0 + 100 s with the agent free.
   */
  function day() {
    const t = lab({
      queues: [{ id: 'q', serviceLevelThresholdMs: 20 * secondMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    t.advanceTo(T0 + 5 * secondMs);
    t.accept('a1');
    t.advanceTo(T0 + 10 * secondMs);
    t.enqueue('c2', 'q');
    t.advanceTo(T0 + 15 * secondMs);
    t.run({ type: 'abandonContact', contactId: 'c2' });
    t.advanceTo(T0 + 20 * secondMs);
    t.enqueue('c3', 'q');
    t.advanceTo(T0 + 30 * secondMs);
    t.enqueue('c4', 'q');
    t.advanceTo(T0 + 50 * secondMs);
    t.run({ type: 'abandonContact', contactId: 'c3' });
    t.advanceTo(T0 + 65 * secondMs);
    expect(offeredIds(t.complete('c1', 'a1'))).toEqual(['c4>a1']);
    t.advanceTo(T0 + 70 * secondMs);
    t.accept('a1');
    t.advanceTo(T0 + 100 * secondMs);
    t.complete('c4', 'a1');
    return t;
  }

  it('[R13] counts offered, answered and abandoned, with ASA, AHT, service level and abandon rate', () => {
    const t = day();
    const today = t.engine.queueReport('q' as never, T0 + 120 * secondMs)?.today;
    expect(today).toMatchObject({
      offered: 4,
      answered: 2,
      answeredInThreshold: 1,
      abandoned: 2,
      abandonedInThreshold: 1,
      handled: 2,
      asaMs: 22_500,
      ahtMs: 45_000,
      abandonRate: 0.5,
    });
    // Answered in threshold over answered plus abandoned after the threshold: 1 / (2 + 1).
    expect(today?.serviceLevel).toBeCloseTo(1 / 3, 10);
  });

  it("[R13] occupancy is busy and wrap-up time over the agents' logged-in ready time", () => {
    const t = day();
    // Busy (offered or talking) from T0 to T0 + 100 s, free for the next 20 s.
    const report = t.engine.queueReport('q' as never, T0 + 120 * secondMs);
    expect(report?.today.occupancy).toBeCloseTo(100 / 120, 10);
    const agent = t.engine.agentReport('a1' as never, T0 + 120 * secondMs)?.today;
    expect(agent).toMatchObject({
      offered: 2,
      answered: 2,
      handled: 2,
      talkMs: 90 * secondMs,
      busyMs: 100 * secondMs,
      freeMs: 20 * secondMs,
      ahtMs: 45 * secondMs,
    });
    expect(agent?.occupancy).toBeCloseTo(100 / 120, 10);
    // A report without occupancy (a metrics scrape's) has the same counters and null there.
    const counters = t.engine.queueReport('q' as never, T0 + 120 * secondMs, { occupancy: false });
    expect(counters?.today).toEqual({ ...report?.today, occupancy: null });
    expect(counters?.window).toEqual({ ...report?.window, occupancy: null });
  });

  it('[R13] a state still going on counts up to the moment of the report: all of it today, its last 15 minutes in the window', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    const since = t.nowMs;
    t.enqueue('c1', 'q');
    t.accept('a1');
    // Busy 5 minutes, then free and still free 20 minutes and 30 seconds later.
    t.advance(5 * minuteMs);
    t.complete('c1', 'a1');
    const atMs = t.nowMs + 20 * minuteMs + 30 * secondMs;
    const report = t.engine.agentReport('a1' as never, atMs);
    expect(report?.today).toMatchObject({
      busyMs: 5 * minuteMs,
      freeMs: atMs - since - 5 * minuteMs,
    });
    // The window ends with the minute of the report and began 14 whole minutes before it.
    const windowStartMs = (Math.floor(atMs / minuteMs) - 14) * minuteMs;
    expect(report?.window).toMatchObject({ busyMs: 0, freeMs: atMs - windowStartMs });
    expect(report?.window.occupancy).toBe(0);
    const queue = t.engine.queueReport('q' as never, atMs);
    expect(queue?.today.occupancy).toBeCloseTo((5 * minuteMs) / (atMs - since), 10);
    expect(queue?.window.occupancy).toBe(0);
    // Reading changes nothing: the same report twice.
    expect(t.engine.agentReport('a1' as never, atMs)).toEqual(report);
  });

  it('[R13] handle time counts talk and wrap-up, as long as the wrap-up really lasted', () => {
    const t = lab({
      queues: [{ id: 'q', wrapUpMs: minuteMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.advance(2 * minuteMs);
    t.complete('c1', 'a1');
    t.advance(minuteMs); // the whole wrap-up
    t.enqueue('c2', 'q');
    t.accept('a1');
    t.advance(minuteMs);
    t.complete('c2', 'a1');
    t.advance(20 * secondMs);
    t.run({ type: 'setPresence', agentId: 'a1', presence: 'ready' }); // wrap-up cut short
    // (2 min + 1 min) and (1 min + 20 s), averaged.
    expect(t.engine.queueReport('q' as never)?.today).toMatchObject({
      handled: 2,
      ahtMs: (3 * minuteMs + 80 * secondMs) / 2,
    });
    expect(t.engine.agentReport('a1' as never)?.today).toMatchObject({
      talkMs: 3 * minuteMs,
      wrapUpMs: 80 * secondMs,
      ahtMs: (3 * minuteMs + 80 * secondMs) / 2,
    });
  });

  it('[R13] the 15-minute window drops minutes older than 15 minutes; today keeps them', () => {
    const t = day();
    // c1 was answered in minute 0 (T0 + 5 s), c4 in minute 1 (T0 + 70 s).
    const at = (ms: number) => t.engine.queueReport('q' as never, ms);
    expect(at(T0 + 14 * minuteMs + 59 * secondMs)?.window.answered).toBe(2);
    expect(at(T0 + 15 * minuteMs)?.window.answered).toBe(1);
    expect(at(T0 + 16 * minuteMs)?.window.answered).toBe(0);
    expect(at(T0 + 16 * minuteMs)?.today.answered).toBe(2);
  });

  it('[R13] today starts again at the next local midnight (dayStarted)', () => {
    const t = day();
    const midnight = utcMs(2026, 3, 3);
    const events = t.advanceTo(midnight);
    expect(one(events, 'dayStarted')).toMatchObject({
      atMs: midnight,
      dayStartMs: midnight,
      nextDayStartMs: midnight + dayMs,
    });
    expect(t.engine.queueReport('q' as never)?.today).toMatchObject({
      offered: 0,
      answered: 0,
      abandoned: 0,
      asaMs: null,
      serviceLevel: null,
    });
    expect(t.engine.agentReport('a1' as never)?.today).toMatchObject({
      answered: 0,
      talkMs: 0,
      busyMs: 0,
    });
    // The agent has been free since before midnight: today counts only the time since.
    expect(t.engine.agentReport('a1' as never, midnight + 30 * minuteMs)?.today.freeMs).toBe(
      30 * minuteMs,
    );
  });

  it('[R13] a new engine starts its first statistics day with its first command', () => {
    const t = lab();
    const events = t.createQueue({ id: 'q' });
    expect(kinds(events)).toEqual(['dayStarted', 'queueCreated']);
    expect(one(events, 'dayStarted')).toMatchObject({
      atMs: T0,
      dayStartMs: utcMs(2026, 3, 2),
      nextDayStartMs: utcMs(2026, 3, 3),
    });
    expect(t.engine.nextDeadline()).toBe(utcMs(2026, 3, 3));
  });

  it('[R13] the statistics day follows the engine time zone', () => {
    const t = lab({ options: { timeZone: 'Asia/Shanghai' } });
    // 09:00 UTC is 17:00 in Shanghai (UTC+8); its day began at 16:00 UTC the day before.
    expect(one(t.createQueue({ id: 'q' }), 'dayStarted')).toMatchObject({
      dayStartMs: utcMs(2026, 3, 1, 16),
      nextDayStartMs: utcMs(2026, 3, 2, 16),
    });
  });
});

describe('R14 every change is an event', () => {
  it('[R14] folding the emitted events into a new engine rebuilds the same state', () => {
    const t = lab({
      options: { seed: 9 },
      queues: [{ id: 'q', wrapUpMs: 10 * secondMs, strategy: 'random' }, { id: 'other' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: { q: 2, other: 1 } },
      ],
    });
    t.enqueue('c1', 'q');
    t.enqueue('c2', 'q', { channel: 'chat', isVip: true });
    t.enqueue('c3', 'other', { preferredAgentId: 'a1' });
    t.advance(20 * secondMs);
    t.reject('a2');
    t.advance(40 * secondMs);
    t.run({ type: 'convertToCallback', contactId: 'c3', number: '1' });
    t.advance(5 * minuteMs);
    const replica = new Engine({ seed: 9 });
    for (const event of t.log) replica.evolve(event);
    expect(replica.snapshot()).toEqual(t.engine.snapshot());
    expect(replica.nextDeadline()).toBe(t.engine.nextDeadline());
  });

  it('[R14] a command older than the engine clock is recorded as happening now', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.clock.advance(minuteMs);
    t.enqueue('c1', 'q');
    const events = t.run({ type: 'abandonContact', contactId: 'c1', atMs: T0 });
    expect(one(events, 'contactAbandoned')).toMatchObject({ atMs: T0 + minuteMs, waitMs: 0 });
    expect(t.engine.nowMs()).toBe(T0 + minuteMs);
  });

  it('[R14] a command that changes nothing emits nothing', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: { q: 3 } }] });
    const before = t.engine.snapshot();
    expect(t.run({ type: 'setMode', agentId: 'a1', mode: 'auto' })).toEqual([]);
    expect(t.run({ type: 'startServing', agentId: 'a1', queueId: 'q', priority: 3 })).toEqual([]);
    expect(t.engine.snapshot()).toEqual(before);
  });
});

describe('R15 bullseye expansion', () => {
  function bullseye() {
    const t = lab({
      queues: [
        {
          id: 'q',
          expansion: [
            { afterMs: 0, minAgentPriority: 10 },
            { afterMs: 30 * secondMs, minAgentPriority: 5 },
            { afterMs: 60 * secondMs, minAgentPriority: 0 },
          ],
        },
      ],
      agents: [{ id: 'junior', serves: { q: 0 } }],
    });
    return t;
  }

  it('[R15] a new contact is offered only to agents at or above the first step priority', () => {
    const t = bullseye();
    t.createAgent({ id: 'senior', serves: { q: 10 } });
    expect(offeredIds(t.enqueue('c1', 'q'))).toEqual(['c1>senior']);
    t.accept('senior');
    expect(offeredIds(t.enqueue('c2', 'q'))).toEqual([]);
  });

  it('[R15] the pool widens at the step times and a low-priority agent gets it only after its step', () => {
    const t = bullseye();
    t.enqueue('c1', 'q');
    expect(t.advanceTo(T0 + 30 * secondMs - 1)).toEqual([]);
    const first = t.advance(1);
    expect(kinds(first)).toEqual(['contactPoolWidened']);
    expect(one(first, 'contactPoolWidened')).toMatchObject({
      atMs: T0 + 30 * secondMs,
      contactId: 'c1',
      queueId: 'q',
      level: 1,
      minAgentPriority: 5,
    });
    expect(t.advanceTo(T0 + 60 * secondMs - 1)).toEqual([]);
    const second = t.advance(1);
    expect(kinds(second)).toEqual(['contactPoolWidened', 'offerCreated']);
    expect(one(second, 'contactPoolWidened')).toMatchObject({ level: 2, minAgentPriority: 0 });
    expect(offeredIds(second)).toEqual(['c1>junior']);
  });

  it('[R15] an agent joining with a priority the contact has reached is offered it at once', () => {
    const t = bullseye();
    t.enqueue('c1', 'q');
    t.advance(30 * secondMs);
    t.createAgent({ id: 'mid', serves: { q: 5 } });
    expect(offeredIds(t.log.slice(-3))).toEqual(['c1>mid']);
  });

  it('[R15] a contact keeps its place in the queue while its pool widens', () => {
    const t = bullseye();
    t.enqueue('c1', 'q');
    t.advance(30 * secondMs);
    const second = one(t.enqueue('c2', 'q'), 'contactQueued');
    expect(second.position).toBe(2);
    expect(t.placeOf('c1')?.position).toBe(1);
  });
});

describe('R16 opening hours', () => {
  const monday = (hour: number, minute = 0) => utcMs(2026, 3, 2, hour, minute);
  /** Open on Mondays 09:00–17:00 UTC. */
  const hours = {
    timeZone: 'UTC',
    weekly: [{ day: 1, openMinute: 9 * 60, closeMinute: 17 * 60 }],
    holidays: [],
  };
  function officeQueue(whenClosed: 'refuse' | 'leaveMessage' | 'callback', startMs = monday(8)) {
    return lab({
      startMs,
      queues: [{ id: 'q', hours, whenClosed, closedMessage: 'We open Mondays at 9.' }],
    });
  }

  it('[R16] a queue opens and closes at the hours given (queueOpened, queueClosed)', () => {
    const t = officeQueue('refuse');
    const created = one(t.log, 'queueCreated');
    expect(created).toMatchObject({ isOpen: false, hoursChangeAtMs: monday(9) });
    expect(t.engine.queueStatus('q' as never)?.isOpen).toBe(false);
    expect(t.advanceTo(monday(9) - 1)).toEqual([]);
    const opened = t.advance(1);
    expect(one(opened, 'queueOpened')).toEqual({
      type: 'queueOpened',
      atMs: monday(9),
      queueId: 'q',
      hoursChangeAtMs: monday(17),
    });
    expect(one(opened, 'queueStatusChanged').status.isOpen).toBe(true);
    const closed = t.advanceTo(monday(17));
    expect(one(closed, 'queueClosed')).toMatchObject({
      atMs: monday(17),
      hoursChangeAtMs: utcMs(2026, 3, 9, 9),
    });
  });

  it('[R16] whenClosed refuse turns a joining contact away with the closed message', () => {
    const t = officeQueue('refuse');
    const events = t.enqueue('c1', 'q', { number: '1' });
    expect(kinds(events)).toEqual(['contactDeflected']);
    expect(one(events, 'contactDeflected')).toMatchObject({
      reason: 'queueClosed',
      action: 'refuse',
      message: 'We open Mondays at 9.',
    });
  });

  it('[R16] whenClosed leaveMessage asks the customer to leave a message', () => {
    const t = officeQueue('leaveMessage');
    expect(one(t.enqueue('c1', 'q'), 'contactDeflected')).toMatchObject({
      reason: 'queueClosed',
      action: 'leaveMessage',
    });
  });

  it('[R16] whenClosed callback books a callback due at the next opening', () => {
    const t = officeQueue('callback');
    t.createAgent({ id: 'a1', serves: ['q'] });
    const events = t.enqueue('c1', 'q', { number: '+44 20 7946 0000' });
    expect(kinds(events)).toEqual(['contactQueued']);
    expect(one(events, 'contactQueued')).toMatchObject({
      contact: { channel: 'callback', joinedType: 'callback', callbackNumber: '+44 20 7946 0000' },
      notBeforeMs: monday(9),
      position: null,
    });
    const opening = t.advanceTo(monday(9));
    expect(kinds(opening)).toEqual(['queueOpened', 'callbackDue', 'offerCreated']);
    expect(offeredIds(opening)).toEqual(['c1>a1']);
  });

  it('[R16] whenClosed callback without a number to call asks to leave a message', () => {
    const t = officeQueue('callback');
    expect(one(t.enqueue('c1', 'q'), 'contactDeflected')).toMatchObject({
      reason: 'queueClosed',
      action: 'leaveMessage',
    });
  });

  it('[R16] contacts already waiting at closing time are still served', () => {
    const t = officeQueue('refuse', monday(16));
    t.createAgent({ id: 'a1', serves: ['q'], isLoggedIn: false });
    t.enqueue('c1', 'q');
    expect(t.advanceTo(monday(17))).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'queueClosed' })]),
    );
    t.advanceTo(monday(17, 5));
    expect(offeredIds(t.run({ type: 'logIn', agentId: 'a1' }))).toEqual(['c1>a1']);
  });

  it('[R16] a callback requested while closed is due at the next opening at the earliest', () => {
    const t = officeQueue('refuse');
    const request = (id: string, notBeforeMs?: number) =>
      one(
        t.run({
          type: 'requestCallback',
          contact: {
            id,
            queueId: 'q',
            customer: { id: `k-${id}`, type: 'normal', number: '1' },
            ...(notBeforeMs === undefined ? {} : { notBeforeMs }),
          },
        }),
        'contactQueued',
      ).notBeforeMs;
    expect(request('asap')).toBe(monday(9));
    expect(request('early', monday(8, 30))).toBe(monday(9));
    expect(request('late', monday(11))).toBe(monday(11));
  });

  it('[R16] a holiday keeps the queue closed all day', () => {
    const t = lab({
      startMs: monday(8),
      queues: [{ id: 'q', hours: { ...hours, holidays: ['2026-03-02'] } }],
    });
    expect(one(t.log, 'queueCreated')).toMatchObject({
      isOpen: false,
      hoursChangeAtMs: utcMs(2026, 3, 9, 9),
    });
  });
});

describe('transfers', () => {
  /** a1 talks to `held` (joined at T0) in q1; `waiting` joined q2 at T0 + 10 s. */
  function transferSetup() {
    const t = lab({
      queues: [{ id: 'q1', wrapUpMs: minuteMs }, { id: 'q2' }],
      agents: [{ id: 'a1', serves: ['q1'] }],
    });
    t.enqueue('held', 'q1');
    t.accept('a1');
    t.clock.advance(10 * secondMs);
    t.enqueue('waiting', 'q2');
    t.clock.advance(10 * secondMs);
    return t;
  }

  it('[R2] a contact transferred to a queue keeping its place goes ahead of later joiners', () => {
    const t = transferSetup();
    const events = t.run({
      type: 'transferContact',
      contactId: 'held',
      agentId: 'a1',
      target: { queueId: 'q2', keepsPlace: true },
    });
    expect(one(events, 'contactTransferred')).toMatchObject({
      fromQueueId: 'q1',
      toQueueId: 'q2',
      fromAgentId: 'a1',
      toAgentId: null,
      placeAtMs: T0,
      stickyUntilMs: null,
    });
    expect(t.placeOf('held')?.position).toBe(1);
    expect(t.placeOf('waiting')?.position).toBe(2);
    expect(t.heldBy('a1')).toEqual([]);
    // A transferring agent does not go into wrap-up.
    expect(ofType(events, 'agentStateChanged')).toEqual([]);
    expect(t.engine.queueReport('q1' as never)?.today.transferredOut).toBe(1);
  });

  it('[R2] a contact transferred to a queue without keeping its place joins at the back', () => {
    const t = transferSetup();
    const events = t.run({
      type: 'transferContact',
      contactId: 'held',
      agentId: 'a1',
      target: { queueId: 'q2', keepsPlace: false },
    });
    expect(one(events, 'contactTransferred').placeAtMs).toBe(T0 + 20 * secondMs);
    expect(t.placeOf('held')?.position).toBe(2);
    const [first] = t.engine.waitingContacts('q2' as never, 2);
    expect(first?.id).toBe('waiting');
    const moved = t.engine.waitingContacts('q2' as never, 2)[1];
    expect(moved).toMatchObject({ id: 'held', joinedAtMs: T0, joinedType: 'transfer' });
  });

  it('[R9] a contact transferred to an agent waits for it up to waitMsMax, then any agent takes it', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.createAgent({ id: 'from', serves: ['q'] });
    t.enqueue('c1', 'q');
    t.accept('from');
    t.createAgent({ id: 'expert', serves: ['q'] });
    t.enqueue('other', 'q');
    t.accept('expert');
    t.createAgent({ id: 'spare', serves: ['q'], isLoggedIn: false });
    const events = t.run({
      type: 'transferContact',
      contactId: 'c1',
      agentId: 'from',
      target: { agentId: 'expert', waitMsMax: 10 * secondMs },
    });
    expect(kinds(events)).toEqual(['contactTransferred', 'stickyQueued']);
    expect(one(events, 'contactTransferred')).toMatchObject({
      fromQueueId: 'q',
      toQueueId: 'q',
      fromAgentId: 'from',
      toAgentId: 'expert',
      stickyUntilMs: T0 + 10 * secondMs,
    });
    expect(one(events, 'stickyQueued')).toMatchObject({ agentId: 'expert', lineLength: 1 });
    // `from` is free but the contact waits for `expert`.
    expect(t.offerOf('from')).toBeNull();
    const expired = t.advance(10 * secondMs);
    expect(kinds(expired)).toEqual(['stickyDequeued', 'offerCreated']);
    expect(one(expired, 'stickyDequeued').leaveType).toBe('expired');
    expect(offeredIds(expired)).toEqual(['c1>from']);
  });

  it('[R9] a contact transferred to a free agent is offered to it at once', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.createAgent({ id: 'from', serves: ['q'] });
    t.enqueue('c1', 'q');
    t.accept('from');
    t.createAgent({ id: 'expert', serves: ['q'] });
    const events = t.run({
      type: 'transferContact',
      contactId: 'c1',
      agentId: 'from',
      target: { agentId: 'expert' },
    });
    expect(one(events, 'contactTransferred').stickyUntilMs).toBe(T0 + 300_000);
    expect(kinds(events)).toEqual([
      'contactTransferred',
      'stickyQueued',
      'stickyDequeued',
      'offerCreated',
    ]);
    expect(offeredIds(events)).toEqual(['c1>expert']);
  });

  it('[R5] transferring an offered contact withdraws the offer first', () => {
    const t = lab({ queues: [{ id: 'q1' }, { id: 'q2' }], agents: [{ id: 'a1', serves: ['q1'] }] });
    t.enqueue('c1', 'q1');
    const events = t.run({
      type: 'transferContact',
      contactId: 'c1',
      target: { queueId: 'q2', keepsPlace: true },
    });
    expect(kinds(events)).toEqual(['offerCancelled', 'contactTransferred']);
    expect(one(events, 'offerCancelled').reason).toBe('contactTransferred');
  });
});

describe('agents leaving', () => {
  it('[R2] a forced log-out puts the contacts held back in their queues, keeping their places', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('c1', 'q', { channel: 'chat' });
    t.accept('a1');
    t.clock.advance(secondMs);
    t.enqueue('c2', 'q', { channel: 'chat' });
    t.accept('a1');
    t.clock.advance(secondMs);
    t.enqueue('c3', 'q', { channel: 'chat' });
    expect(t.offeredTo('a1')).toBe('c3');
    t.clock.advance(secondMs);
    t.enqueue('c4', 'q', { channel: 'chat' });
    const events = t.run({ type: 'logOut', agentId: 'a1', isForced: true });
    expect(kinds(events)).toEqual([
      'offerCancelled',
      'contactRequeued',
      'contactRequeued',
      'agentStateChanged',
    ]);
    expect(one(events, 'offerCancelled')).toMatchObject({
      contactId: 'c3',
      reason: 'agentLoggedOut',
    });
    expect(ofType(events, 'contactRequeued').map((event) => event.contactId)).toEqual(['c1', 'c2']);
    expect(one(events, 'agentStateChanged')).toMatchObject({
      presence: 'offline',
      cause: 'loggedOut',
    });
    expect(['c1', 'c2', 'c3', 'c4'].map((id) => t.placeOf(id)?.position)).toEqual([1, 2, 3, 4]);
    expect(t.engine.queueStatus('q' as never)).toMatchObject({ waiting: 4, isOffline: true });
  });

  it('[R6] logging out withdraws a pending offer and the contact goes to another agent', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: ['q'] },
      ],
    });
    t.enqueue('c1', 'q');
    const events = t.run({ type: 'logOut', agentId: 'a1' });
    expect(kinds(events)).toEqual(['offerCancelled', 'agentStateChanged', 'offerCreated']);
    expect(offeredIds(events)).toEqual(['c1>a2']);
  });

  it('[R6] stopping to serve a queue withdraws an offer from it', () => {
    const t = lab({
      queues: [{ id: 'q' }, { id: 'p' }],
      agents: [{ id: 'a1', serves: ['q', 'p'] }],
    });
    t.enqueue('c1', 'q');
    const events = t.run({ type: 'stopServing', agentId: 'a1', queueId: 'q' });
    expect(kinds(events)).toEqual(['offerCancelled', 'agentLeftQueue']);
    expect(one(events, 'offerCancelled').reason).toBe('agentStoppedServing');
    expect(t.placeOf('c1')?.position).toBe(1);
  });

  it('[R9] removing an agent releases the contacts waiting for it to the queue', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'pref', serves: ['q'], isLoggedIn: false },
        { id: 'a2', serves: ['q'] },
      ],
    });
    t.run({ type: 'setPresence', agentId: 'a2', presence: 'notReady' });
    t.enqueue('c1', 'q', { preferredAgentId: 'pref' });
    t.run({ type: 'setPresence', agentId: 'a2', presence: 'ready' });
    expect(t.offerOf('a2')).toBeNull();
    const events = t.run({ type: 'removeAgent', agentId: 'pref' });
    expect(kinds(events)).toEqual(['stickyDequeued', 'agentRemoved', 'offerCreated']);
    expect(one(events, 'stickyDequeued').leaveType).toBe('agentRemoved');
    expect(offeredIds(events)).toEqual(['c1>a2']);
  });
});

describe('limits of a queue', () => {
  it('[R12] a queue at maxSize turns the next contact away as full', () => {
    const t = lab({ queues: [{ id: 'q', maxSize: 2 }] });
    t.enqueue('c1', 'q');
    t.enqueue('c2', 'q');
    const events = t.enqueue('c3', 'q');
    expect(kinds(events)).toEqual(['contactDeflected']);
    expect(one(events, 'contactDeflected')).toMatchObject({
      contactId: 'c3',
      reason: 'queueFull',
      action: 'refuse',
    });
    expect(t.engine.queueStatus('q' as never)?.waiting).toBe(2);
  });

  it('[R12] offered contacts do not count toward maxSize', () => {
    const t = lab({ queues: [{ id: 'q', maxSize: 1 }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.enqueue('c1', 'q');
    expect(kinds(t.enqueue('c2', 'q'))).toEqual(['contactQueued']);
  });
});

describe('more on offers and waiting', () => {
  it('[R5] a customer leaving while offered withdraws the offer and the agent gets the next contact', () => {
    const t = basicQueue();
    t.enqueue('c1', 'q');
    t.enqueue('c2', 'q');
    t.clock.advance(7 * secondMs);
    const events = t.run({ type: 'abandonContact', contactId: 'c1' });
    expect(kinds(events)).toEqual(['offerCancelled', 'contactAbandoned', 'offerCreated']);
    expect(one(events, 'offerCancelled')).toMatchObject({
      contactId: 'c1',
      agentId: 'a1',
      reason: 'contactAbandoned',
    });
    expect(one(events, 'contactAbandoned')).toMatchObject({ queueId: 'q', waitMs: 7 * secondMs });
    expect(offeredIds(events)).toEqual(['c2>a1']);
  });

  it('[R6] an agent going not ready loses its pending offer, which keeps its place', () => {
    const t = basicQueue();
    t.enqueue('c1', 'q');
    t.clock.advance(secondMs);
    t.enqueue('c2', 'q');
    const events = t.run({
      type: 'setPresence',
      agentId: 'a1',
      presence: 'notReady',
      reason: 'break',
    });
    expect(kinds(events)).toEqual(['offerCancelled', 'agentStateChanged']);
    expect(one(events, 'offerCancelled').reason).toBe('agentNotReady');
    expect(one(events, 'agentStateChanged')).toMatchObject({
      presence: 'notReady',
      reason: 'break',
    });
    expect(t.placeOf('c1')?.position).toBe(1);
    expect(t.placeOf('c2')?.position).toBe(2);
  });

  it('[R7] requestNext takes a contact waiting for this agent before the queue line', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'm1', serves: ['q'], mode: 'manual' }],
    });
    t.enqueue('c1', 'q', { isVip: true });
    t.enqueue('mine', 'q', { preferredAgentId: 'm1' });
    const events = t.run({ type: 'requestNext', agentId: 'm1' });
    expect(kinds(events)).toEqual(['stickyDequeued', 'contactAssigned']);
    expect(one(events, 'stickyDequeued')).toMatchObject({ contactId: 'mine', leaveType: 'agent' });
  });

  it('[R15] changing the expansion steps re-levels waiting contacts by their wait so far', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'junior', serves: { q: 0 } }] });
    t.run({ type: 'setPresence', agentId: 'junior', presence: 'notReady' });
    t.enqueue('c1', 'q');
    t.clock.advance(45 * secondMs);
    t.run({
      type: 'updateQueue',
      queueId: 'q',
      changes: {
        expansion: [
          { afterMs: 0, minAgentPriority: 10 },
          { afterMs: 30 * secondMs, minAgentPriority: 5 },
          { afterMs: 60 * secondMs, minAgentPriority: 0 },
        ],
      },
    });
    expect(t.run({ type: 'setPresence', agentId: 'junior', presence: 'ready' })).not.toContainEqual(
      expect.objectContaining({ type: 'offerCreated' }),
    );
    expect(t.placeOf('c1')?.position).toBe(1);
    const widened = t.advanceTo(T0 + 60 * secondMs);
    expect(one(widened, 'contactPoolWidened')).toMatchObject({ level: 2, minAgentPriority: 0 });
    expect(offeredIds(widened)).toEqual(['c1>junior']);
  });

  it('[R11] a queue update that adds a channel offers waiting contacts to its free agents', () => {
    const t = lab({
      queues: [{ id: 'q', channels: ['voice'] }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.expectRejected(
      {
        type: 'enqueueContact',
        contact: {
          id: 'c1',
          queueId: 'q',
          channel: 'email',
          customer: { id: 'k', type: 'normal' },
        },
      },
      'channel_not_served',
    );
    const events = t.run({
      type: 'updateQueue',
      queueId: 'q',
      changes: { channels: ['voice', 'email'] },
    });
    expect(one(events, 'queueUpdated').queue.channels).toEqual(['voice', 'email']);
    expect(offeredIds(t.enqueue('c1', 'q', { channel: 'email' }))).toEqual(['c1>a1']);
  });
});

describe('R14 snapshots', () => {
  it('[R14] an engine restored from a snapshot decides exactly as the original', () => {
    const build = () => {
      const t = lab({
        options: { seed: 3 },
        queues: [{ id: 'q', strategy: 'random', wrapUpMs: 5 * secondMs, maxWaitMs: 2 * minuteMs }],
        agents: [
          { id: 'a1', serves: ['q'] },
          { id: 'a2', serves: ['q'] },
          { id: 'a3', serves: ['q'] },
        ],
      });
      for (let index = 0; index < 6; index++) t.enqueue(`c${index}`, 'q');
      t.accept('a1');
      return t;
    };
    const original = build();
    const restored = Engine.restore(original.engine.snapshot(), { seed: 3 });
    const next = [
      { type: 'tick', atMs: T0 + 40 * secondMs },
      {
        type: 'completeContact',
        contactId: original.heldBy('a1')[0] ?? '',
        agentId: 'a1',
        atMs: T0 + 50 * secondMs,
      },
      { type: 'tick', atMs: T0 + 5 * minuteMs },
    ] as const;
    const kindsSeen: string[] = [];
    for (const command of next) {
      const live = original.engine.execute({ ...command } as never);
      const again = restored.execute({ ...command } as never);
      expect(again).toEqual(live);
      kindsSeen.push(...kinds(live.events));
    }
    expect(kindsSeen).toEqual(
      expect.arrayContaining(['offerTimedOut', 'contactCompleted', 'contactTimedOut']),
    );
    expect(restored.snapshot()).toEqual(original.engine.snapshot());
  });
});

/** One queue `q` with one agent `a1`, logged in and ready. */
function basicQueue(): Lab {
  return lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });
}
