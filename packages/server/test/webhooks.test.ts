import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TenantId } from '@lineup/protocol';
import { openSqliteJournal } from '@lineup/journal';
import {
  EngineHost,
  ManualClock,
  ManualScheduler,
  MemoryHost,
  Webhooks,
  openServerStore,
  type CommandInput,
  type DeliveryView,
  type WebhookSettings,
} from '../src/index.ts';
import { T0, agent, contact, queue, setUp, startServer, type Server } from './harness.ts';

/*
 * Webhooks (docs/api.md, Webhooks) against a real HTTP receiver on port 0:
 * signed bodies, the type filter, order per contact, retries with growing
 * delays on the manual clock, failure after the last attempt and replay
 * through the API, pending deliveries across a restart, and tenant
 * isolation. Time moves only when a test says so; the only waits are for
 * real I/O, through Webhooks.settled.
 */

const acme = '/v1/tenants/acme';

/** One request the receiver got, with the server's clock when it arrived. */
interface Received {
  atMs: number;
  headers: Record<string, string>;
  body: string;
  payload: {
    id: string;
    tenantId: string;
    type: string;
    atMs: number;
    event: { contactId?: string; contact?: { id: string } };
  };
}

/** A webhook receiver on 127.0.0.1: answers with `statusOf(request)`, records every request. */
interface Receiver {
  url: string;
  received: Received[];
  statusOf: (received: Received) => number;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReceiver(clock: { nowMs(): number }): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    received: [],
    statusOf: () => 200,
    close: () => Promise.resolve(),
  };
  const http: HttpServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string') headers[name] = value;
      const received = {
        atMs: clock.nowMs(),
        headers,
        body,
        payload: JSON.parse(body) as Received['payload'],
      };
      receiver.received.push(received);
      response.statusCode = receiver.statusOf(received);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  receiver.url = `http://127.0.0.1:${address.port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => {
        resolve();
      });
    });
  cleanups.push(() => receiver.close());
  return receiver;
}

async function start(
  settings: Partial<WebhookSettings> = {},
): Promise<{ server: Server; receiver: Receiver }> {
  const server = await startServer({ webhooks: settings });
  cleanups.push(() => server.close());
  const receiver = await startReceiver(server.clock);
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', '/v1/tenants', { id: 'other' }],
    ['POST', `${acme}/queues`, queue('q1', { channels: ['voice', 'chat'] })],
  ]);
  return { server, receiver };
}

async function subscribe(server: Server, url: string, eventTypes: string[]) {
  const reply = await server.call<{ id: string; secret: string }>('POST', `${acme}/webhooks`, {
    url,
    eventTypes,
    description: 'CRM',
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

/** Runs requests, then waits for the webhook sends they caused. */
async function run(server: Server, steps: [method: string, path: string, body?: unknown][]) {
  await setUp(server, steps);
  await server.webhooks.settled();
}

async function deliveriesOf(server: Server, webhookId: string, query = '') {
  const reply = await server.call<{ items: DeliveryView[]; next: string | null }>(
    'GET',
    `${acme}/webhooks/${webhookId}/deliveries${query}`,
  );
  expect(reply.status).toBe(200);
  return reply.body;
}

/** Checks a request's Lineup-Signature as a receiver would, with node:crypto only. */
function isSignedWith(secret: string, received: Received): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(received.headers['lineup-signature'] ?? '');
  if (match === null) return false;
  const expected = createHmac('sha256', secret)
    .update(`${match[1]}.${received.body}`)
    .digest('hex');
  return match[2] === expected;
}

const contactOf = (received: Received) =>
  received.payload.event.contactId ?? received.payload.event.contact?.id;

describe('webhooks', () => {
  it('[webhooks] events of the subscribed types arrive signed, with their payload and headers', async () => {
    const { server, receiver } = await start();
    const hook = await subscribe(server, receiver.url, ['contactQueued', 'contactAbandoned']);
    expect(hook.secret).toMatch(/^whsec_/);
    await run(server, [
      ['POST', `${acme}/contacts`, contact('c1', 'q1')],
      ['POST', `${acme}/contacts/c1/leave`, {}],
    ]);
    expect(receiver.received.map((item) => item.payload.type)).toEqual([
      'contactQueued',
      'contactAbandoned',
    ]);
    for (const item of receiver.received) {
      expect(isSignedWith(hook.secret, item)).toBe(true);
      expect(isSignedWith('whsec_another', item)).toBe(false);
      expect(item.headers['lineup-signature']).toMatch(new RegExp(`^t=${Math.floor(T0 / 1000)},`));
      expect(item.headers['lineup-event-id']).toBe(item.payload.id);
      expect(item.headers['lineup-event-type']).toBe(item.payload.type);
      expect(item.headers['content-type']).toBe('application/json');
      expect(item.payload).toMatchObject({ tenantId: 'acme', atMs: T0 });
      expect(contactOf(item)).toBe('c1');
    }
    const listed = await server.call<{ items: Record<string, unknown>[] }>(
      'GET',
      `${acme}/webhooks`,
    );
    expect(listed.body.items).toEqual([
      {
        id: hook.id,
        url: receiver.url,
        eventTypes: ['contactQueued', 'contactAbandoned'],
        description: 'CRM',
        createdAtMs: T0,
      },
    ]);
    const page = await deliveriesOf(server, hook.id, '?status=delivered');
    expect(page.items.map((item) => [item.eventType, item.attempts, item.lastStatusCode])).toEqual([
      ['contactAbandoned', 1, 200],
      ['contactQueued', 1, 200],
    ]);
  });

  it('[webhooks] ["*"] takes every event; a deleted webhook gets nothing more', async () => {
    const { server, receiver } = await start();
    const hook = await subscribe(server, receiver.url, ['*', 'contactQueued']);
    await run(server, [
      ['POST', `${acme}/agents`, agent('ann', ['q1'])],
      ['POST', `${acme}/contacts`, contact('c0', 'q1')],
    ]);
    const types = receiver.received.map((item) => item.payload.type);
    expect(types).toContain('agentCreated');
    expect(types).toContain('contactQueued');
    expect((await server.call('GET', `${acme}/webhooks/${hook.id}`)).body).toMatchObject({
      eventTypes: ['*'],
    });
    expect((await server.call('DELETE', `${acme}/webhooks/${hook.id}`)).status).toBe(204);
    const count = receiver.received.length;
    await run(server, [['POST', `${acme}/contacts`, contact('c1', 'q1')]]);
    expect(receiver.received).toHaveLength(count);
    const gone = await server.call<{ error: { code: string } }>(
      'GET',
      `${acme}/webhooks/${hook.id}`,
    );
    expect([gone.status, gone.body.error.code]).toEqual([404, 'webhook_not_found']);
  });

  it('[webhooks] a contact waits behind its own failed delivery; other contacts go on', async () => {
    const { server, receiver } = await start();
    // The first delivery of c1 fails once; everything else is accepted.
    let isFirstOfC1 = true;
    receiver.statusOf = (item) => {
      if (contactOf(item) !== 'c1' || !isFirstOfC1) return 200;
      isFirstOfC1 = false;
      return 500;
    };
    await subscribe(server, receiver.url, ['contactQueued', 'contactAbandoned']);
    await run(server, [
      ['POST', `${acme}/contacts`, contact('c1', 'q1')],
      ['POST', `${acme}/contacts`, contact('c2', 'q1')],
      ['POST', `${acme}/contacts/c1/leave`, {}],
      ['POST', `${acme}/contacts/c2/leave`, {}],
    ]);
    // Lanes go in parallel, so only the order within a contact is fixed.
    const seenBy = (contactId: string) =>
      receiver.received
        .filter((item) => contactOf(item) === contactId)
        .map((item) => item.payload.type);
    expect(seenBy('c1')).toEqual(['contactQueued']);
    expect(seenBy('c2')).toEqual(['contactQueued', 'contactAbandoned']);
    await server.advance(1_000);
    expect(seenBy('c1')).toEqual(['contactQueued', 'contactQueued', 'contactAbandoned']);
    expect(receiver.received.slice(-2).map((item) => item.atMs)).toEqual([T0 + 1_000, T0 + 1_000]);
  });

  it('[webhooks] a failing receiver is retried after 1 s, 2 s, 4 s, with the same event id, until it answers 2xx', async () => {
    const { server, receiver } = await start();
    receiver.statusOf = () => (receiver.received.length <= 3 ? 500 : 204);
    const hook = await subscribe(server, receiver.url, ['contactQueued']);
    await run(server, [['POST', `${acme}/contacts`, contact('c1', 'q1')]]);
    const [pending] = (await deliveriesOf(server, hook.id, '?status=pending')).items;
    expect(pending).toMatchObject({
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      nextAttemptAtMs: T0 + 1_000,
      contactId: 'c1',
    });
    await server.advance(999);
    expect(receiver.received).toHaveLength(1);
    await server.advance(1);
    await server.advance(2_000);
    await server.advance(4_000);
    expect(receiver.received.map((item) => item.atMs - T0)).toEqual([0, 1_000, 3_000, 7_000]);
    expect(new Set(receiver.received.map((item) => item.payload.id)).size).toBe(1);
    expect(
      receiver.received.map((item) => item.headers['lineup-signature']?.split(',')[0]),
    ).toEqual([0, 1, 3, 7].map((seconds) => `t=${Math.floor(T0 / 1000) + seconds}`));
    const [delivered] = (await deliveriesOf(server, hook.id)).items;
    expect(delivered).toMatchObject({
      status: 'delivered',
      attempts: 4,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAtMs: null,
      deliveredAtMs: T0 + 7_000,
    });
  });

  it('[webhooks] after the last attempt a delivery fails, is listed, and is replayed through the API', async () => {
    const { server, receiver } = await start({ attemptsMax: 3 });
    receiver.statusOf = () => 500;
    const hook = await subscribe(server, receiver.url, ['contactQueued']);
    await run(server, [
      ['POST', `${acme}/contacts`, contact('c1', 'q1')],
      ['POST', `${acme}/contacts`, contact('c2', 'q1')],
    ]);
    await server.advance(1_000);
    await server.advance(2_000);
    await server.advance(600_000);
    expect(receiver.received).toHaveLength(6);
    const failed = (await deliveriesOf(server, hook.id, '?status=failed')).items;
    expect(failed.map((item) => [item.contactId, item.attempts, item.nextAttemptAtMs])).toEqual([
      ['c2', 3, null],
      ['c1', 3, null],
    ]);
    expect((await deliveriesOf(server, hook.id, '?status=pending')).items).toEqual([]);

    receiver.statusOf = () => 200;
    const [newest, oldest] = failed as [DeliveryView, DeliveryView];
    const replayed = await server.call<DeliveryView>(
      'POST',
      `${acme}/webhooks/${hook.id}/deliveries/${oldest.id}/replay`,
    );
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ status: 'pending', attempts: 0 });
    await server.webhooks.settled();
    expect(receiver.received.at(-1)?.payload.id).toBe(oldest.id);
    const again = await server.call<{ error: { code: string } }>(
      'POST',
      `${acme}/webhooks/${hook.id}/deliveries/${oldest.id}/replay`,
    );
    expect([again.status, again.body.error.code]).toEqual([409, 'delivery_not_failed']);

    const all = await server.call('POST', `${acme}/webhooks/${hook.id}/replay-failed`);
    expect(all.body).toEqual({ replayed: 1 });
    await server.webhooks.settled();
    expect(receiver.received.at(-1)?.payload.id).toBe(newest.id);
    expect((await deliveriesOf(server, hook.id, '?status=delivered')).items).toHaveLength(2);

    const unknown = await server.call<{ error: { code: string } }>(
      'POST',
      `${acme}/webhooks/${hook.id}/deliveries/dl_nope/replay`,
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'delivery_not_found']);
  });

  it('[webhooks] deliveries page newest first', async () => {
    const { server, receiver } = await start();
    const hook = await subscribe(server, receiver.url, ['contactQueued']);
    await run(server, [
      ['POST', `${acme}/contacts`, contact('c1', 'q1')],
      ['POST', `${acme}/contacts`, contact('c2', 'q1')],
      ['POST', `${acme}/contacts`, contact('c3', 'q1')],
    ]);
    const first = await deliveriesOf(server, hook.id, '?limit=2');
    expect(first.items.map((item) => item.contactId)).toEqual(['c3', 'c2']);
    const second = await deliveriesOf(server, hook.id, `?limit=2&after=${first.next ?? ''}`);
    expect(second.items.map((item) => item.contactId)).toEqual(['c1']);
    expect(second.next).toBeNull();
  });

  it('[webhooks] a webhook needs an http(s) URL and known event types; a tenant holds at most the limit', async () => {
    const { server, receiver } = await start({ webhooksPerTenantMax: 2 });
    const refusals = [
      { url: 'ftp://example.com/hook', eventTypes: ['contactQueued'] },
      { url: 'http://', eventTypes: ['contactQueued'] },
      { url: receiver.url, eventTypes: ['contactTeleported'] },
      { url: receiver.url, eventTypes: [] },
    ];
    for (const body of refusals) {
      const reply = await server.call<{ error: { code: string } }>(
        'POST',
        `${acme}/webhooks`,
        body,
      );
      expect([reply.status, reply.body.error.code], JSON.stringify(body)).toEqual([
        400,
        'invalid_command',
      ]);
    }
    await subscribe(server, receiver.url, ['contactQueued']);
    await subscribe(server, `${receiver.url}/2`, ['contactQueued']);
    const past = await server.call<{ error: { code: string } }>('POST', `${acme}/webhooks`, {
      url: receiver.url,
      eventTypes: ['contactQueued'],
    });
    expect([past.status, past.body.error.code]).toEqual([429, 'limit_reached']);
  });

  it("[auth] another tenant's admin key, and a read key, cannot see a tenant's webhooks", async () => {
    const { server, receiver } = await start();
    const hook = await subscribe(server, receiver.url, ['contactQueued']);
    const keyOf = async (tenant: string, scopes: string[]) =>
      (
        await server.call<{ key: string }>('POST', `/v1/tenants/${tenant}/api-keys`, {
          name: 'key',
          scopes,
        })
      ).body.key;
    const otherAdmin = await keyOf('other', ['admin']);
    const readKey = await keyOf('acme', ['read']);
    for (const as of [otherAdmin, readKey]) {
      for (const [method, path] of [
        ['GET', `${acme}/webhooks`],
        ['GET', `${acme}/webhooks/${hook.id}`],
        ['GET', `${acme}/webhooks/${hook.id}/deliveries`],
        ['DELETE', `${acme}/webhooks/${hook.id}`],
      ] as const) {
        const reply = await server.call<{ error: { code: string } }>(method, path, undefined, {
          as,
        });
        expect([reply.status, reply.body.error.code], `${method} ${path}`).toEqual([
          403,
          'forbidden',
        ]);
      }
    }
    // Tenant other's own list, with its own admin key, does not show acme's webhook.
    const own = await server.call<{ items: unknown[] }>(
      'GET',
      '/v1/tenants/other/webhooks',
      undefined,
      {
        as: otherAdmin,
      },
    );
    expect([own.status, own.body.items]).toEqual([200, []]);
    const foreign = await server.call('GET', `/v1/tenants/other/webhooks/${hook.id}`, undefined, {
      as: otherAdmin,
    });
    expect(foreign.status).toBe(404);
  });
});

describe('webhooks across a restart', () => {
  it('[webhooks] pending deliveries in the store are delivered after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-webhooks-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const clock = new ManualClock(T0);
    const receiver = await startReceiver(clock);
    receiver.statusOf = () => 503;
    const tenantId = 'acme' as TenantId;
    const submit = (host: MemoryHost, command: Record<string, unknown>) =>
      host.submit(tenantId, command as unknown as CommandInput);

    const open = async () => {
      const opened = openServerStore({ dataDir });
      if (!opened.ok) throw new Error(opened.message);
      const scheduler = new ManualScheduler(clock);
      const host = new MemoryHost({ clock, scheduler });
      expect(await host.createTenant(tenantId)).toBeNull();
      const webhooks = Webhooks.open({ store: opened.store, host, clock, scheduler });
      const close = async () => {
        await host.close();
        await webhooks.close();
        await opened.store.close();
      };
      return { host, webhooks, scheduler, close };
    };

    const first = await open();
    const hook = first.webhooks.create(tenantId, { url: receiver.url, eventTypes: ['*'] });
    if ('code' in hook) throw new Error(hook.message);
    await submit(first.host, { type: 'createQueue', queue: queue('q1') });
    await first.host.drain();
    await first.webhooks.settled();
    const sentBefore = receiver.received.map((item) => item.payload.id);
    expect(sentBefore.length).toBeGreaterThan(0);
    await first.close();

    receiver.statusOf = () => 200;
    const second = await open();
    cleanups.push(second.close);
    clock.advanceMs(1_000);
    second.scheduler.fireDue();
    await second.webhooks.settled();
    const page = second.webhooks.deliveries(tenantId, hook.id, { limit: 100 });
    if ('code' in page) throw new Error(page.message);
    expect(page.items.map((item) => item.status)).toEqual(page.items.map(() => 'delivered'));
    const sentAfter = receiver.received.slice(sentBefore.length).map((item) => item.payload.id);
    expect(new Set(sentAfter)).toEqual(new Set(page.items.map((item) => item.id)));
  });

  it('[webhooks] events made durable while no webhook heard them (a crash) are delivered after the restart, in order, once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-webhooks-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const clock = new ManualClock(T0);
    const receiver = await startReceiver(clock);
    const tenantId = 'acme' as TenantId;
    const submit = async (host: EngineHost, command: Record<string, unknown>) => {
      const outcome = await host.submit(tenantId, command as unknown as CommandInput);
      expect(outcome.rejection).toBeNull();
    };
    /** The durable server's pieces over the data dir; webhooks only when asked. */
    const open = async (withWebhooks: boolean) => {
      const journal = openSqliteJournal({ dataDir });
      if (!journal.ok) throw new Error(journal.refusal.message);
      const opened = openServerStore({ dataDir });
      if (!opened.ok) throw new Error(opened.message);
      const scheduler = new ManualScheduler(clock);
      const host = await EngineHost.open({ journal: journal.journal, clock, scheduler });
      if (!host.hasTenant(tenantId)) expect(await host.createTenant(tenantId)).toBeNull();
      const webhooks = withWebhooks
        ? Webhooks.open({ store: opened.store, host, clock, scheduler, journal: journal.journal })
        : null;
      const close = async () => {
        await webhooks?.caughtUp;
        await host.close();
        await webhooks?.close();
        await opened.store.close();
      };
      return { host, webhooks, close };
    };

    const first = await open(true);
    await submit(first.host, { type: 'createQueue', queue: queue('before') });
    const hook = first.webhooks?.create(tenantId, {
      url: receiver.url,
      eventTypes: ['queueCreated', 'contactQueued', 'contactAbandoned'],
    });
    if (hook === undefined || 'code' in hook) throw new Error('no webhook');
    await submit(first.host, { type: 'createQueue', queue: queue('q1') });
    await first.host.drain();
    await first.webhooks?.settled();
    expect(receiver.received.map((item) => item.payload.type)).toEqual(['queueCreated']);
    await first.close();

    // The process that journals these dies before its outbox hears them: no webhook listens.
    const crashed = await open(false);
    await submit(crashed.host, { type: 'enqueueContact', contact: contact('c1', 'q1') });
    await submit(crashed.host, { type: 'enqueueContact', contact: contact('c2', 'q1') });
    await submit(crashed.host, { type: 'abandonContact', contactId: 'c1' });
    await crashed.host.drain();
    await crashed.close();

    const second = await open(true);
    cleanups.push(second.close);
    await second.webhooks?.caughtUp;
    await submit(second.host, { type: 'enqueueContact', contact: contact('c3', 'q1') });
    await second.host.drain();
    await second.webhooks?.settled();
    const delivered = receiver.received.map(({ payload }) => {
      const contactId = payload.event.contactId ?? payload.event.contact?.id;
      return contactId === undefined ? payload.type : `${payload.type} ${contactId}`;
    });
    // Each once; in order per contact (lanes go in parallel, so only per contact).
    expect([...delivered].sort()).toEqual(
      [
        'queueCreated',
        'contactQueued c1',
        'contactQueued c2',
        'contactAbandoned c1',
        'contactQueued c3',
      ].sort(),
    );
    expect(delivered.filter((item) => item.endsWith(' c1'))).toEqual([
      'contactQueued c1',
      'contactAbandoned c1',
    ]);
    // The queue created before the webhook existed is not delivered, not even on the catch-up.
    expect(receiver.received.filter(({ body }) => body.includes('"id":"before"'))).toEqual([]);
  });
});
