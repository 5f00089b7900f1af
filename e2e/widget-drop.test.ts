import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page, WebSocket as PageSocket } from 'playwright-core';
import WebSocket from 'ws';
import type { ContactId, OfferId } from '@lineup/protocol';
import { LineupAgent } from '@lineup/sdk';
import { sees, startStage, waitMsMax, type Stage } from './harness.ts';

/*
 * The customer widget through a network drop, in a real browser against the
 * real `lineup serve`: Chrome's own network emulation cuts the page off (in
 * Debian's chromium that closes the open WebSocket, and new ones fail until
 * it is back). Within the server's grace period the SDK resumes the same
 * session: same contact, same place, and the agent's messages sent meanwhile
 * shown once, in order. Past it the customer is told the place was lost.
 */

/** The server's grace period here: short, so that a drop can outlast it in a test. */
const graceMs = 4_000;

let stage: Stage;
let configDirectory: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  configDirectory = await mkdtemp(join(tmpdir(), 'lineup-widget-drop-'));
  const config = join(configDirectory, 'lineup.json');
  await writeFile(config, JSON.stringify({ socket: { graceMs } }));
  stage = await startStage({ width: 390, height: 800 }, { serverArgs: ['--config', config] });
}, 180_000);
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await stage.stop();
  await rm(configDirectory, { recursive: true, force: true });
  expect(stage.pageErrors).toEqual([]);
});

const tokenOf = (name: string): string => new URL(stage.link(name)).hash.replace('#token=', '');

/** What the page's WebSockets to /v1/ws did: each one's welcome and whether it closed. */
interface SocketLog {
  welcomes: { isResumed: boolean; isGap: boolean; sessionId: string }[];
  closed: number;
}

function watchSockets(page: Page): SocketLog {
  const log: SocketLog = { welcomes: [], closed: 0 };
  page.on('websocket', (socket: PageSocket) => {
    if (!socket.url().endsWith('/v1/ws')) return;
    socket.on('framereceived', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { type: string };
      if (message.type === 'welcome')
        log.welcomes.push(message as SocketLog['welcomes'][number] & { type: string });
    });
    socket.on('close', () => {
      log.closed += 1;
    });
  });
  return log;
}

/** Waits, bounded, until a condition holds (asked every 100 ms). */
async function until(what: string, isTrue: () => boolean | Promise<boolean>): Promise<void> {
  const deadlineMs = Date.now() + waitMsMax;
  while (!(await isTrue())) {
    if (Date.now() > deadlineMs) throw new Error(`${what} did not happen within ${waitMsMax} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function setOffline(network: CDPSession, isOffline: boolean): Promise<void> {
  await network.send('Network.emulateNetworkConditions', {
    offline: isOffline,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
}

/** The contact the widget keeps for a reload (its sessionStorage). */
async function keptContactId(page: Page): Promise<string | undefined> {
  // A string, evaluated in the page: this file's types know no DOM.
  const text = await page.evaluate<string | null>(
    "window.sessionStorage.getItem('lineup.widget.contact')",
  );
  return text === null ? undefined : (JSON.parse(text) as { contactId: string }).contactId;
}

/** The contact's status as the server has it, or null once it is no longer live. */
async function contactStatus(contactId: string): Promise<string | null> {
  const answer = await stage.server.call('GET', `/v1/tenants/demo/contacts/${contactId}`);
  if (answer.status === 404) return null;
  expect(answer.status).toBe(200);
  return (answer.body as { status: string }).status;
}

describe('a network drop', () => {
  let agent: LineupAgent;

  beforeAll(async () => {
    // Ada works through the SDK in Node with her demo link's token, as an agent's own tool would.
    agent = new LineupAgent({ url: stage.server.url, token: tokenOf('agent ada'), WebSocket });
    stops.push(() => {
      agent.close();
      return Promise.resolve();
    });
    await agent.logIn();
  });

  it("[web] within the grace period the chat resumes: same contact, the agent's messages meanwhile shown once, in order", async () => {
    const offered = new Promise<OfferId>((resolve) => {
      const stop = agent.on('offerCreated', (event) => {
        stop();
        resolve(event.offerId);
      });
    });
    const customer = await stage.open(stage.link('widget'));
    const sockets = watchSockets(customer);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByRole('button', { name: 'Chat with Support' }).click();
    const accepted = await agent.acceptOffer(await offered);
    const assigned = accepted.events.find((event) => event.type === 'contactAssigned');
    if (assigned?.type !== 'contactAssigned') throw new Error('accepting assigned nothing');
    const contactId: ContactId = assigned.contactId;
    await sees(customer.locator('.with-agent'), 'You are chatting with Ada');
    await agent.sendChat(contactId, { text: 'Hello, how can I help?' });
    await sees(customer.locator('.message.theirs'), 'Hello, how can I help?');

    // Chrome's offline emulation leaves the open socket open; the widget drops it on the
    // browser's `offline` event, and new sockets fail until the network is back.
    const network = await customer.context().newCDPSession(customer);
    await setOffline(network, true);
    await until('the socket closing', () => sockets.closed >= 1);
    await sees(customer.locator('.connection'), 'Connection lost — reconnecting…');
    await agent.sendChat(contactId, { text: 'Are you still there?' });
    await agent.sendChat(contactId, { text: 'Your order ships today.' });
    await setOffline(network, false);

    await until('a welcome after the drop', () => sockets.welcomes.length >= 2);
    expect(sockets.welcomes[1]).toMatchObject({
      isResumed: true,
      isGap: false,
      sessionId: sockets.welcomes[0]?.sessionId,
    });
    await sees(customer.locator('.message.theirs').last(), 'Your order ships today.');
    expect(await customer.locator('.message.theirs').allInnerTexts()).toEqual([
      expect.stringContaining('Hello, how can I help?'),
      expect.stringContaining('Are you still there?'),
      expect.stringContaining('Your order ships today.'),
    ]);
    await customer.locator('.connection').waitFor({ state: 'detached', timeout: waitMsMax });
    await sees(customer.locator('.with-agent'), 'You are chatting with Ada');
    expect(await keptContactId(customer)).toBe(contactId);
    expect(await contactStatus(contactId)).toBe('assigned');
    await agent.completeContact(contactId);
    await customer.context().close();
  });

  it('[web] in Chinese: a short drop keeps the place in line; one past the grace period loses it, and the customer may join again', async () => {
    await agent.setPresence('notReady', 'Break');
    const customer = await stage.open(stage.link('widget'));
    const sockets = watchSockets(customer);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByRole('combobox', { name: /Language/ }).selectOption('zh');
    await customer.getByRole('button', { name: '咨询Support' }).click();
    await sees(customer.locator('.place'), /^您是下一位/);
    const contactId = await keptContactId(customer);
    if (contactId === undefined) throw new Error('the widget kept no contact');

    const network = await customer.context().newCDPSession(customer);
    await setOffline(network, true);
    await sees(customer.locator('.connection'), '连接中断，正在重新连接…');
    await setOffline(network, false);
    await customer.locator('.connection').waitFor({ state: 'detached', timeout: waitMsMax });
    expect(sockets.welcomes[1]).toMatchObject({ isResumed: true, isGap: false });
    await sees(customer.locator('.place'), /^您是下一位/);
    expect(await keptContactId(customer)).toBe(contactId);
    expect(await contactStatus(contactId)).toBe('queued');

    // Away past the grace period: the server abandons the contact, which is no longer live.
    await setOffline(network, true);
    await sees(customer.locator('.connection'), '连接中断，正在重新连接…');
    await until(
      'the contact being abandoned',
      async () => (await contactStatus(contactId)) === null,
    );
    await setOffline(network, false);
    await sees(
      customer.getByRole('status').filter({ hasText: '排队位置已失效' }),
      '您离开的时间过长，排队位置已失效。您可以重新排队。',
    );
    expect(sockets.welcomes[2]).toMatchObject({ isResumed: false, isGap: true });

    await customer.getByRole('button', { name: '返回列表' }).click();
    await customer.getByRole('button', { name: '咨询Support' }).click();
    await sees(customer.locator('.place'), /^您是下一位/);
    const again = await keptContactId(customer);
    expect(again).not.toBe(contactId);
    expect(await contactStatus(again ?? '')).toBe('queued');
    await customer.context().close();
  });
});
