import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, type ErrorCode, type Event } from '@lineup/protocol';
import type { AgentView, ErrorBody, Host, TenantView } from '../src/index.ts';
import { agent, contact, operatorKey, queue, setUp, startServer, type Server } from './harness.ts';
import { documentedErrorCodes, operationFor, type OpenApiDocument } from './openapi.ts';

/*
 * Every bad request gets the documented 4xx code, in the one error body, and
 * changes nothing (STYLE.md, Errors): the state read through the API before
 * and after is the same, and the engine emits no event. The clock stands
 * still, so nothing moves by itself between the two reads.
 */

const base = '/v1/tenants/acme';
let server: Server;
/** The offer ann accepted during setup: answering it again is too late. */
let answeredOfferId = '';
/** The offer dan has not answered yet. */
let dansOfferId = '';

beforeAll(async () => {
  server = await startServer();
  const noCallbacks = { isAllowed: false, retryDelayMs: 60_000, attemptsMax: 1 };
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', `${base}/queues`, queue('sales')],
    ['POST', `${base}/queues`, queue('spare')],
    ['POST', `${base}/queues`, queue('main', { overflowQueueId: 'spare', maxWaitMs: 60_000 })],
    ['POST', `${base}/queues`, queue('chatonly', { channels: ['chat'], callbacks: noCallbacks })],
    ['POST', `${base}/queues`, queue('nocb', { callbacks: noCallbacks })],
    ['POST', `${base}/queues`, queue('tiny', { maxSize: 1 })],
    ['POST', `${base}/queues`, queue('vip')],
    ['POST', `${base}/agents`, agent('ann', ['sales'])],
    ['POST', `${base}/agents`, agent('bob')],
    ['POST', `${base}/agents`, agent('dan', ['vip'])],
    ['POST', `${base}/agents`, agent('eve')],
    ['POST', `${base}/agents`, { ...agent('fay', ['spare']), mode: 'manual' }],
    ['POST', `${base}/agents`, { ...agent('gus', ['spare']), mode: 'manual' }],
    ['POST', `${base}/agents/ann/log-in`],
    ['POST', `${base}/agents/dan/log-in`],
    ['POST', `${base}/agents/eve/log-in`, { notReadyReason: 'training' }],
    ['POST', `${base}/agents/fay/log-in`],
    ['POST', `${base}/agents/gus/log-in`, { notReadyReason: 'break' }],
    ['POST', `${base}/contacts`, contact('c1', 'sales')],
  ]);
  answeredOfferId = (await server.call<AgentView>('GET', `${base}/agents/ann`)).body.offer!.offerId;
  await setUp(server, [
    ['POST', `${base}/agents/ann/offers/${answeredOfferId}/accept`],
    ['POST', `${base}/contacts`, contact('c2', 'sales')],
    ['POST', `${base}/contacts`, contact('c3', 'vip')],
    ['POST', `${base}/contacts`, contact('c4', 'nocb')],
    ['POST', `${base}/contacts`, contact('t1', 'tiny')],
  ]);
  dansOfferId = (await server.call<AgentView>('GET', `${base}/agents/dan`)).body.offer!.offerId;
});
afterAll(async () => {
  await server.close();
});

/** Everything a client can read of the tenant: the same before and after a refused request. */
async function readState(): Promise<unknown[]> {
  const paths = [
    '/v1/tenants/acme',
    `${base}/queues`,
    `${base}/agents`,
    ...['c1', 'c2', 'c3', 'c4', 't1'].map((id) => `${base}/contacts/${id}`),
    `${base}/queues/sales/report`,
    `${base}/agents/ann/report`,
    `${base}/queues/sales/contacts`,
  ];
  return Promise.all(paths.map(async (path) => (await server.call('GET', path)).body));
}

interface Case {
  name: string;
  method: string;
  path: string | (() => string);
  body?: unknown;
  raw?: string;
  contentType?: string;
  code: ErrorCode;
}

const longId = 'x'.repeat(129);
const number = { number: '+4930123' };

const cases: Case[] = [
  // Tenants
  {
    name: 'tenant without id',
    method: 'POST',
    path: '/v1/tenants',
    body: {},
    code: 'invalid_command',
  },
  {
    name: 'tenant id with a space',
    method: 'POST',
    path: '/v1/tenants',
    body: { id: 'a b' },
    code: 'invalid_command',
  },
  {
    name: 'tenant that exists',
    method: 'POST',
    path: '/v1/tenants',
    body: { id: 'acme' },
    code: 'tenant_exists',
  },
  { name: 'unknown tenant', method: 'GET', path: '/v1/tenants/nobody', code: 'tenant_not_found' },
  {
    name: 'queues of an unknown tenant',
    method: 'GET',
    path: '/v1/tenants/nobody/queues',
    code: 'tenant_not_found',
  },
  {
    name: 'contact for an unknown tenant',
    method: 'POST',
    path: '/v1/tenants/nobody/contacts',
    body: contact('x', 'sales'),
    code: 'tenant_not_found',
  },
  // Queues
  {
    name: 'queue without name',
    method: 'POST',
    path: `${base}/queues`,
    body: { id: 'x' },
    code: 'invalid_command',
  },
  {
    name: 'queue with too short an offer time-out',
    method: 'POST',
    path: `${base}/queues`,
    body: queue('x', { offerTimeoutMs: 10 }),
    code: 'invalid_command',
  },
  {
    name: 'queue with an unknown field',
    method: 'POST',
    path: `${base}/queues`,
    body: queue('x', { colour: 'red' }),
    code: 'invalid_command',
  },
  {
    name: 'queue that exists',
    method: 'POST',
    path: `${base}/queues`,
    body: queue('sales'),
    code: 'queue_exists',
  },
  {
    name: 'queue overflowing into itself',
    method: 'POST',
    path: `${base}/queues`,
    body: queue('x', { overflowQueueId: 'x' }),
    code: 'invalid_queue_settings',
  },
  {
    name: 'queue whose expansion starts late',
    method: 'POST',
    path: `${base}/queues`,
    body: queue('x', { expansion: [{ afterMs: 5, minAgentPriority: 0 }] }),
    code: 'invalid_queue_settings',
  },
  {
    name: 'queue page of 0',
    method: 'GET',
    path: `${base}/queues?limit=0`,
    code: 'invalid_command',
  },
  {
    name: 'queue page past the limit',
    method: 'GET',
    path: `${base}/queues?limit=1001`,
    code: 'invalid_command',
  },
  {
    name: 'queue page of letters',
    method: 'GET',
    path: `${base}/queues?limit=many`,
    code: 'invalid_command',
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    path: `${base}/queues?sort=name`,
    code: 'invalid_command',
  },
  { name: 'unknown queue', method: 'GET', path: `${base}/queues/nope`, code: 'queue_not_found' },
  {
    name: 'change of an unknown queue',
    method: 'PATCH',
    path: `${base}/queues/nope`,
    body: { name: 'N' },
    code: 'queue_not_found',
  },
  {
    name: 'change with an unknown field',
    method: 'PATCH',
    path: `${base}/queues/sales`,
    body: { id: 'other' },
    code: 'invalid_command',
  },
  {
    name: 'change to overflow into itself',
    method: 'PATCH',
    path: `${base}/queues/sales`,
    body: { overflowQueueId: 'sales' },
    code: 'invalid_queue_settings',
  },
  {
    name: 'deleting a queue with contacts',
    method: 'DELETE',
    path: `${base}/queues/sales`,
    code: 'queue_not_empty',
  },
  {
    name: 'deleting an overflow target',
    method: 'DELETE',
    path: `${base}/queues/spare`,
    code: 'queue_in_use',
  },
  {
    name: 'deleting an unknown queue',
    method: 'DELETE',
    path: `${base}/queues/nope`,
    code: 'queue_not_found',
  },
  {
    name: 'report of an unknown queue',
    method: 'GET',
    path: `${base}/queues/nope/report`,
    code: 'queue_not_found',
  },
  {
    name: 'waiting contacts of an unknown queue',
    method: 'GET',
    path: `${base}/queues/nope/contacts`,
    code: 'queue_not_found',
  },
  {
    name: 'waiting contacts past the limit',
    method: 'GET',
    path: `${base}/queues/sales/contacts?limit=1001`,
    code: 'invalid_command',
  },
  // Agents and memberships
  {
    name: 'agent without name',
    method: 'POST',
    path: `${base}/agents`,
    body: { id: 'x' },
    code: 'invalid_command',
  },
  {
    name: 'agent that exists',
    method: 'POST',
    path: `${base}/agents`,
    body: agent('ann'),
    code: 'agent_exists',
  },
  {
    name: 'agent serving an unknown queue',
    method: 'POST',
    path: `${base}/agents`,
    body: agent('x', ['nope']),
    code: 'queue_not_found',
  },
  { name: 'unknown agent', method: 'GET', path: `${base}/agents/nope`, code: 'agent_not_found' },
  {
    name: 'agent id one past the longest',
    method: 'GET',
    path: `${base}/agents/${longId}`,
    code: 'invalid_command',
  },
  {
    name: 'agent id at the longest',
    method: 'GET',
    path: `${base}/agents/${longId.slice(1)}`,
    code: 'agent_not_found',
  },
  {
    name: 'change of an unknown agent',
    method: 'PATCH',
    path: `${base}/agents/nope`,
    body: { name: 'N' },
    code: 'agent_not_found',
  },
  {
    name: 'mode through PATCH',
    method: 'PATCH',
    path: `${base}/agents/ann`,
    body: { mode: 'manual' },
    code: 'invalid_command',
  },
  {
    name: 'removing a logged-in agent',
    method: 'DELETE',
    path: `${base}/agents/ann`,
    code: 'agent_logged_in',
  },
  {
    name: 'removing an unknown agent',
    method: 'DELETE',
    path: `${base}/agents/nope`,
    code: 'agent_not_found',
  },
  {
    name: 'report of an unknown agent',
    method: 'GET',
    path: `${base}/agents/nope/report`,
    code: 'agent_not_found',
  },
  {
    name: 'membership in an unknown queue',
    method: 'PUT',
    path: `${base}/agents/ann/queues/nope`,
    body: { priority: 1 },
    code: 'queue_not_found',
  },
  {
    name: 'membership of an unknown agent',
    method: 'PUT',
    path: `${base}/agents/nope/queues/sales`,
    body: { priority: 1 },
    code: 'agent_not_found',
  },
  {
    name: 'membership without priority',
    method: 'PUT',
    path: `${base}/agents/ann/queues/sales`,
    body: {},
    code: 'invalid_command',
  },
  {
    name: 'membership priority past the limit',
    method: 'PUT',
    path: `${base}/agents/ann/queues/sales`,
    body: { priority: 1_000_001 },
    code: 'invalid_command',
  },
  {
    name: 'ending a membership the agent lacks',
    method: 'DELETE',
    path: `${base}/agents/bob/queues/spare`,
    code: 'agent_not_serving_queue',
  },
  // Agent actions
  {
    name: 'logging in twice',
    method: 'POST',
    path: `${base}/agents/ann/log-in`,
    code: 'agent_logged_in',
  },
  {
    name: 'logging in an unknown agent',
    method: 'POST',
    path: `${base}/agents/nope/log-in`,
    code: 'agent_not_found',
  },
  {
    name: 'logging in with an empty reason',
    method: 'POST',
    path: `${base}/agents/bob/log-in`,
    body: { notReadyReason: '' },
    code: 'invalid_command',
  },
  {
    name: 'logging out a logged-out agent',
    method: 'POST',
    path: `${base}/agents/bob/log-out`,
    code: 'agent_logged_out',
  },
  {
    name: 'logging out an agent holding a contact',
    method: 'POST',
    path: `${base}/agents/ann/log-out`,
    body: {},
    code: 'agent_busy',
  },
  {
    name: 'presence of a logged-out agent',
    method: 'POST',
    path: `${base}/agents/bob/presence`,
    body: { presence: 'ready' },
    code: 'agent_logged_out',
  },
  {
    name: 'presence that does not exist',
    method: 'POST',
    path: `${base}/agents/ann/presence`,
    body: { presence: 'away' },
    code: 'invalid_command',
  },
  {
    name: 'mode without a mode',
    method: 'POST',
    path: `${base}/agents/ann/mode`,
    body: {},
    code: 'invalid_command',
  },
  {
    name: 'mode without a body',
    method: 'POST',
    path: `${base}/agents/ann/mode`,
    code: 'invalid_command',
  },
  {
    name: 'accepting an unknown offer',
    method: 'POST',
    path: `${base}/agents/ann/offers/o-none/accept`,
    code: 'offer_not_found',
  },
  {
    name: 'rejecting an unknown offer',
    method: 'POST',
    path: `${base}/agents/ann/offers/o-none/reject`,
    code: 'offer_not_found',
  },
  {
    name: 'accepting an answered offer',
    method: 'POST',
    path: () => `${base}/agents/ann/offers/${answeredOfferId}/accept`,
    code: 'offer_expired',
  },
  {
    name: "accepting another agent's offer",
    method: 'POST',
    path: () => `${base}/agents/eve/offers/${dansOfferId}/accept`,
    code: 'offer_not_for_agent',
  },
  {
    name: 'accepting with a body',
    method: 'POST',
    path: () => `${base}/agents/dan/offers/${dansOfferId}/accept`,
    body: { now: true },
    code: 'invalid_command',
  },
  {
    name: 'next for an auto agent',
    method: 'POST',
    path: `${base}/agents/ann/next`,
    code: 'agent_not_manual',
  },
  {
    name: 'next with nothing waiting',
    method: 'POST',
    path: `${base}/agents/fay/next`,
    code: 'no_contact_waiting',
  },
  {
    name: 'next for a not-ready agent',
    method: 'POST',
    path: `${base}/agents/gus/next`,
    code: 'agent_not_ready',
  },
  {
    name: "completing another agent's contact",
    method: 'POST',
    path: `${base}/agents/ann/contacts/c2/complete`,
    code: 'contact_not_assigned',
  },
  {
    name: 'completing an unknown contact',
    method: 'POST',
    path: `${base}/agents/ann/contacts/nope/complete`,
    code: 'contact_not_found',
  },
  {
    name: 'transfer to an unknown queue',
    method: 'POST',
    path: `${base}/agents/ann/contacts/c1/transfer`,
    body: { target: { queueId: 'nope', keepsPlace: true } },
    code: 'queue_not_found',
  },
  {
    name: 'transfer to a queue without the channel',
    method: 'POST',
    path: `${base}/agents/ann/contacts/c1/transfer`,
    body: { target: { queueId: 'chatonly', keepsPlace: true } },
    code: 'channel_not_served',
  },
  {
    name: 'transfer without a target',
    method: 'POST',
    path: `${base}/agents/ann/contacts/c1/transfer`,
    body: { target: {} },
    code: 'invalid_command',
  },
  {
    name: 'callback result of a call',
    method: 'POST',
    path: `${base}/agents/ann/contacts/c1/callback-result`,
    body: { outcome: 'reached' },
    code: 'not_a_callback',
  },
  {
    name: 'callback result that does not exist',
    method: 'POST',
    path: `${base}/agents/ann/contacts/c1/callback-result`,
    body: { outcome: 'maybe' },
    code: 'invalid_command',
  },
  // Contacts
  {
    name: 'contact without customer',
    method: 'POST',
    path: `${base}/contacts`,
    body: { queueId: 'sales', channel: 'voice' },
    code: 'invalid_command',
  },
  {
    name: 'contact id in use',
    method: 'POST',
    path: `${base}/contacts`,
    body: contact('c1', 'sales'),
    code: 'contact_exists',
  },
  {
    name: 'contact for an unknown queue',
    method: 'POST',
    path: `${base}/contacts`,
    body: contact('x', 'nope'),
    code: 'queue_not_found',
  },
  {
    name: 'voice contact for a chat queue',
    method: 'POST',
    path: `${base}/contacts`,
    body: contact('x', 'chatonly'),
    code: 'channel_not_served',
  },
  {
    name: 'customer of an unknown type',
    method: 'POST',
    path: `${base}/contacts`,
    body: contact('x', 'sales', { customer: { id: 'k', type: 'gold' } }),
    code: 'invalid_command',
  },
  {
    name: 'contact with 51 attributes',
    method: 'POST',
    path: `${base}/contacts`,
    body: contact('x', 'sales', {
      attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
    }),
    code: 'invalid_command',
  },
  {
    name: 'unknown contact',
    method: 'GET',
    path: `${base}/contacts/nope`,
    code: 'contact_not_found',
  },
  {
    name: 'leaving as an unknown contact',
    method: 'POST',
    path: `${base}/contacts/nope/leave`,
    code: 'contact_not_found',
  },
  {
    name: 'leaving once assigned',
    method: 'POST',
    path: `${base}/contacts/c1/leave`,
    code: 'contact_not_waiting',
  },
  {
    name: 'callback once assigned',
    method: 'POST',
    path: `${base}/contacts/c1/callback`,
    body: number,
    code: 'contact_not_waiting',
  },
  {
    name: 'callback to letters',
    method: 'POST',
    path: `${base}/contacts/c2/callback`,
    body: { number: 'call me' },
    code: 'invalid_command',
  },
  {
    name: 'callback in a queue without callbacks',
    method: 'POST',
    path: `${base}/contacts/c4/callback`,
    body: number,
    code: 'callbacks_not_allowed',
  },
  {
    name: 'callback request without a number',
    method: 'POST',
    path: `${base}/callbacks`,
    body: { queueId: 'sales', customer: { id: 'k', type: 'normal' } },
    code: 'callback_number_required',
  },
  {
    name: 'callback request to a queue without callbacks',
    method: 'POST',
    path: `${base}/callbacks`,
    body: { queueId: 'nocb', customer: { id: 'k', type: 'normal', number: '1' } },
    code: 'callbacks_not_allowed',
  },
  {
    name: 'callback request to a full queue',
    method: 'POST',
    path: `${base}/callbacks`,
    body: { queueId: 'tiny', customer: { id: 'k', type: 'normal', number: '1' } },
    code: 'queue_full',
  },
  // The body itself
  {
    name: 'malformed JSON',
    method: 'POST',
    path: `${base}/contacts`,
    raw: '{"queueId": "sales",',
    code: 'invalid_command',
  },
  {
    name: 'JSON that is not an object',
    method: 'POST',
    path: `${base}/contacts`,
    raw: '[1, 2]',
    code: 'invalid_command',
  },
  {
    name: 'empty JSON body',
    method: 'POST',
    path: `${base}/agents/ann/mode`,
    raw: '',
    code: 'invalid_command',
  },
  {
    name: 'a body that is not JSON',
    method: 'POST',
    path: `${base}/contacts`,
    raw: 'queueId=sales',
    contentType: 'application/x-www-form-urlencoded',
    code: 'invalid_command',
  },
  {
    name: 'prototype poisoning',
    method: 'POST',
    path: `${base}/queues`,
    raw: '{"id":"x","name":"X","__proto__":{"admin":true}}',
    code: 'invalid_command',
  },
  // Addresses
  { name: 'unknown route', method: 'GET', path: '/v2/tenants', code: 'not_found' },
  {
    name: 'unknown method on a known path',
    method: 'PATCH',
    path: `${base}/contacts/c1`,
    code: 'not_found',
  },
];

describe('refusals', () => {
  it.each(cases)('[errors] $name → $code, and nothing changes', async (row) => {
    const events: Event[] = [];
    const unsubscribe = server.host.subscribe('acme' as never, (batch) => events.push(...batch));
    const before = await readState();
    const path = typeof row.path === 'string' ? row.path : row.path();
    const options = {
      ...(row.raw === undefined ? {} : { raw: row.raw }),
      ...(row.contentType === undefined ? {} : { contentType: row.contentType }),
    };
    const reply = await server.call<ErrorBody>(row.method, path, row.body, options);
    unsubscribe();

    expect(reply.body.error.code).toBe(row.code);
    expect(reply.status).toBe(errorCodes[row.code].status);
    expect(Object.keys(reply.body)).toEqual(['error']);
    expect(reply.body.error.message).toMatch(/^[A-Z].*[.!]$/);
    expect(await readState()).toEqual(before);
    expect(events).toEqual([]);

    // The route's OpenAPI entry names the code, so clients can switch on it.
    const document = server.app.swagger() as unknown as OpenApiDocument;
    const operation = operationFor(document, row.method, path);
    if (operation === null) {
      expect(row.code).toBe('not_found');
    } else {
      const documented = [
        ...documentedErrorCodes(operation, '4XX'),
        ...documentedErrorCodes(operation, '5XX'),
      ];
      expect(documented).toContain(row.code);
    }
  });

  it('[errors] an invalid request names every problem with its path', async () => {
    const reply = await server.call<ErrorBody>('POST', `${base}/contacts`, {
      queueId: 'sales',
      channel: 'fax',
      customer: { id: 'k', type: 'normal' },
      colour: 'red',
    });
    const problems = reply.body.error.details?.problems as { path: string; message: string }[];
    expect(problems.map(({ path }) => path).sort()).toEqual(['/body/channel', '/body/colour']);
    expect(problems).toContainEqual({ path: '/body/colour', message: 'is not a known field' });
  });
});

describe('limits', () => {
  it('[limits] an invalid request lists at most five problems, as the engine does', async () => {
    const wrong = Object.fromEntries(
      ['priority', 'offerTimeoutMs', 'wrapUpMs', 'maxWaitMs', 'maxSize', 'stickyTimeoutMs']
        .concat(['maxNoAnswer', 'rejectCooldownMs', 'expectedHandleMs', 'agingPointsPerMinute'])
        .concat(['serviceLevelThresholdMs', 'closedMessage'])
        .map((field) => [field, [field]]),
    );
    const reply = await server.call<ErrorBody>('POST', `${base}/queues`, queue('x', wrong));
    expect(reply.body.error.code).toBe('invalid_command');
    expect(reply.body.error.details?.problems).toHaveLength(5);
  });

  it('[limits] a body at the limit is read; one byte past it is payload_too_large', async () => {
    const small = await startServer({ bodyLimitBytes: 1_024 });
    try {
      await setUp(small, [
        ['POST', '/v1/tenants', { id: 'acme' }],
        ['POST', `${base}/queues`, queue('sales')],
      ]);
      const sized = (id: string, bytes: number): string => {
        const bare = JSON.stringify(contact(id, 'sales', { attributes: { pad: '' } }));
        return JSON.stringify(
          contact(id, 'sales', { attributes: { pad: 'x'.repeat(bytes - bare.length) } }),
        );
      };
      const atLimit = sized('at', 1_024);
      expect(Buffer.byteLength(atLimit)).toBe(1_024);
      expect(
        (await small.call('POST', `${base}/contacts`, undefined, { raw: atLimit })).status,
      ).toBe(201);

      const past = sized('past', 1_025);
      const reply = await small.call<ErrorBody>('POST', `${base}/contacts`, undefined, {
        raw: past,
      });
      expect(reply.status).toBe(413);
      expect(reply.body.error.code).toBe('payload_too_large');
      expect((await small.call('GET', `${base}/contacts/past`)).status).toBe(404);
    } finally {
      await small.close();
    }
  });

  it('[limits] the tenant past the host limit is refused with limit_reached', async () => {
    const small = await startServer({ hostOptions: { tenantsMax: 2 } });
    try {
      await setUp(small, [
        ['POST', '/v1/tenants', { id: 'one' }],
        ['POST', '/v1/tenants', { id: 'two' }],
      ]);
      const reply = await small.call<ErrorBody>('POST', '/v1/tenants', { id: 'three' });
      expect(reply.status).toBe(429);
      expect(reply.body.error).toMatchObject({ code: 'limit_reached', details: { max: 2 } });
      expect((await small.call('GET', '/v1/tenants/three')).status).toBe(404);
    } finally {
      await small.close();
    }
  });
});

/** A host whose views misbehave the way `breakView` says: bugs on purpose. */
function brokenHost(host: Host, breakView: (view: TenantView) => Partial<TenantView>): Host {
  return {
    hasTenant: (tenantId) => host.hasTenant(tenantId),
    tenantIds: () => host.tenantIds(),
    isReady: () => host.isReady(),
    createTenant: (tenantId) => host.createTenant(tenantId),
    submit: (tenantId, command, read) => host.submit(tenantId, command, read),
    subscribe: (tenantId, listener) => host.subscribe(tenantId, listener),
    lastSeq: (tenantId) => host.lastSeq(tenantId),
    view: (tenantId) => {
      const view = host.view(tenantId);
      return view === null ? null : { ...view, ...breakView(view) };
    },
  };
}

describe('bugs', () => {
  it('[errors] a thrown bug becomes 500 internal, logged once with its cause, no stack sent', async () => {
    const broken = await startServer({
      wrap: (host) =>
        brokenHost(host, () => ({
          agentReport: () => {
            throw new Error('report index corrupt', { cause: new Error('slot 7 is empty') });
          },
        })),
    });
    try {
      await setUp(broken, [
        ['POST', '/v1/tenants', { id: 'acme' }],
        ['POST', `${base}/agents`, agent('ann')],
      ]);
      const response = await fetch(`${broken.baseUrl}${base}/agents/ann/report`, {
        headers: { authorization: `Bearer ${operatorKey}` },
      });
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({
        error: { code: 'internal', message: errorCodes.internal.message },
      });
      expect(text).not.toContain('corrupt');
      expect(text).not.toContain('.ts:');

      const errors = broken.logs.filter((line) => line.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        msg: 'request failed',
        // pino's error serializer folds the cause into the message and keeps the stack.
        err: { message: 'report index corrupt: slot 7 is empty' },
      });
      expect(JSON.stringify(errors[0])).toContain('"stack":"Error: report index corrupt');
    } finally {
      await broken.close();
    }
  });

  it('[errors] a response that breaks its own schema becomes 500 internal, not a silent drift', async () => {
    const broken = await startServer({
      wrap: (host) =>
        brokenHost(host, (view) => ({
          agent: (agentId) => {
            const agentView = view.agent(agentId);
            return agentView === null ? null : { ...agentView, presence: 'asleep' as 'ready' };
          },
        })),
    });
    try {
      await setUp(broken, [
        ['POST', '/v1/tenants', { id: 'acme' }],
        ['POST', `${base}/agents`, agent('ann')],
      ]);
      const reply = await broken.call<ErrorBody>('GET', `${base}/agents/ann`);
      expect(reply.status).toBe(500);
      expect(reply.body.error.code).toBe('internal');
      expect(broken.logs.filter((line) => line.level === 50)).toHaveLength(1);
    } finally {
      await broken.close();
    }
  });
});
