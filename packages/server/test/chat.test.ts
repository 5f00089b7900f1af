import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage, EventMessage, ServerMessage } from '@lineup/protocol';
import { agent, contact, queue, setUp, startServer, type Server } from './harness.ts';
import { connect, type SocketClient } from './socket-client.ts';

/*
 * Chat (issue 5): between a customer and the agent its contact is assigned
 * to, a supervisor watching; ordered, with typing and read receipts, files,
 * and the transcript kept with the contact after it ends.
 */

let server: Server;
const clients: SocketClient[] = [];
const acme = '/v1/tenants/acme';

async function mint(role: string, subject: string) {
  const reply = await server.call<{ token: string }>('POST', `${acme}/tokens`, { role, subject });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.token;
}

async function as(role: string, subject: string) {
  const token = await mint(role, subject);
  const opened = await connect(server.baseUrl, token);
  clients.push(opened.client);
  return { ...opened, token };
}

const isChat = (text: string) => (message: ServerMessage) =>
  message.type === 'chat' && message.message.text === text;

/** A customer's chat contact c1 in q1, offered to and accepted by ann over her socket. */
async function assignedChat() {
  const carol = await as('customer', 'carol');
  const ann = await as('agent', 'ann');
  const sue = await as('supervisor', 'sue');
  await carol.client.request({
    type: 'command',
    command: {
      type: 'enqueueContact',
      contact: {
        ...contact('c1', 'q1'),
        channel: 'chat',
        customer: { id: 'carol', type: 'normal' },
      },
    },
  });
  const early = await carol.client.request({ type: 'chat.send', contactId: 'c1', text: 'hello?' });
  expect(early).toMatchObject({ ok: false, error: { code: 'contact_not_assigned' } });
  await ann.client.request({ type: 'command', command: { type: 'logIn', agentId: 'ann' } });
  const offer = await ann.client.next<EventMessage>(
    (m) => m.type === 'event' && m.event.type === 'offerCreated',
  );
  const offerId = offer.event.type === 'offerCreated' ? offer.event.offerId : '';
  await ann.client.request({
    type: 'command',
    command: { type: 'acceptOffer', agentId: 'ann', offerId },
  });
  return { carol, ann, sue };
}

beforeEach(async () => {
  server = await startServer();
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', `${acme}/queues`, queue('q1', { channels: ['chat'] })],
    ['POST', `${acme}/agents`, agent('ann', ['q1'])],
    ['POST', `${acme}/agents`, agent('bob', ['q1'])],
  ]);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

describe('chat', () => {
  it('[chat] customer and agent talk in order, with typing and read receipts; a supervisor watches', async () => {
    const { carol, ann, sue } = await assignedChat();
    const first = await carol.client.request({ type: 'chat.send', contactId: 'c1', text: 'Hi!' });
    expect(first).toMatchObject({
      ok: true,
      result: { chat: { seq: 1, text: 'Hi!', from: { role: 'customer', id: 'carol' } } },
    });
    await ann.client.next(isChat('Hi!'));
    carol.client.send({ type: 'chat.typing', contactId: 'c1', isTyping: true });
    await ann.client.next((m) => m.type === 'chatTyping' && m.isTyping && m.from.id === 'carol');
    await ann.client.request({ type: 'chat.send', contactId: 'c1', text: 'Hello Carol' });
    const answer = await carol.client.next<ChatMessage>(isChat('Hello Carol'));
    expect(answer.message).toMatchObject({ seq: 2, from: { role: 'agent', name: 'Agent ann' } });
    await carol.client.request({ type: 'chat.read', contactId: 'c1', upToSeq: 2 });
    await ann.client.next((m) => m.type === 'chatRead' && m.upToSeq === 2 && m.by.id === 'carol');
    // The supervisor saw both messages, in order.
    await sue.client.next(isChat('Hello Carol'));
    const texts = sue.client.messages.flatMap((m) => (m.type === 'chat' ? [m.message.text] : []));
    expect(texts).toEqual(['Hi!', 'Hello Carol']);
  });

  it('[chat] nobody else writes in it: another customer, another agent', async () => {
    await assignedChat();
    const mallory = await as('customer', 'mallory');
    expect(
      await mallory.client.request({ type: 'chat.send', contactId: 'c1', text: 'sneaky' }),
    ).toMatchObject({ ok: false, error: { code: 'contact_not_found' } });
    const bob = await as('agent', 'bob');
    expect(
      await bob.client.request({ type: 'chat.send', contactId: 'c1', text: 'me too' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await bob.client.request({ type: 'chat.read', contactId: 'c1', upToSeq: 1 }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('[chat] files: uploaded by the customer, sent, downloaded by the agent; nobody else reads them', async () => {
    const { carol, ann } = await assignedChat();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const upload = await fetch(
      `${server.baseUrl}${acme}/contacts/c1/attachments?name=receipt.png`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${carol.token}`, 'content-type': 'image/png' },
        body: png,
      },
    );
    expect(upload.status).toBe(201);
    const attachment = (await upload.json()) as { id: string; bytes: number };
    expect(attachment).toMatchObject({ name: 'receipt.png', contentType: 'image/png', bytes: 11 });
    const sent = await carol.client.request({
      type: 'chat.send',
      contactId: 'c1',
      attachmentId: attachment.id,
    });
    expect(sent).toMatchObject({ ok: true });
    const received = await ann.client.next<ChatMessage>(
      (m) => m.type === 'chat' && m.message.attachment !== null,
    );
    expect(received.message.attachment).toMatchObject({ id: attachment.id, name: 'receipt.png' });

    const download = await fetch(`${server.baseUrl}${acme}/attachments/${attachment.id}`, {
      headers: { authorization: `Bearer ${ann.token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(png);
    const other = await fetch(`${server.baseUrl}${acme}/attachments/${attachment.id}`, {
      headers: { authorization: `Bearer ${await mint('customer', 'mallory')}` },
    });
    expect(other.status).toBe(403);
    const empty = await fetch(`${server.baseUrl}${acme}/contacts/c1/attachments?name=a.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${carol.token}`, 'content-type': 'text/plain' },
      body: '',
    });
    expect(empty.status).toBe(400);
  });

  it('[chat] the transcript stays with the contact after it ends, for its customer only', async () => {
    const { carol, ann } = await assignedChat();
    await carol.client.request({ type: 'chat.send', contactId: 'c1', text: 'My card is lost' });
    await ann.client.request({ type: 'chat.send', contactId: 'c1', text: 'Blocked it for you' });
    const done = await ann.client.request({
      type: 'command',
      command: { type: 'completeContact', agentId: 'ann', contactId: 'c1' },
    });
    expect(done).toMatchObject({ ok: true });
    const transcript = await server.call<{ messages: { text: string }[] }>(
      'GET',
      `${acme}/contacts/c1/transcript`,
      undefined,
      { as: carol.token },
    );
    expect(transcript.status).toBe(200);
    expect(transcript.body.messages.map((m) => m.text)).toEqual([
      'My card is lost',
      'Blocked it for you',
    ]);
    const other = await server.call('GET', `${acme}/contacts/c1/transcript`, undefined, {
      as: await mint('customer', 'mallory'),
    });
    expect(other.status).toBe(403);
    const late = await carol.client.request({ type: 'chat.send', contactId: 'c1', text: 'thanks' });
    expect(late).toMatchObject({ ok: false, error: { code: 'contact_not_found' } });
  });

  it('[chat] the transcript carries the read receipts, so that a page that reloads shows them again', async () => {
    const { carol, ann } = await assignedChat();
    const read = () =>
      server.call<{ readUpToSeq: unknown }>('GET', `${acme}/contacts/c1/transcript`, undefined, {
        as: carol.token,
      });
    await carol.client.request({ type: 'chat.send', contactId: 'c1', text: 'Is it shipped?' });
    expect((await read()).body.readUpToSeq).toEqual({ customer: 0, agent: 0 });
    await ann.client.request({ type: 'chat.send', contactId: 'c1', text: 'Yes, today' });
    await ann.client.request({ type: 'chat.read', contactId: 'c1', upToSeq: 1 });
    await carol.client.request({ type: 'chat.read', contactId: 'c1', upToSeq: 2 });
    // A receipt never goes back: an older one after a newer one changes nothing.
    await carol.client.request({ type: 'chat.read', contactId: 'c1', upToSeq: 1 });
    expect((await read()).body.readUpToSeq).toEqual({ customer: 2, agent: 1 });
  });
});
