import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import type { ChatMessage, ChatReadMessage, ContactId, OfferId } from '@lineup/protocol';
import { LineupAgent, attachmentBytesMax } from '@lineup/sdk';
import { sees, snapshot, startStage, waitMsMax, type OpenOptions, type Stage } from './harness.ts';

/*
 * The customer widget's leave-a-message, read receipts and files, in a real
 * browser against the real `lineup serve` with its demo: a queue nobody
 * serves and a closed one take a message the operator then reads; the agent
 * (through the SDK in Node, as an agent's own tool would) reads the
 * customer's message and the widget shows "Read"; the customer sends a PNG
 * the agent receives, and a file past the limit is refused before upload.
 */

let stage: Stage;
/** What afterAll stops besides the stage, last started first. */
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  stage = await startStage({ width: 390, height: 800 });
  // A queue nobody serves that takes messages (R11), and one that is always closed (R16).
  for (const queue of [
    { id: 'after-hours', name: 'After hours', channels: ['chat'], whenEmpty: 'leaveMessage' },
    {
      id: 'holidays',
      name: 'Holidays',
      channels: ['chat'],
      hours: { timeZone: 'UTC', weekly: [], holidays: [] },
      whenClosed: 'leaveMessage',
    },
  ]) {
    const created = await stage.server.call('POST', '/v1/tenants/demo/queues', queue);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
}, 180_000);
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await stage.stop();
  expect(stage.pageErrors).toEqual([]);
});

const open = (url: string, options?: OpenOptions): Promise<Page> => stage.open(url, options);

const link = (name: string): string => stage.link(name);

/** The messages left for a queue, as its operator reads them. */
async function messagesOf(queueId: string): Promise<{ customer: object; text: string }[]> {
  const page = await stage.server.call('GET', `/v1/tenants/demo/queues/${queueId}/messages`);
  expect(page.status).toBe(200);
  return (page.body as { messages: { customer: object; text: string }[] }).messages;
}

describe('leave a message', () => {
  it('[R11] joining a queue nobody serves is deflected; the customer leaves a message the queue reads', async () => {
    const customer = await open(link('widget'));
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await sees(customer.locator('.queue'), /After hours\s*Nobody is available right now/);
    await customer.getByRole('button', { name: 'Chat with After hours' }).click();
    // The deflection says why and offers the message instead of a place in line.
    await customer.locator('.notice').waitFor({ state: 'visible', timeout: waitMsMax });
    await customer.getByRole('button', { name: 'Leave a message', exact: true }).click();

    const form = customer.getByRole('form', { name: 'Leave a message for After hours' });
    await form.getByLabel('Your name (optional)').fill('Mia');
    await form.getByLabel('Your message').fill('Please call me about my order.');
    await form.getByRole('button', { name: 'Send message' }).click();
    await sees(form.getByRole('alert'), 'Give a phone number or an e-mail address');
    await form.getByLabel('Phone number or e-mail').fill('+49 30 555');
    await form.getByRole('button', { name: 'Send message' }).click();
    await sees(customer.getByRole('status'), 'Thank you — your message was sent');
    await sees(customer.getByRole('status'), '+49 30 555');

    expect(await messagesOf('after-hours')).toMatchObject([
      { customer: { name: 'Mia', number: '+49 30 555' }, text: 'Please call me about my order.' },
    ]);
    await customer.context().close();
  });

  it('[R16] a closed queue offers only a message; it is kept with the e-mail address', async () => {
    const customer = await open(link('widget'));
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await sees(customer.locator('.queue'), /Holidays\s*Closed now/);
    expect(await customer.getByRole('button', { name: 'Chat with Holidays' }).count()).toBe(0);
    await customer.getByRole('button', { name: 'Leave a message for Holidays' }).click();
    const form = customer.getByRole('form', { name: 'Leave a message for Holidays' });
    await form.getByLabel('Phone number or e-mail').fill('mia@example.com');
    await form.getByLabel('Your message').fill('When do you open again?');
    await form.getByRole('button', { name: 'Send message' }).click();
    await sees(customer.getByRole('status'), 'We will answer you at mia@example.com.');

    expect(await messagesOf('holidays')).toMatchObject([
      { customer: { email: 'mia@example.com' }, text: 'When do you open again?' },
    ]);
    await customer.context().close();
  });
});

describe('waiting for a video agent', () => {
  it('[web] the widget announces the place at the interval the queue sets, and never when it says 0', async () => {
    for (const queue of [
      { id: 'video-talk', name: 'Video talk', positionAnnouncementEveryMs: 1_000 },
      { id: 'video-quiet', name: 'Video quiet', positionAnnouncementEveryMs: 0 },
    ]) {
      const created = await stage.server.call('POST', '/v1/tenants/demo/queues', {
        ...queue,
        channels: ['video'],
        whenEmpty: 'wait',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const join = async (name: string): Promise<Page> => {
      const customer = await open(link('widget'));
      await customer.getByRole('button', { name: 'Chat with us' }).click();
      await customer.getByRole('button', { name: `Video call with ${name}` }).click();
      await sees(customer.locator('.place'), /^You are next/);
      return customer;
    };
    const talk = await join('Video talk');
    await sees(talk.locator('.queue-announcement'), 'You are next');
    const quiet = await join('Video quiet');
    const music = quiet.locator('.queue-announcement');
    await music.waitFor({ state: 'visible', timeout: waitMsMax });
    // Two of the other queue's intervals pass: the quiet queue plays music and says nothing more.
    await quiet.waitForTimeout(2_000);
    expect(await music.textContent()).not.toContain('You are');
    await talk.context().close();
    await quiet.context().close();
  });
});

/** The token in a sign-in link's fragment. */
const tokenOf = (name: string): string => new URL(link(name)).hash.replace('#token=', '');

/**
 * A page standing for a customer's web site: its own <html lang>, and the
 * widget's one script tag with the demo customer's token and, if given, data-lang.
 */
function shopPage(pageLanguage: string, widgetLanguage?: string): string {
  const lang = widgetLanguage === undefined ? '' : ` data-lang="${widgetLanguage}"`;
  return `<!doctype html><html lang="${pageLanguage}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body><h1>Shop</h1><script src="/widget/widget.js" data-token="${tokenOf('widget')}"${lang} defer></script></body></html>`;
}

describe('in Chinese, at phone width', () => {
  beforeAll(async () => {
    // Chen serves Support and is logged in, not ready: Support is online and a customer waits.
    const chen = new LineupAgent({
      url: stage.server.url,
      token: tokenOf('agent chen'),
      WebSocket,
    });
    stops.push(() => {
      chen.close();
      return Promise.resolve();
    });
    await chen.logIn('Break');
  });

  it('[web] on a page in Chinese the widget speaks Chinese: the queues, the place in line, the way out', async () => {
    const customer = await open(`${stage.server.url}/shop/zh.html`, {
      hostHtml: shopPage('zh-CN'),
    });
    await customer.getByRole('button', { name: '在线咨询' }).click();
    const panel = customer.getByRole('dialog', { name: '在线咨询' });
    await sees(panel.getByRole('heading', { level: 2 }), '有什么可以帮您？');
    await sees(customer.locator('.queue'), /Support\s*无人等待/);
    await customer.getByLabel('您的姓名（选填）').fill('李华');
    await customer.getByRole('button', { name: '咨询Support' }).click();
    await sees(customer.locator('.place'), /^您是下一位/);
    await sees(customer.getByRole('button', { name: '改为回电' }), '改为回电');
    // At phone width the panel fits the screen.
    const box = await panel.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await snapshot(customer, 'widget-zh-waiting');

    // The switch turns the same place into English, and back.
    await customer.getByRole('combobox', { name: /Language/ }).selectOption('en');
    await sees(customer.locator('.place'), /^You are next/);
    await customer.getByRole('combobox', { name: /语言/ }).selectOption('zh');
    await sees(customer.locator('.place'), /^您是下一位/);

    await customer.getByRole('button', { name: '退出排队' }).click();
    await sees(panel.getByRole('heading', { level: 2 }), '有什么可以帮您？');
    await customer.context().close();
  });

  it("[web] the script's data-lang overrides the page's language; the person's own choice overrides both, across a reload", async () => {
    const customer = await open(`${stage.server.url}/shop/en.html`, {
      hostHtml: shopPage('en', 'zh'),
    });
    await customer.getByRole('button', { name: '在线咨询' }).click();
    await sees(customer.getByRole('heading', { level: 2 }), '有什么可以帮您？');
    await customer.getByRole('combobox', { name: /Language/ }).selectOption('en');
    await sees(customer.getByRole('heading', { level: 2 }), 'How can we help?');
    await customer.reload();
    await sees(customer.getByRole('heading', { level: 2 }), 'How can we help?');
    await customer.context().close();
  });
});

/** The next chat message or read receipt the agent hears, bounded. */
function nextHeard<K extends 'chat' | 'chatRead'>(
  agent: LineupAgent,
  name: K,
  isIt: (message: K extends 'chat' ? ChatMessage : ChatReadMessage) => boolean,
): Promise<K extends 'chat' ? ChatMessage : ChatReadMessage> {
  type Heard = K extends 'chat' ? ChatMessage : ChatReadMessage;
  return new Promise<Heard>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the agent heard no matching ${name} within ${waitMsMax} ms`));
    }, waitMsMax);
    const stop = agent.on(name, (message: ChatMessage | ChatReadMessage) => {
      if (!isIt(message as Heard)) return;
      clearTimeout(timer);
      stop();
      resolve(message as Heard);
    });
  });
}

/** A 1×1 red PNG. */
const pngBytes = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

describe('chat: read receipts and files', () => {
  let customer: Page;
  let agent: LineupAgent;
  let contactId: ContactId;
  let files: string;

  beforeAll(async () => {
    files = await mkdtemp(join(tmpdir(), 'lineup-widget-files-'));
    stops.push(() => rm(files, { recursive: true, force: true }));
    // Ada works through the SDK in Node with her demo link's token, as an agent's own tool would.
    const token = new URL(link('agent ada')).hash.replace('#token=', '');
    agent = new LineupAgent({ url: stage.server.url, token, WebSocket });
    stops.push(() => {
      agent.close();
      return Promise.resolve();
    });
    await agent.logIn();
    const offered = new Promise<OfferId>((resolve) => {
      const stop = agent.on('offerCreated', (event) => {
        stop();
        resolve(event.offerId);
      });
    });
    customer = await open(link('widget'));
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name (optional)').fill('Mia');
    await customer.getByRole('button', { name: 'Chat with Support' }).click();
    const accepted = await agent.acceptOffer(await offered);
    const assigned = accepted.events.find((event) => event.type === 'contactAssigned');
    if (assigned?.type !== 'contactAssigned') throw new Error('accepting assigned nothing');
    contactId = assigned.contactId;
    await sees(customer.locator('.with-agent'), 'You are chatting with Ada');
  });

  it("[web] the customer's message shows Read once the agent read it; the customer's page reads the agent's", async () => {
    const heard = nextHeard(
      agent,
      'chat',
      (message) => message.message.text === 'Is my order late?',
    );
    await customer.getByLabel('Message').fill('Is my order late?');
    await customer.getByRole('button', { name: 'Send' }).click();
    const { message } = await heard;
    const mine = customer.locator('.message.mine').filter({ hasText: 'Is my order late?' });
    await mine.waitFor({ state: 'visible', timeout: waitMsMax });
    expect(await mine.locator('.message-read').count()).toBe(0);

    await agent.markRead(contactId, message.seq);
    await sees(mine, 'Read');

    // The agent answers; the widget, open and visible, tells the agent it was read.
    const read = nextHeard(agent, 'chatRead', (receipt) => receipt.by.role === 'customer');
    const answer = await agent.sendChat(contactId, { text: 'No, it ships today.' });
    await sees(customer.locator('.message.theirs'), 'No, it ships today.');
    expect((await read).upToSeq).toBe(answer.seq);
  });

  it('[web] the customer attaches a PNG: it shows as a thumbnail, and the agent receives the file', async () => {
    const path = join(files, 'dot.png');
    await writeFile(path, pngBytes);
    const heard = nextHeard(agent, 'chat', (message) => message.message.attachment !== null);
    await customer.getByLabel('Attach a file').setInputFiles(path);
    const { message: entry } = await heard;
    expect(entry.attachment).toMatchObject({
      name: 'dot.png',
      contentType: 'image/png',
      bytes: pngBytes.length,
    });
    const received = Buffer.from(
      await (await agent.downloadAttachment(entry.attachment?.id ?? '')).arrayBuffer(),
    );
    expect(received.equals(pngBytes)).toBe(true);

    const thumbnail = customer.locator('.message.mine img[alt="dot.png"]');
    await thumbnail.waitFor({ state: 'visible', timeout: waitMsMax });
    expect(
      await thumbnail.evaluate(
        (image) => (image as unknown as { naturalWidth: number }).naturalWidth,
      ),
    ).toBe(1);
  });

  it('[web] a file that is not an image shows as a download link with its size', async () => {
    const path = join(files, 'order.txt');
    await writeFile(path, 'order 42');
    await customer.getByLabel('Attach a file').setInputFiles(path);
    const link = customer.locator('.message.mine a[download="order.txt"]');
    await sees(link, 'order.txt (8 bytes)');
  });

  it('[web] a file past the limit is refused with a message before any upload', async () => {
    const path = join(files, 'video.bin');
    await writeFile(path, Buffer.alloc(attachmentBytesMax + 1));
    const uploads: string[] = [];
    customer.on('request', (request) => {
      if (request.url().includes('/attachments')) uploads.push(request.url());
    });
    const before = await customer.locator('.message.mine').count();
    await customer.getByLabel('Attach a file').setInputFiles(path);
    await sees(
      customer.getByRole('alert'),
      'video.bin is too large to send (10.0 MB); a file may be up to 10.0 MB.',
    );
    expect(uploads).toEqual([]);
    expect(await customer.locator('.message.mine').count()).toBe(before);
  });
});
