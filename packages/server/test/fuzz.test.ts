import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invariantProblems } from '@lineup/engine';
import { openSqliteJournal } from '@lineup/journal';
import { SocketCloseCode, errorCodeList, type TenantId } from '@lineup/protocol';
import {
  recoverEngine,
  serve,
  socketSettingsDefault,
  type RecoverySource,
  type RunningServer,
} from '../src/index.ts';
import {
  Choices,
  copy,
  drawPools,
  jsonOf,
  mutateValue,
  spoilText,
  type Pools,
} from './fuzz-inputs.ts';
import { operationsOf, type OpenApiDocument } from './openapi.ts';
import { agent, contact, operatorKey, queue } from './harness.ts';

/*
 * Issue 5, Security: the real server (`serve()`, SQLite journal in a temp
 * data dir, a real port) takes a storm of random and mutated REST requests
 * and WebSocket messages from the credentials of one tenant, acme. It must
 * not crash, answer no 5xx, answer every refusal with a registered error
 * code, show acme nothing of the tenant beside it (whose names carry a
 * marker), and leave that tenant exactly as it was. Afterwards the journal
 * is read back: each tenant's engine, restored from its snapshot and tail
 * and rebuilt from every event, is the same, and the engine's invariants
 * hold in it. LINEUP_FUZZ_MESSAGES sets the number of messages (default
 * 100,000), LINEUP_FUZZ_SEED the seed.
 */

const messageCount = Number(process.env.LINEUP_FUZZ_MESSAGES ?? 100_000);
const seed = Number(process.env.LINEUP_FUZZ_SEED ?? 20_261_126);
/** The share of the messages sent over REST; the rest go over WebSockets. */
const restShare = 0.35;
/** REST requests in flight at once. */
const restWorkers = 4;
/** Socket messages sent before the fuzz waits for the server to answer a ping. */
const socketBatch = 40;

const { messageBytesMax } = socketSettingsDefault;

/** Found in every name and id of the other tenant: acme's credentials must never see it. */
const marker = 'zq-other-secret';
const codes = new Set<string>(errorCodeList);
/** Close codes a fuzzed socket may meet: the protocol's, too-large (1009) and invalid payload (1007). */
const closeCodes = new Set<number>([...Object.values(SocketCloseCode), 1000, 1005, 1007, 1009]);

let running: RunningServer;
let dataDir: string;
let document: OpenApiDocument;
let pools: Pools;
const credentials: Record<string, string> = {};
/** What went wrong, each with the message that caused it; the first few are kept. */
const failures: string[] = [];
const fail = (what: string) => {
  if (failures.length < 20) failures.push(what);
};
/** Counts by status class and by socket outcome, to show the storm reached deep. */
const tally = new Map<string, number>();
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

async function call(method: string, path: string, body: unknown, credential = operatorKey) {
  const response = await fetch(running.url + path, {
    method,
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
}

const mint = async (tenant: string, role: string, subject: string) =>
  String((await call('POST', `/v1/tenants/${tenant}/tokens`, { role, subject }))?.token);

/** The other tenant as its own reads show it, with the operator key. */
async function otherFingerprint(): Promise<string> {
  const base = `/v1/tenants/${marker}`;
  const paths = [
    base,
    `${base}/queues`,
    `${base}/agents`,
    `${base}/contacts/${marker}-c1`,
    `${base}/contacts/${marker}-c2`,
    `${base}/queues/${marker}-q/contacts`,
    `${base}/api-keys`,
    `${base}/webhooks`,
  ];
  const texts = [];
  for (const path of paths) {
    const response = await fetch(running.url + path, {
      headers: { authorization: `Bearer ${operatorKey}` },
    });
    texts.push(`${response.status} ${await response.text()}`);
  }
  return texts.join('\n');
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lineup-fuzz-'));
  const started = await serve({
    port: 0,
    dataDir,
    isDemoCreated: false,
    operatorKey,
    logLevel: 'silent',
    requestRates: { perSecond: 1e9, burst: 1e9, refusedPerSecond: 1e9, refusedBurst: 1e9 },
    socket: { messagesPerSecond: 1e9, messageBurst: 1e9 },
  });
  if ('message' in started) throw new Error(started.message);
  running = started;
  const acme = '/v1/tenants/acme';
  const other = `/v1/tenants/${marker}`;
  for (const [path, body] of [
    ['/v1/tenants', { id: 'acme' }],
    ['/v1/tenants', { id: marker }],
    [`${acme}/queues`, queue('q1', { channels: ['voice', 'chat'] })],
    [`${acme}/queues`, queue('q2', { channels: ['chat', 'email'] })],
    [`${acme}/agents`, agent('ann', ['q1', 'q2'])],
    [`${acme}/agents`, agent('bob', ['q1'])],
    [`${acme}/contacts`, contact('c1', 'q1')],
    [`${acme}/contacts`, contact('c2', 'q2', { channel: 'chat' })],
    [`${other}/queues`, queue(`${marker}-q`, { name: marker })],
    [`${other}/agents`, agent(`${marker}-a`, [`${marker}-q`])],
    [`${other}/contacts`, contact(`${marker}-c1`, `${marker}-q`)],
    [`${other}/contacts`, contact(`${marker}-c2`, `${marker}-q`)],
  ] as const)
    await call('POST', path, body);
  document = JSON.parse(
    await (await fetch(`${running.url}/v1/openapi.json`)).text(),
  ) as OpenApiDocument;
  const key = async (scopes: string[]) =>
    String((await call('POST', `${acme}/api-keys`, { name: 'fuzz', scopes }))?.key);
  credentials.admin = await key(['admin']);
  credentials.read = await key(['read']);
  credentials.contacts = await key(['contacts', 'tokens']);
  credentials.ann = await mint('acme', 'agent', 'ann');
  credentials.bob = await mint('acme', 'agent', 'bob');
  credentials.supervisor = await mint('acme', 'supervisor', 'sue');
  credentials.customer = await mint('acme', 'customer', 'customer-c1');
  credentials.stranger = await mint('acme', 'customer', 'customer-nobody');
  pools = drawPools(seed);
}, 60_000);

afterAll(async () => {
  await running.close();
  await rm(dataDir, { recursive: true, force: true });
});

// --- REST -------------------------------------------------------------------------------------------

/** Ids that exist in acme, to put in paths and bodies so that mutations reach past the lookups. */
const ids: Record<string, readonly string[]> = {
  tenantId: ['acme'],
  queueId: ['q1', 'q2', 'q3'],
  agentId: ['ann', 'bob', 'cy'],
  contactId: ['c1', 'c2', 'c3', 'f-1', 'f-2'],
  offerId: ['o-1'],
  keyId: ['k-1'],
  attachmentId: ['a-1'],
  webhookId: ['wh_1'],
  deliveryId: ['dl_1'],
  customerId: ['customer-c1', 'customer-f-1'],
  messageId: ['00000000-0000-4000-8000-000000000000'],
};

/** A valid-looking body for an operation, by its key; {} where it takes none. */
function bodyFor(key: string, choices: Choices): unknown {
  const contactId = `f-${choices.below(50)}`;
  const queueId = choices.pick(ids.queueId!);
  const templates: Record<string, unknown> = {
    'POST /v1/tenants': { id: `t-${choices.below(5)}` },
    'POST /v1/tenants/{tenantId}/api-keys': { name: 'k', scopes: ['read'] },
    'POST /v1/tenants/{tenantId}/tokens': { role: 'customer', subject: 'customer-f-1' },
    'POST /v1/tenants/{tenantId}/queues': queue(queueId, { channels: ['voice', 'chat'] }),
    'PATCH /v1/tenants/{tenantId}/queues/{queueId}': { offerTimeoutMs: 20_000, priority: 3 },
    'POST /v1/tenants/{tenantId}/agents': agent(choices.pick(ids.agentId!), ['q1', 'q2']),
    'PATCH /v1/tenants/{tenantId}/agents/{agentId}': { name: 'Renamed' },
    'PUT /v1/tenants/{tenantId}/agents/{agentId}/queues/{queueId}': { priority: 2 },
    'POST /v1/tenants/{tenantId}/agents/{agentId}/log-in': {},
    'POST /v1/tenants/{tenantId}/agents/{agentId}/log-out': { isForced: false },
    'POST /v1/tenants/{tenantId}/agents/{agentId}/presence': choices.pick([
      { presence: 'ready' },
      { presence: 'notReady', reason: 'lunch' },
    ]),
    'POST /v1/tenants/{tenantId}/agents/{agentId}/mode': { mode: choices.pick(['auto', 'manual']) },
    'POST /v1/tenants/{tenantId}/agents/{agentId}/contacts/{contactId}/transfer': {
      target: { queueId, keepsPlace: true },
    },
    'POST /v1/tenants/{tenantId}/agents/{agentId}/contacts/{contactId}/callback-result': {
      outcome: 'noAnswer',
    },
    'POST /v1/tenants/{tenantId}/contacts': contact(contactId, queueId, {
      channel: choices.pick(['voice', 'chat', 'email']),
    }),
    'POST /v1/tenants/{tenantId}/contacts/{contactId}/callback': { number: '+4930123456' },
    'POST /v1/tenants/{tenantId}/callbacks': {
      id: contactId,
      queueId,
      customer: { id: `customer-${contactId}`, number: '+4930123456' },
    },
    'POST /v1/tenants/{tenantId}/webhooks': {
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['contactQueued'],
    },
    'POST /v1/tenants/{tenantId}/queues/{queueId}/messages': {
      customer: { id: 'customer-f-1' },
      text: 'Call me back',
    },
    'POST /v1/tenants/{tenantId}/contacts/{contactId}/rating': { score: 1 + choices.below(5) },
  };
  return copy(templates[key] ?? {});
}

/** Percent-encodes text for a URL; lone surrogates become U+FFFD, as any client's UTF-8 would make them. */
const encodeSegment = (text: string): string =>
  encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));

/** A concrete path: mostly acme's ids, sometimes the other tenant's, random text or tricks. */
function pathFor(template: string, choices: Choices): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const roll = choices.next();
    let id: string;
    if (roll < 0.8) id = choices.pick(ids[name] ?? ['x']);
    else if (roll < 0.9) id = name === 'tenantId' ? marker : `${marker}-${name.slice(0, 1)}`;
    else id = choices.pick(pools.strings);
    return encodeSegment(id);
  });
}

/** One fuzzed request. */
interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Who sends a request: mostly the tenant's admin, so that most requests pass the access check. */
const credentialNames = [
  'admin',
  'admin',
  'admin',
  'admin',
  'admin',
  'ann',
  'bob',
  'supervisor',
  'customer',
  'read',
];

function fuzzRequest(choices: Choices): FuzzRequest {
  const operations = operationsOf(document);
  const { key, path, method } = choices.pick(operations);
  let body: unknown = bodyFor(key, choices);
  const roll = choices.next();
  let text: string | undefined;
  if (roll < 0.3) text = jsonOf(body);
  else if (roll < 0.85) {
    for (let times = 1 + choices.below(3); times > 0; times--)
      body = mutateValue(body, choices, pools);
    text = jsonOf(body);
  } else text = spoilText(jsonOf(body), choices, pools);
  const headers: Record<string, string> = {};
  const who = choices.next();
  if (who < 0.9) headers.authorization = `Bearer ${credentials[choices.pick(credentialNames)]}`;
  else if (who < 0.95) headers.authorization = `Bearer ${choices.pick(pools.strings)}`;
  if (choices.chance(0.9)) headers['content-type'] = 'application/json';
  else headers['content-type'] = choices.pick(['text/plain', 'application/xml', 'image/png', '']);
  if (choices.chance(0.1))
    headers['idempotency-key'] = choices.pick(['k1', 'k2', '!', 'x'.repeat(200)]);
  const query = choices.chance(0.1)
    ? `?${choices.pick(['limit', 'after', 'format', 'from', 'to', 'name'])}=${encodeSegment(choices.pick(pools.strings))}`
    : '';
  const isBodiless = method === 'GET' || method === 'DELETE';
  return {
    method: choices.chance(0.03) ? choices.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) : method,
    path: pathFor(path, choices) + query,
    headers,
    body: isBodiless && choices.chance(0.8) ? undefined : text,
  };
}

/** Sends one request and checks its answer. */
async function send(request: FuzzRequest): Promise<void> {
  const what = `${request.method} ${request.path} ${JSON.stringify(request.headers)} ${request.body?.slice(0, 300)}`;
  let response: Response;
  try {
    response = await fetch(running.url + request.path, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined || request.method === 'GET' ? {} : { body: request.body }),
    });
  } catch (error) {
    // fetch itself refuses some headers and methods (e.g. bytes a header may not hold).
    const cause =
      error instanceof TypeError ? (error.cause as { code?: unknown } | undefined) : null;
    if (cause !== null && !String(cause?.code).startsWith('ECONN')) {
      count('refused by fetch');
      return;
    }
    fail(`no answer to ${what}: ${String(error)}`);
    return;
  }
  const text = await response.text();
  count(`${Math.floor(response.status / 100)}xx`);
  if (response.status >= 500) fail(`${response.status} for ${what}: ${text.slice(0, 300)}`);
  // A refusal may echo the request's own ids; anything else of the other tenant is a leak.
  if (text.includes(marker) && !what.includes(marker))
    fail(`the other tenant leaks into ${what}: ${text.slice(0, 300)}`);
  if (response.status >= 400) {
    let code: unknown;
    try {
      code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string' || !codes.has(code))
      fail(`${response.status} without a registered code for ${what}: ${text.slice(0, 300)}`);
    else count(`code ${code}`);
  }
}

// --- WebSocket --------------------------------------------------------------------------------------

const commandTemplates = (choices: Choices): Record<string, unknown>[] => {
  const agentId = choices.pick(['ann', 'bob']);
  const contactId = choices.pick(ids.contactId!);
  const queueId = choices.pick(ids.queueId!);
  return [
    { type: 'logIn', agentId },
    { type: 'logOut', agentId, isForced: false },
    { type: 'setPresence', agentId, presence: 'ready' },
    { type: 'setPresence', agentId, presence: 'notReady', reason: 'break' },
    { type: 'setMode', agentId, mode: 'manual' },
    { type: 'requestNext', agentId },
    { type: 'acceptOffer', agentId, offerId: 'o-1' },
    { type: 'rejectOffer', agentId, offerId: 'o-1' },
    { type: 'completeContact', agentId, contactId },
    { type: 'transferContact', agentId, contactId, target: { queueId, keepsPlace: false } },
    { type: 'startServing', agentId, queueId, priority: 1 },
    { type: 'stopServing', agentId, queueId },
    { type: 'enqueueContact', contact: contact(`f-${choices.below(50)}`, queueId) },
    { type: 'abandonContact', contactId },
    { type: 'requestCallback', contactId, number: '+4930123456' },
    { type: 'createQueue', queue: queue(queueId) },
    { type: 'deleteQueue', queueId },
    { type: 'tick' },
  ];
};

function socketMessage(choices: Choices): string | Buffer {
  const roll = choices.next();
  if (roll < 0.02) return Buffer.from(choices.pick(pools.strings));
  if (roll < 0.03) return 'x'.repeat(messageBytesMax + 1);
  const id = `m${choices.below(1_000)}`;
  const contactId = choices.pick(ids.contactId!);
  let message: unknown = choices.pick<unknown>([
    { type: 'command', id, command: choices.pick(commandTemplates(choices)) },
    { type: 'command', id, command: choices.pick(commandTemplates(choices)), idempotencyKey: 'i1' },
    { type: 'announce', id, text: 'Team meeting at 3' },
    { type: 'ping', id },
    { type: 'chat.send', id, contactId, text: 'hello' },
    { type: 'chat.typing', contactId, isTyping: true },
    { type: 'chat.read', id, contactId, upToSeq: 1 },
    { type: 'hello', token: credentials.ann },
  ]);
  message = copy(message);
  if (roll < 0.3) return jsonOf(message);
  if (roll < 0.9) {
    for (let times = 1 + choices.below(3); times > 0; times--)
      message = mutateValue(message, choices, pools);
    return jsonOf(message);
  }
  return spoilText(jsonOf(message), choices, pools);
}

/** Opens a socket, says hello with a credential (or something else), and returns it once welcomed or closed. */
async function openFuzzSocket(
  choices: Choices,
  received: { text: string }[],
): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const socket = new WebSocket(`${running.url.replace(/^http/, 'ws')}/v1/ws`);
  const closed = new Promise<number>((resolve) => {
    socket.on('close', (code: number) => {
      resolve(code);
    });
  });
  socket.on('message', (data: Buffer) => {
    received.push({ text: data.toString('utf8') });
  });
  // A reset connection (see isTooLarge) is an error on the client's side, then a close.
  socket.on('error', () => {
    count('socket client error');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  const token = credentials[choices.pick(['ann', 'bob', 'supervisor', 'customer', 'stranger'])];
  socket.send(
    choices.chance(0.95)
      ? JSON.stringify({ type: 'hello', token })
      : choices.pick([JSON.stringify({ type: 'hello', token: 'forged' }), '{"type":"hello"}', '']),
  );
  return { socket, closed };
}

/** Runs one socket worker for `messages` messages, reopening when the server closes the socket. */
async function socketWorker(choices: Choices, messages: number): Promise<void> {
  let sent = 0;
  while (sent < messages) {
    const received: { text: string }[] = [];
    /** Whether this socket sent a message over the size limit, which the server closes with 1009. */
    let isTooLarge = false;
    const { socket, closed } = await openFuzzSocket(choices, received);
    /** The close code once the socket closed (set from the close event, so read through an object). */
    const state: { code: number | null } = { code: null };
    void closed.then((closeCode) => {
      state.code = closeCode;
    });
    const isOpen = (): boolean => state.code === null;
    while (sent < messages && isOpen()) {
      for (let index = 0; index < socketBatch && sent < messages; index++, sent++)
        if (socket.readyState === WebSocket.OPEN) {
          const message = socketMessage(choices);
          isTooLarge ||= message.length > messageBytesMax;
          socket.send(message);
        }
      // A barrier: the server answers a ping after every message before it (one socket, in order).
      const pingId = `barrier-${sent}`;
      if (socket.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'ping', id: pingId }));
      const deadline = Date.now() + 10_000;
      while (
        isOpen() &&
        Date.now() < deadline &&
        !received.some((item) => item.text.includes(`"${pingId}"`))
      )
        await new Promise((resolve) => setTimeout(resolve, 2));
      if (isOpen() && Date.now() >= deadline) fail(`no answer to a ping within 10 s on a socket`);
    }
    if (isOpen()) socket.close();
    const closeCode = await closed;
    count(`socket closed ${closeCode}`);
    // The server closes an oversized message's socket (1009) without reading on; a client that
    // kept sending may see the connection reset before the close frame (1006).
    if (!closeCodes.has(closeCode) && !(closeCode === 1006 && isTooLarge))
      fail(`socket closed with ${closeCode}`);
    for (const { text } of received) {
      if (text.includes(marker))
        fail(`the other tenant leaks onto a socket: ${text.slice(0, 300)}`);
      const message = JSON.parse(text) as { type: string; error?: { code: string } };
      count(`socket ${message.type}`);
      if (message.error !== undefined) {
        if (!codes.has(message.error.code)) fail(`socket error without a registered code: ${text}`);
        else count(`socket code ${message.error.code}`);
        if (message.error.code === 'internal') fail(`socket internal error: ${text}`);
      }
    }
  }
}

// --- The storm -----------------------------------------------------------------------------------------

describe('fuzz: random and mutated messages to the running server', () => {
  it(`[fuzz] ${messageCount} REST and WebSocket messages: no crash, no 5xx, every refusal coded, nothing crosses tenants`, async () => {
    const before = await otherFingerprint();
    const restCount = Math.round(messageCount * restShare);
    const choices = new Choices(seed);
    const requests = Array.from({ length: restCount }, () => fuzzRequest(choices));
    let next = 0;
    await Promise.all(
      Array.from({ length: restWorkers }, async () => {
        while (next < requests.length) {
          const request = requests[next++];
          if (request !== undefined) await send(request);
        }
      }),
    );
    const socketCount = messageCount - restCount;
    const workers = 6;
    await Promise.all(
      Array.from({ length: workers }, (_, index) =>
        socketWorker(new Choices(seed + 100 + index), Math.ceil(socketCount / workers)),
      ),
    );

    expect(failures).toEqual([]);
    // The storm reached past validation: commands ran, and refusals came from every layer.
    expect(tally.get('2xx') ?? 0).toBeGreaterThan(restCount / 50);
    const seen = JSON.stringify([...tally].sort());
    for (const code of [
      'unauthorized',
      'forbidden',
      'invalid_command',
      'not_found',
      'contact_not_found',
    ])
      expect(tally.get(`code ${code}`) ?? 0, `${code} in ${seen}`).toBeGreaterThan(0);
    for (const code of ['invalid_command', 'forbidden', 'contact_not_found'])
      expect(tally.get(`socket code ${code}`) ?? 0, `${code} in ${seen}`).toBeGreaterThan(0);
    expect(tally.get('socket reply') ?? 0).toBeGreaterThan(socketCount / 20);
    expect(await otherFingerprint()).toBe(before);
    const health = await fetch(`${running.url}/readyz`);
    expect(health.status).toBe(200);
    const queues = await fetch(`${running.url}/v1/tenants/acme/queues`, {
      headers: { authorization: `Bearer ${credentials.admin}` },
    });
    expect(queues.status).toBe(200);
  }, 600_000);

  it('[fuzz] afterwards the journal restores each tenant to one state, and the engine invariants hold in it', async () => {
    await running.close();
    const opened = openSqliteJournal({ dataDir });
    if (!opened.ok) throw new Error(opened.refusal.message);
    const { journal } = opened;
    try {
      const tenants = await journal.tenants();
      expect(tenants.sort()).toEqual(['acme', marker].sort());
      for (const tenantId of tenants) {
        const restored = await restore(journal, tenantId, true);
        const rebuilt = await restore(journal, tenantId, false);
        expect(restored.snapshot()).toEqual(rebuilt.snapshot());
        expect(invariantProblems(restored.inspect())).toEqual([]);
      }
    } finally {
      await journal.close();
    }
  });
});

/** A tenant's engine from the journal: its latest snapshot and the tail, or every event from the start. */
async function restore(journal: RecoverySource, tenantId: TenantId, fromSnapshot: boolean) {
  return (await recoverEngine(journal, tenantId, {}, fromSnapshot)).engine;
}
