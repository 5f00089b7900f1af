import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage, EventMessage, ServerMessage } from '@lineup/protocol';
import {
  FaqRobot,
  loadFaqRobot,
  parseFaq,
  webChatSettingsDefault,
  type DownlinkMessage,
  type WebChatSettings,
} from '../src/index.ts';
import { agent, queue, setUp, startServer, type Reply, type Server } from './harness.ts';
import { connect, type SocketClient } from './socket-client.ts';

/*
 * Huawei's web-chat REST (seed 004, docs/compat.md) against the real server:
 * a client that cannot keep a WebSocket open applies for a token, CONNECTs,
 * talks to the FAQ robot, asks for a person (转人工), waits in line
 * (queryQueueInfo), and reads the agent's messages by long polling; media
 * both ways; the agent's end of the chat, satisfaction, a message left when
 * nobody serves the queue, expiry, and the refusals with their stable codes.
 */

let server: Server;
const sockets: SocketClient[] = [];
const acme = '/v1/tenants/acme';
const hw = (name: string) => `/compat/huawei/acme/apiaccess/ccmessaging/${name}`;

/** The server a test started, closed after it (the robot's own tests start none). */
let running: Server | null = null;

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await running?.close();
  running = null;
});

const faq = new FaqRobot({
  name: 'Bot',
  greeting: 'Hello, ask me anything.',
  entries: [
    {
      question: 'What are your opening hours?',
      keywords: ['hours', '营业时间'],
      answer: '9 to 5.',
    },
    {
      question: 'Where is my card?',
      keywords: ['card', 'lost card'],
      answer: 'Block it in the app.',
    },
  ],
});

/** A server with the queue q1 (chat) and the agent ann serving it; the robot when asked. */
async function start(
  options: { robot?: boolean; settings?: Partial<WebChatSettings>; queue?: object } = {},
) {
  server = await startServer({
    webChat: {
      robot: options.robot === true ? faq : null,
      ...(options.settings === undefined ? {} : { settings: options.settings }),
    },
  });
  running = server;
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', `${acme}/queues`, queue('q1', { channels: ['chat'], wrapUpMs: 0, ...options.queue })],
    ['POST', `${acme}/agents`, agent('ann', ['q1'])],
  ]);
}

/** applyToken as the tenant's back-end (an operator credential here): the session's token. */
async function apply(userId = 'u1'): Promise<string> {
  const reply = await server.call<{ resultCode: string; token: string }>('POST', hw('applyToken'), {
    userId,
    userName: 'Mia',
    channelId: 'q1',
    locale: 'zh',
  });
  expect(reply.status).toBe(200);
  expect(reply.body.resultCode).toBe('0');
  return reply.body.token;
}

/** A web-chat request with the session's token, as a Huawei client sends it (no Lineup credential). */
function hwCall<T = Record<string, unknown>>(
  method: string,
  name: string,
  token: string,
  body?: unknown,
): Promise<Reply<T>> {
  return server.call<T>(method, hw(name), body, {
    as: null,
    headers: { 'ccmessaging-token': token },
  });
}

/** A send of the customer u1 to q1, as the document's sendConnect builds it. */
const message = (controlType: string, mediaType = 'TEXT', content = '') => ({
  channel: 'WEB',
  controlType,
  mediaType,
  content,
  sourceType: 'CUSTOMER',
  to: 'q1',
  from: 'u1',
  senderNickname: 'Mia',
});

async function send(token: string, controlType: string, mediaType = 'TEXT', content = '') {
  const reply = await hwCall('POST', 'send', token, message(controlType, mediaType, content));
  expect(reply.body, JSON.stringify(reply.body)).toMatchObject({ resultCode: '0' });
  return reply;
}

type Polled = { resultCode: string; downlinkMessages: DownlinkMessage[]; cursor: number };

/** A poll that answers at once (waitMs 0): what is buffered. */
async function poll(token: string, query = ''): Promise<Polled> {
  const reply = await hwCall<Polled>(
    'GET',
    `poll?receiverId=u1&channel=WEB&waitMs=0${query}`,
    token,
  );
  expect(reply.status).toBe(200);
  return reply.body;
}

/** Ann's socket, logged in, accepting the next offer. */
async function annTakesNext(): Promise<SocketClient> {
  const token = await server.call<{ token: string }>('POST', `${acme}/tokens`, {
    role: 'agent',
    subject: 'ann',
  });
  const { client } = await connect(server.baseUrl, token.body.token);
  sockets.push(client);
  await client.request({ type: 'command', command: { type: 'logIn', agentId: 'ann' } });
  const offer = await client.next<EventMessage>(
    (m) => m.type === 'event' && m.event.type === 'offerCreated',
  );
  const offerId = offer.event.type === 'offerCreated' ? offer.event.offerId : '';
  await client.request({
    type: 'command',
    command: { type: 'acceptOffer', agentId: 'ann', offerId },
  });
  return client;
}

const isChatFromCustomer = (m: ServerMessage) =>
  m.type === 'chat' && m.message.from.role === 'customer';

describe('Huawei web chat: the document flow', () => {
  it('[webchat] robot answers, 转人工 hands over to the queue, the agent replies by poll, ends, the customer rates', async () => {
    await start({ robot: true });
    const token = await apply();
    await send(token, 'CONNECT');
    expect((await poll(token)).downlinkMessages).toMatchObject([
      { sourceType: 'ROBOT', senderNickname: 'Bot', content: 'Hello, ask me anything.', to: 'u1' },
    ]);

    await send(token, 'CHAT', 'TEXT', 'What are your hours?');
    expect((await poll(token)).downlinkMessages).toMatchObject([
      { sourceType: 'ROBOT', mediaType: 'TEXT', content: '9 to 5.' },
    ]);
    // Before the handover the robot has the customer: no agent is asked.
    const early = await server.call<{ contactIds: string[] }>('GET', `${acme}/agents/ann`);
    expect(early.body.contactIds).toEqual([]);

    await send(token, 'CHAT', 'TEXT', '转人工');
    const handedOver = (await poll(token)).downlinkMessages;
    expect(handedOver).toMatchObject([
      { sourceType: 'ROBOT', content: faqHandover() },
      { sourceType: 'SYSTEM', queueFlag: true },
    ]);
    const info = await hwCall('POST', 'queryQueueInfo', token, { userId: 'u1', channel: 'WEB' });
    expect(info.body).toMatchObject({ resultCode: '0', position: 1, totalWaitTime: 0 });

    // Waiting for an agent, the client long-polls; the agent's greeting ends the poll.
    const ann = await annTakesNext();
    expect((await poll(token)).downlinkMessages).toMatchObject([
      { sourceType: 'SYSTEM', controlType: 'CONNECT', senderNickname: 'Agent ann' },
    ]);
    const waiting = hwCall<Polled>('GET', 'poll?receiverId=u1&channel=WEB&waitMs=20000', token);
    const contactId = (await server.call<{ contactIds: string[] }>('GET', `${acme}/agents/ann`))
      .body.contactIds[0];
    await ann.request({ type: 'chat.send', contactId, text: 'Hello, I am Ann.' });
    expect((await waiting).body.downlinkMessages).toMatchObject([
      {
        sourceType: 'AGENT',
        senderNickname: 'Agent ann',
        mediaType: 'TEXT',
        content: 'Hello, I am Ann.',
      },
    ]);

    await send(token, 'CHAT', 'TEXT', 'My card is lost');
    const heard = await ann.next<ChatMessage>(isChatFromCustomer);
    expect(heard.message).toMatchObject({ text: 'My card is lost', from: { id: 'u1' } });

    await ann.request({
      type: 'command',
      command: { type: 'completeContact', agentId: 'ann', contactId },
    });
    expect((await poll(token)).downlinkMessages).toMatchObject([
      { controlType: 'DISCONNECT', sourceType: 'AGENT' },
    ]);
    const rated = await hwCall('POST', 'saveSatisfaction', token, {
      channel: 'WEB',
      userId: 'u1',
      evaluation: '5',
      comment: 'Quick',
      channelConfigId: 'q1',
    });
    expect(rated.body).toMatchObject({ resultCode: '0' });
    const rating = await server.call(`GET`, `${acme}/contacts/${contactId}/rating`);
    expect(rating.body).toMatchObject({ score: 5, comment: 'Quick' });

    const history = await hwCall<{ messageList: { sourceType: string; content: string }[] }>(
      'POST',
      'queryHistoryChatMessage',
      token,
      { channelId: 'q1', userId: 'u1', limit: '10', offset: '0', channel: 'WEB' },
    );
    expect(history.body.messageList.map((m) => [m.sourceType, m.content])).toEqual([
      ['CUSTOMER', 'My card is lost'],
      ['AGENT', 'Hello, I am Ann.'],
    ]);
  });

  it('[webchat] media: an uploaded image reaches the agent; the agent’s file comes by poll and downloads', async () => {
    await start();
    const token = await apply();
    await send(token, 'CONNECT');
    const ann = await annTakesNext();
    const contactId =
      (await server.call<{ contactIds: string[] }>('GET', `${acme}/agents/ann`)).body
        .contactIds[0] ?? '';
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const uploaded = await hwCall<{ objectKey: string }>('POST', 'uploadFileStream', token, {
      fileType: 'png',
      fileStream: png.toString('base64'),
      channel: 'WEB',
    });
    expect(uploaded.body).toMatchObject({ resultCode: '0', returnCode: '0' });
    await send(token, 'CHAT', 'IMAGE', uploaded.body.objectKey);
    const heard = await ann.next<ChatMessage>(isChatFromCustomer);
    expect(heard.message.attachment).toMatchObject({
      id: uploaded.body.objectKey,
      contentType: 'image/png',
      bytes: png.length,
    });

    const agentToken = await server.call<{ token: string }>('POST', `${acme}/tokens`, {
      role: 'agent',
      subject: 'ann',
    });
    const pdf = await server.call<{ id: string }>(
      'POST',
      `${acme}/contacts/${contactId}/attachments?name=terms.pdf`,
      undefined,
      { as: agentToken.body.token, raw: '%PDF-1.4 terms', contentType: 'application/pdf' },
    );
    await ann.request({ type: 'chat.send', contactId, attachmentId: pdf.body.id });
    const messages = (await poll(token)).downlinkMessages.filter((m) => m.sourceType === 'AGENT');
    expect(messages).toMatchObject([
      { mediaType: 'FILE', content: `terms.pdf,14,${pdf.body.id},pdf` },
    ]);
    const downloaded = await hwCall<{ fileStream: string }>('POST', 'downloadFileStream', token, {
      fileId: pdf.body.id,
      channel: 'WEB',
      fileType: 'pdf',
      multiMedia: 'multiMedia',
    });
    expect(downloaded.body).toMatchObject({ resultCode: '0', fileName: 'terms.pdf' });
    expect(Buffer.from(downloaded.body.fileStream, 'base64').toString()).toBe('%PDF-1.4 terms');
  });
});

describe('Huawei web chat: polling', () => {
  it('[webchat] a message stays until a poll’s cursor covers it; a poll answers at most pollMessagesMax', async () => {
    await start({ robot: true, settings: { pollMessagesMax: 2 } });
    const token = await apply();
    await send(token, 'CONNECT');
    await send(token, 'CHAT', 'TEXT', 'hours');
    await send(token, 'CHAT', 'TEXT', 'card');
    const first = await poll(token, '&cursor=0');
    expect(first.downlinkMessages.map((m) => m.seq)).toEqual([1, 2]);
    // The answer was lost on the way: the same cursor gets the same messages again.
    expect((await poll(token, '&cursor=0')).downlinkMessages.map((m) => m.seq)).toEqual([1, 2]);
    const next = await poll(token, `&cursor=${first.cursor}`);
    expect(next.downlinkMessages).toMatchObject([{ seq: 3, content: 'Block it in the app.' }]);
    // Without a cursor, a poll acknowledges what the one before delivered.
    expect((await poll(token)).downlinkMessages).toEqual([]);
  });

  it('[limits] past downlinkBufferedMax unacknowledged messages the oldest go', async () => {
    await start({ robot: true, settings: { downlinkBufferedMax: 2 } });
    const token = await apply();
    await send(token, 'CONNECT');
    await send(token, 'CHAT', 'TEXT', 'hours');
    await send(token, 'CHAT', 'TEXT', 'card');
    expect((await poll(token)).downlinkMessages.map((m) => m.seq)).toEqual([2, 3]);
  });

  it('[limits] a session sends requestBurst requests at once; the next is rate_limited', async () => {
    await start({ settings: { requestBurst: webChatSettingsDefault.requestBurst } });
    const token = await apply();
    for (let index = 0; index < webChatSettingsDefault.requestBurst; index++) await poll(token);
    const refused = await hwCall('GET', 'poll?waitMs=0', token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ resultCode: 'rate_limited' });
  });

  it('[limits] a long poll with nothing to say answers empty after its wait, bounded by pollWaitMsMax', async () => {
    await start({ settings: { pollWaitMsMax: 5_000 } });
    const token = await apply();
    const timers = server.scheduler.pendingCount();
    const waiting = hwCall<Polled>('GET', 'poll?waitMs=60000', token);
    // Bounded wait for the request to reach the server and arm its timer (real I/O).
    for (let attempt = 0; attempt < 200 && server.scheduler.pendingCount() === timers; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await server.advance(4_999);
    await server.advance(1);
    expect((await waiting).body).toMatchObject({ resultCode: '0', downlinkMessages: [] });
  });

  it('[webchat] a session no request touched for sessionIdleMs ends: its waiting contact leaves, its token is refused', async () => {
    await start();
    const token = await apply();
    await send(token, 'CONNECT');
    const waiting = await server.call<{ status: { waiting: number } }>('GET', `${acme}/queues/q1`);
    expect(waiting.body.status.waiting).toBe(1);
    await server.advance(webChatSettingsDefault.sessionIdleMs);
    const refused = await hwCall('GET', 'poll?waitMs=0', token);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      resultCode: 'unauthorized',
      error: { code: 'unauthorized' },
    });
    const after = await server.call<{ status: { waiting: number } }>('GET', `${acme}/queues/q1`);
    expect(after.body.status.waiting).toBe(0);
  });
});

describe('Huawei web chat: offline, leaving, refusals', () => {
  it('[R11] CONNECT to a queue nobody serves says so (isOfflineStatus); doLeaveMessage leaves a message for it', async () => {
    await start({
      queue: { whenEmpty: 'leaveMessage', closedMessage: 'Nobody is in; leave a message.' },
    });
    const token = await apply();
    await send(token, 'CONNECT');
    expect((await poll(token)).downlinkMessages).toMatchObject([
      { sourceType: 'SYSTEM', isOfflineStatus: true, content: 'Nobody is in; leave a message.' },
    ]);
    const left = await hwCall('POST', 'doLeaveMessage', token, {
      callId: 'u1',
      caller: '+4930123',
      leaveMessage: 'Please call me',
      channel: 'WEB',
    });
    expect(left.body).toMatchObject({ resultCode: '0' });
    const messages = await server.call<{ messages: unknown[] }>(
      'GET',
      `${acme}/queues/q1/messages`,
    );
    expect(messages.body.messages).toMatchObject([
      { text: 'Please call me', customer: { id: 'u1', name: 'Mia', number: '+4930123' } },
    ]);
  });

  it('[R16] CONNECT outside opening hours says so; the message left there reaches the queue', async () => {
    await start({
      queue: {
        hours: { timeZone: 'UTC', weekly: [], holidays: [] },
        whenClosed: 'leaveMessage',
        closedMessage: 'We are closed; leave a message.',
      },
    });
    const token = await apply();
    const connected = await send(token, 'CONNECT');
    expect(connected.body).toMatchObject({ resultDesc: 'We are closed; leave a message.' });
    expect((await poll(token)).downlinkMessages).toMatchObject([
      { sourceType: 'SYSTEM', isOfflineStatus: true, content: 'We are closed; leave a message.' },
    ]);
    const early = await hwCall('POST', 'send', token, message('CHAT', 'TEXT', 'anyone?'));
    expect(early.body).toMatchObject({ resultCode: 'contact_not_found' });
    const left = await hwCall('POST', 'doLeaveMessage', token, {
      caller: '+4930999',
      leaveMessage: 'Call me tomorrow',
      channel: 'WEB',
    });
    expect(left.body).toMatchObject({ resultCode: '0' });
    const messages = await server.call<{ messages: unknown[] }>(
      'GET',
      `${acme}/queues/q1/messages`,
    );
    expect(messages.body.messages).toMatchObject([{ text: 'Call me tomorrow' }]);
  });

  it('[webchat] DISCONNECT while waiting takes the contact out of the line', async () => {
    await start();
    const token = await apply();
    await send(token, 'CONNECT');
    await send(token, 'DISCONNECT');
    const queueView = await server.call<{ status: { waiting: number } }>(
      'GET',
      `${acme}/queues/q1`,
    );
    expect(queueView.body.status.waiting).toBe(0);
  });

  it('[errors] bad input, a wrong token, another customer and a chat before CONNECT have stable codes', async () => {
    await start();
    const token = await apply();
    const bad = await hwCall('POST', 'send', token, { ...message('CHAT'), mediaType: 'STICKER' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      resultCode: 'invalid_command',
      error: { code: 'invalid_command' },
    });
    const unknown = await hwCall('POST', 'send', 'no-such-token', message('CONNECT'));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ resultCode: 'unauthorized' });
    const other = await hwCall('POST', 'send', token, { ...message('CONNECT'), from: 'u2' });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ resultCode: 'forbidden' });
    const early = await hwCall('POST', 'send', token, message('CHAT', 'TEXT', 'hello?'));
    expect(early.status).toBe(404);
    expect(early.body).toMatchObject({ resultCode: 'contact_not_found' });
    const file = await hwCall('POST', 'uploadFileStream', token, {
      fileType: 'exe',
      fileStream: 'AAAA',
      channel: 'WEB',
    });
    expect(file.body).toMatchObject({ resultCode: 'contact_not_found' });
    const noQueue = await server.call('POST', hw('applyToken'), {
      userId: 'u1',
      userName: 'Mia',
      channelId: 'nope',
    });
    expect(noQueue.body).toMatchObject({ resultCode: 'queue_not_found' });
  });

  it('[auth] applyToken takes a customer token for its own userId only, and nothing without a credential', async () => {
    await start();
    const minted = await server.call<{ token: string }>('POST', `${acme}/tokens`, {
      role: 'customer',
      subject: 'u1',
    });
    const body = { userId: 'u1', userName: 'Mia', channelId: 'q1' };
    const own = await server.call('POST', hw('applyToken'), body, { as: minted.body.token });
    expect(own.body).toMatchObject({ resultCode: '0' });
    const other = await server.call(
      'POST',
      hw('applyToken'),
      { ...body, userId: 'u2' },
      {
        as: minted.body.token,
      },
    );
    expect(other.status).toBe(403);
    const none = await server.call('POST', hw('applyToken'), body, { as: null });
    expect(none.status).toBe(401);
  });
});

describe('FAQ robot', () => {
  it('[robot] a handover phrase first, then the exact question, then most keywords, else the fallback', () => {
    expect(faq.reply('I want to talk to a person').kind).toBe('handover');
    expect(faq.reply('where is my card?')).toEqual({
      kind: 'answer',
      text: 'Block it in the app.',
    });
    expect(faq.reply('营业时间是什么')).toEqual({ kind: 'answer', text: '9 to 5.' });
    expect(faq.reply('weather?').kind).toBe('unknown');
  });

  it('[robot] the faqFile setting reads a file into a robot; a missing file is a one-line mistake', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lineup-faq-'));
    try {
      const file = join(dir, 'faq.json');
      await writeFile(
        file,
        JSON.stringify({ entries: [{ question: 'Fees?', keywords: ['fee'], answer: 'None.' }] }),
      );
      const loaded = loadFaqRobot(file);
      expect(loaded.ok && loaded.robot.reply('any fee?')).toEqual({
        kind: 'answer',
        text: 'None.',
      });
      const missing = loadFaqRobot(join(dir, 'nope.json'));
      expect(missing.ok).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('[robot] an FAQ file with a mistake is refused, naming the field', () => {
    const parsed = parseFaq(JSON.stringify({ entries: [{ question: 'q' }] }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('/entries/0');
    expect(parseFaq('{').ok).toBe(false);
  });
});

function faqHandover(): string {
  const reply = faq.reply('转人工');
  return reply.text;
}
