import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CommandSchema,
  SocketCloseCode,
  asAgentId,
  asTenantId,
  type EventMessage,
  type PlaceMessage,
  type Reply,
  type ServerMessage,
  type WaitingMessage,
} from '@lineup/protocol';
import { sessionsPerSliceMax, socketSettingsDefault } from '../src/index.ts';
import { agent, contact, queue, setUp, startServer, type Server } from './harness.ts';
import { connect, lastSeqOf, openSocket, type SocketClient } from './socket-client.ts';

/*
 * The WebSocket API (issue 5) over real sockets on a real port, on a manual
 * clock: hello and welcome, what each role receives, commands with their
 * replies, resume within the grace period and what happens after it, rate
 * limits, and that nothing crosses tenants or roles.
 */

let server: Server;
const clients: SocketClient[] = [];
const acme = '/v1/tenants/acme';

async function mint(role: string, subject: string, tenant = 'acme', ttlSeconds?: number) {
  const reply = await server.call<{ token: string }>('POST', `/v1/tenants/${tenant}/tokens`, {
    role,
    subject,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.token;
}

async function as(role: string, subject: string, tenant = 'acme') {
  const opened = await connect(server.baseUrl, await mint(role, subject, tenant));
  clients.push(opened.client);
  return opened;
}

/** Waits until the server has seen the dropped sockets go: `connected` remain. */
async function dropped(connected: number) {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (server.app.sockets.connectedCount() === connected) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the server still has ${server.app.sockets.connectedCount()} sockets`);
}

const isEvent =
  (type: string, match: (event: Record<string, unknown>) => boolean = () => true) =>
  (message: ServerMessage) =>
    message.type === 'event' && message.event.type === type && match(message.event);

const join = (id: string, customerId: string) => ({
  type: 'command',
  command: {
    type: 'enqueueContact',
    contact: { ...contact(id, 'q1'), customer: { id: customerId, type: 'normal' } },
  },
});

beforeEach(async () => {
  server = await startServer();
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', '/v1/tenants', { id: 'other' }],
    ['POST', `${acme}/queues`, queue('q1', { channels: ['voice', 'chat'] })],
    ['POST', `${acme}/queues`, queue('q2')],
    ['POST', `${acme}/agents`, agent('ann', ['q1', 'q2'])],
    ['POST', `${acme}/agents`, agent('bob', ['q2'])],
  ]);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

describe('hello', () => {
  it('[ws] a valid token gets a welcome naming its session, role and grace period', async () => {
    const { welcome } = await as('agent', 'ann');
    expect(welcome).toMatchObject({
      tenantId: 'acme',
      role: 'agent',
      subject: 'ann',
      graceMs: socketSettingsDefault.graceMs,
      isResumed: false,
      isGap: false,
    });
    expect(welcome.sessionId).not.toBe('');
    expect(welcome.resumeToken).not.toBe('');
  });

  it('[ws] a forged token, an API key, garbage or no hello: refused and closed', async () => {
    const garbage = await openSocket(server.baseUrl);
    clients.push(garbage);
    garbage.send({ type: 'hello', token: 'not-a-token' });
    expect(await garbage.closed()).toBe(SocketCloseCode.unauthorized);
    expect(garbage.messages[0]).toMatchObject({ type: 'error', error: { code: 'unauthorized' } });

    const keyReply = await server.call<{ key: string }>('POST', `${acme}/api-keys`, {
      name: 'k',
      scopes: ['admin'],
    });
    const keyed = await openSocket(server.baseUrl);
    clients.push(keyed);
    keyed.send({ type: 'hello', token: keyReply.body.key });
    expect(await keyed.closed()).toBe(SocketCloseCode.unauthorized);
    expect(keyed.messages[0]).toMatchObject({ error: { code: 'forbidden' } });

    const notJson = await openSocket(server.baseUrl);
    clients.push(notJson);
    notJson.sendRaw('{ not json');
    expect(await notJson.closed()).toBe(SocketCloseCode.unauthorized);
    expect(notJson.messages[0]).toMatchObject({ error: { code: 'invalid_command' } });

    const silent = await openSocket(server.baseUrl);
    clients.push(silent);
    await server.advance(socketSettingsDefault.helloTimeoutMs);
    expect(await silent.closed()).toBe(SocketCloseCode.helloTimeout);
  });

  it('[ws] messages sent right after the hello, before the welcome, are handled after it, none lost', async () => {
    const client = await openSocket(server.baseUrl);
    clients.push(client);
    client.send({ type: 'hello', token: await mint('agent', 'ann') });
    client.send({ type: 'command', id: 'in', command: { type: 'logIn', agentId: 'ann' } });
    client.send({ type: 'ping', id: 'after' });
    const isReplyTo = (id: string) => (message: ServerMessage) =>
      message.type === 'reply' && message.id === id;
    const loggedIn = await client.next<Reply>(isReplyTo('in'));
    const pinged = await client.next<Reply>(isReplyTo('after'));
    expect(client.messages[0]?.type).toBe('welcome');
    expect([loggedIn.ok, pinged.ok]).toEqual([true, true]);
    expect(server.host.view(asTenantId('acme'))?.agent(asAgentId('ann'))?.presence).toBe('ready');
  });

  it('[ws] an expired token is refused; a live socket is closed when its token expires', async () => {
    const token = await mint('agent', 'ann', 'acme', 60);
    const { client } = await connect(server.baseUrl, token);
    clients.push(client);
    await server.advance(60_000);
    expect(await client.closed()).toBe(SocketCloseCode.unauthorized);
    expect(client.messages.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'unauthorized', details: { reason: 'expired' } },
    });
    const late = await openSocket(server.baseUrl);
    clients.push(late);
    late.send({ type: 'hello', token });
    expect(await late.closed()).toBe(SocketCloseCode.unauthorized);
  });
});

describe('what each role receives', () => {
  it('[ws] customer joins, sees its place move up, the offer to its agent by name, and the assignment', async () => {
    const first = await as('customer', 'cust-1');
    const second = await as('customer', 'cust-2');
    const joined = await first.client.request(join('c1', 'cust-1'));
    expect(joined).toMatchObject({ ok: true });
    const queued = (joined as Extract<Reply, { ok: true }>).result.events[0];
    expect(queued).toMatchObject({ type: 'contactQueued', position: 1 });
    expect(await second.client.request(join('c2', 'cust-2'))).toMatchObject({ ok: true });

    const ann = await as('agent', 'ann');
    expect(
      await ann.client.request({ type: 'command', command: { type: 'logIn', agentId: 'ann' } }),
    ).toMatchObject({ ok: true });
    const offer = await ann.client.next<EventMessage>(isEvent('offerCreated'));
    expect(offer.event).toMatchObject({ contactId: 'c1', agentId: 'ann' });
    expect(offer.event.type === 'offerCreated' && offer.event.expiresAtMs).toBeGreaterThan(0);
    const offerId = offer.event.type === 'offerCreated' ? offer.event.offerId : '';
    expect(
      await ann.client.request({
        type: 'command',
        command: { type: 'acceptOffer', agentId: 'ann', offerId },
      }),
    ).toMatchObject({ ok: true });

    const assigned = await first.client.next<EventMessage>(isEvent('contactAssigned'));
    expect(assigned).toMatchObject({ agentName: 'Agent ann', event: { agentId: 'ann' } });
    // The second customer moves to first place; places are sent at most every placeEveryMs.
    await server.advance(socketSettingsDefault.placeEveryMs);
    const place = await second.client.next<PlaceMessage>(
      (message) => message.type === 'place' && message.position === 1,
    );
    expect(place).toMatchObject({ contactId: 'c2', queueId: 'q1' });
    // The offer told the first customer that its contact left the line: no place of null follows.
    // A reply comes after every message sent before it on the same socket.
    await first.client.request({ type: 'command', command: { type: 'tick' } });
    expect(first.client.messages.filter((message) => message.type === 'place')).toEqual([]);
    // Neither customer saw the other's contact.
    const seen = (client: SocketClient) =>
      client.messages.flatMap((m) => (m.type === 'event' ? [JSON.stringify(m.event)] : []));
    expect(seen(second.client).join()).not.toContain('"c1"');
    expect(seen(first.client).join()).not.toContain('"c2"');
  });

  it('[ws] places reach every customer of a round larger than one slice, each once', async () => {
    const count = sessionsPerSliceMax + 1;
    const customers = [];
    for (let index = 0; index < count; index++) {
      // A millisecond apart, so that the line is in joining order (ties go by id).
      await server.advance(1);
      const customer = await as('customer', `cust-${index}`);
      expect(await customer.client.request(join(`c${index}`, `cust-${index}`))).toMatchObject({
        ok: true,
      });
      customers.push(customer);
    }
    // The first contact leaves: every other moves up one place.
    expect((await server.call('POST', `${acme}/contacts/c0/leave`)).status).toBe(204);
    await server.advance(socketSettingsDefault.placeEveryMs);
    const places = (client: SocketClient) =>
      client.messages.filter((message): message is PlaceMessage => message.type === 'place');
    for (const [index, { client }] of customers.entries()) {
      if (index === 0) continue;
      const place = await client.next<PlaceMessage>(
        (message) => message.type === 'place' && message.position === index,
      );
      expect(place).toMatchObject({ contactId: `c${index}` });
      expect(places(client)).toHaveLength(1);
    }
  });

  it('[ws] a session forgets the place of a contact that ended, however long it stays connected', async () => {
    const carol = await as('customer', 'carol');
    for (const id of ['c1', 'c2', 'c3']) {
      expect(await carol.client.request(join(id, 'carol'))).toMatchObject({ ok: true });
    }
    expect(server.app.sockets.placesCount()).toBe(3);
    expect((await server.call('POST', `${acme}/contacts/c1/leave`)).status).toBe(204);
    await carol.client.next(isEvent('contactAbandoned', (event) => event.contactId === 'c1'));
    expect(server.app.sockets.placesCount()).toBe(2);
    await server.advance(socketSettingsDefault.placeEveryMs);
    // c2 moved up to first place: its new place is sent and remembered, c1 stays forgotten.
    await carol.client.next<PlaceMessage>(
      (message) => message.type === 'place' && message.contactId === 'c2' && message.position === 1,
    );
    expect(server.app.sockets.placesCount()).toBe(2);
  });

  it('[ws] both agents of a transfer hear it: the one the contact left and the one it goes to', async () => {
    const ann = await as('agent', 'ann');
    const bob = await as('agent', 'bob');
    await setUp(server, [
      ['POST', `${acme}/agents/ann/log-in`],
      ['POST', `${acme}/contacts`, contact('c1', 'q2')],
    ]);
    const offered = await ann.client.next<EventMessage>(isEvent('offerCreated'));
    const { offerId } = offered.event as { offerId: string };
    await setUp(server, [
      ['POST', `${acme}/agents/ann/offers/${offerId}/accept`],
      ['POST', `${acme}/agents/ann/contacts/c1/transfer`, { target: { agentId: 'bob' } }],
    ]);
    const transferred = isEvent('contactTransferred', (event) => event.contactId === 'c1');
    for (const agent of [ann, bob])
      expect((await agent.client.next<EventMessage>(transferred)).event).toMatchObject({
        fromAgentId: 'ann',
        toAgentId: 'bob',
      });
  });

  it('[ws] an agent gets the waiting count of the queues it serves: at hello, on change, every 5 s', async () => {
    const bob = await as('agent', 'bob');
    const atHello = await bob.client.next<WaitingMessage>((m) => m.type === 'waiting');
    expect(atHello.queues).toEqual([{ queueId: 'q2', waiting: 0 }]);
    await server.call('POST', `${acme}/contacts`, { ...contact('c9', 'q2') });
    const changed = await bob.client.next<WaitingMessage>(
      (m) => m.type === 'waiting' && m.queues.some((q) => q.waiting === 1),
    );
    expect(changed.queues).toEqual([{ queueId: 'q2', waiting: 1 }]);
    // A change in a queue bob does not serve says nothing to him.
    const count = bob.client.messages.length;
    await server.call('POST', `${acme}/contacts`, { ...contact('c10', 'q1') });
    await server.advance(socketSettingsDefault.waitingEveryMs);
    const periodic = await bob.client.next<WaitingMessage>((m) => m.type === 'waiting', count);
    expect(periodic.queues).toEqual([{ queueId: 'q2', waiting: 1 }]);
  });

  it('[ws] waiting counts changing fast reach an agent at once, then once per waitingChangeEveryMs with the latest count', async () => {
    const bob = await as('agent', 'bob');
    await bob.client.next<WaitingMessage>((m) => m.type === 'waiting');
    await server.call('POST', `${acme}/contacts`, { ...contact('c1', 'q2') });
    await bob.client.next<WaitingMessage>(
      (m) => m.type === 'waiting' && m.queues.some((q) => q.waiting === 1),
    );
    // Two more join within the period: bob hears nothing until it ends, then the count of 3.
    const count = bob.client.messages.length;
    await server.call('POST', `${acme}/contacts`, { ...contact('c2', 'q2') });
    await server.call('POST', `${acme}/contacts`, { ...contact('c3', 'q2') });
    await bob.client.request({ type: 'ping' });
    expect(bob.client.messages.slice(count).filter((m) => m.type === 'waiting')).toEqual([]);
    await server.advance(socketSettingsDefault.waitingChangeEveryMs);
    const caughtUp = await bob.client.next<WaitingMessage>((m) => m.type === 'waiting', count);
    expect(caughtUp.queues).toEqual([{ queueId: 'q2', waiting: 3 }]);
  });

  it('[ws] a supervisor sees every event of its tenant and none of another', async () => {
    const sue = await as('supervisor', 'sue');
    const otherSupervisor = await as('supervisor', 'sam', 'other');
    await server.call('POST', `${acme}/contacts`, contact('c1', 'q1'));
    const status = await sue.client.next<EventMessage>(isEvent('queueStatusChanged'));
    expect(status.event).toMatchObject({ status: { queueId: 'q1', waiting: 1 } });
    await sue.client.next(isEvent('contactQueued'));
    expect(otherSupervisor.client.messages.filter((m) => m.type === 'event')).toEqual([]);
  });

  it('[ws] a supervisor announces to agents; an agent may not announce', async () => {
    const sue = await as('supervisor', 'sue');
    const ann = await as('agent', 'ann');
    const bob = await as('agent', 'bob');
    expect(
      await sue.client.request({ type: 'announce', text: 'Team meeting at 3', agentIds: ['ann'] }),
    ).toMatchObject({ ok: true });
    await ann.client.next((m) => m.type === 'announcement' && m.text === 'Team meeting at 3');
    expect(await bob.client.request({ type: 'ping' })).toMatchObject({ ok: true });
    expect(bob.client.messages.some((m) => m.type === 'announcement')).toBe(false);
    expect(await ann.client.request({ type: 'announce', text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});

describe('commands on the socket', () => {
  /** A command of every type, naming ids the callers below do not own. */
  const everyCommand = CommandSchema.anyOf.map((schema) => {
    const type = (schema.properties.type as { const: string }).const;
    return {
      type,
      agentId: 'bob',
      contactId: 'c-bob',
      offerId: 'o1',
      queueId: 'q1',
      contact: { ...contact('c-x', 'q1'), customer: { id: 'someone-else', type: 'normal' } },
    };
  });

  it('[ws] every command of another agent or customer, or beyond the role, is refused: nothing changes', async () => {
    const before = JSON.stringify((await server.call('GET', `${acme}/agents`)).body);
    const ann = await as('agent', 'ann');
    const carol = await as('customer', 'carol');
    await server.call('POST', `${acme}/contacts`, {
      ...contact('c-bob', 'q2'),
      customer: { id: 'bob-the-customer', type: 'normal' },
    });
    for (const command of everyCommand) {
      for (const [who, client] of [
        ['agent', ann.client],
        ['customer', carol.client],
      ] as const) {
        const reply = await client.request({ type: 'command', command });
        expect(reply, `${command.type} as ${who}`).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
      }
    }
    expect(JSON.stringify((await server.call('GET', `${acme}/agents`)).body)).toBe(before);
    expect((await server.call('GET', `${acme}/contacts/c-x`)).status).toBe(404);
  });

  it('[ws] a malformed or invalid message gets a reply with its code; the session stays', async () => {
    const sue = await as('supervisor', 'sue');
    sue.client.sendRaw('not json at all');
    await sue.client.next((m) => m.type === 'error' && m.error.code === 'invalid_command');
    const unknownType = await sue.client.request({ type: 'dance' });
    expect(unknownType).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
    const invalid = await sue.client.request({
      type: 'command',
      command: { type: 'createQueue', queue: { id: '' } },
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
    const refused = await sue.client.request({
      type: 'command',
      command: { type: 'deleteQueue', queueId: 'nope' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'queue_not_found' } });
    expect(await sue.client.request({ type: 'ping' })).toMatchObject({ ok: true });
  });

  it('[ws] an idempotency key makes a retried command act once', async () => {
    const carol = await as('customer', 'carol');
    const command = { ...join('c-once', 'carol'), idempotencyKey: 'join-1' };
    expect(await carol.client.request(command)).toMatchObject({ ok: true });
    expect(await carol.client.request(command)).toMatchObject({ ok: true });
    const waiting = await server.call<{ contacts: unknown[] }>('GET', `${acme}/queues/q1/contacts`);
    expect(waiting.body.contacts).toHaveLength(1);
  });

  it('[ws] past the message rate a socket gets rate_limited with the wait, then is served again', async () => {
    const sue = await as('supervisor', 'sue');
    for (let index = 0; index < socketSettingsDefault.messageBurst + 5; index++) {
      sue.client.send({ type: 'ping', id: `p${index}` });
    }
    const limited = await sue.client.next<Reply>(
      (m) => m.type === 'reply' && !m.ok && m.error.code === 'rate_limited',
    );
    expect(!limited.ok && limited.error.details?.retryAfterMs).toBeGreaterThan(0);
    await server.advance(1_000);
    expect(await sue.client.request({ type: 'ping' })).toMatchObject({ ok: true });
  });
});

describe('resume and the grace period', () => {
  it('[ws] a customer who reconnects within the grace period gets what it missed and keeps its place', async () => {
    const carol = await as('customer', 'carol');
    await carol.client.request(join('c1', 'carol'));
    const seen = lastSeqOf(carol.client);
    carol.client.drop();
    await dropped(0);
    await server.advance(1_000);
    // While away: an agent takes the contact.
    await server.call('POST', `${acme}/agents/ann/log-in`, {});
    const back = await connect(server.baseUrl, await mint('customer', 'carol'), {
      sessionId: carol.welcome.sessionId,
      resumeToken: carol.welcome.resumeToken,
      lastSeq: seen,
    });
    clients.push(back.client);
    expect(back.welcome).toMatchObject({ isResumed: true, isGap: false, lastSeq: seen });
    const missed = await back.client.next<EventMessage>(isEvent('offerCreated'));
    expect(missed.seq).toBe(seen + 1);
    expect(missed.agentName).toBe('Agent ann');
    await server.advance(socketSettingsDefault.graceMs + 1_000);
    expect((await server.call('GET', `${acme}/contacts/c1`)).status).toBe(200);
  });

  it('[ws] what the socket confirmed it received is not kept: a resume from before it is told of the gap', async () => {
    const carol = await as('customer', 'carol');
    await carol.client.request(join('c1', 'carol'));
    const queued = await carol.client.next<EventMessage>(isEvent('contactQueued'));
    // The server pings after the message; the client's pong confirms it, and nothing is kept.
    for (let attempt = 0; attempt < 500 && server.app.sockets.keptCount() > 0; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.app.sockets.keptCount()).toBe(0);
    carol.client.drop();
    await dropped(0);
    // While away: an agent takes the contact. That offer is kept for the resume.
    await server.call('POST', `${acme}/agents/ann/log-in`, {});
    expect(server.app.sockets.keptCount()).toBeGreaterThan(0);
    const back = await connect(server.baseUrl, await mint('customer', 'carol'), {
      sessionId: carol.welcome.sessionId,
      resumeToken: carol.welcome.resumeToken,
      lastSeq: 0,
    });
    clients.push(back.client);
    expect(back.welcome).toMatchObject({ isResumed: true, isGap: true, lastSeq: 0 });
    const missed = await back.client.next<EventMessage>(isEvent('offerCreated'));
    expect(missed.seq).toBe(queued.seq + 1);
  });

  it('[ws] after the grace period a customer counts as abandoned, and an agent as logged out', async () => {
    const sue = await as('supervisor', 'sue');
    const carol = await as('customer', 'carol');
    await carol.client.request(join('c1', 'carol'));
    const bob = await as('agent', 'bob');
    await bob.client.request({ type: 'command', command: { type: 'logIn', agentId: 'bob' } });
    carol.client.drop();
    bob.client.drop();
    await dropped(1);
    await server.advance(socketSettingsDefault.graceMs - 1_000);
    expect((await server.call('GET', `${acme}/contacts/c1`)).status).toBe(200);
    await server.advance(1_000);
    await sue.client.next(isEvent('contactAbandoned', (event) => event.contactId === 'c1'));
    await sue.client.next(
      isEvent(
        'agentStateChanged',
        (event) => event.agentId === 'bob' && event.presence === 'offline',
      ),
    );
    expect((await server.call('GET', `${acme}/contacts/c1`)).status).toBe(404);
    const resumeTooLate = await connect(server.baseUrl, await mint('customer', 'carol'), {
      sessionId: carol.welcome.sessionId,
      resumeToken: carol.welcome.resumeToken,
      lastSeq: 1,
    });
    clients.push(resumeTooLate.client);
    expect(resumeTooLate.welcome).toMatchObject({ isResumed: false, isGap: true });
  });

  it('[ws] a resume needs the session token and the same person', async () => {
    const carol = await as('customer', 'carol');
    carol.client.drop();
    const wrongToken = await connect(server.baseUrl, await mint('customer', 'carol'), {
      sessionId: carol.welcome.sessionId,
      resumeToken: 'guessed',
      lastSeq: 0,
    });
    clients.push(wrongToken.client);
    expect(wrongToken.welcome.isResumed).toBe(false);
    const otherPerson = await connect(server.baseUrl, await mint('customer', 'mallory'), {
      sessionId: carol.welcome.sessionId,
      resumeToken: carol.welcome.resumeToken,
      lastSeq: 0,
    });
    clients.push(otherPerson.client);
    expect(otherPerson.welcome).toMatchObject({ isResumed: false, subject: 'mallory' });
  });
});
