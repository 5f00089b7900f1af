import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  asAgentId,
  asOfferId,
  asQueueId,
  type ContactId,
  type EventOf,
  type PlaceMessage,
} from '@lineup/protocol';
import {
  LineupAgent,
  LineupCustomer,
  LineupError,
  LineupSupervisor,
  attachmentBytesMax,
  eventOf,
  leftMessageTextLengthMax,
  type ClientOptions,
  type ConnectionChange,
  type LineupClient,
} from '@lineup/sdk';
import { Network, next, startServer, type TestServer } from './server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * The SDK against the real `lineup serve`: a customer and an agent through a
 * whole contact (join, offer, accept, chat, complete, rating), the server's
 * refusals as rejected promises with their codes, a supervisor's view and
 * actions, and a dropped network: the client resumes, missed messages
 * arrive, the place in line is kept, commands in flight get their one reply.
 */

let server: TestServer;
const clients: LineupClient<object>[] = [];
let tenantCount = 0;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

const support = asQueueId('support');
const ann = asAgentId('ann');

/** A fresh tenant with the queue `support` (chat) and the agent Ann serving it. */
async function tenant(): Promise<string> {
  tenantCount += 1;
  const id = `t${tenantCount}`;
  await server.call('POST', '/v1/tenants', { id });
  await server.call('POST', `/v1/tenants/${id}/queues`, {
    id: 'support',
    name: 'Support',
    channels: ['chat', 'voice'],
    offerTimeoutMs: 60_000,
    wrapUpMs: 1_000,
  });
  await server.call('POST', `/v1/tenants/${id}/agents`, {
    id: 'ann',
    name: 'Ann',
    memberships: [{ queueId: 'support', priority: 10 }],
  });
  return id;
}

/** A client of a role on the test server, closed after the test. */
async function client<C extends LineupClient<object>>(
  Client: new (options: ClientOptions) => C,
  tenantId: string,
  role: 'customer' | 'agent' | 'supervisor',
  subject: string,
  options: Partial<ClientOptions> = {},
): Promise<C> {
  const token = await server.mint(tenantId, role, subject);
  const { default: WebSocket } = await import('ws');
  const created = new Client({ url: server.url, token, WebSocket, ...options });
  clients.push(created);
  return created;
}

/** The promise's rejection, which must be a LineupError. */
async function refusal(promise: Promise<unknown>): Promise<LineupError> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof LineupError))
    throw new Error(`expected a LineupError, got ${String(outcome)}`);
  return outcome;
}

describe('a contact from join to rating', () => {
  it('[sdk] a customer joins, the agent is offered it, accepts, they chat, the agent completes, the customer rates', async () => {
    const t = await tenant();
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    const customer = await client(LineupCustomer, t, 'customer', 'cust-1');
    await agent.opened();
    await customer.opened();
    const loggedIn = await agent.logIn();
    expect(eventOf(loggedIn.events, 'agentStateChanged')).toMatchObject({ presence: 'ready' });

    const offered = next(agent, 'offerCreated');
    const assigned = next(customer, 'contactAssigned');
    const joined = await customer.join({
      queueId: support,
      channel: 'chat',
      customer: { name: 'Mia' },
    });
    expect(joined.type).toBe('contactQueued');
    if (joined.type !== 'contactQueued') return;
    const contactId = joined.contact.id;
    expect(joined.contact.customer).toEqual({ id: 'cust-1', name: 'Mia', type: 'normal' });

    const [offer] = await offered;
    expect(offer).toMatchObject({ contactId, agentId: 'ann', queueId: 'support' });
    const accepted = await agent.acceptOffer(offer.offerId);
    expect(eventOf(accepted.events, 'contactAssigned')).toMatchObject({
      contactId,
      agentId: 'ann',
    });
    const [assignment, assignmentMessage] = await assigned;
    expect(assignment.contactId).toBe(contactId);
    expect(assignmentMessage.agentName).toBe('Ann');

    // Chat both ways, a typing indicator, a file, a read receipt.
    const heardByCustomer = next(customer, 'chat');
    const sent = await agent.sendChat(contactId, { text: 'Hello, how can I help?' });
    expect(sent).toMatchObject({ seq: 1, text: 'Hello, how can I help?' });
    const [chat] = await heardByCustomer;
    expect(chat.message).toMatchObject({
      seq: 1,
      text: 'Hello, how can I help?',
      from: { role: 'agent', id: 'ann', name: 'Ann' },
    });

    const typing = next(agent, 'chatTyping');
    expect(customer.setTyping(contactId, true)).toBe(true);
    expect((await typing)[0]).toMatchObject({ contactId, isTyping: true, from: { id: 'cust-1' } });

    const attachment = await customer.uploadAttachment(contactId, {
      bytes: new TextEncoder().encode('receipt 42'),
      name: 'receipt.txt',
      contentType: 'text/plain',
    });
    expect(attachment).toMatchObject({ name: 'receipt.txt', contentType: 'text/plain', bytes: 10 });
    const heardByAgent = next(agent, 'chat');
    await customer.sendChat(contactId, { text: 'My receipt', attachmentId: attachment.id });
    expect((await heardByAgent)[0].message).toMatchObject({
      seq: 2,
      text: 'My receipt',
      attachment: { id: attachment.id, name: 'receipt.txt' },
      from: { role: 'customer', id: 'cust-1' },
    });

    const read = next(agent, 'chatRead');
    await customer.markRead(contactId, 1);
    expect((await read)[0]).toMatchObject({ contactId, upToSeq: 1, by: { id: 'cust-1' } });

    const transcript = await customer.transcript(contactId);
    expect(transcript.messages.map((message) => message.text)).toEqual([
      'Hello, how can I help?',
      'My receipt',
    ]);

    // Rating a contact that still lives is refused with the server's code and status.
    const early = await refusal(customer.rate(contactId, 5));
    expect(early).toMatchObject({ code: 'contact_not_ended', status: 409 });

    const completed = next(customer, 'contactCompleted');
    await agent.completeContact(contactId);
    expect((await completed)[0]).toMatchObject({ contactId, agentId: 'ann' });

    const rating = await customer.rate(contactId, 5, 'Quick and kind');
    expect(rating).toMatchObject({ contactId, score: 5, comment: 'Quick and kind' });
    expect((await refusal(customer.rate(contactId, 4))).code).toBe('rating_exists');

    // Where the agent could have transferred it: the tenant's queues and agents.
    expect((await agent.queues()).items.map((queue) => queue.id)).toContain('support');
    expect((await agent.agents()).items.map((item) => item.id)).toContain('ann');

    // In wrap-up the agent gives the contact a disposition; it shows in the contact's history.
    const disposed = await agent.dispose(contactId, 'resolved', 'Receipt re-sent.');
    const history = await agent.customerContacts(disposed.customerId);
    expect(history.items.map((item) => [item.id, item.disposition?.code])).toEqual([
      [contactId, 'resolved'],
    ]);
    expect(disposed).toMatchObject({
      id: contactId,
      agentId: 'ann',
      outcome: 'completed',
      rating: { score: 5 },
      disposition: { code: 'resolved', notes: 'Receipt re-sent.' },
    });
  });

  it('[sdk] a customer leaves a message for a queue, up to leftMessageTextLengthMax characters; the queue reads it', async () => {
    const t = await tenant();
    const customer = await client(LineupCustomer, t, 'customer', 'cust-9');
    const text = 'x'.repeat(leftMessageTextLengthMax);
    const left = await customer.leaveMessage(support, {
      name: 'Mia',
      email: 'mia@example.com',
      text,
    });
    expect(left).toMatchObject({
      queueId: 'support',
      customer: { id: 'cust-9', name: 'Mia', email: 'mia@example.com' },
      text,
      handledAtMs: null,
    });
    const tooLong = await refusal(
      customer.leaveMessage(support, { number: '+4930555', text: `${text}x` }),
    );
    expect(tooLong.status).toBe(400);
    const page = await server.call<{ messages: { id: string; text: string }[] }>(
      'GET',
      `/v1/tenants/${t}/queues/support/messages`,
    );
    expect(page.messages.map((message) => message.id)).toEqual([left.id]);
  });

  it('[sdk] a file of attachmentBytesMax is taken and downloads as its bytes; one byte more is refused', async () => {
    const t = await tenant();
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    const customer = await client(LineupCustomer, t, 'customer', 'cust-3');
    await agent.logIn();
    const offered = next(agent, 'offerCreated');
    await customer.join({ queueId: support, channel: 'chat' });
    const [offer] = await offered;
    await agent.acceptOffer(offer.offerId);
    const { contactId } = offer;

    const bytes = new Uint8Array(attachmentBytesMax).fill(7);
    const taken = await customer.uploadAttachment(contactId, {
      bytes,
      name: 'big.bin',
      contentType: 'application/octet-stream',
    });
    expect(taken.bytes).toBe(attachmentBytesMax);
    const downloaded = new Uint8Array(
      await (await agent.downloadAttachment(taken.id)).arrayBuffer(),
    );
    expect(downloaded.length).toBe(attachmentBytesMax);
    expect(downloaded[attachmentBytesMax - 1]).toBe(7);

    const tooLarge = await refusal(
      customer.uploadAttachment(contactId, {
        bytes: new Uint8Array(attachmentBytesMax + 1),
        name: 'bigger.bin',
        contentType: 'application/octet-stream',
      }),
    );
    // The server reads the body to its end before it answers, so the client hears the 413.
    expect(tooLarge).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect((await refusal(customer.downloadAttachment('no-such-file'))).status).toBe(404);
  });

  it('[sdk] a customer lists the queues it may join with their live status', async () => {
    const id = await tenant();
    const customer = await client(LineupCustomer, id, 'customer', 'cust-2');
    const { items, next: after } = await customer.queueStatuses();
    expect(after).toBeNull();
    expect(items).toEqual([
      {
        queueId: 'support',
        name: 'Support',
        channels: ['chat', 'voice'],
        isCallbackAllowed: true,
        waiting: 0,
        ewtMs: null,
        isOffline: true,
        isOpen: true,
        positionAnnouncementEveryMs: 30_000,
      },
    ]);
  });

  it('[sdk] a listener stops hearing after its unsubscribe', async () => {
    const t = await tenant();
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    const heard: string[] = [];
    const stop = agent.on('agentStateChanged', (event) => {
      heard.push(event.presence);
    });
    const ready = next(agent, 'agentStateChanged', (event) => event.presence === 'ready');
    await agent.logIn();
    await ready;
    stop();
    const after = next(agent, 'agentStateChanged', (event) => event.presence === 'notReady');
    await agent.setPresence('notReady', 'Lunch');
    await after;
    expect(heard).toEqual(['ready']);
  });
});

describe('types', () => {
  it("[sdk] each role listens only to what it receives, with the protocol's payloads (tsc checks this)", () => {
    const listen = (customer: LineupCustomer, agent: LineupAgent, supervisor: LineupSupervisor) => {
      customer.on('place', (place) => {
        expectTypeOf(place).toEqualTypeOf<PlaceMessage>();
      });
      agent.on('offerCreated', (offer) => {
        expectTypeOf(offer).toEqualTypeOf<EventOf<'offerCreated'>>();
      });
      // @ts-expect-error customers get no waiting counts
      customer.on('waiting', () => undefined);
      // @ts-expect-error agents have no place in line
      agent.on('place', () => undefined);
      // @ts-expect-error supervisors get no waiting counts (they read queue status)
      supervisor.on('waiting', () => undefined);
      // @ts-expect-error an offer is not a place in line
      agent.on('offerCreated', (offer: PlaceMessage) => offer.position);
    };
    expectTypeOf(listen).toBeFunction();
  });
});

describe('refusals', () => {
  it("[sdk] a refused command rejects with the server's error code, message and details", async () => {
    const t = await tenant();
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    await agent.logIn();
    const error = await refusal(agent.acceptOffer(asOfferId('no-such-offer')));
    expect(error.code).toBe('offer_not_found');
    expect(error.message).not.toBe('');
    expect(error.isRetryable).toBe(false);

    const twice = await refusal(agent.logIn());
    expect(twice.code).toBe('agent_logged_in');

    const customer = await client(LineupCustomer, t, 'customer', 'cust-2');
    const unknownQueue = await refusal(
      customer.join({ queueId: asQueueId('nope'), channel: 'chat' }),
    );
    expect(unknownQueue).toMatchObject({ code: 'queue_not_found', details: { queueId: 'nope' } });
  });

  it('[sdk] a token of another role closes the client with wrong_role', async () => {
    const t = await tenant();
    const agent = await client(LineupAgent, t, 'customer', 'cust-3');
    const closed = next(agent, 'connection', (change) => change.state === 'closed');
    expect((await refusal(agent.opened())).code).toBe('wrong_role');
    const [change] = await closed;
    expect(change).toMatchObject({ state: 'closed', error: { code: 'wrong_role' } });
    expect((await refusal(agent.logIn())).code).toBe('wrong_role');
  });

  it('[sdk] a forged token closes the client with unauthorized, without retrying', async () => {
    const { default: WebSocket } = await import('ws');
    const changes: ConnectionChange['state'][] = [];
    const customer = new LineupCustomer({ url: server.url, token: 'forged', WebSocket });
    clients.push(customer);
    customer.on('connection', (change) => {
      changes.push(change.state);
    });
    expect((await refusal(customer.opened())).code).toBe('unauthorized');
    expect(changes).toEqual(['connecting', 'closed']);
  });
});

describe('connection', () => {
  it('[sdk] a client closed right after it is created never connects', async () => {
    const t = await tenant();
    const token = await server.mint(t, 'customer', 'cust-y');
    const network = new Network();
    // Created and closed in one synchronous run: the client has not started yet.
    const customer = new LineupCustomer({ url: server.url, token, WebSocket: network.WebSocket });
    clients.push(customer);
    const states: string[] = [];
    customer.on('connection', (change) => {
      states.push(change.state);
    });
    customer.close();
    expect((await refusal(customer.opened())).code).toBe('client_closed');
    expect(states).toEqual(['closed']);
    expect(network.sent).toEqual([]);
  });

  it('[sdk] reconnecting gives up after attemptsMax failed attempts in a row and closes with client_closed', async () => {
    const t = await tenant();
    const token = await server.mint(t, 'customer', 'cust-x');
    const network = new Network();
    network.cut();
    const customer = new LineupCustomer({
      url: server.url,
      token,
      WebSocket: network.WebSocket,
      reconnect: { delayMsMin: 5, delayMsMax: 10, attemptsMax: 3 },
    });
    clients.push(customer);
    const states: string[] = [];
    customer.on('connection', (change) => {
      states.push(
        change.state === 'reconnecting' ? `reconnecting ${change.attempt}` : change.state,
      );
    });
    expect((await refusal(customer.opened())).code).toBe('client_closed');
    expect(states).toEqual([
      'connecting',
      'reconnecting 1',
      'reconnecting 2',
      'reconnecting 3',
      'closed',
    ]);
    const late = await refusal(customer.join({ queueId: support, channel: 'chat' }));
    expect(late.code).toBe('client_closed');
  });

  it('[sdk] reconnect() while a socket is still connecting neither throws nor leaves an error unheard', async () => {
    const t = await tenant();
    const token = await server.mint(t, 'customer', 'cust-w');
    // A server that takes the TCP connection and never answers the upgrade: the socket stays
    // connecting until the client gives up on it.
    const taken = new Set<Socket>();
    const silent = createServer((connection) => {
      taken.add(connection);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const { default: WebSocket } = await import('ws');
    const unheard: string[] = [];
    const sockets: InstanceType<typeof WebSocket>[] = [];
    class Stalled extends WebSocket {
      constructor() {
        super(`ws://127.0.0.1:${port}/v1/ws`);
        sockets.push(this);
      }

      // An error with no listener would end the process: recorded here instead.
      override emit(event: string | symbol, ...args: unknown[]): boolean {
        if (event === 'error' && this.listenerCount('error') === 0) {
          unheard.push(String(args[0]));
          return false;
        }
        return super.emit(event, ...args);
      }
    }
    try {
      const customer = new LineupCustomer({ url: server.url, token, WebSocket: Stalled });
      clients.push(customer);
      for (let tries = 0; sockets.length === 0 && tries < 200; tries++) await sleep(10);
      expect(sockets[0]?.readyState).toBe(WebSocket.CONNECTING);
      customer.reconnect();
      // ws reports the abandoned handshake a tick later.
      for (let tries = 0; sockets[0]?.readyState !== WebSocket.CLOSED && tries < 200; tries++)
        await sleep(10);
      expect(sockets[0]?.readyState).toBe(WebSocket.CLOSED);
      expect(unheard).toEqual([]);
      customer.close();
    } finally {
      for (const socket of sockets) socket.terminate();
      for (const connection of taken) connection.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('supervisor', () => {
  it('[sdk] a supervisor reads queue stats and waiting contacts, announces, and sets an agent not ready', async () => {
    const t = await tenant();
    const supervisor = await client(LineupSupervisor, t, 'supervisor', 'sam');
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    const customer = await client(LineupCustomer, t, 'customer', 'cust-4');
    await agent.logIn('Briefing');
    const joined = await customer.join({ queueId: support, channel: 'voice' });
    if (joined.type !== 'contactQueued') throw new Error('the contact did not queue');

    const queue = await supervisor.queue(support);
    expect(queue.status).toMatchObject({ waiting: 1, isOffline: false });
    expect((await supervisor.queues()).items.map((item) => item.id)).toEqual(['support']);
    const waiting = await supervisor.waitingContacts(support);
    expect(waiting.map((contact) => [contact.id, contact.position])).toEqual([
      [joined.contact.id, 1],
    ]);
    expect((await supervisor.queueReport(support)).queueId).toBe('support');
    // The chart's last hour: this minute's sample has the one waiting.
    expect((await supervisor.queueSamples(support)).at(-1)).toMatchObject({
      waiting: 1,
      waitingMax: 1,
    });

    const announced = next(agent, 'announcement');
    await supervisor.announce('Team meeting at 3', [ann]);
    expect((await announced)[0]).toMatchObject({ from: 'sam', text: 'Team meeting at 3' });

    // Once ready, Ann is offered the waiting contact; the supervisor sees every event.
    const ready = next(agent, 'agentStateChanged', (event) => event.presence === 'ready');
    const offered = next(supervisor, 'offerCreated');
    await supervisor.setPresence(ann, 'ready');
    await ready;
    const [offer] = await offered;
    expect(offer).toMatchObject({ agentId: 'ann', contactId: joined.contact.id });
    expect((await supervisor.agent(ann)).offer?.offerId).toBe(offer.offerId);
  });
});

describe('reconnect and resume', () => {
  it('[sdk] after a dropped network the customer resumes: it kept its place, and what it missed arrives once', async () => {
    const t = await tenant();
    const first = await client(LineupCustomer, t, 'customer', 'cust-a');
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    const network = new Network();
    const second = await client(LineupCustomer, t, 'customer', 'cust-b', {
      WebSocket: network.WebSocket,
      reconnect: { delayMsMin: 20, delayMsMax: 100 },
    });
    const log: string[] = [];
    const seqs: number[] = [];
    second.on('connection', (change) => {
      log.push(change.state === 'open' ? `open resumed=${change.welcome.isResumed}` : change.state);
    });
    second.on('event', (message) => {
      seqs.push(message.seq);
      log.push(message.event.type);
    });
    second.on('contactAssigned', (_event, message) => {
      log.push(`assigned to ${message.agentName ?? '?'}`);
    });
    const ahead = await first.join({ queueId: support, channel: 'chat' });
    const behind = await second.join({ queueId: support, channel: 'chat' });
    if (ahead.type !== 'contactQueued' || behind.type !== 'contactQueued') {
      throw new Error('the contacts did not queue');
    }
    expect(behind.position).toBe(2);
    const contactId: ContactId = behind.contact.id;

    network.cut();
    await next(second, 'connection', (change) => change.state === 'reconnecting');
    // Away from the socket (REST still works), the customer keeps its place: the one ahead
    // leaves, and it is next.
    await first.leave(ahead.contact.id);
    expect(await second.contact(contactId)).toMatchObject({ status: 'queued', position: 1 });
    // Still away, Ann logs in, is offered the contact and takes it.
    const offered = next(agent, 'offerCreated');
    await agent.logIn();
    const [offer] = await offered;
    expect(offer.contactId).toBe(contactId);
    await agent.acceptOffer(offer.offerId);

    const assigned = next(second, 'contactAssigned');
    network.restore();
    await assigned;
    const resumedAt = log.indexOf('open resumed=true');
    expect(resumedAt).toBeGreaterThan(log.indexOf('reconnecting'));
    expect(log.slice(resumedAt)).toEqual([
      'open resumed=true',
      'offerCreated',
      'offerAccepted',
      'contactAssigned',
      'assigned to Ann',
    ]);
    expect(log.filter((entry) => entry.startsWith('open'))).toEqual([
      'open resumed=false',
      'open resumed=true',
    ]);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('[sdk] reconnect() while waiting to retry retries now, and resumes the session', async () => {
    const t = await tenant();
    const network = new Network();
    // The next attempt would come after 30 s or more, past the test's bound: only reconnect() can bring it sooner.
    const customer = await client(LineupCustomer, t, 'customer', 'cust-c', {
      WebSocket: network.WebSocket,
      reconnect: { delayMsMin: 60_000, delayMsMax: 60_000 },
    });
    await customer.opened();
    const joined = await customer.join({ queueId: support, channel: 'chat' });
    if (joined.type !== 'contactQueued') throw new Error('the contact did not queue');

    network.cut();
    await next(customer, 'connection', (change) => change.state === 'reconnecting');
    network.restore();
    const resumed = next(customer, 'connection', (change) => change.state === 'open');
    customer.reconnect();
    const [change] = await resumed;
    expect(change).toMatchObject({ state: 'open', welcome: { isResumed: true, isGap: false } });
    expect(await customer.contact(joined.contact.id)).toMatchObject({
      status: 'queued',
      position: 1,
    });
  });

  it('[sdk] a command in flight when the network drops gets its one reply after the resume', async () => {
    const t = await tenant();
    const supervisor = await client(LineupSupervisor, t, 'supervisor', 'sam');
    const network = new Network();
    const agent = await client(LineupAgent, t, 'agent', 'ann', {
      WebSocket: network.WebSocket,
      reconnect: { delayMsMin: 20, delayMsMax: 100 },
    });
    await supervisor.opened();
    await agent.logIn();
    const changes: string[] = [];
    supervisor.on('agentStateChanged', (event) => {
      changes.push(`${event.presence} ${event.reason ?? ''}`);
    });

    // The socket drops right after the command leaves, before its reply can come back.
    network.dropAfter = (text) => text.includes('Lunch');
    const result = await agent.setPresence('notReady', 'Lunch');

    expect(eventOf(result.events, 'agentStateChanged')).toMatchObject({
      presence: 'notReady',
      reason: 'Lunch',
    });
    expect((await agent.agent()).presence).toBe('notReady');
    // Sent twice on the wire (before and after the drop), it acted once.
    expect(network.sent.filter((text) => text.includes('Lunch'))).toHaveLength(2);
    await supervisor.setPresence(ann, 'ready');
    await expect.poll(() => changes).toEqual(['notReady Lunch', 'ready ']);
  });

  it('[sdk] a chat message in flight when the network drops is sent again and posted once', async () => {
    const t = await tenant();
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    const network = new Network();
    const customer = await client(LineupCustomer, t, 'customer', 'cust-c', {
      WebSocket: network.WebSocket,
      reconnect: { delayMsMin: 20, delayMsMax: 100 },
    });
    await agent.logIn();
    const offered = next(agent, 'offerCreated');
    const joined = await customer.join({ queueId: support, channel: 'chat' });
    if (joined.type !== 'contactQueued') throw new Error('the contact did not queue');
    await agent.acceptOffer((await offered)[0].offerId);

    // The socket drops right after the message leaves, before its reply can come back.
    network.dropAfter = (text) => text.includes('Are you there?');
    const sent = await customer.sendChat(joined.contact.id, { text: 'Are you there?' });
    expect(sent).toMatchObject({ seq: 1, text: 'Are you there?' });
    // Sent twice on the wire (before and after the drop), it was posted once.
    expect(network.sent.filter((text) => text.includes('Are you there?'))).toHaveLength(2);
    const transcript = await agent.transcript(joined.contact.id);
    expect(transcript.messages.map((message) => message.text)).toEqual(['Are you there?']);
  });

  it('[sdk] a supervisor administers the tenant: queues, agents, assignments, API keys, webhooks', async () => {
    const t = await tenant();
    const supervisor = await client(LineupSupervisor, t, 'supervisor', 'sue');
    const sales = asQueueId('sales');
    const bo = asAgentId('bo');
    expect(
      await supervisor.createQueue({ id: sales, name: 'Sales', wrapUpMs: 5_000 }),
    ).toMatchObject({ id: 'sales', name: 'Sales', wrapUpMs: 5_000 });
    expect(await supervisor.updateQueue(sales, { priority: 3 })).toMatchObject({ priority: 3 });
    expect(await supervisor.createAgent({ id: bo, name: 'Bo' })).toMatchObject({
      presence: 'offline',
    });
    expect(await supervisor.updateAgent(bo, { capacity: { chat: 2 } })).toMatchObject({
      capacity: { chat: 2 },
    });
    expect(await supervisor.assign(bo, sales, 4)).toEqual({
      queueId: 'sales',
      priority: 4,
      isServing: false,
    });
    expect(await supervisor.assignments(bo)).toEqual([
      { queueId: 'sales', priority: 4, isServing: false },
    ]);

    const created = await supervisor.createApiKey('crm', ['read']);
    expect(created.key).toMatch(/^lk_/);
    expect((await supervisor.apiKeys()).map((key) => key.name)).toContain('crm');
    await supervisor.revokeApiKey(created.id);
    expect((await supervisor.apiKeys()).map((key) => key.name)).not.toContain('crm');

    const hook = await supervisor.createWebhook({
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['contactQueued'],
      description: 'CRM',
    });
    expect(hook.secret).toMatch(/^whsec_/);
    expect(await supervisor.webhooks()).toEqual([
      {
        id: hook.id,
        url: hook.url,
        eventTypes: ['contactQueued'],
        description: 'CRM',
        createdAtMs: hook.createdAtMs,
      },
    ]);
    await supervisor.deleteWebhook(hook.id);
    expect(await supervisor.webhooks()).toEqual([]);

    await supervisor.unassign(bo, sales);
    await supervisor.deleteAgent(bo);
    await supervisor.deleteQueue(sales);
    expect((await refusal(supervisor.queue(sales))).code).toBe('queue_not_found');
  });

  it('[sdk] an agent serves the queues it is assigned, and turns a chat into a callback', async () => {
    const t = await tenant();
    const supervisor = await client(LineupSupervisor, t, 'supervisor', 'sue');
    await supervisor.createQueue({ id: asQueueId('sales'), name: 'Sales' });
    await supervisor.assign(ann, asQueueId('sales'), 2);
    const agent = await client(LineupAgent, t, 'agent', 'ann');
    expect(await agent.assignments()).toEqual([
      { queueId: 'sales', priority: 2, isServing: false },
      { queueId: 'support', priority: 10, isServing: true },
    ]);
    expect((await agent.startServing(asQueueId('sales'))).memberships).toContainEqual({
      queueId: 'sales',
      priority: 2,
    });
    expect((await agent.stopServing(support)).memberships).toEqual([
      { queueId: 'sales', priority: 2 },
    ]);
    expect((await refusal(agent.startServing(asQueueId('nope')))).code).toBe('queue_not_assigned');
    await agent.startServing(support);

    const customer = await client(LineupCustomer, t, 'customer', 'cust-cb');
    await agent.logIn();
    const offered = next(agent, 'offerCreated');
    const joined = await customer.join({ queueId: support, channel: 'chat' });
    if (joined.type !== 'contactQueued') throw new Error('the contact did not queue');
    await agent.acceptOffer((await offered)[0].offerId);
    const callback = await agent.convertToCallback(joined.contact.id, { number: '+4930111' });
    expect(callback).toMatchObject({
      channel: 'callback',
      callbackNumber: '+4930111',
      queueId: 'support',
    });
    expect((await agent.agent()).contactIds).toEqual([]);
  });
});
