import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteJournal } from '@lineup/journal';
import { asTenantId } from '@lineup/protocol';
import {
  EngineHost,
  openServerStore,
  serverStoreFileName,
  type AgentView,
  type CommandInput,
  type ServerStore,
} from '../src/index.ts';
import {
  T0,
  agent,
  contact,
  operatorKey,
  queue,
  serveOnDisk,
  setUp,
  startServer,
  type Server,
} from './harness.ts';

/*
 * The server's records over real HTTP on a manual clock: a customer's
 * contact history, the queues' 15-minute intervals (JSON and CSV, kept in
 * SQLite across a reopen), messages left for a queue, and ratings.
 */

const base = '/v1/tenants/acme';
const minuteMs = 60_000;
const intervalMs = 15 * minuteMs;

let server: Server;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type ErrorReply = { error: { code: string } };
interface HistoryItem {
  id: string;
  outcome: string | null;
  rating: { score: number } | null;
  disposition: { code: string; notes: string | null; atMs: number } | null;
  [field: string]: unknown;
}
interface HistoryPage {
  contacts: HistoryItem[];
  next: string | null;
}
interface Interval {
  startMs: number;
  offered: number;
  [field: string]: unknown;
}
interface Message {
  id: string;
  handledAtMs: number | null;
  [field: string]: unknown;
}

/** A server with tenant acme, queue sales (20 s service-level threshold) and agent ann. */
async function start(options: { store?: ServerStore; startMs?: number } = {}): Promise<Server> {
  const started = await startServer(options);
  let isClosed = false;
  const close = started.close.bind(started);
  // A test may close it early (a reopen); the cleanup then has nothing left to do.
  started.close = async () => {
    if (isClosed) return;
    isClosed = true;
    await close();
  };
  cleanups.push(() => started.close());
  await setUp(started, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', `${base}/queues`, queue('sales', { serviceLevelThresholdMs: 20_000 })],
    ['POST', `${base}/agents`, agent('ann', ['sales'])],
  ]);
  return started;
}

/** Ann accepts the offer she holds. */
async function accept(): Promise<void> {
  const ann = (await server.call<AgentView>('GET', `${base}/agents/ann`)).body;
  await setUp(server, [['POST', `${base}/agents/ann/offers/${ann.offer?.offerId ?? ''}/accept`]]);
}

const complete = (contactId: string) =>
  setUp(server, [['POST', `${base}/agents/ann/contacts/${contactId}/complete`]]);

const historyOf = (customerId: string, query = '', as?: string) =>
  server.call<HistoryPage>(
    'GET',
    `${base}/customers/${customerId}/contacts${query}`,
    undefined,
    as === undefined ? {} : { as },
  );

async function mintCustomer(subject: string): Promise<string> {
  const reply = await server.call<{ token: string }>('POST', `${base}/tokens`, {
    role: 'customer',
    subject,
  });
  expect(reply.status).toBe(201);
  return reply.body.token;
}

/** Contacts of one customer: the given id, and customer `customerId`. */
const contactOf = (id: string, customerId: string) =>
  contact(id, 'sales', { customer: { id: customerId, type: 'normal', name: 'Carol' } });

/** Ann logs in, and answers a contact that joins, after it waited 5 s. */
async function annAnswers(joining: object): Promise<void> {
  await setUp(server, [
    ['POST', `${base}/agents/ann/log-in`],
    ['POST', `${base}/contacts`, joining],
  ]);
  await server.advance(5_000);
  await accept();
}

/**
 * Three contacts in the first interval: c1 answered after 5 s (in threshold)
 * and handled 30 s; c3 abandoned after 30 s; c2 answered after 30 s and
 * handled 60 s.
 */
async function threeContacts(): Promise<void> {
  await annAnswers(contact('c1', 'sales'));
  await setUp(server, [
    ['POST', `${base}/contacts`, contact('c2', 'sales')],
    ['POST', `${base}/contacts`, contact('c3', 'sales')],
  ]);
  await server.advance(30_000);
  await setUp(server, [['POST', `${base}/contacts/c3/leave`, {}]]);
  await complete('c1');
  await accept();
  await server.advance(60_000);
  await complete('c2');
}

describe('contact history', () => {
  it("[records] a contact's life shows in its customer's history with its times and outcome", async () => {
    server = await start();
    await annAnswers(contactOf('c1', 'carol'));
    await server.advance(30_000);
    await complete('c1');
    await setUp(server, [['POST', `${base}/contacts`, contactOf('c2', 'carol')]]);
    await server.advance(2_000);
    await setUp(server, [['POST', `${base}/contacts/c2/leave`, {}]]);

    const history = await historyOf('carol');
    expect(history.status).toBe(200);
    expect(history.body.contacts).toEqual([
      expect.objectContaining({
        id: 'c2',
        joinedAtMs: T0 + 35_000,
        answeredAtMs: null,
        endedAtMs: T0 + 37_000,
        outcome: 'abandoned',
        waitMs: 2_000,
        handleMs: 0,
      }),
      {
        id: 'c1',
        customerId: 'carol',
        customerName: 'Carol',
        firstQueueId: 'sales',
        lastQueueId: 'sales',
        channel: 'voice',
        joinedType: 'inbound',
        joinedAtMs: T0,
        answeredAtMs: T0 + 5_000,
        agentId: 'ann',
        endedAtMs: T0 + 35_000,
        outcome: 'completed',
        callbackOutcome: null,
        waitMs: 5_000,
        handleMs: 30_000,
        rating: null,
        disposition: null,
      },
    ]);
    expect(history.body.next).toBeNull();

    const first = await historyOf('carol', '?limit=1');
    expect(first.body.contacts.map((item) => item.id)).toEqual(['c2']);
    expect(first.body.next).not.toBeNull();
    const second = await historyOf('carol', `?limit=1&after=${first.body.next ?? ''}`);
    expect(second.body).toMatchObject({ contacts: [{ id: 'c1' }], next: null });
    expect((await historyOf('nobody')).body).toEqual({ contacts: [], next: null });
  });

  it('[records] the agent gives a contact it handled a disposition code and notes; it shows in the history', async () => {
    server = await start();
    await setUp(server, [
      ['POST', `${base}/agents`, agent('bob', ['sales'])],
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/contacts`, contactOf('c1', 'carol')],
    ]);
    await accept();
    await server.advance(10_000);
    await complete('c1');
    const path = `${base}/agents/ann/contacts/c1/disposition`;
    const given = await server.call<HistoryItem>('PUT', path, {
      code: 'sale',
      notes: 'Ordered the blue one.',
    });
    expect(given.status).toBe(200);
    expect(given.body).toMatchObject({
      id: 'c1',
      disposition: { code: 'sale', notes: 'Ordered the blue one.', atMs: T0 + 10_000 },
    });
    // Given again, it replaces the first; without notes they are gone.
    expect((await server.call('PUT', path, { code: 'follow-up' })).status).toBe(200);
    const history = await historyOf('carol');
    expect(history.body.contacts[0]?.disposition).toEqual({
      code: 'follow-up',
      notes: null,
      atMs: T0 + 10_000,
    });

    const refusals = [
      [`${base}/agents/bob/contacts/c1/disposition`, { code: 'sale' }, 409, 'contact_not_assigned'],
      [`${base}/agents/ann/contacts/c9/disposition`, { code: 'sale' }, 404, 'contact_not_found'],
      [path, { code: '' }, 400, 'invalid_command'],
      [path, { code: 'x'.repeat(65) }, 400, 'invalid_command'],
      [path, { code: 'sale', notes: 'n'.repeat(2_001) }, 400, 'invalid_command'],
    ] as const;
    for (const [refusedPath, body, status, code] of refusals) {
      const refused = await server.call<ErrorReply>('PUT', refusedPath, body);
      expect([refused.status, refused.body.error.code]).toEqual([status, code]);
    }
    expect((await historyOf('carol')).body.contacts[0]?.disposition?.code).toBe('follow-up');
  });

  it('[records] a contact turned away at the door is in the history as deflected', async () => {
    server = await start();
    // No agent is logged in: the queue is offline and deflects (R11).
    await setUp(server, [['PATCH', `${base}/queues/sales`, { whenEmpty: 'leaveMessage' }]]);
    const joined = await server.call('POST', `${base}/contacts`, contactOf('c1', 'carol'));
    expect(joined.status).toBe(200);
    expect((await historyOf('carol')).body.contacts).toEqual([
      expect.objectContaining({ id: 'c1', outcome: 'deflected', endedAtMs: T0, waitMs: 0 }),
    ]);
  });

  it("[records] a customer token reads its own history and not another's", async () => {
    server = await start();
    await setUp(server, [
      ['POST', `${base}/contacts`, contactOf('c1', 'carol')],
      ['POST', `${base}/contacts`, contactOf('c2', 'dave')],
    ]);
    const carol = await mintCustomer('carol');
    const own = await historyOf('carol', '', carol);
    expect(own.status).toBe(200);
    expect(own.body.contacts.map((item) => item.id)).toEqual(['c1']);
    const other = await server.call<ErrorReply>(
      'GET',
      `${base}/customers/dave/contacts`,
      undefined,
      { as: carol },
    );
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
  });
});

describe('statistics history', () => {
  const historyPath = `${base}/queues/sales/history?fromMs=${T0}&toMs=${T0 + 4 * intervalMs}`;

  it('[records] a contact put back in line and assigned again keeps its first answer, and counts once', async () => {
    server = await start();
    await annAnswers(contactOf('c1', 'carol'));
    await setUp(server, [
      ['POST', `${base}/agents`, agent('bob', ['sales'])],
      ['POST', `${base}/agents/bob/log-in`],
    ]);
    await server.advance(10_000);
    // Ann leaves holding c1: it goes back in line, and bob is offered it.
    await setUp(server, [['POST', `${base}/agents/ann/log-out`, { isForced: true }]]);
    const bob = (await server.call<AgentView>('GET', `${base}/agents/bob`)).body;
    expect(bob.offer?.contactId).toBe('c1');
    await setUp(server, [['POST', `${base}/agents/bob/offers/${bob.offer?.offerId ?? ''}/accept`]]);
    await server.advance(20_000);
    await setUp(server, [['POST', `${base}/agents/bob/contacts/c1/complete`]]);

    const [row] = (await historyOf('carol')).body.contacts;
    expect(row).toMatchObject({
      id: 'c1',
      answeredAtMs: T0 + 5_000,
      agentId: 'bob',
      waitMs: 5_000,
      outcome: 'completed',
    });
    await server.advance(intervalMs);
    const intervals = await server.call<{ intervals: Interval[] }>('GET', historyPath);
    expect(intervals.body.intervals[0]).toMatchObject({ offered: 1, answered: 1, handled: 1 });
  });

  it('[records] each 15-minute boundary writes the interval: 3 offered, 2 answered, 1 abandoned', async () => {
    server = await start();
    await threeContacts();
    await server.advance(14 * minuteMs - 95_000 + 59_999);
    // The interval is still going on: nothing to read yet.
    expect((await server.call('GET', historyPath)).body).toEqual({
      queueId: 'sales',
      intervals: [],
    });

    await server.advance(1);
    const after = await server.call<{ intervals: Interval[] }>('GET', historyPath);
    expect(after.body.intervals).toEqual([
      {
        startMs: T0,
        endMs: T0 + intervalMs,
        offered: 3,
        answered: 2,
        answeredInThreshold: 1,
        abandoned: 1,
        abandonedInThreshold: 0,
        handled: 2,
        serviceLevel: 1 / 3,
        abandonRate: 1 / 3,
        asaMs: 17_500,
        ahtMs: 45_000,
        waitMsMax: 30_000,
      },
    ]);

    // A quiet interval is written too, with zeros and no ratios.
    await server.advance(intervalMs);
    const quiet = await server.call<{ intervals: Interval[] }>('GET', historyPath);
    expect(quiet.body.intervals[1]).toMatchObject({
      startMs: T0 + intervalMs,
      offered: 0,
      serviceLevel: null,
      asaMs: null,
    });
  });

  it('[records] the history reads as CSV with a header row', async () => {
    server = await start();
    await threeContacts();
    await server.advance(2 * intervalMs);
    const csv = await server.call<string>('GET', `${historyPath}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')).toEqual([
      'queueId,start,startMs,endMs,offered,answered,answeredInThreshold,abandoned,' +
        'abandonedInThreshold,handled,serviceLevel,abandonRate,asaMs,ahtMs,waitMsMax',
      `sales,2026-03-02T09:00:00.000Z,${T0},${T0 + intervalMs},3,2,1,1,0,2,` +
        `${1 / 3},${1 / 3},17500,45000,30000`,
      `sales,2026-03-02T09:15:00.000Z,${T0 + intervalMs},${T0 + 2 * intervalMs},0,0,0,0,0,0,,,,,0`,
      '',
    ]);
  });

  it('[records] an unknown queue, a reversed or too long span are refused', async () => {
    server = await start();
    const unknown = await server.call<ErrorReply>('GET', `${base}/queues/nope/history`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('queue_not_found');
    const reversed = await server.call<ErrorReply>(
      'GET',
      `${base}/queues/sales/history?fromMs=${T0}&toMs=${T0 - 1}`,
    );
    expect(reversed.body.error.code).toBe('invalid_command');
    const month = 31 * 24 * 60 * minuteMs;
    const atLimit = await server.call('GET', `${base}/queues/sales/history?fromMs=${T0 - month}`);
    expect(atLimit.status).toBe(200);
    const past = await server.call<ErrorReply>(
      'GET',
      `${base}/queues/sales/history?fromMs=${T0 - month - 1}`,
    );
    expect(past.status).toBe(400);
    const format = await server.call('GET', `${base}/queues/sales/history?format=xml`);
    expect(format.status).toBe(400);
  });

  it('[records] a SQLite store keeps the intervals and the history across a reopen', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lineup-records-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const open = (): ServerStore => {
      const opened = openServerStore({ dataDir });
      if (!opened.ok) throw new Error(opened.message);
      return opened.store;
    };
    const first = open();
    server = await start({ store: first });
    await threeContacts();
    await server.advance(intervalMs);
    await server.close();
    await first.close();

    const second = open();
    cleanups.push(() => second.close());
    // A new host: the tenant is created again; the records are the store's.
    server = await start({ store: second, startMs: T0 + 4 * intervalMs });
    const history = await server.call<{ intervals: Interval[] }>('GET', historyPath);
    expect(history.body.intervals[0]).toMatchObject({ startMs: T0, offered: 3, answered: 2 });
    const contacts = await historyOf('customer-c1');
    expect(contacts.body.contacts).toEqual([
      expect.objectContaining({ id: 'c1', outcome: 'completed' }),
    ]);
  });

  it('[records] recording events leaves every other write of the store fsynced (synchronous FULL)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lineup-records-'));
    const opened = openServerStore({ dataDir });
    if (!opened.ok) throw new Error(opened.message);
    const { store } = opened;
    cleanups.push(async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const fullLevel = 2;
    server = await start({ store });
    await threeContacts();
    const contacts = await historyOf('customer-c1');
    expect(contacts.body.contacts).toEqual([
      expect.objectContaining({ id: 'c1', outcome: 'completed' }),
    ]);
    // API keys, webhooks and the outbox share the connection: they must still reach the disk.
    expect(store.db.pragma('synchronous', { simple: true })).toBe(fullLevel);
  });
});

describe('messages', () => {
  const messages = `${base}/queues/sales/messages`;
  const body = { customer: { id: 'mia', name: 'Mia', email: 'mia@example.com' }, text: 'Call me' };

  it('[records] a message is stored, listed by status and handled once', async () => {
    server = await start();
    const left = await server.call<Message>('POST', messages, body);
    expect(left.status).toBe(201);
    expect(left.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      queueId: 'sales',
      customer: body.customer,
      text: 'Call me',
      createdAtMs: T0,
      handledAtMs: null,
    });
    await server.advance(minuteMs);
    const longest = await server.call('POST', messages, { ...body, text: 'x'.repeat(5_000) });
    expect(longest.status).toBe(201);

    const handled = await server.call<Message>('POST', `${base}/messages/${left.body.id}/handle`);
    expect(handled.status).toBe(200);
    expect(handled.body.handledAtMs).toBe(T0 + minuteMs);
    await server.advance(minuteMs);
    const again = await server.call<Message>('POST', `${base}/messages/${left.body.id}/handle`);
    expect(again.body.handledAtMs).toBe(T0 + minuteMs);

    const list = async (query: string) =>
      (await server.call<{ messages: Message[] }>('GET', `${messages}${query}`)).body.messages;
    expect((await list('')).map((message) => message.handledAtMs)).toEqual([T0 + minuteMs, null]);
    expect(await list('?status=new')).toHaveLength(1);
    expect((await list('?status=handled'))[0]?.id).toBe(left.body.id);
    const page = await server.call<{ messages: Message[]; next: string }>(
      'GET',
      `${messages}?limit=1`,
    );
    expect(page.body.next).not.toBeNull();
    expect(await list(`?after=${page.body.next}`)).toHaveLength(1);
  });

  it('[records] refused messages store nothing: unknown queue, bad text, unknown id, another customer', async () => {
    server = await start();
    const unknown = await server.call<ErrorReply>('POST', `${base}/queues/nope/messages`, body);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('queue_not_found');
    expect((await server.call('POST', messages, { ...body, text: '' })).status).toBe(400);
    const tooLong = await server.call('POST', messages, { ...body, text: 'x'.repeat(5_001) });
    expect(tooLong.status).toBe(400);
    const ghost = await server.call<ErrorReply>(
      'POST',
      `${base}/messages/00000000-0000-4000-8000-000000000000/handle`,
    );
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe('message_not_found');
    const mia = await mintCustomer('mia');
    const impostor = await server.call<ErrorReply>(
      'POST',
      messages,
      { ...body, customer: { id: 'dave' } },
      { as: mia },
    );
    expect(impostor.status).toBe(403);
    expect((await server.call('GET', messages)).body).toEqual({ messages: [], next: null });
    expect((await server.call('POST', messages, body, { as: mia })).status).toBe(201);
  });
});

describe('ratings', () => {
  it('[records] a contact that ended after an answer is rated once; the rating shows in the history', async () => {
    server = await start();
    await setUp(server, [
      ['POST', `${base}/agents/ann/log-in`],
      ['POST', `${base}/contacts`, contactOf('c1', 'carol')],
    ]);
    await accept();
    const rate = (contactId: string, rating: unknown, as?: string) =>
      server.call<ErrorReply>(
        'POST',
        `${base}/contacts/${contactId}/rating`,
        rating,
        as === undefined ? {} : { as },
      );
    const early = await rate('c1', { score: 5 });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('contact_not_ended');
    await server.advance(minuteMs);
    await complete('c1');

    const carol = await mintCustomer('carol');
    const dave = await mintCustomer('dave');
    expect((await rate('c1', { score: 5 }, dave)).status).toBe(403);
    expect((await rate('c1', { score: 6 }, carol)).status).toBe(400);
    const rated = await rate('c1', { score: 4, comment: 'Quick and kind' }, carol);
    expect(rated.status).toBe(201);
    const expected = {
      contactId: 'c1',
      score: 4,
      comment: 'Quick and kind',
      createdAtMs: T0 + minuteMs,
    };
    expect(rated.body).toEqual(expected);
    const twice = await rate('c1', { score: 1 });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('rating_exists');

    expect(
      (await server.call('GET', `${base}/contacts/c1/rating`, undefined, { as: carol })).body,
    ).toEqual(expected);
    expect((await historyOf('carol')).body.contacts[0]?.rating).toEqual(expected);
  });

  it('[records] an abandoned, unknown or unrated contact has no rating', async () => {
    server = await start();
    await setUp(server, [
      ['POST', `${base}/contacts`, contactOf('c1', 'carol')],
      ['POST', `${base}/contacts/c1/leave`, {}],
    ]);
    const abandoned = await server.call<ErrorReply>('POST', `${base}/contacts/c1/rating`, {
      score: 3,
    });
    expect(abandoned.status).toBe(409);
    expect(abandoned.body.error.code).toBe('contact_not_ended');
    const unknown = await server.call<ErrorReply>('POST', `${base}/contacts/nope/rating`, {
      score: 3,
    });
    expect(unknown.body.error.code).toBe('contact_not_found');
    const none = await server.call<ErrorReply>('GET', `${base}/contacts/c1/rating`);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('rating_not_found');
    expect((await historyOf('carol')).body.contacts[0]?.rating).toBeNull();
  });
});

describe('records across a crash', () => {
  it('[records] contacts journaled while no records were written (a crash) are in the history after the restarts, once, though a start stops at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lineup-records-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const start = () => serveOnDisk(dataDir);
    const history = async (url: string, customerId: string) => {
      const response = await fetch(`${url}${base}/customers/${customerId}/contacts`, {
        headers: { authorization: `Bearer ${operatorKey}` },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as HistoryPage).contacts;
    };

    const first = await start();
    for (const [path, body] of [
      ['/v1/tenants', { id: 'acme' }],
      [`${base}/queues`, queue('q1')],
      [`${base}/contacts`, contact('c1', 'q1')],
    ] as const) {
      const response = await fetch(first.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
    }
    await first.close();

    // The process that journals these dies before its records are written: no records listen.
    const journal = openSqliteJournal({ dataDir });
    if (!journal.ok) throw new Error(journal.refusal.message);
    const host = await EngineHost.open({ journal: journal.journal });
    const tenantId = asTenantId('acme');
    for (const command of [
      { type: 'enqueueContact', contact: contact('c2', 'q1') },
      { type: 'abandonContact', contactId: 'c2' },
    ]) {
      const outcome = await host.submit(tenantId, command as unknown as CommandInput);
      expect(outcome.rejection).toBeNull();
    }
    await host.close();

    // A start that stops at once, its records thread perhaps still writing what it caught up
    // with: what it leaves is read again by the next start.
    const second = await start();
    await second.close();
    const third = await start();
    cleanups.push(() => third.close());
    await third.app.records.caughtUp();
    expect(
      (await history(third.url, 'customer-c2')).map((item) => [item.id, item.outcome]),
    ).toEqual([['c2', 'abandoned']]);
    expect((await history(third.url, 'customer-c1')).map((item) => item.id)).toEqual(['c1']);
    const store = new Database(join(dataDir, serverStoreFileName), { readonly: true });
    cleanups.push(() => {
      store.close();
    });
    expect(
      store
        .prepare(
          "SELECT SUM(offered) AS offered, SUM(abandoned) AS abandoned FROM queue_intervals WHERE tenant_id = 'acme'",
        )
        .get(),
    ).toEqual({ offered: 2, abandoned: 1 });
  });
  it('[records] with a store in a file the records are written on a thread; when it dies, the server takes them back from its cursor, losing and doubling nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lineup-records-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const running = await serveOnDisk(dataDir);
    cleanups.push(() => running.close());
    const post = async (path: string, body: unknown, status = 201) => {
      const response = await fetch(running.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(status);
    };
    const historyOf = async (customerId: string) => {
      const response = await fetch(`${running.url}${base}/customers/${customerId}/contacts`, {
        headers: { authorization: `Bearer ${operatorKey}` },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as HistoryPage).contacts.map((item) => [
        item.id,
        item.outcome,
      ]);
    };
    await post('/v1/tenants', { id: 'acme' });
    await post(`${base}/queues`, queue('q1'));
    await post(`${base}/contacts`, contact('c1', 'q1'));
    const thread = running.app.records.thread;
    expect(thread).not.toBeNull();
    expect(await historyOf('customer-c1')).toEqual([['c1', null]]);

    // c2 joins and the thread dies at once, whether or not it wrote c2's batch.
    await post(`${base}/contacts`, contact('c2', 'q1'));
    await thread?.stop();
    expect(running.app.records.thread).toBeNull();
    await running.app.records.caughtUp();
    await post(`${base}/contacts/c2/leave`, {}, 204);
    expect(await historyOf('customer-c2')).toEqual([['c2', 'abandoned']]);
    expect(await historyOf('customer-c1')).toEqual([['c1', null]]);
    // Each contact counted once in its interval, though c2's batch may have been handed over twice.
    const store = new Database(join(dataDir, serverStoreFileName), { readonly: true });
    cleanups.push(() => {
      store.close();
    });
    const counted = store
      .prepare(
        "SELECT SUM(offered) AS offered, SUM(abandoned) AS abandoned FROM queue_intervals WHERE tenant_id = 'acme'",
      )
      .get();
    expect(counted).toEqual({ offered: 2, abandoned: 1 });
  });
});
