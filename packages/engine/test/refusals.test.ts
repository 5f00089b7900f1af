import { describe, expect, it } from 'vitest';
import {
  capacityPerChannelMax,
  contactPriorityAbsMax,
  errorCodeList,
  errorCodes,
  expansionStepsMax,
  membershipsPerAgentMax,
  nameLengthMax,
  priorityAbsMax,
  type ErrorCode,
} from '@lineup/protocol';
import {
  T0,
  expectRawRejected,
  kinds,
  lab,
  minuteMs,
  one,
  secondMs,
  type CommandInput,
  type Lab,
  type QueueSetup,
} from './harness.ts';

/*
 * One test (or more) per error code the engine returns (STYLE.md, Errors):
 * each asserts the code, that the message is a helpful sentence, and that
 * nothing changed — the snapshot is the same and no event was emitted
 * (expectRejected in harness.ts checks all three).
 */

const voice = (id: string, queueId: string): CommandInput => ({
  type: 'enqueueContact',
  contact: { id, queueId, channel: 'voice', customer: { id: `k-${id}`, type: 'normal' } },
});
const callback = (id: string, queueId: string, number?: string): CommandInput => ({
  type: 'requestCallback',
  contact: {
    id,
    queueId,
    customer: { id: `k-${id}`, type: 'normal', ...(number === undefined ? {} : { number }) },
  },
});
const noCallbacks = { isAllowed: false, retryDelayMs: minuteMs, attemptsMax: 1 };

/** One queue `q` and one agent `a1` serving it, logged in and ready. */
const basic = (): Lab => lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', serves: ['q'] }] });

describe('invalid_command', () => {
  it('[refusal] invalid_command: an unknown command type is named, with the known ones', () => {
    const t = basic();
    const rejection = expectRawRejected(
      t.engine,
      { type: 'launchRocket', atMs: T0 },
      'invalid_command',
      { mentions: 'launchRocket' },
    );
    expect(JSON.stringify(rejection.details)).toContain('enqueueContact');
  });

  it('[refusal] invalid_command: a missing field, a wrong type or an unknown field is named', () => {
    const t = basic();
    expectRawRejected(t.engine, { type: 'logIn', agentId: 'a1' }, 'invalid_command', {
      mentions: /atMs/,
    });
    expectRawRejected(t.engine, { type: 'logIn', atMs: 'now', agentId: 'a1' }, 'invalid_command', {
      mentions: /atMs/,
    });
    expectRawRejected(t.engine, { type: 'tick', atMs: -1 }, 'invalid_command');
    expectRawRejected(
      t.engine,
      { type: 'logIn', atMs: T0, agentId: 'a1', colour: 'blue' },
      'invalid_command',
    );
    expectRawRejected(
      t.engine,
      { type: 'logIn', atMs: T0, agentId: 'has space' },
      'invalid_command',
      { mentions: /agentId/ },
    );
  });

  it(`[refusal] invalid_command: a name of ${nameLengthMax} characters is taken, one more is refused`, () => {
    const t = lab();
    const atLimit = 'n'.repeat(nameLengthMax);
    expect(kinds(t.run({ type: 'createQueue', queue: { id: 'q1', name: atLimit } }))).toContain(
      'queueCreated',
    );
    t.expectRejected(
      { type: 'createQueue', queue: { id: 'q2', name: `${atLimit}n` } },
      'invalid_command',
      { mentions: /name/ },
    );
    t.expectRejected(
      { type: 'createAgent', agent: { id: 'a1', name: `${atLimit}n` } },
      'invalid_command',
    );
  });

  it(`[refusal] invalid_command: priorities are bounded by ±${priorityAbsMax}`, () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'a1', isLoggedIn: false }] });
    t.run({ type: 'createQueue', queue: { id: 'top', name: 'top', priority: priorityAbsMax } });
    t.run({ type: 'createQueue', queue: { id: 'bottom', name: 'b', priority: -priorityAbsMax } });
    t.expectRejected(
      { type: 'createQueue', queue: { id: 'over', name: 'o', priority: priorityAbsMax + 1 } },
      'invalid_command',
      { mentions: /priority/ },
    );
    t.expectRejected(
      { type: 'createQueue', queue: { id: 'under', name: 'u', priority: -priorityAbsMax - 1 } },
      'invalid_command',
    );
    t.run({ type: 'startServing', agentId: 'a1', queueId: 'q', priority: priorityAbsMax });
    t.expectRejected(
      { type: 'startServing', agentId: 'a1', queueId: 'q', priority: priorityAbsMax + 1 },
      'invalid_command',
    );
    t.expectRejected(
      { type: 'startServing', agentId: 'a1', queueId: 'q', priority: 1.5 },
      'invalid_command',
    );
  });

  it(`[refusal] invalid_command: a contact's priority is bounded by ±${contactPriorityAbsMax}`, () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.enqueue('c1', 'q', { priority: contactPriorityAbsMax });
    t.enqueue('c2', 'q', { priority: -contactPriorityAbsMax });
    const over = voice('c3', 'q');
    if (over.type !== 'enqueueContact') throw new Error('unreachable');
    t.expectRejected(
      { ...over, contact: { ...over.contact, priority: contactPriorityAbsMax + 1 } },
      'invalid_command',
      { mentions: /priority/ },
    );
  });

  it(`[refusal] invalid_command: capacity is at most ${capacityPerChannelMax} chats and 1 call`, () => {
    const t = lab();
    const events = t.run({
      type: 'createAgent',
      agent: { id: 'a1', name: 'a', capacity: { chat: capacityPerChannelMax, voice: 1 } },
    });
    expect(one(events, 'agentCreated').agent.capacity).toMatchObject({
      chat: capacityPerChannelMax,
      voice: 1,
    });
    t.expectRejected(
      {
        type: 'createAgent',
        agent: { id: 'a2', name: 'a', capacity: { chat: capacityPerChannelMax + 1 } },
      },
      'invalid_command',
      { mentions: /capacity/ },
    );
    t.expectRejected(
      { type: 'updateAgent', agentId: 'a1', changes: { capacity: { voice: 2 } } },
      'invalid_command',
    );
  });

  it(`[refusal] invalid_command: a queue has at most ${expansionStepsMax} expansion steps`, () => {
    const t = lab();
    const steps = (count: number) =>
      Array.from({ length: count }, (_, index) => ({
        afterMs: index * secondMs,
        minAgentPriority: count - index,
      }));
    t.createQueue({ id: 'q1', expansion: steps(expansionStepsMax) });
    t.expectRejected(
      {
        type: 'createQueue',
        queue: { id: 'q2', name: 'q2', expansion: steps(expansionStepsMax + 1) },
      },
      'invalid_command',
      { mentions: /expansion/ },
    );
  });

  it(`[refusal] invalid_command: an agent lists at most ${membershipsPerAgentMax} queues, each once`, () => {
    const t = lab({ queues: [{ id: 'q' }] });
    const memberships = Array.from({ length: membershipsPerAgentMax + 1 }, () => ({
      queueId: 'q',
      priority: 0,
    }));
    t.expectRejected(
      { type: 'createAgent', agent: { id: 'a1', name: 'a', memberships } },
      'invalid_command',
      { mentions: /memberships/ },
    );
    t.expectRejected(
      { type: 'createAgent', agent: { id: 'a1', name: 'a', memberships: memberships.slice(0, 2) } },
      'invalid_command',
      { mentions: /twice/ },
    );
  });

  it('[refusal] invalid_command: a callback cannot be converted to a callback again', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.run(callback('cb', 'q', '123'));
    t.expectRejected(
      { type: 'convertToCallback', contactId: 'cb', number: '456' },
      'invalid_command',
      {
        mentions: 'cb',
      },
    );
  });

  it('[refusal] invalid_command: an offer time-out of 1 s is taken, a shorter one is refused', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.createQueue({ id: 'fast', offerTimeoutMs: secondMs });
    t.expectRejected(
      { type: 'createQueue', queue: { id: 'faster', name: 'f', offerTimeoutMs: secondMs - 1 } },
      'invalid_command',
      { mentions: /offerTimeoutMs/ },
    );
  });
});

describe('queues', () => {
  it('[refusal] queue_not_found: commands naming an unknown queue', () => {
    const t = basic();
    const check = { mentions: 'nowhere' };
    t.expectRejected(
      { type: 'updateQueue', queueId: 'nowhere', changes: { priority: 1 } },
      'queue_not_found',
      check,
    );
    t.expectRejected({ type: 'deleteQueue', queueId: 'nowhere' }, 'queue_not_found', check);
    t.expectRejected(voice('c1', 'nowhere'), 'queue_not_found', check);
    t.expectRejected(callback('c1', 'nowhere', '1'), 'queue_not_found', check);
    t.expectRejected(
      { type: 'startServing', agentId: 'a1', queueId: 'nowhere', priority: 0 },
      'queue_not_found',
      check,
    );
    t.expectRejected(
      {
        type: 'createAgent',
        agent: { id: 'a2', name: 'a', memberships: [{ queueId: 'nowhere', priority: 0 }] },
      },
      'queue_not_found',
      check,
    );
    t.enqueue('c1', 'q');
    t.expectRejected(
      {
        type: 'transferContact',
        contactId: 'c1',
        target: { queueId: 'nowhere', keepsPlace: true },
      },
      'queue_not_found',
      check,
    );
  });

  it('[refusal] queue_exists: creating a queue with an id in use', () => {
    const t = lab({ queues: [{ id: 'q', name: 'Sales' }] });
    t.expectRejected({ type: 'createQueue', queue: { id: 'q', name: 'Other' } }, 'queue_exists', {
      mentions: 'q',
    });
    expect(t.engine.inspect().queues.get('q' as never)?.settings.name).toBe('Sales');
  });

  it('[refusal] queue_not_empty: deleting a queue where a contact waits or is served', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.enqueue('c1', 'q');
    t.expectRejected({ type: 'deleteQueue', queueId: 'q' }, 'queue_not_empty', { mentions: 'q' });
    t.createAgent({ id: 'a1', serves: ['q'] });
    t.accept('a1');
    t.run({ type: 'stopServing', agentId: 'a1', queueId: 'q' });
    t.expectRejected({ type: 'deleteQueue', queueId: 'q' }, 'queue_not_empty');
    t.complete('c1', 'a1');
    expect(kinds(t.run({ type: 'deleteQueue', queueId: 'q' }))).toEqual(['queueDeleted']);
  });

  it('[refusal] queue_in_use: deleting a queue another overflows into', () => {
    const t = lab({ queues: [{ id: 'spill' }, { id: 'main', overflowQueueId: 'spill' }] });
    t.expectRejected({ type: 'deleteQueue', queueId: 'spill' }, 'queue_in_use', {
      mentions: 'main',
    });
    t.run({ type: 'updateQueue', queueId: 'main', changes: { overflowQueueId: null } });
    expect(kinds(t.run({ type: 'deleteQueue', queueId: 'spill' }))).toEqual(['queueDeleted']);
  });

  it('[refusal] queue_full: a callback or a transfer into a queue at maxSize', () => {
    const t = lab({ queues: [{ id: 'q', maxSize: 1 }, { id: 'other' }] });
    t.enqueue('c1', 'q');
    t.enqueue('c2', 'other');
    t.expectRejected(callback('cb', 'q', '1'), 'queue_full', { mentions: 'q' });
    t.expectRejected(
      { type: 'transferContact', contactId: 'c2', target: { queueId: 'q', keepsPlace: true } },
      'queue_full',
    );
  });

  describe('invalid_queue_settings', () => {
    const settingsCases: [string, Partial<QueueSetup>, RegExp][] = [
      ['overflow into itself', { overflowQueueId: 'new' }, /itself/],
      ['overflow into an unknown queue', { overflowQueueId: 'ghost' }, /ghost/],
      [
        'hours in an unknown time zone',
        { hours: { timeZone: 'Mars/Olympus', weekly: [], holidays: [] } },
        /Mars\/Olympus/,
      ],
      [
        'hours closing before they open',
        {
          hours: {
            timeZone: 'UTC',
            weekly: [{ day: 1, openMinute: 600, closeMinute: 540 }],
            holidays: [],
          },
        },
        /closeMinute/,
      ],
      [
        'overlapping opening windows',
        {
          hours: {
            timeZone: 'UTC',
            weekly: [
              { day: 1, openMinute: 540, closeMinute: 720 },
              { day: 1, openMinute: 700, closeMinute: 800 },
            ],
            holidays: [],
          },
        },
        /overlap/,
      ],
      [
        'a holiday that is not a date',
        { hours: { timeZone: 'UTC', weekly: [], holidays: ['2026-02-30'] } },
        /2026-02-30/,
      ],
      [
        'a first expansion step after 0',
        { expansion: [{ afterMs: 5_000, minAgentPriority: 1 }] },
        /afterMs 0/,
      ],
      [
        'expansion steps not later than the one before',
        {
          expansion: [
            { afterMs: 0, minAgentPriority: 5 },
            { afterMs: 0, minAgentPriority: 1 },
          ],
        },
        /later/,
      ],
      [
        'an expansion step that narrows the pool',
        {
          expansion: [
            { afterMs: 0, minAgentPriority: 1 },
            { afterMs: 5_000, minAgentPriority: 5 },
          ],
        },
        /widen/,
      ],
      ['an unknown EWT predictor', { ewtPredictor: 'crystalBall' }, /crystalBall/],
    ];

    for (const [what, settings, mentions] of settingsCases) {
      it(`[refusal] invalid_queue_settings: ${what}`, () => {
        const t = lab({ queues: [{ id: 'q' }] });
        const rejection = t.expectRejected(
          { type: 'createQueue', queue: { id: 'new', name: 'new', ...settings } },
          'invalid_queue_settings',
          { mentions },
        );
        expect(rejection.details).toHaveProperty('field');
        expect(t.engine.queueStatus('new' as never)).toBeNull();
      });
    }

    it('[refusal] invalid_queue_settings: an update that makes settings contradict leaves the queue as it was', () => {
      const t = lab({ queues: [{ id: 'q', priority: 3 }] });
      t.expectRejected(
        { type: 'updateQueue', queueId: 'q', changes: { priority: 7, overflowQueueId: 'q' } },
        'invalid_queue_settings',
        { mentions: /itself/ },
      );
      expect(t.engine.inspect().queues.get('q' as never)?.settings.priority).toBe(3);
    });
  });
});

describe('agents', () => {
  it('[refusal] agent_not_found: commands naming an unknown agent', () => {
    const t = basic();
    t.enqueue('c1', 'q');
    const offer = t.offerOf('a1');
    const check = { mentions: 'ghost' };
    const commands: CommandInput[] = [
      { type: 'updateAgent', agentId: 'ghost', changes: { name: 'x' } },
      { type: 'removeAgent', agentId: 'ghost' },
      { type: 'logIn', agentId: 'ghost' },
      { type: 'logOut', agentId: 'ghost' },
      { type: 'setPresence', agentId: 'ghost', presence: 'ready' },
      { type: 'setMode', agentId: 'ghost', mode: 'manual' },
      { type: 'startServing', agentId: 'ghost', queueId: 'q', priority: 0 },
      { type: 'stopServing', agentId: 'ghost', queueId: 'q' },
      { type: 'acceptOffer', agentId: 'ghost', offerId: offer?.offerId ?? 'o1' },
      { type: 'requestNext', agentId: 'ghost' },
      { type: 'completeContact', agentId: 'ghost', contactId: 'c1' },
      { type: 'transferContact', contactId: 'c1', target: { agentId: 'ghost' } },
      // The transferring agent must exist too, even for a waiting contact it does not hold.
      {
        type: 'transferContact',
        agentId: 'ghost',
        contactId: 'c1',
        target: { queueId: 'q', keepsPlace: true },
      },
    ];
    for (const command of commands) t.expectRejected(command, 'agent_not_found', check);
  });

  it('[refusal] agent_exists: creating an agent with an id in use', () => {
    const t = basic();
    t.expectRejected({ type: 'createAgent', agent: { id: 'a1', name: 'Other' } }, 'agent_exists', {
      mentions: 'a1',
    });
  });

  it('[refusal] agent_logged_in: logging in twice, or removing a logged-in agent', () => {
    const t = basic();
    t.expectRejected({ type: 'logIn', agentId: 'a1' }, 'agent_logged_in', { mentions: 'a1' });
    t.expectRejected({ type: 'removeAgent', agentId: 'a1' }, 'agent_logged_in', { mentions: 'a1' });
    t.run({ type: 'logOut', agentId: 'a1' });
    expect(kinds(t.run({ type: 'removeAgent', agentId: 'a1' }))).toEqual(['agentRemoved']);
  });

  it('[refusal] agent_logged_out: commands that need a logged-in agent', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [{ id: 'a1', serves: ['q'], isLoggedIn: false, mode: 'manual' }],
    });
    const check = { mentions: 'a1' };
    t.expectRejected({ type: 'logOut', agentId: 'a1' }, 'agent_logged_out', check);
    t.expectRejected(
      { type: 'setPresence', agentId: 'a1', presence: 'ready' },
      'agent_logged_out',
      check,
    );
    t.expectRejected({ type: 'requestNext', agentId: 'a1' }, 'agent_logged_out', check);
  });

  it('[refusal] agent_busy: logging out while holding contacts, unless forced', () => {
    const t = basic();
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.expectRejected({ type: 'logOut', agentId: 'a1' }, 'agent_busy', { mentions: 'a1' });
    expect(t.heldBy('a1')).toEqual(['c1']);
    expect(kinds(t.run({ type: 'logOut', agentId: 'a1', isForced: true }))).toEqual([
      'contactRequeued',
      'agentStateChanged',
    ]);
  });

  it('[refusal] agent_not_ready: a manual agent asking for the next contact while not ready', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'm1', serves: ['q'], mode: 'manual' }] });
    t.enqueue('c1', 'q');
    t.run({ type: 'setPresence', agentId: 'm1', presence: 'notReady', reason: 'lunch' });
    t.expectRejected({ type: 'requestNext', agentId: 'm1' }, 'agent_not_ready', { mentions: 'm1' });
    expect(t.placeOf('c1')?.position).toBe(1);
  });

  it('[refusal] agent_not_manual: an auto agent asking for the next contact', () => {
    const t = basic();
    t.expectRejected({ type: 'requestNext', agentId: 'a1' }, 'agent_not_manual', {
      mentions: 'a1',
    });
  });

  it('[refusal] agent_not_serving_queue: stopping to serve a queue the agent does not serve', () => {
    const t = lab({ queues: [{ id: 'q' }, { id: 'p' }], agents: [{ id: 'a1', serves: ['q'] }] });
    t.expectRejected(
      { type: 'stopServing', agentId: 'a1', queueId: 'p' },
      'agent_not_serving_queue',
      {
        mentions: 'p',
      },
    );
  });

  it('[refusal] agent_at_capacity: a manual agent on a call asking for the next contact', () => {
    const t = lab({ queues: [{ id: 'q' }], agents: [{ id: 'm1', serves: ['q'], mode: 'manual' }] });
    t.enqueue('c1', 'q');
    t.enqueue('c2', 'q');
    t.run({ type: 'requestNext', agentId: 'm1' });
    t.expectRejected({ type: 'requestNext', agentId: 'm1' }, 'agent_at_capacity', {
      mentions: 'm1',
    });
    expect(t.placeOf('c2')?.position).toBe(1);
  });
});

describe('contacts', () => {
  it('[refusal] contact_not_found: commands naming no live contact', () => {
    const t = basic();
    const check = { mentions: 'gone' };
    t.expectRejected({ type: 'abandonContact', contactId: 'gone' }, 'contact_not_found', check);
    t.expectRejected(
      { type: 'convertToCallback', contactId: 'gone', number: '1' },
      'contact_not_found',
      check,
    );
    t.expectRejected(
      { type: 'transferContact', contactId: 'gone', target: { queueId: 'q', keepsPlace: true } },
      'contact_not_found',
      check,
    );
    t.expectRejected(
      { type: 'completeContact', contactId: 'gone', agentId: 'a1' },
      'contact_not_found',
      check,
    );
    t.expectRejected(
      { type: 'closeCallback', contactId: 'gone', agentId: 'a1', outcome: 'reached' },
      'contact_not_found',
      check,
    );
  });

  it('[refusal] contact_exists: a new contact or callback with the id of a live one', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.enqueue('c1', 'q');
    t.expectRejected(voice('c1', 'q'), 'contact_exists', { mentions: 'c1' });
    t.expectRejected(callback('c1', 'q', '1'), 'contact_exists', { mentions: 'c1' });
  });

  it('[refusal] contact_not_waiting: abandoning, converting or transferring a contact that is with an agent or done', () => {
    const t = lab({
      queues: [{ id: 'q', wrapUpMs: minuteMs }, { id: 'p' }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.expectRejected({ type: 'abandonContact', contactId: 'c1' }, 'contact_not_waiting', {
      mentions: 'c1',
    });
    t.expectRejected(
      { type: 'convertToCallback', contactId: 'c1', number: '1' },
      'contact_not_waiting',
      {
        mentions: 'c1',
      },
    );
    t.complete('c1', 'a1');
    t.expectRejected(
      {
        type: 'transferContact',
        contactId: 'c1',
        agentId: 'a1',
        target: { queueId: 'p', keepsPlace: true },
      },
      'contact_not_waiting',
      { mentions: 'c1' },
    );
  });

  it('[refusal] contact_not_assigned: completing a contact the agent does not hold', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: ['q'] },
      ],
    });
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.enqueue('c2', 'q');
    // c2 is offered to a2, not yet assigned.
    t.expectRejected(
      { type: 'completeContact', contactId: 'c2', agentId: 'a2' },
      'contact_not_assigned',
      {
        mentions: 'c2',
      },
    );
    t.expectRejected(
      { type: 'completeContact', contactId: 'c1', agentId: 'a2' },
      'contact_not_assigned',
    );
    t.expectRejected(
      {
        type: 'transferContact',
        contactId: 'c1',
        agentId: 'a2',
        target: { queueId: 'q', keepsPlace: false },
      },
      'contact_not_assigned',
      { mentions: 'c1' },
    );
    t.expectRejected(
      { type: 'transferContact', contactId: 'c1', target: { queueId: 'q', keepsPlace: false } },
      'contact_not_assigned',
    );
  });

  it('[refusal] channel_not_served: a contact on a channel the queue does not take', () => {
    const t = lab({
      queues: [
        { id: 'chats', channels: ['chat'], callbacks: noCallbacks },
        { id: 'calls', channels: ['voice'] },
      ],
    });
    t.expectRejected(voice('c1', 'chats'), 'channel_not_served', { mentions: /voice/ });
    t.expectRejected(
      {
        type: 'enqueueContact',
        contact: {
          id: 'c2',
          queueId: 'chats',
          channel: 'callback',
          customer: { id: 'k', type: 'normal', number: '1' },
        },
      },
      'channel_not_served',
      { mentions: /callback/ },
    );
    t.enqueue('c3', 'calls');
    t.expectRejected(
      { type: 'transferContact', contactId: 'c3', target: { queueId: 'chats', keepsPlace: true } },
      'channel_not_served',
      { mentions: /voice/ },
    );
  });

  it('[refusal] callbacks_not_allowed: a callback in a queue that takes none', () => {
    const t = lab({ queues: [{ id: 'q', callbacks: noCallbacks }] });
    t.expectRejected(callback('cb', 'q', '1'), 'callbacks_not_allowed', { mentions: 'q' });
    t.enqueue('c1', 'q');
    t.expectRejected(
      { type: 'convertToCallback', contactId: 'c1', number: '1' },
      'callbacks_not_allowed',
    );
    expect(t.engine.waitingContacts('q' as never, 1)[0]?.channel).toBe('voice');
  });

  it('[refusal] callback_number_required: a callback without a number to call', () => {
    const t = lab({ queues: [{ id: 'q' }] });
    t.expectRejected(callback('cb', 'q'), 'callback_number_required', { mentions: /number/ });
    t.expectRejected(callback('cb', 'q', ''), 'callback_number_required');
  });

  it('[refusal] not_a_callback: closing a call as if it were a callback', () => {
    const t = basic();
    t.enqueue('c1', 'q');
    t.accept('a1');
    t.expectRejected(
      { type: 'closeCallback', contactId: 'c1', agentId: 'a1', outcome: 'reached' },
      'not_a_callback',
      { mentions: 'c1' },
    );
  });
});

describe('offers', () => {
  it('[refusal] offer_not_found: answering an offer that never existed', () => {
    const t = basic();
    t.expectRejected({ type: 'acceptOffer', offerId: 'o999', agentId: 'a1' }, 'offer_not_found', {
      mentions: 'o999',
    });
    t.expectRejected({ type: 'rejectOffer', offerId: 'o999', agentId: 'a1' }, 'offer_not_found');
  });

  it('[refusal] offer_expired: answering an offer that timed out or was answered', () => {
    const t = lab({
      queues: [{ id: 'q', offerTimeoutMs: 10 * secondMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    const first = t.offerOf('a1')?.offerId ?? '';
    t.advance(10 * secondMs);
    t.expectRejected({ type: 'acceptOffer', offerId: first, agentId: 'a1' }, 'offer_expired', {
      mentions: first,
    });
    t.advance(30 * secondMs);
    const second = t.offerOf('a1')?.offerId ?? '';
    expect(second).not.toBe(first);
    t.accept('a1');
    t.expectRejected({ type: 'rejectOffer', offerId: second, agentId: 'a1' }, 'offer_expired');
    expect(t.heldBy('a1')).toEqual(['c1']);
  });

  it('[refusal] offer_expired: at the instant an offer lapses the time-out fires first and the answer is refused', () => {
    const t = lab({
      queues: [{ id: 'q', offerTimeoutMs: 10 * secondMs }],
      agents: [{ id: 'a1', serves: ['q'] }],
    });
    t.enqueue('c1', 'q');
    const offerId = t.offerOf('a1')?.offerId ?? '';
    const decision = t.attempt({
      type: 'acceptOffer',
      offerId,
      agentId: 'a1',
      atMs: T0 + 10 * secondMs,
    });
    expect(decision.rejection?.code).toBe('offer_expired');
    // The timer's events are there; the refused command's own are not.
    expect(kinds(decision.events)).toEqual(['offerTimedOut']);
    expect(t.heldBy('a1')).toEqual([]);
    expect(t.placeOf('c1')?.position).toBe(1);
  });

  it('[refusal] offer_not_for_agent: answering an offer made to someone else', () => {
    const t = lab({
      queues: [{ id: 'q' }],
      agents: [
        { id: 'a1', serves: ['q'] },
        { id: 'a2', serves: ['q'] },
      ],
    });
    t.enqueue('c1', 'q');
    const offer = t.offerOf('a1')?.offerId ?? '';
    t.expectRejected(
      { type: 'acceptOffer', offerId: offer, agentId: 'a2' },
      'offer_not_for_agent',
      {
        mentions: offer,
      },
    );
    t.expectRejected({ type: 'rejectOffer', offerId: offer, agentId: 'a2' }, 'offer_not_for_agent');
    expect(t.offerOf('a1')?.offerId).toBe(offer);
  });

  it('[refusal] no_contact_waiting: a manual agent asking when nothing it may take waits', () => {
    const t = lab({
      queues: [{ id: 'q' }, { id: 'elsewhere' }],
      agents: [{ id: 'm1', serves: ['q'], mode: 'manual' }],
    });
    t.enqueue('c1', 'elsewhere');
    t.expectRejected({ type: 'requestNext', agentId: 'm1' }, 'no_contact_waiting', {
      mentions: 'm1',
    });
  });
});

describe('limits', () => {
  it(`[refusal] limit_reached: an agent serves at most ${membershipsPerAgentMax} queues`, () => {
    const t = lab({ agents: [{ id: 'a1', isLoggedIn: false }] });
    for (let index = 0; index <= membershipsPerAgentMax; index++)
      t.createQueue({ id: `q${index}` });
    for (let index = 0; index < membershipsPerAgentMax; index++) {
      t.run({ type: 'startServing', agentId: 'a1', queueId: `q${index}`, priority: 0 });
    }
    expect(t.engine.inspect().agents.get('a1' as never)?.memberships).toHaveLength(
      membershipsPerAgentMax,
    );
    const rejection = t.expectRejected(
      { type: 'startServing', agentId: 'a1', queueId: `q${membershipsPerAgentMax}`, priority: 0 },
      'limit_reached',
      { mentions: String(membershipsPerAgentMax) },
    );
    expect(rejection.details).toMatchObject({ max: membershipsPerAgentMax });
    // Changing the priority in a queue it serves is no new membership.
    t.run({ type: 'startServing', agentId: 'a1', queueId: 'q0', priority: 5 });
  });
});

describe('the registry', () => {
  /** Codes only the server returns: the engine has no tenants, auth, routes, bodies or rate limits. */
  const edgeOnly: ErrorCode[] = [
    'tenant_not_found',
    'tenant_exists',
    'api_key_not_found',
    'webhook_not_found',
    'delivery_not_found',
    'delivery_not_failed',
    'unauthorized',
    'forbidden',
    'not_found',
    'payload_too_large',
    'rate_limited',
    'unavailable',
    'internal',
    'message_not_found',
    'contact_not_ended',
    'rating_exists',
    'rating_not_found',
    // Calls are kept by the server beside the engine (ADR 0016); server/test/calls.test.ts.
    'call_not_found',
    'not_in_call',
    'media_not_allowed',
    'call_not_ringing',
    'call_not_active',
    'party_in_call',
    'customer_not_connected',
    'agent_not_connected',
    'consult_in_progress',
    'no_consult',
    'recording_not_found',
    'recording_finished',
    'chunk_out_of_order',
  ];
  /** Codes the engine returns, each with its test above. */
  const testedHere: ErrorCode[] = [
    'invalid_command',
    'queue_not_found',
    'queue_exists',
    'queue_not_empty',
    'queue_in_use',
    'queue_full',
    'invalid_queue_settings',
    'agent_not_found',
    'agent_exists',
    'agent_logged_in',
    'agent_logged_out',
    'agent_busy',
    'agent_not_ready',
    'agent_not_manual',
    'agent_not_serving_queue',
    'agent_at_capacity',
    'contact_not_found',
    'contact_exists',
    'contact_not_waiting',
    'contact_not_assigned',
    'channel_not_served',
    'callbacks_not_allowed',
    'callback_number_required',
    'not_a_callback',
    'offer_not_found',
    'offer_expired',
    'offer_not_for_agent',
    'no_contact_waiting',
    'limit_reached',
  ];

  it('[refusal] every code of the registry but the server-only ones has a test in this file', () => {
    const engineCodes = errorCodeList.filter((code) => !edgeOnly.includes(code));
    expect([...testedHere].sort()).toEqual([...engineCodes].sort());
    for (const code of engineCodes) {
      // The default message, used when a refusal gives none, says what to do.
      expect(errorCodes[code].message, code).toMatch(/^[A-Z].{14,}\.$/);
    }
  });
});
