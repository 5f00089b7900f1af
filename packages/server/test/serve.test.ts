import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

/*
 * `lineup serve` as a user runs it: a real process on a real port over real
 * SQLite files. A first start creates the demo tenant; a stop by SIGTERM and
 * a kill by SIGKILL both lose nothing that was acknowledged (J10, issue 5).
 */

const fixture = new URL('./fixtures/serve-child.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** What the child prints once it listens: its URL, and what this start created. */
interface Started {
  url: string;
  demo: string | null;
  operatorKey: string | null;
  adminKey: string | null;
}

/** The credential the requests below send: the demo's admin key, from its first start. */
let credential = '';

/** Starts the server on the data dir and waits for its URL. */
async function start(dataDir: string): Promise<Started & { child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const started = JSON.parse(line) as Started;
    if (started.adminKey !== null) credential = started.adminKey;
    return { ...started, child };
  }
  throw new Error('the server stopped before it listened');
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((resolve) =>
        child.once('exit', (code) => {
          resolve(code);
        }),
      );

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

/**
 * Reads a resource of the demo tenant with its admin key. Past the key's burst of
 * requests (the checks below read hundreds of contacts at once) the server answers 429
 * with Retry-After; the read waits that long and asks again, as a client should.
 */
async function get(url: string): Promise<Response> {
  for (let tries = 1; ; tries++) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${credential}` } });
    if (response.status !== 429 || tries === 10) return response;
    const waitSeconds = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  }
}

const enqueue = (url: string, id: string) =>
  post(`${url}/v1/tenants/demo/contacts`, {
    id,
    queueId: 'support',
    channel: 'chat',
    customer: { id: `u-${id}`, type: 'normal' },
  });

describe('lineup serve', () => {
  it('[serve] a first start creates the demo tenant; a second start resumes it and creates nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-serve-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    expect(first.demo).toBe('demo');
    // The first start mints the operator key and the demo's admin key, and shows them once.
    expect(first.operatorKey).toMatch(/^lo_[A-Za-z0-9_-]{40,}$/);
    expect(first.adminKey).toMatch(/^lk_/);
    expect((await fetch(`${first.url}/v1/tenants/demo/queues`)).status).toBe(401);
    const queues = await (await get(`${first.url}/v1/tenants/demo/queues`)).json();
    expect(JSON.stringify(queues)).toContain('support');
    expect((await enqueue(first.url, 'c1')).status).toBe(201);
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);

    const second = await start(dataDir);
    expect(second).toMatchObject({ demo: null, operatorKey: null, adminKey: null });
    // Keys are kept (hashed) across restarts: the first start's keys still work.
    const contact = await get(`${second.url}/v1/tenants/demo/contacts/c1`);
    expect(contact.status).toBe(200);
    const tenant = await fetch(`${second.url}/v1/tenants/demo`, {
      headers: { authorization: `Bearer ${first.operatorKey ?? ''}` },
    });
    expect(tenant.status).toBe(200);
  });

  it('[webchat] a Huawei web-chat session outlives a restart: the same token polls, keeps its place, and hears the agent who takes it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-webchat-'));
    dirs.push(dataDir);
    const hw = (url: string, name: string) =>
      `${url}/compat/huawei/demo/apiaccess/ccmessaging/${name}`;
    const withToken = (token: string) => ({
      'content-type': 'application/json',
      'ccmessaging-token': token,
    });
    const send = async (url: string, token: string, controlType: string, content = '') => {
      const response = await fetch(hw(url, 'send'), {
        method: 'POST',
        headers: withToken(token),
        body: JSON.stringify({
          channel: 'WEB',
          controlType,
          mediaType: 'TEXT',
          content,
          sourceType: 'CUSTOMER',
          to: 'support',
          from: 'u1',
          senderNickname: 'Mia',
        }),
      });
      return { status: response.status, body: (await response.json()) as { resultCode: string } };
    };
    const poll = async (url: string, token: string) => {
      const response = await fetch(hw(url, 'poll?receiverId=u1&channel=WEB&waitMs=0'), {
        headers: withToken(token),
      });
      const body = (await response.json()) as {
        resultCode: string;
        downlinkMessages: { content: string; controlType: string }[];
      };
      return { status: response.status, ...body };
    };

    const first = await start(dataDir);
    const applied = await post(hw(first.url, 'applyToken'), {
      userId: 'u1',
      userName: 'Mia',
      channelId: 'support',
      locale: 'en',
    });
    const { token } = applied.body as { token: string };
    expect((await send(first.url, token, 'CONNECT')).body.resultCode).toBe('0');
    // Nobody is logged in: Mia waits, told her place, and leaves the notice unread.
    const waiting = await (
      await get(`${first.url}/v1/tenants/demo/queues/support/contacts`)
    ).json();
    const contactId = (waiting as { contacts: { id: string }[] }).contacts[0]?.id ?? '';
    expect(contactId).toMatch(/^wc-/);
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);

    const second = await start(dataDir);
    const afterRestart = await poll(second.url, token);
    expect(afterRestart).toMatchObject({ status: 200, resultCode: '0' });
    expect(afterRestart.downlinkMessages.map((message) => message.content)).toEqual([
      'You are number 1 in line; an agent will be with you soon.',
    ]);
    // Chen logs in and takes her: the restored session hears it.
    expect((await post(`${second.url}/v1/tenants/demo/agents/chen/log-in`, {})).status).toBe(200);
    const offered = (await (
      await get(`${second.url}/v1/tenants/demo/contacts/${contactId}`)
    ).json()) as { offerId: string | null };
    expect(offered.offerId).not.toBeNull();
    const accepted = await post(
      `${second.url}/v1/tenants/demo/agents/chen/offers/${offered.offerId ?? ''}/accept`,
      {},
    );
    expect(accepted.status).toBe(200);
    const taken = await poll(second.url, token);
    expect(taken.downlinkMessages).toMatchObject([
      { controlType: 'CONNECT', content: 'Chen is with you.' },
    ]);
    expect((await send(second.url, token, 'CHAT', 'Hello Chen')).body.resultCode).toBe('0');
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  });

  it('[metrics] serves /metrics with the journal commits of the demo and its queues', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-serve-'));
    dirs.push(dataDir);
    const { url, operatorKey } = await start(dataDir);
    expect((await enqueue(url, 'c1')).status).toBe(201);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const text = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${operatorKey ?? ''}` } })
    ).text();
    expect(text).toContain('lineup_queue_waiting_contacts{tenant="demo",queue="support"} 1');
    // The demo tenant, its queues and agents, and the contact: each command is one committed entry.
    const commits = Number(/^lineup_journal_commits_total (\d+)$/m.exec(text)?.[1]);
    expect(commits).toBeGreaterThan(0);
    expect(text).toMatch(/^lineup_journal_commit_duration_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^lineup_journal_entries_total [1-9]\d*$/m);
  });

  it('[J10] killed with SIGKILL under load five times, it loses no acknowledged contact', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-kill-'));
    dirs.push(dataDir);
    const acknowledged: string[] = [];
    let next = 0;
    for (let round = 0; round < 5; round++) {
      const server = await start(dataDir);
      // Every contact acknowledged so far is there after the restart.
      for (const id of acknowledged) {
        const response = await get(`${server.url}/v1/tenants/demo/contacts/${id}`);
        expect(response.status, `contact ${id} after restart ${round}`).toBe(200);
      }
      // A bounded burst of concurrent enqueues; the kill lands while some are in flight:
      // after the first few of them are acknowledged, the rest are on their way.
      const inFlight: Promise<void>[] = [];
      let answered = 0;
      for (let index = 0; index < 60; index++) {
        const id = `k${next++}`;
        inFlight.push(
          enqueue(server.url, id).then(
            (reply) => {
              if (reply.status === 201) acknowledged.push(id);
              answered += 1;
              if (answered === 25) server.child.kill('SIGKILL');
            },
            () => undefined,
          ),
        );
      }
      await Promise.all(inFlight);
      await exited(server.child);
    }
    expect(acknowledged.length).toBeGreaterThan(100);
    const last = await start(dataDir);
    const waiting = await (await get(`${last.url}/v1/tenants/demo/queues/support`)).json();
    // Nothing was lost and nothing appeared twice: every acknowledged contact waits, once.
    for (const id of acknowledged) {
      expect((await get(`${last.url}/v1/tenants/demo/contacts/${id}`)).status).toBe(200);
    }
    expect(JSON.stringify(waiting)).toContain('"waiting"');
  });
});
