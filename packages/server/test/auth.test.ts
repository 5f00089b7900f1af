import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, openServerStore, Auth, type Principal } from '../src/index.ts';
import { operationsOf, type OpenApiDocument } from './openapi.ts';
import { T0, agent, contact, queue, setUp, startServer, type Server } from './harness.ts';

/*
 * Who may call what (issue 5, Security): table-driven over every route the
 * OpenAPI document lists, with real tokens and keys over real HTTP. No read
 * or write crosses tenants; missing, forged, expired, revoked and wrong-role
 * credentials are refused; a refused request changes nothing.
 */

let server: Server;
let document: OpenApiDocument;
const acme = '/v1/tenants/acme';

/** Credentials, by who holds them. */
const credentials: Record<string, string> = {};

async function mint(tenant: string, role: string, subject: string, ttlSeconds?: number) {
  const reply = await server.call<{ token: string }>('POST', `/v1/tenants/${tenant}/tokens`, {
    role,
    subject,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  expect(reply.status).toBe(201);
  return reply.body.token;
}

async function createKey(tenant: string, scopes: string[]) {
  const reply = await server.call<{ key: string; id: string }>(
    'POST',
    `/v1/tenants/${tenant}/api-keys`,
    { name: `key with ${scopes.join(', ')}`, scopes },
  );
  expect(reply.status).toBe(201);
  return reply.body;
}

/** What tenant acme looks like through its reads: a refused request must not change it. */
async function fingerprint(): Promise<string> {
  const paths = [
    acme,
    `${acme}/queues`,
    `${acme}/agents`,
    `${acme}/agents/ann`,
    `${acme}/contacts/c1`,
    `${acme}/queues/q1/contacts`,
    `${acme}/api-keys`,
    `${acme}/webhooks`,
  ];
  const bodies = await Promise.all(
    paths.map(async (path) => (await server.call('GET', path)).body),
  );
  return JSON.stringify(bodies);
}

/** A concrete path of an operation in a tenant, with the fixture's ids. */
function pathOf(template: string, tenant: string): string {
  const ids: Record<string, string> = {
    tenantId: tenant,
    queueId: 'q1',
    agentId: 'ann',
    contactId: 'c1',
    offerId: 'o-none',
    keyId: 'no-such-key',
    attachmentId: 'no-such-attachment',
    webhookId: 'no-such-webhook',
    deliveryId: 'no-such-delivery',
    customerId: 'customer-c1',
    messageId: '00000000-0000-4000-8000-000000000000',
    callId: 'call_none',
    recordingId: 'rec_none',
    n: '0',
  };
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const id = ids[name];
    if (id === undefined) throw new Error(`no fixture id for {${name}}`);
    return id;
  });
}

/** A body that is valid where it matters: joins name another customer than the caller. */
function bodyOf(key: string): unknown {
  if (key === 'POST /v1/tenants/{tenantId}/contacts') return contact('c-new', 'q1');
  if (key === 'POST /v1/tenants/{tenantId}/callbacks') {
    const { channel: _channel, ...callback } = contact('c-new', 'q1');
    return callback;
  }
  if (key === 'POST /v1/tenants/{tenantId}/contacts/{contactId}/callback')
    return { number: '+4930123456' };
  if (key === 'POST /v1/tenants/{tenantId}/queues/{queueId}/messages')
    return { customer: { id: 'customer-c-new' }, text: 'Please call me back.' };
  if (key === 'POST /v1/tenants/{tenantId}/contacts/{contactId}/rating') return { score: 5 };
  if (key === 'POST /v1/tenants/{tenantId}/calls/{callId}/recordings')
    return { contentType: 'video/webm' };
  return {};
}

/**
 * Who, besides the operator and a supervisor of the tenant, may call each
 * route: `agent` (an agent's token, for itself), `read` (a read-only key),
 * `customer` (a customer's token, for its own contact). A route missing here
 * fails the test: each new route must say who may call it.
 */
const allowed: Record<string, readonly ('agent' | 'read' | 'customer')[]> = {
  'POST /v1/tenants': [],
  'GET /v1/tenants/{tenantId}': ['agent', 'read'],
  'POST /v1/tenants/{tenantId}/api-keys': [],
  'GET /v1/tenants/{tenantId}/api-keys': [],
  'DELETE /v1/tenants/{tenantId}/api-keys/{keyId}': [],
  'POST /v1/tenants/{tenantId}/tokens': [],
  'POST /v1/tenants/{tenantId}/queues': [],
  'GET /v1/tenants/{tenantId}/queues': ['agent', 'read'],
  'GET /v1/tenants/{tenantId}/queue-statuses': ['agent', 'read', 'customer'],
  'GET /v1/tenants/{tenantId}/queues/{queueId}': ['agent', 'read'],
  'PATCH /v1/tenants/{tenantId}/queues/{queueId}': [],
  'DELETE /v1/tenants/{tenantId}/queues/{queueId}': [],
  'GET /v1/tenants/{tenantId}/queues/{queueId}/report': ['agent', 'read'],
  'GET /v1/tenants/{tenantId}/queues/{queueId}/samples': ['agent', 'read'],
  'GET /v1/tenants/{tenantId}/queues/{queueId}/contacts': ['agent', 'read'],
  'POST /v1/tenants/{tenantId}/agents': [],
  'GET /v1/tenants/{tenantId}/agents': ['agent', 'read'],
  'GET /v1/tenants/{tenantId}/agents/{agentId}': ['agent', 'read'],
  'PATCH /v1/tenants/{tenantId}/agents/{agentId}': [],
  'DELETE /v1/tenants/{tenantId}/agents/{agentId}': [],
  'PUT /v1/tenants/{tenantId}/agents/{agentId}/queues/{queueId}': [],
  'DELETE /v1/tenants/{tenantId}/agents/{agentId}/queues/{queueId}': [],
  'GET /v1/tenants/{tenantId}/agents/{agentId}/report': ['agent', 'read'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/log-in': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/log-out': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/presence': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/mode': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/offers/{offerId}/accept': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/offers/{offerId}/reject': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/next': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/contacts/{contactId}/complete': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/contacts/{contactId}/transfer': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/contacts/{contactId}/callback-result': ['agent'],
  'PUT /v1/tenants/{tenantId}/agents/{agentId}/contacts/{contactId}/disposition': ['agent'],
  'GET /v1/tenants/{tenantId}/agents/{agentId}/assignments': ['agent', 'read'],
  'PUT /v1/tenants/{tenantId}/agents/{agentId}/assignments/{queueId}': [],
  'DELETE /v1/tenants/{tenantId}/agents/{agentId}/assignments/{queueId}': [],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/queues/{queueId}/start-serving': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/queues/{queueId}/stop-serving': ['agent'],
  'POST /v1/tenants/{tenantId}/agents/{agentId}/contacts/{contactId}/convert-to-callback': [
    'agent',
  ],
  'POST /v1/tenants/{tenantId}/contacts': ['customer'],
  'GET /v1/tenants/{tenantId}/contacts/{contactId}': ['agent', 'read', 'customer'],
  'POST /v1/tenants/{tenantId}/contacts/{contactId}/leave': ['customer'],
  'POST /v1/tenants/{tenantId}/contacts/{contactId}/callback': ['customer'],
  'POST /v1/tenants/{tenantId}/callbacks': ['customer'],
  'GET /v1/tenants/{tenantId}/contacts/{contactId}/transcript': ['agent', 'read', 'customer'],
  'POST /v1/tenants/{tenantId}/contacts/{contactId}/attachments': ['agent', 'customer'],
  'GET /v1/tenants/{tenantId}/attachments/{attachmentId}': ['agent', 'read', 'customer'],
  'POST /v1/tenants/{tenantId}/webhooks': [],
  'GET /v1/tenants/{tenantId}/webhooks': [],
  'GET /v1/tenants/{tenantId}/webhooks/{webhookId}': [],
  'DELETE /v1/tenants/{tenantId}/webhooks/{webhookId}': [],
  'GET /v1/tenants/{tenantId}/webhooks/{webhookId}/deliveries': [],
  'POST /v1/tenants/{tenantId}/webhooks/{webhookId}/deliveries/{deliveryId}/replay': [],
  'POST /v1/tenants/{tenantId}/webhooks/{webhookId}/replay-failed': [],
  'GET /v1/tenants/{tenantId}/customers/{customerId}/contacts': ['agent', 'read', 'customer'],
  'GET /v1/tenants/{tenantId}/queues/{queueId}/history': ['agent', 'read'],
  'POST /v1/tenants/{tenantId}/queues/{queueId}/messages': ['customer'],
  'GET /v1/tenants/{tenantId}/queues/{queueId}/messages': ['agent', 'read'],
  'POST /v1/tenants/{tenantId}/messages/{messageId}/handle': [],
  'POST /v1/tenants/{tenantId}/contacts/{contactId}/rating': ['customer'],
  'GET /v1/tenants/{tenantId}/contacts/{contactId}/rating': ['agent', 'read', 'customer'],
  'GET /v1/tenants/{tenantId}/ice-servers': ['agent', 'read', 'customer'],
  'GET /v1/tenants/{tenantId}/contacts/{contactId}/calls': ['agent', 'read'],
  'POST /v1/tenants/{tenantId}/calls/{callId}/recordings': ['agent'],
  'PUT /v1/tenants/{tenantId}/calls/{callId}/recordings/{recordingId}/chunks/{n}': ['agent'],
  'POST /v1/tenants/{tenantId}/calls/{callId}/recordings/{recordingId}/finish': ['agent'],
  'GET /v1/tenants/{tenantId}/calls/{callId}/recordings/{recordingId}': ['agent', 'read'],
  // Every agent's live calls: a supervisor's view, not an agent's nor a read key's.
  'GET /v1/tenants/{tenantId}/calls': [],
};

/** Routes anyone may call with no credential. */
const open = new Set(['GET /healthz', 'GET /readyz']);

/** Every operation the document lists, but the open ones. */
const guarded = () => operationsOf(document).filter(({ key }) => !open.has(key));

beforeAll(async () => {
  server = await startServer();
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', '/v1/tenants', { id: 'other' }],
    ['POST', `${acme}/queues`, queue('q1', { channels: ['voice', 'chat'] })],
    ['POST', `${acme}/agents`, agent('ann', ['q1'])],
    ['POST', `${acme}/agents`, agent('bob', ['q1'])],
    ['POST', `${acme}/contacts`, contact('c1', 'q1')],
    ['POST', '/v1/tenants/other/agents', agent('ann')],
  ]);
  document = (await server.call<OpenApiDocument>('GET', '/v1/openapi.json')).body;
  credentials.otherAdmin = (await createKey('other', ['admin'])).key;
  credentials.otherSupervisor = await mint('other', 'supervisor', 'sam');
  credentials.otherAgentAnn = await mint('other', 'agent', 'ann');
  credentials.readKey = (await createKey('acme', ['read'])).key;
  credentials.agentBob = await mint('acme', 'agent', 'bob');
  credentials.customerOther = await mint('acme', 'customer', 'someone-else');
  credentials.supervisor = await mint('acme', 'supervisor', 'sue');
});
afterAll(async () => {
  await server.close();
});

describe('every route, every credential', () => {
  it('[auth] every guarded route says who may call it, and the table names no route that is gone', () => {
    const keys = guarded().map(({ key }) => key);
    expect(keys.sort()).toEqual(Object.keys(allowed).sort());
  });

  it('[auth] no credential, a malformed one, garbage or a forged token: 401, and nothing changes', async () => {
    const before = await fingerprint();
    const forged = await new SignJWT({ tid: 'acme', role: 'supervisor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('lineup')
      .setSubject('mallory')
      .setIssuedAt(Math.floor(T0 / 1000))
      .setExpirationTime(Math.floor(T0 / 1000) + 3600)
      .sign(new TextEncoder().encode('not the server secret, but long enough'));
    const attempts: [string, Record<string, string>][] = [
      ['none', {}],
      ['malformed', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
      ['garbage token', { authorization: 'Bearer not-a-token' }],
      ['unknown key', { authorization: 'Bearer lk_abcdefghijkl_nope' }],
      ['wrong operator key', { authorization: 'Bearer lo_guessing-the-operator-key-000' }],
      ['forged token', { authorization: `Bearer ${forged}` }],
    ];
    for (const { key, path, method } of guarded()) {
      for (const [what, headers] of attempts) {
        const reply = await server.call<{ error: { code: string } }>(
          method,
          pathOf(path, 'acme'),
          method === 'GET' || method === 'DELETE' ? undefined : bodyOf(key),
          { as: null, headers },
        );
        expect(reply.status, `${key} with ${what}`).toBe(401);
        expect(reply.body.error.code).toBe('unauthorized');
      }
    }
    expect(await fingerprint()).toBe(before);
  });

  it('[auth] credentials of another tenant are refused on every route, whether the tenant exists or not', async () => {
    const before = await fingerprint();
    const foreign = ['otherAdmin', 'otherSupervisor', 'otherAgentAnn'] as const;
    for (const { key, path, method } of guarded()) {
      if (!path.includes('{tenantId}')) continue;
      for (const tenant of ['acme', 'no-such-tenant']) {
        for (const who of foreign) {
          const reply = await server.call<{ error: { code: string } }>(
            method,
            pathOf(path, tenant),
            method === 'GET' || method === 'DELETE' ? undefined : bodyOf(key),
            { as: credentials[who] ?? null },
          );
          expect(reply.status, `${key} in ${tenant} as ${who}`).toBe(403);
          expect(reply.body.error.code).toBe('forbidden');
        }
      }
    }
    expect(await fingerprint()).toBe(before);
  });

  it('[auth] wrong roles are refused: 403 on every route they may not call, and nothing changes', async () => {
    const before = await fingerprint();
    const roles = {
      // An agent acting for another agent (bob, on ann's path), or on an admin route.
      agent: credentials.agentBob,
      read: credentials.readKey,
      // A customer on another customer's contact (c1), or on any route not its own.
      customer: credentials.customerOther,
    } as const;
    for (const { key, path, method } of guarded()) {
      for (const role of ['agent', 'read', 'customer'] as const) {
        const isReadByAgent = role === 'agent' && allowed[key]?.includes('read') === true;
        const isAllowed = allowed[key]?.includes(role) === true;
        // Agents' own actions and customers' own contacts are allowed for themselves only:
        // the fixture's path names another agent and another customer's contact.
        const isRefused =
          !isAllowed ||
          (role === 'agent' && !isReadByAgent) ||
          (role === 'customer' && !key.startsWith('GET')) ||
          (role === 'customer' && key.includes('{contactId}'));
        if (!isRefused) continue;
        const reply = await server.call<{ error: { code: string } }>(
          method,
          pathOf(path, 'acme'),
          method === 'GET' || method === 'DELETE' ? undefined : bodyOf(key),
          { as: roles[role] ?? null },
        );
        expect(reply.status, `${key} as ${role}`).toBe(403);
      }
    }
    expect(await fingerprint()).toBe(before);
  });

  it('[auth] the roles a route allows may call it: reads answer, not 401 or 403', async () => {
    for (const { key, path, method } of guarded()) {
      if (method !== 'GET') continue;
      const mayRead = allowed[key]?.includes('read') === true;
      for (const who of ['supervisor', ...(mayRead ? ['readKey', 'agentBob'] : [])]) {
        const reply = await server.call(method, pathOf(path, 'acme'), undefined, {
          as: credentials[who] ?? null,
        });
        expect([401, 403], `${key} as ${who}`).not.toContain(reply.status);
      }
    }
  });
});

describe('tokens', () => {
  it('[auth] a customer reads the queue statuses it may join, without settings or agent counts', async () => {
    const customer = await mint('acme', 'customer', 'cust-9');
    const reply = await server.call<{ queues: Record<string, unknown>[]; next: string | null }>(
      'GET',
      `${acme}/queue-statuses`,
      undefined,
      { as: customer },
    );
    expect(reply.status).toBe(200);
    const [status] = reply.body.queues;
    expect(Object.keys(status ?? {}).sort()).toEqual([
      'channels',
      'ewtMs',
      'isCallbackAllowed',
      'isOffline',
      'isOpen',
      'name',
      'positionAnnouncementEveryMs',
      'queueId',
      'waiting',
    ]);
    expect(status).toMatchObject({
      queueId: 'q1',
      name: 'Queue q1',
      channels: ['voice', 'chat'],
      isCallbackAllowed: true,
      waiting: 1,
    });
    // The settings and the agents stay behind the read scope.
    const full = await server.call('GET', `${acme}/queues/q1`, undefined, { as: customer });
    expect(full.status).toBe(403);
  });

  it('[auth] an agent acts for itself only, and reads its tenant', async () => {
    const ann = await mint('acme', 'agent', 'ann');
    const own = await server.call('POST', `${acme}/agents/ann/log-in`, {}, { as: ann });
    expect(own.status).toBe(200);
    const others = await server.call('POST', `${acme}/agents/bob/log-in`, {}, { as: ann });
    expect(others.status).toBe(403);
    expect((await server.call('GET', `${acme}/queues/q1`, undefined, { as: ann })).status).toBe(
      200,
    );
    const create = await server.call('POST', `${acme}/queues`, queue('q9'), { as: ann });
    expect(create.status).toBe(403);
    await server.call('POST', `${acme}/agents/ann/log-out`, {}, { as: ann });
  });

  it('[auth] a customer joins as itself, sees its own contact, leaves it; never another', async () => {
    const carol = await mint('acme', 'customer', 'carol');
    const body = {
      ...contact('c-carol', 'q1'),
      customer: { id: 'carol', type: 'normal' },
    };
    expect((await server.call('POST', `${acme}/contacts`, body, { as: carol })).status).toBe(201);
    const impostor = { ...body, id: 'c-fake', customer: { id: 'dave', type: 'normal' } };
    const refused = await server.call('POST', `${acme}/contacts`, impostor, { as: carol });
    expect(refused.status).toBe(403);
    const own = await server.call<{ position: number }>(
      'GET',
      `${acme}/contacts/c-carol`,
      undefined,
      { as: carol },
    );
    expect(own.status).toBe(200);
    expect(own.body.position).toBeGreaterThanOrEqual(1);
    expect((await server.call('GET', `${acme}/contacts/c1`, undefined, { as: carol })).status).toBe(
      403,
    );
    expect((await server.call('GET', `${acme}/queues`, undefined, { as: carol })).status).toBe(403);
    const left = await server.call('POST', `${acme}/contacts/c-carol/leave`, {}, { as: carol });
    expect(left.status).toBe(204);
  });

  it('[auth] a token expires at its time-to-live: 401 with reason expired', async () => {
    const token = await mint('acme', 'supervisor', 'sue', 60);
    expect((await server.call('GET', acme, undefined, { as: token })).status).toBe(200);
    await server.advance(61_000);
    const reply = await server.call<{ error: { code: string; details: { reason: string } } }>(
      'GET',
      acme,
      undefined,
      { as: token },
    );
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatchObject({
      code: 'unauthorized',
      details: { reason: 'expired' },
    });
  });

  it('[auth] tokens are minted only for agents that exist, within the allowed lifetimes', async () => {
    const ghost = await server.call<{ error: { code: string } }>('POST', `${acme}/tokens`, {
      role: 'agent',
      subject: 'ghost',
    });
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe('agent_not_found');
    const tooLong = await server.call('POST', `${acme}/tokens`, {
      role: 'supervisor',
      subject: 'sue',
      ttlSeconds: 30 * 86_400,
    });
    expect(tooLong.status).toBe(400);
    // An agent cannot mint tokens, not even for itself.
    const ann = await mint('acme', 'agent', 'ann');
    const byAgent = await server.call(
      'POST',
      `${acme}/tokens`,
      { role: 'supervisor', subject: 'ann' },
      { as: ann },
    );
    expect(byAgent.status).toBe(403);
  });
});

describe('API keys', () => {
  it('[auth] a key is shown once, listed without its secret, scoped, and refused once revoked', async () => {
    const created = await createKey('acme', ['contacts']);
    expect(created.key).toMatch(/^lk_/);
    const list = await server.call<{ items: Record<string, unknown>[] }>('GET', `${acme}/api-keys`);
    const listed = list.body.items.find((item) => item.id === created.id);
    expect(listed).toMatchObject({ scopes: ['contacts'] });
    expect(JSON.stringify(list.body)).not.toContain(created.key.slice(-20));

    // contacts includes read, not admin.
    const join = await server.call('POST', `${acme}/contacts`, contact('c-key', 'q1'), {
      as: created.key,
    });
    expect(join.status).toBe(201);
    expect(
      (await server.call('GET', `${acme}/queues`, undefined, { as: created.key })).status,
    ).toBe(200);
    const admin = await server.call('POST', `${acme}/queues`, queue('q8'), { as: created.key });
    expect(admin.status).toBe(403);

    expect((await server.call('DELETE', `${acme}/api-keys/${created.id}`)).status).toBe(204);
    const revoked = await server.call('GET', `${acme}/queues`, undefined, { as: created.key });
    expect(revoked.status).toBe(401);
    const again = await server.call<{ error: { code: string } }>(
      'DELETE',
      `${acme}/api-keys/${created.id}`,
    );
    expect(again.body.error.code).toBe('api_key_not_found');
    await server.call('POST', `${acme}/contacts/c-key/leave`, {});
  });

  it('[auth] only the operator creates tenants; a supervisor may not', async () => {
    const reply = await server.call(
      'POST',
      '/v1/tenants',
      { id: 'sneaky' },
      { as: credentials.supervisor ?? null },
    );
    expect(reply.status).toBe(403);
    expect((await server.call('GET', '/v1/tenants/sneaky')).status).toBe(404);
  });
});

describe('the server store', () => {
  it('[auth] keeps keys hashed and survives a reopen; a replaced operator key retires the old one', async () => {
    const opened = openServerStore();
    if (!opened.ok) throw new Error(opened.message);
    const clock = new ManualClock(T0);
    const first = Auth.open({ store: opened.store, clock });
    expect(first.mintedOperatorKey).toMatch(/^lo_/);
    const created = first.auth.createKey('acme' as never, 'back-end', ['read']);
    if ('code' in created) throw new Error(created.message);
    const rows = opened.store.db.prepare('SELECT * FROM api_keys').all();
    expect(JSON.stringify(rows)).not.toContain(created.key);
    expect(JSON.stringify(rows)).not.toContain(created.key.slice(-16));

    // Reopened on the same store: nothing minted, the key still works.
    const second = Auth.open({ store: opened.store, clock });
    expect(second.mintedOperatorKey).toBeNull();
    const principal = (await second.auth.authenticate(`Bearer ${created.key}`)) as Principal;
    expect(principal).toMatchObject({ kind: 'key', tenantId: 'acme', scopes: ['read'] });
    const operator = first.mintedOperatorKey ?? '';
    expect(await second.auth.authenticate(`Bearer ${operator}`)).toEqual({ kind: 'operator' });

    const replaced = Auth.open({
      store: opened.store,
      clock,
      operatorKey: 'lo_a-new-operator-key-chosen-by-its-owner',
    });
    expect(await replaced.auth.authenticate(`Bearer ${operator}`)).toMatchObject({
      code: 'unauthorized',
    });
    await opened.store.close();
  });
});
