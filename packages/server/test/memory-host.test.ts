import { describe, expect, it } from 'vitest';
import { asAgentId, asQueueId, type Event, type TenantId } from '@lineup/protocol';
import {
  ManualClock,
  ManualScheduler,
  MemoryHost,
  SystemScheduler,
  listenersPerTenantMax,
  type MemoryHostOptions,
} from '../src/index.ts';
import { T0, asCommand } from './harness.ts';

/*
 * The memory host: one engine per tenant, commands in arrival order, time
 * from its clock, timers from its scheduler, events to its subscribers.
 */

const acme = 'acme' as TenantId;
const globex = 'globex' as TenantId;

async function hostWith(options: MemoryHostOptions = {}) {
  const clock = new ManualClock(T0);
  const scheduler = new ManualScheduler(clock);
  const host = new MemoryHost({ clock, scheduler, ...options });
  expect(await host.createTenant(acme)).toBeNull();
  return { clock, scheduler, host };
}

/** A command as a test writes it, with plain-string ids; the engine validates it. */
const createQueue = (id: string, settings: Record<string, unknown> = {}) =>
  asCommand({ type: 'createQueue', queue: { id, name: id, ...settings } });

describe('MemoryHost', () => {
  it('[host] runs a tenant’s commands one at a time, in arrival order, stamped by its clock', async () => {
    const { host, clock } = await hostWith();
    // Sent together without waiting: the agent's membership needs the queue made first.
    const queue = host.submit(acme, createQueue('sales'));
    clock.advanceMs(5);
    const agent = host.submit(
      acme,
      asCommand({
        type: 'createAgent',
        agent: { id: 'ann', name: 'Ann', memberships: [{ queueId: 'sales', priority: 0 }] },
      }),
      (view) => view.agent(asAgentId('ann'))?.memberships,
    );
    const [first, second] = await Promise.all([queue, agent]);
    expect(first.rejection).toBeNull();
    expect(second.rejection).toBeNull();
    expect(second.after).toEqual([{ queueId: 'sales', priority: 0 }]);
    expect(first.events.find((event) => event.type === 'queueCreated')?.atMs).toBe(T0 + 5);
  });

  it('[host] a refused command reads nothing and changes nothing', async () => {
    const { host } = await hostWith();
    await host.submit(acme, createQueue('sales'));
    let isRead = false;
    const outcome = await host.submit(acme, createQueue('sales'), () => (isRead = true));
    expect(outcome).toMatchObject({ events: [], after: null, rejection: { code: 'queue_exists' } });
    expect(isRead).toBe(false);
    expect(host.view(acme)?.queueIds()).toEqual(['sales']);
  });

  it('[host] tenants are isolated: the same ids live apart', async () => {
    const { host } = await hostWith();
    expect(await host.createTenant(globex)).toBeNull();
    await host.submit(acme, createQueue('sales', { priority: 1 }));
    await host.submit(globex, createQueue('sales', { priority: 2 }));
    expect(host.view(acme)?.queue(asQueueId('sales'))?.priority).toBe(1);
    expect(host.view(globex)?.queue(asQueueId('sales'))?.priority).toBe(2);
  });

  it('[host] an unknown tenant, a taken tenant id and a stopped host are refused as values', async () => {
    const { host } = await hostWith();
    expect((await host.submit(globex, createQueue('q'))).rejection?.code).toBe('tenant_not_found');
    expect((await host.createTenant(acme))?.code).toBe('tenant_exists');
    expect(host.view(globex)).toBeNull();
    await host.close();
    expect(host.isReady()).toBe(false);
    expect((await host.submit(acme, createQueue('q'))).rejection?.code).toBe('unavailable');
    expect((await host.createTenant(globex))?.code).toBe('unavailable');
  });

  it('[host] subscribers hear every command’s events, timer ticks included, until they leave', async () => {
    const { host, clock, scheduler } = await hostWith();
    const heard: Event['type'][][] = [];
    const unsubscribe = host.subscribe(acme, (events) => heard.push(events.map((e) => e.type)));
    await host.submit(acme, createQueue('sales', { offerTimeoutMs: 1_000 }));
    await host.submit(
      acme,
      asCommand({
        type: 'createAgent',
        agent: { id: 'ann', name: 'Ann', memberships: [{ queueId: 'sales', priority: 0 }] },
      }),
    );
    await host.submit(acme, asCommand({ type: 'logIn', agentId: 'ann' }));
    await host.submit(
      acme,
      asCommand({
        type: 'enqueueContact',
        contact: {
          id: 'c1',
          queueId: 'sales',
          channel: 'chat',
          customer: { id: 'k', type: 'normal' },
        },
      }),
    );
    expect(heard.at(-1)).toContain('offerCreated');

    clock.advanceMs(1_000);
    expect(scheduler.fireDue()).toBe(1);
    await host.drain();
    expect(heard.at(-1)).toContain('offerTimedOut');

    unsubscribe();
    const count = heard.length;
    await host.submit(acme, createQueue('other'));
    expect(heard).toHaveLength(count);
  });

  it('[host] a listener that throws is reported, and the others still hear', async () => {
    const failures: unknown[] = [];
    const { host } = await hostWith({ onError: (error) => failures.push(error) });
    let heard = 0;
    host.subscribe(acme, () => {
      throw new Error('listener bug');
    });
    host.subscribe(acme, () => heard++);
    const outcome = await host.submit(acme, createQueue('sales'));
    expect(outcome.rejection).toBeNull();
    expect(heard).toBe(1);
    expect(failures).toEqual([new Error('listener bug')]);
  });

  it('[host] keeps one timer per tenant, at the engine’s next deadline', async () => {
    const { host, scheduler } = await hostWith();
    await host.submit(acme, createQueue('sales', { wrapUpMs: 0 }));
    // The engine's statistics day is its only deadline so far.
    expect(scheduler.pendingCount()).toBe(1);
    await host.submit(acme, createQueue('other'));
    expect(scheduler.pendingCount()).toBe(1);
    await host.close();
    expect(scheduler.pendingCount()).toBe(0);
  });

  it('[limits] commands waiting for their turn are bounded; one past the limit is rate_limited', async () => {
    const { host } = await hostWith({ pendingCommandsMax: 3 });
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((id) => host.submit(acme, createQueue(id))),
    );
    expect(outcomes.map((outcome) => outcome.rejection?.code ?? 'ok')).toEqual([
      'ok',
      'ok',
      'ok',
      'rate_limited',
    ]);
    expect(host.view(acme)?.queueIds()).toEqual(['a', 'b', 'c']);
  });

  it('[limits] a tenant takes listenersPerTenantMax listeners; one more is a bug and throws', async () => {
    const { host } = await hostWith();
    for (let index = 0; index < listenersPerTenantMax; index++)
      host.subscribe(acme, () => undefined);
    expect(() => host.subscribe(acme, () => undefined)).toThrow(RangeError);
  });

  it('[limits] tenants are bounded; one past the limit is limit_reached', async () => {
    const { host } = await hostWith({ tenantsMax: 2 });
    expect(await host.createTenant(globex)).toBeNull();
    expect((await host.createTenant('initech' as TenantId))?.code).toBe('limit_reached');
  });
});

describe('schedulers', () => {
  it('[host] the manual scheduler fires due timers soonest first, and none early', () => {
    const clock = new ManualClock(T0);
    const scheduler = new ManualScheduler(clock);
    const fired: string[] = [];
    scheduler.setTimer(T0 + 20, () => fired.push('late'));
    scheduler.setTimer(T0 + 10, () => fired.push('early'));
    const cancel = scheduler.setTimer(T0 + 15, () => fired.push('cancelled'));
    cancel();
    clock.advanceMs(19);
    expect(scheduler.fireDue()).toBe(1);
    clock.advanceMs(1);
    expect(scheduler.fireDue()).toBe(1);
    expect(fired).toEqual(['early', 'late']);
  });

  it('[host] the system scheduler runs a due timer on the event loop, and not a cancelled one', async () => {
    const scheduler = new SystemScheduler();
    const fired: string[] = [];
    const now = Date.now();
    scheduler.setTimer(now - 1, () => fired.push('cancelled'))();
    // Timers of equal delay run in the order they were set: the cancelled one would come first.
    await new Promise<void>((resolve) => {
      scheduler.setTimer(now - 1, () => {
        fired.push('due');
        resolve();
      });
    });
    expect(fired).toEqual(['due']);
  });
});
