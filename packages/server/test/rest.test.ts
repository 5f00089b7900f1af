import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentReport, QueueReport } from '@lineup/protocol';
import type {
  AgentActionResult,
  AgentView,
  ContactPlacedView,
  DeflectedView,
  ErrorBody,
  QueueView,
  TenantSummary,
} from '../src/index.ts';
import { T0, agent, contact, queue, setUp, startServer, type Server } from './harness.ts';

/*
 * Journeys through the REST API on the real server, over real HTTP, on a
 * manual clock: what a contact center's clients see at each step.
 */

const base = '/v1/tenants/acme';
let server: Server;

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

/** Creates the tenant, the queues and the agents (logged out). */
async function center(
  queues: ReturnType<typeof queue>[],
  agents: ReturnType<typeof agent>[],
): Promise<void> {
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ...queues.map((body): [string, string, unknown] => ['POST', `${base}/queues`, body]),
    ...agents.map((body): [string, string, unknown] => ['POST', `${base}/agents`, body]),
  ]);
}

const getAgent = async (id: string) =>
  (await server.call<AgentView>('GET', `${base}/agents/${id}`)).body;
const getContact = (id: string) => server.call<ContactPlacedView>('GET', `${base}/contacts/${id}`);

describe('REST journeys', () => {
  it('[api] a contact joins, is offered to the agent, accepted, completed and counted', async () => {
    const tenant = await server.call<TenantSummary>('POST', '/v1/tenants', { id: 'acme' });
    expect(tenant).toMatchObject({ status: 201, body: { id: 'acme', queueCount: 0 } });

    const created = await server.call<QueueView>(
      'POST',
      `${base}/queues`,
      queue('sales', { offerTimeoutMs: 10_000 }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'sales', offerTimeoutMs: 10_000, wrapUpMs: 0 });
    expect(created.body.status).toMatchObject({ waiting: 0, isOffline: true });

    const ann = await server.call<AgentView>('POST', `${base}/agents`, agent('ann'));
    expect(ann).toMatchObject({ status: 201, body: { presence: 'offline', memberships: [] } });
    const member = await server.call<AgentView>('PUT', `${base}/agents/ann/queues/sales`, {
      priority: 5,
    });
    expect(member.body.memberships).toEqual([{ queueId: 'sales', priority: 5 }]);

    const loggedIn = await server.call<AgentActionResult>('POST', `${base}/agents/ann/log-in`);
    expect(loggedIn).toMatchObject({ status: 200, body: { agent: { presence: 'ready' } } });
    expect((await server.call<QueueView>('GET', `${base}/queues/sales`)).body.status).toMatchObject(
      { isOffline: false, agents: { serving: 1, ready: 1 } },
    );

    const joined = await server.call<ContactPlacedView>(
      'POST',
      `${base}/contacts`,
      contact('c1', 'sales'),
    );
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ id: 'c1', status: 'offered', offerAgentId: 'ann' });

    const offered = await getAgent('ann');
    expect(offered.offer).toEqual({
      offerId: joined.body.offerId,
      contactId: 'c1',
      queueId: 'sales',
      channel: 'voice',
      expiresAtMs: T0 + 10_000,
    });
    expect((await getContact('c1')).body).toMatchObject({ status: 'offered', position: null });

    const accepted = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/offers/${offered.offer?.offerId ?? ''}/accept`,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.agent).toMatchObject({ offer: null, contactIds: ['c1'] });
    expect(accepted.body.contact).toMatchObject({ id: 'c1', status: 'assigned', agentId: 'ann' });

    await server.advance(30_000);
    const completed = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/contacts/c1/complete`,
    );
    expect(completed.body).toMatchObject({ agent: { contactIds: [] }, contact: null });
    expect((await getContact('c1')).body).toMatchObject({
      error: { code: 'contact_not_found' },
    });

    const queueReport = await server.call<QueueReport>('GET', `${base}/queues/sales/report`);
    expect(queueReport.body.today).toMatchObject({ offered: 1, answered: 1, handled: 1 });
    expect(queueReport.body.today.handleMs).toBe(30_000);
    expect(queueReport.body.window).toMatchObject({ answered: 1, serviceLevel: 1 });
    const agentReport = await server.call<AgentReport>('GET', `${base}/agents/ann/report`);
    expect(agentReport.body.today).toMatchObject({ answered: 1, handled: 1, talkMs: 30_000 });
    expect((await server.call('GET', '/v1/tenants/acme')).body).toEqual({
      id: 'acme',
      queueCount: 1,
      agentCount: 1,
    });
  });

  it('[R13] waiting contacts learn their positions and EWT in serving order', async () => {
    // The queue-length predictor, whose arithmetic reads off the page; the default (erlangA)
    // would also count on c2's leaving to shorten c3's wait.
    await center(
      [queue('sales', { expectedHandleMs: 60_000, ewtPredictor: 'queueLength' })],
      [agent('ann', ['sales'])],
    );
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
    ]);
    const offerId = (await getAgent('ann')).offer?.offerId ?? '';
    await setUp(server, [['POST', `${base}/agents/ann/offers/${offerId}/accept`]]);

    // Ann is busy: one working agent, none free, 60 s a contact until one is handled.
    const joined: ContactPlacedView[] = [];
    for (const [id, type] of [
      ['c2', 'normal'],
      ['c3', 'normal'],
      ['c4', 'vip'],
    ] as const) {
      await server.advance(1_000);
      const customer = { id: `customer-${id}`, type };
      const reply = await server.call<ContactPlacedView>(
        'POST',
        `${base}/contacts`,
        contact(id, 'sales', { customer }),
      );
      expect(reply.status).toBe(201);
      joined.push(reply.body);
    }
    expect(joined.map(({ id, position, ewtMs }) => [id, position, ewtMs])).toEqual([
      ['c2', 1, 60_000],
      ['c3', 2, 120_000],
      // R2: the VIP goes first; the others move back.
      ['c4', 1, 60_000],
    ]);

    const places = async (...ids: string[]) =>
      Promise.all(
        ids.map(async (id) => {
          const { body } = await getContact(id);
          return [id, body.position, body.ewtMs];
        }),
      );
    expect(await places('c4', 'c2', 'c3')).toEqual([
      ['c4', 1, 60_000],
      ['c2', 2, 120_000],
      ['c3', 3, 180_000],
    ]);
    const waiting = await server.call<{ contacts: ContactPlacedView[] }>(
      'GET',
      `${base}/queues/sales/contacts?limit=2`,
    );
    expect(waiting.body.contacts.map(({ id, position }) => [id, position])).toEqual([
      ['c4', 1],
      ['c2', 2],
    ]);
    expect((await server.call<QueueView>('GET', `${base}/queues/sales`)).body.status).toMatchObject(
      { waiting: 3, longestWaitingSinceMs: T0 + 1_000 },
    );

    // The customer of c2 leaves: those behind move up.
    expect((await server.call('POST', `${base}/contacts/c2/leave`)).status).toBe(204);
    expect((await getContact('c2')).status).toBe(404);
    expect(await places('c4', 'c3')).toEqual([
      ['c4', 1, 60_000],
      ['c3', 2, 120_000],
    ]);
  });

  it('[R10] a waiting customer who asks for a callback keeps its place', async () => {
    await center([queue('sales')], [agent('ann', ['sales'])]);
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/agents/ann/presence`, { presence: 'notReady', reason: 'lunch' }],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
      ['POST', `${base}/contacts`, contact('c2', 'sales')],
      ['POST', `${base}/contacts`, contact('c3', 'sales')],
    ]);
    const before = (await getContact('c2')).body;
    expect(before).toMatchObject({ position: 2, channel: 'voice' });

    const converted = await server.call<ContactPlacedView>('POST', `${base}/contacts/c2/callback`, {
      number: '+49 30 555 0101',
    });
    expect(converted.status).toBe(200);
    expect(converted.body).toMatchObject({
      id: 'c2',
      channel: 'callback',
      callbackNumber: '+49 30 555 0101',
      position: 2,
      placeAtMs: before.placeAtMs,
    });
    expect((await getContact('c3')).body.position).toBe(3);
  });

  it('[R10] an agent calls back a web-form request and reports no answer, then reached', async () => {
    await center(
      [queue('sales', { callbacks: { isAllowed: true, retryDelayMs: 60_000, attemptsMax: 3 } })],
      [agent('ann', ['sales'])],
    );
    const requested = await server.call<ContactPlacedView>('POST', `${base}/callbacks`, {
      queueId: 'sales',
      customer: { id: 'cust-9', type: 'normal', number: '+4930999' },
    });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ channel: 'callback', position: 1 });
    const id = requested.body.id;

    await setUp(server, [['POST', `${base}/agents/ann/log-in`]]);
    const offer = (await getAgent('ann')).offer;
    expect(offer).toMatchObject({ contactId: id, channel: 'callback' });
    await setUp(server, [['POST', `${base}/agents/ann/offers/${offer?.offerId ?? ''}/accept`]]);

    const noAnswer = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/contacts/${id}/callback-result`,
      { outcome: 'noAnswer' },
    );
    expect(noAnswer.status).toBe(200);
    expect(noAnswer.body.contact).toMatchObject({
      status: 'queued',
      callbackAttempts: 1,
      notBeforeMs: T0 + 60_000,
      position: null,
    });
    expect(noAnswer.body.agent.offer).toBeNull();

    // R10: the retry falls due by the timer and is offered again.
    await server.advance(60_000);
    const retry = (await getAgent('ann')).offer;
    expect(retry).toMatchObject({ contactId: id });
    await setUp(server, [
      ['POST', `${base}/agents/ann/offers/${retry?.offerId ?? ''}/accept`],
      ['POST', `${base}/agents/ann/contacts/${id}/callback-result`, { outcome: 'reached' }],
    ]);
    expect((await getContact(id)).status).toBe(404);
    const report = await server.call<QueueReport>('GET', `${base}/queues/sales/report`);
    expect(report.body.today).toMatchObject({ answered: 1, handled: 2 });
  });

  it('[R6] an unanswered offer times out and the contact is offered to the next agent', async () => {
    await center(
      [queue('sales', { offerTimeoutMs: 10_000 })],
      [agent('ann', [['sales', 10]]), agent('bob', [['sales', 0]])],
    );
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/agents/bob/log-in`],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
    ]);
    // R4: the agent with the higher priority in the queue gets it first.
    expect((await getAgent('ann')).offer).toMatchObject({
      contactId: 'c1',
      expiresAtMs: T0 + 10_000,
    });
    // The offer's expiry, the records' next 15-minute boundary (records.ts), and the queue
    // samples' next minute (queue-samples.ts).
    expect(server.scheduler.pendingCount()).toBe(3);

    await server.advance(9_999);
    expect((await getAgent('ann')).offer).toMatchObject({ contactId: 'c1' });
    expect((await getAgent('bob')).offer).toBeNull();

    await server.advance(1);
    expect((await getAgent('ann')).offer).toBeNull();
    expect((await getAgent('bob')).offer).toMatchObject({
      contactId: 'c1',
      expiresAtMs: T0 + 20_000,
    });
    expect((await getContact('c1')).body).toMatchObject({
      status: 'offered',
      offerAgentId: 'bob',
      placeAtMs: T0,
    });
    const report = await server.call<AgentReport>('GET', `${base}/agents/ann/report`);
    expect(report.body.today).toMatchObject({ offered: 1, missed: 1 });
  });

  it('[R6] a rejected contact keeps its place and goes to the next agent', async () => {
    await center([queue('sales')], [agent('ann', [['sales', 10]]), agent('bob', [['sales', 0]])]);
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/agents/bob/log-in`],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
    ]);
    const offerId = (await getAgent('ann')).offer?.offerId ?? '';
    const rejected = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/offers/${offerId}/reject`,
      {},
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.agent.offer).toBeNull();
    expect(rejected.body.contact).toMatchObject({ id: 'c1', offerAgentId: 'bob', placeAtMs: T0 });
  });

  it('[R8] wrap-up follows a completed contact and ends by its timer', async () => {
    await center([queue('sales', { wrapUpMs: 5_000 })], [agent('ann', ['sales'])]);
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
    ]);
    const offerId = (await getAgent('ann')).offer?.offerId ?? '';
    await setUp(server, [
      ['POST', `${base}/agents/ann/offers/${offerId}/accept`],
      ['POST', `${base}/agents/ann/contacts/c1/complete`],
    ]);
    expect(await getAgent('ann')).toMatchObject({
      presence: 'wrapUp',
      wrapUpUntilMs: T0 + 5_000,
    });
    expect((await getContact('c1')).body).toMatchObject({ status: 'wrapUp' });

    await server.advance(5_000);
    expect(await getAgent('ann')).toMatchObject({ presence: 'ready', wrapUpUntilMs: null });
    expect((await getContact('c1')).status).toBe(404);
  });

  it('[R7] a manual-mode agent gets no offers and takes the next contact when it asks', async () => {
    await center([queue('sales')], [agent('ann', ['sales'])]);
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/agents/ann/mode`, { mode: 'manual' }],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
    ]);
    expect((await getAgent('ann')).offer).toBeNull();
    const next = await server.call<AgentActionResult>('POST', `${base}/agents/ann/next`);
    expect(next.status).toBe(200);
    expect(next.body.agent).toMatchObject({ mode: 'manual', contactIds: ['c1'] });
    expect(next.body.contact).toMatchObject({ id: 'c1', status: 'assigned' });
  });

  it('[R11] a contact joining a queue no agent serves gets the whenEmpty policy', async () => {
    await center([queue('sales', { whenEmpty: 'reject', closedMessage: 'Call us later.' })], []);
    const reply = await server.call<DeflectedView>(
      'POST',
      `${base}/contacts`,
      contact('c1', 'sales'),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      id: 'c1',
      queueId: 'sales',
      deflected: { reason: 'queueOffline', action: 'refuse', message: 'Call us later.' },
    });
    expect((await getContact('c1')).status).toBe(404);
  });

  it('[api] a transferred contact waits in the other queue', async () => {
    await center([queue('sales'), queue('support')], [agent('ann', ['sales'])]);
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/contacts`, contact('c1', 'sales')],
    ]);
    const offerId = (await getAgent('ann')).offer?.offerId ?? '';
    await setUp(server, [['POST', `${base}/agents/ann/offers/${offerId}/accept`]]);
    const moved = await server.call<AgentActionResult>(
      'POST',
      `${base}/agents/ann/contacts/c1/transfer`,
      { target: { queueId: 'support', keepsPlace: true } },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.agent.contactIds).toEqual([]);
    expect(moved.body.contact).toMatchObject({
      queueId: 'support',
      status: 'queued',
      joinedType: 'transfer',
      position: 1,
    });
  });

  it('[api] agents and queues change, page in id order, and go away', async () => {
    await center([queue('b'), queue('a'), queue('c')], [agent('zed'), agent('amy')]);
    const first = await server.call<{ queues: QueueView[]; next: string | null }>(
      'GET',
      `${base}/queues?limit=2`,
    );
    expect(first.body.queues.map(({ id }) => id)).toEqual(['a', 'b']);
    expect(first.body.next).toBe('b');
    const second = await server.call<{ queues: QueueView[]; next: string | null }>(
      'GET',
      `${base}/queues?limit=2&after=b`,
    );
    expect(second.body).toMatchObject({ queues: [{ id: 'c' }], next: null });
    // The largest page is allowed (one past it is refused: errors.test.ts).
    expect((await server.call('GET', `${base}/queues?limit=1000`)).status).toBe(200);
    const agents = await server.call<{ agents: AgentView[] }>('GET', `${base}/agents`);
    expect(agents.body.agents.map(({ id }) => id)).toEqual(['amy', 'zed']);

    const patched = await server.call<QueueView>('PATCH', `${base}/queues/a`, {
      name: 'Alpha',
      maxSize: 5,
    });
    expect(patched.body).toMatchObject({ id: 'a', name: 'Alpha', maxSize: 5 });
    const renamed = await server.call<AgentView>('PATCH', `${base}/agents/amy`, {
      capacity: { chat: 5 },
    });
    expect(renamed.body.capacity).toMatchObject({ chat: 5, voice: 1 });

    await setUp(server, [['PUT', `${base}/agents/amy/queues/a`, { priority: 1 }]]);
    expect((await server.call('DELETE', `${base}/agents/amy/queues/a`)).status).toBe(204);
    expect((await getAgent('amy')).memberships).toEqual([]);
    expect((await server.call('DELETE', `${base}/queues/a`)).status).toBe(204);
    expect((await server.call('DELETE', `${base}/agents/zed`)).status).toBe(204);
    expect((await server.call('GET', '/v1/tenants/acme')).body).toEqual({
      id: 'acme',
      queueCount: 2,
      agentCount: 1,
    });
  });

  it('[api] a contact without an id gets one minted by the server', async () => {
    await center([queue('sales')], []);
    const { id: _omitted, ...body } = contact('unused', 'sales');
    const reply = await server.call<ContactPlacedView>('POST', `${base}/contacts`, body);
    expect(reply.status).toBe(201);
    expect(reply.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await getContact(reply.body.id)).body.position).toBe(1);
  });

  it('[api] a queue sets how often its waiting voice customers hear their place; customers read it', async () => {
    await center([queue('sales', { channels: ['voice'] }), queue('support')], []);
    const intervals = async () =>
      Object.fromEntries(
        (
          await server.call<{ queues: { queueId: string; positionAnnouncementEveryMs: number }[] }>(
            'GET',
            `${base}/queue-statuses`,
          )
        ).body.queues.map((status) => [status.queueId, status.positionAnnouncementEveryMs]),
      );
    // A queue that never said gets the default, as do queues journaled before the setting existed.
    expect(await intervals()).toEqual({ sales: 30_000, support: 30_000 });

    const changed = await server.call<QueueView>('PATCH', `${base}/queues/sales`, {
      positionAnnouncementEveryMs: 45_000,
    });
    expect(changed).toMatchObject({ status: 200, body: { positionAnnouncementEveryMs: 45_000 } });
    await server.call('PATCH', `${base}/queues/support`, { positionAnnouncementEveryMs: 0 });
    expect(await intervals()).toEqual({ sales: 45_000, support: 0 });

    const refused = await server.call<ErrorBody>('PATCH', `${base}/queues/sales`, {
      positionAnnouncementEveryMs: -1,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_command');
    expect(await intervals()).toEqual({ sales: 45_000, support: 0 });
  });

  it('[ops] /healthz answers, and /readyz says unavailable once the host stops', async () => {
    expect(await server.call('GET', '/healthz')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await server.call('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
    await server.host.close();
    const stopping = await server.call<ErrorBody>('GET', '/readyz');
    expect(stopping.status).toBe(503);
    expect(stopping.body.error.code).toBe('unavailable');
  });

  it('[ops] /docs serves the interactive API reference', async () => {
    const docs = await fetch(`${server.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('Swagger UI');
  });
});

describe('calls from web pages of other sites (CORS)', () => {
  it('[cors] a site named in corsOrigins may call the API from its pages; any other site may not', async () => {
    const served = await startServer({ corsOrigins: ['https://shop.example'] });
    try {
      await setUp(served, [['POST', '/v1/tenants', { id: 'acme' }]]);
      const preflight = (origin: string) =>
        fetch(`${served.baseUrl}/v1/tenants/acme/queue-statuses`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
      const allowed = await preflight('https://shop.example');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();

      // The real request carries its credential as usual, and the answer may be read by the page.
      const read = await served.call('GET', '/v1/tenants/acme', undefined, {
        headers: { origin: 'https://shop.example' },
      });
      expect(read.status).toBe(200);
      expect(read.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      const unnamed = await served.call('GET', '/v1/tenants/acme', undefined, {
        headers: { origin: 'https://evil.example' },
      });
      expect(unnamed.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await served.close();
    }
  });

  it('[cors] without corsOrigins no page of another site is let in', async () => {
    const served = await startServer();
    try {
      const read = await served.call('GET', '/healthz', undefined, {
        headers: { origin: 'https://shop.example' },
      });
      expect(read.status).toBe(200);
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await served.close();
    }
  });
});
