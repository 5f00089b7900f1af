import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage, EventMessage, ServerMessage } from '@lineup/protocol';
import {
  agent,
  connectAs,
  contact,
  mintToken,
  queue,
  setUp,
  startServer,
  type Server,
} from './harness.ts';
import type { SocketClient } from './socket-client.ts';

/*
 * Chat (issue 5): between a customer and the agent its contact is assigned
 * to, a supervisor watching; ordered, with typing and read receipts, files,
 * and the transcript kept with the contact after it ends.
 */

let server: Server;
const clients: SocketClient[] = [];
const acme = '/v1/tenants/acme';

const mint = (role: string, subject: string) => mintToken(server, 'acme', role, subject);
const as = (role: string, subject: string) => connectAs(server, 'acme', role, subject, clients);

const isChat = (text: string) => (message: ServerMessage) =>
  message.type === 'chat' && message.message.text === text;

/**
 * A customer's chat contact c1 in q1, offered to and accepted by ann over her
 * socket; the customer's "hello?" before that is refused (sent with `earlyKey`
 * as its idempotency key, when given).
 */
async function assignedChat(earlyKey?: string) {
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
  const early = await carol.client.request({
    type: 'chat.send',
    contactId: 'c1',
    text: 'hello?',
    ...(earlyKey === undefined ? {} : { idempotencyKey: earlyKey }),
  });
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

  it("[chat] another agent reads a returning customer's earlier conversations: its history, then each transcript", async () => {
    const { carol, ann } = await assignedChat();
    await carol.client.request({ type: 'chat.send', contactId: 'c1', text: 'Where is my parcel?' });
    await ann.client.request({
      type: 'command',
      command: { type: 'completeContact', agentId: 'ann', contactId: 'c1' },
    });
    const bob = await mint('agent', 'bob');
    const history = await server.call<{ contacts: { id: string; channel: string }[] }>(
      'GET',
      `${acme}/customers/carol/contacts`,
      undefined,
      { as: bob },
    );
    expect(history.body.contacts).toMatchObject([{ id: 'c1', channel: 'chat' }]);
    const transcript = await server.call<{ messages: { text: string }[] }>(
      'GET',
      `${acme}/contacts/c1/transcript`,
      undefined,
      { as: bob },
    );
    expect(transcript.status).toBe(200);
    expect(transcript.body.messages.map((m) => m.text)).toEqual(['Where is my parcel?']);
  });

  it('[chat] a message, a read receipt or an announcement sent twice with one idempotency key acts once', async () => {
    const { carol, ann, sue } = await assignedChat();
    const message = { type: 'chat.send', contactId: 'c1', text: 'Once', idempotencyKey: 'k-1' };
    const first = await carol.client.request(message);
    const again = await carol.client.request(message);
    expect(again).toEqual({ ...first, id: again.id });
    expect(again).toMatchObject({ ok: true, result: { chat: { seq: 1, text: 'Once' } } });
    // The same key from another person is another request.
    expect(await ann.client.request({ ...message, text: 'Twice' })).toMatchObject({
      ok: true,
      result: { chat: { seq: 2, text: 'Twice' } },
    });
    const transcript = await server.call<{ messages: { text: string }[] }>(
      'GET',
      `${acme}/contacts/c1/transcript`,
      undefined,
      { as: carol.token },
    );
    expect(transcript.body.messages.map((m) => m.text)).toEqual(['Once', 'Twice']);

    const read = { type: 'chat.read', contactId: 'c1', upToSeq: 2, idempotencyKey: 'r-1' };
    expect(await carol.client.request(read)).toMatchObject({ ok: true });
    expect(await carol.client.request(read)).toMatchObject({ ok: true });
    const announce = {
      type: 'announce',
      text: 'Short break',
      agentIds: ['ann'],
      idempotencyKey: 'a-1',
    };
    expect(await sue.client.request(announce)).toMatchObject({ ok: true });
    expect(await sue.client.request(announce)).toMatchObject({ ok: true });
    // A ping after them: everything before it has reached ann.
    await ann.client.request({ type: 'ping' });
    await ann.client.next((m) => m.type === 'announcement');
    const heard = (type: string) => ann.client.messages.filter((m) => m.type === type).length;
    expect(
      ann.client.messages.filter((m) => m.type === 'chat' && m.message.text === 'Once'),
    ).toHaveLength(1);
    expect(heard('chatRead')).toBe(1);
    expect(heard('announcement')).toBe(1);
  });

  it('[chat] a refused message is not remembered: its retry with the same key acts', async () => {
    const { carol } = await assignedChat('k-2');
    const retry = { type: 'chat.send', contactId: 'c1', text: 'hello?', idempotencyKey: 'k-2' };
    expect(await carol.client.request(retry)).toMatchObject({
      ok: true,
      result: { chat: { seq: 1, text: 'hello?' } },
    });
  });

  it('[chat] a file past the limit answers 413 payload_too_large, read to its end rather than reset', async () => {
    const { carol } = await assignedChat();
    const tooBig = Buffer.alloc(10 * 1_048_576 + 1, 1);
    const upload = await fetch(`${server.baseUrl}${acme}/contacts/c1/attachments?name=big.bin`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${carol.token}`,
        'content-type': 'application/octet-stream',
      },
      body: tooBig,
    });
    expect(upload.status).toBe(413);
    expect(await upload.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    // One at the limit is taken.
    const atLimit = await fetch(`${server.baseUrl}${acme}/contacts/c1/attachments?name=max.bin`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${carol.token}`,
        'content-type': 'application/octet-stream',
      },
      body: tooBig.subarray(1),
    });
    expect(atLimit.status).toBe(201);
    expect(await atLimit.json()).toMatchObject({ bytes: 10 * 1_048_576 });
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
