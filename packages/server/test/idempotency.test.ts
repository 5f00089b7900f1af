import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteJournal } from '@lineup/journal';
import type { TenantId } from '@lineup/protocol';
import {
  EngineHost,
  ManualClock,
  ManualScheduler,
  buildApp,
  type AgentActionResult,
  type CommandInput,
  type ContactPlacedView,
  type ErrorBody,
  type QueueView,
} from '../src/index.ts';
import {
  T0,
  agent,
  contact,
  operatorKey,
  queue,
  setUp,
  startServer,
  testAuth,
  type Server,
} from './harness.ts';

/*
 * Idempotency keys (docs/api.md, Idempotency): a retried request with the
 * same Idempotency-Key does not act twice; it answers with the first
 * request's status, the resource as it is now and `Idempotent-Replayed: true`.
 */

const base = '/v1/tenants/acme';
let server: Server;

beforeEach(async () => {
  server = await startServer();
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', `${base}/queues`, queue('sales', { offerTimeoutMs: 10_000 })],
    ['POST', `${base}/agents`, agent('ann', ['sales'])],
  ]);
});
afterEach(async () => {
  await server.close();
});

const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });
const waiting = async () =>
  (await server.call<QueueView>('GET', `${base}/queues/sales`)).body.status.waiting;
/** A join with no contact id: a retry mints another, so only the key can tell it is the same. */
const anonymous = () => {
  const { id: _id, ...body } = contact('unused', 'sales');
  return body;
};

describe('Idempotency-Key', () => {
  it('[idempotency] an enqueue retried with its key makes one contact and replays the first answer', async () => {
    const first = await server.call<ContactPlacedView>(
      'POST',
      `${base}/contacts`,
      anonymous(),
      withKey('join-1'),
    );
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const retry = await server.call<ContactPlacedView>(
      'POST',
      `${base}/contacts`,
      anonymous(),
      withKey('join-1'),
    );
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(await waiting()).toBe(1);

    // Another key is another request.
    const other = await server.call('POST', `${base}/contacts`, anonymous(), withKey('join-2'));
    expect(other.status).toBe(201);
    expect(await waiting()).toBe(2);
  });

  it('[idempotency] an accept retried with its key replays instead of refusing', async () => {
    await setUp(server, [['POST', `${base}/agents/ann/log-in`]]);
    const joined = await server.call<ContactPlacedView>(
      'POST',
      `${base}/contacts`,
      contact('c1', 'sales'),
    );
    const accept = `${base}/agents/ann/offers/${joined.body.offerId ?? ''}/accept`;
    const first = await server.call<AgentActionResult>('POST', accept, undefined, withKey('acc'));
    expect(first.status).toBe(200);
    expect(first.body.contact).toMatchObject({ id: 'c1', status: 'assigned' });

    // The answer was lost past the offer's deadline; the retry must not read offer_expired.
    await server.advance(20_000);
    const retry = await server.call<AgentActionResult>('POST', accept, undefined, withKey('acc'));
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.agent.contactIds).toEqual(['c1']);
    expect(retry.body.contact).toMatchObject({ id: 'c1', status: 'assigned', agentId: 'ann' });

    // Without the key the same request is a new one, and refused.
    const bare = await server.call<ErrorBody>('POST', accept);
    expect(bare.status).toBeGreaterThanOrEqual(400);
  });

  it('[idempotency] two concurrent enqueues with one key make one contact', async () => {
    const replies = await Promise.all(
      [1, 2, 3].map(() =>
        server.call<ContactPlacedView>('POST', `${base}/contacts`, anonymous(), withKey('same')),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201]);
    expect(new Set(replies.map((reply) => reply.body.id)).size).toBe(1);
    expect(replies.filter((reply) => reply.headers.has('idempotent-replayed'))).toHaveLength(2);
    expect(await waiting()).toBe(1);
  });

  it('[idempotency] duplicates submitted to the host in one tick run once', async () => {
    // Over HTTP the duplicates may arrive one after the other; here all three are in flight at once.
    const enqueue = {
      type: 'enqueueContact',
      contact: contact('c9', 'sales'),
    } as unknown as CommandInput;
    const outcomes = await Promise.all(
      [1, 2, 3].map(() =>
        server.host.submit('acme' as TenantId, enqueue, undefined, { commandId: 'idem:dup' }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.rejection)).toEqual([null, null, null]);
    expect(outcomes.map((outcome) => outcome.isReplayed === true)).toEqual([false, true, true]);
    expect(await waiting()).toBe(1);
  });

  it('[idempotency] a malformed key is refused with invalid_command naming the header', async () => {
    for (const key of ['-starts-with-dash', 'has space', 'x'.repeat(129)]) {
      const reply = await server.call<ErrorBody>('POST', `${base}/contacts`, anonymous(), {
        headers: { 'idempotency-key': key },
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({
        code: 'invalid_command',
        details: { header: 'Idempotency-Key' },
      });
    }
    const longest = await server.call('POST', `${base}/contacts`, anonymous(), {
      headers: { 'idempotency-key': 'x'.repeat(128) },
    });
    expect(longest.status).toBe(201);
    expect(await waiting()).toBe(1);
  });

  it('[idempotency] a refused first request journals nothing: its corrected retry acts once', async () => {
    const refused = await server.call<ErrorBody>(
      'POST',
      `${base}/contacts`,
      contact('c1', 'nowhere'),
      withKey('fix-me'),
    );
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('queue_not_found');

    const corrected = await server.call('POST', `${base}/contacts`, contact('c1', 'sales'), {
      headers: { 'idempotency-key': 'fix-me' },
    });
    expect(corrected.status).toBe(201);
    expect(corrected.headers.has('idempotent-replayed')).toBe(false);
    const again = await server.call('POST', `${base}/contacts`, contact('c1', 'sales'), {
      headers: { 'idempotency-key': 'fix-me' },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await waiting()).toBe(1);
  });

  it('[idempotency] one key on two routes is two requests', async () => {
    await setUp(server, [['POST', `${base}/contacts`, contact('c1', 'sales')]]);
    const leave = await server.call('POST', `${base}/contacts/c1/leave`, undefined, withKey('k'));
    expect(leave.status).toBe(204);
    const join = await server.call(
      'POST',
      `${base}/contacts`,
      contact('c2', 'sales'),
      withKey('k'),
    );
    expect(join.status).toBe(201);
    expect(join.headers.has('idempotent-replayed')).toBe(false);
    const leaveAgain = await server.call(
      'POST',
      `${base}/contacts/c1/leave`,
      undefined,
      withKey('k'),
    );
    expect(leaveAgain.status).toBe(204);
    expect(leaveAgain.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('Idempotency-Key on SQLite', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function openApp(dataDir: string) {
    const opened = openSqliteJournal({ dataDir });
    if (!opened.ok) throw new Error(opened.refusal.message);
    const clock = new ManualClock(T0);
    const host = await EngineHost.open({
      journal: opened.journal,
      clock,
      scheduler: new ManualScheduler(clock),
    });
    const app = buildApp({ host, auth: testAuth(clock), logger: false });
    const call = (method: 'GET' | 'POST', url: string, payload?: object, key?: string) =>
      app.inject({
        method,
        url,
        ...(payload === undefined ? {} : { payload }),
        headers: {
          authorization: `Bearer ${operatorKey}`,
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
      });
    return {
      call,
      async close() {
        await app.close();
        await host.close();
      },
    };
  }

  it('[idempotency] a key used before a restart is recognised after it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-idempotency-'));
    dirs.push(dataDir);
    const first = await openApp(dataDir);
    await first.call('POST', '/v1/tenants', { id: 'acme' });
    await first.call('POST', `${base}/queues`, queue('sales'));
    const joined = await first.call('POST', `${base}/contacts`, anonymous(), 'before-restart');
    expect(joined.statusCode).toBe(201);
    await first.close();

    const second = await openApp(dataDir);
    const retry = await second.call('POST', `${base}/contacts`, anonymous(), 'before-restart');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json<ContactPlacedView>().id).toBe(joined.json<ContactPlacedView>().id);
    const sales = await second.call('GET', `${base}/queues/sales`);
    expect(sales.json<QueueView>().status.waiting).toBe(1);
    await second.close();
  });
});
