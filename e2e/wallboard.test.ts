import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import type { OfferId } from '@lineup/protocol';
import { LineupAgent } from '@lineup/sdk';
import { sees, snapshot, startStage, type Stage } from './harness.ts';

/*
 * The wallboard's own journey, in a real browser against the real `lineup
 * serve`: its chart starts with the hour before the page was opened (the
 * server's minute samples); it speaks the supervisor's browser language
 * (Chinese here) and switches to English; its numbers follow the line as
 * contacts join and leave, and a customer in the widget sees its place move,
 * each time with its estimated wait.
 */

let stage: Stage;
let chen: LineupAgent | null = null;

beforeAll(async () => {
  stage = await startStage({ width: 1200, height: 900 });
}, 180_000);
afterAll(async () => {
  chen?.close();
  await stage.stop();
  expect(stage.pageErrors).toEqual([]);
});

const support = '/v1/tenants/demo/contacts';

/** A caller joins Support over REST, as a phone system would. */
async function callerJoins(id: string): Promise<void> {
  const reply = await stage.server.call('POST', support, {
    id,
    queueId: 'support',
    channel: 'voice',
    customer: { id: `caller-${id}`, type: 'normal', number: '+4930555000' },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

async function callerLeaves(id: string): Promise<void> {
  const reply = await stage.server.call('POST', `${support}/${id}/leave`);
  expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
}

/** A number on the wallboard's tile of a queue. */
const tileMetric = (page: Page, queue: string, metric: string) =>
  page.getByRole('region', { name: queue }).locator(`.metric-${metric} dd`);

describe('the wallboard', () => {
  let wallboard: Page;
  let customer: Page;

  it('[R13] a wallboard opened after a peak charts it: the hour before the page came from the server', async () => {
    for (const id of ['early-1', 'early-2', 'early-3']) await callerJoins(id);
    await callerLeaves('early-1');
    await callerLeaves('early-2');
    // A supervisor whose browser reads Chinese.
    wallboard = await stage.open(stage.link('wallboard'), { locale: 'zh-CN' });
    await sees(wallboard.getByRole('heading', { level: 1 }), '监控大屏');
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^1/);
    const chart = wallboard.getByRole('figure', { name: 'Support最近一小时' });
    // Three waited before the page opened; the page itself only ever saw one.
    await sees(chart, /最多3人等待/);
    // The call screens read Chinese too (docs/web.md, Calls).
    await sees(wallboard.getByRole('region', { name: '通话' }), /暂无通话/);
    await snapshot(wallboard, 'wallboard-zh');
  });

  it('[web] the switch turns the wallboard into English, numbers and chart included', async () => {
    await wallboard.getByRole('combobox', { name: /Language/ }).selectOption('en');
    await sees(wallboard.getByRole('heading', { level: 1 }), 'Wallboard');
    await sees(
      wallboard.getByRole('figure', { name: 'The last hour of Support' }),
      /at most 3 waiting/,
    );
    expect(await wallboard.locator('html').getAttribute('lang')).toBe('en');
  });

  it('[R13] the numbers follow the line, and a waiting customer sees its place move, with its wait', async () => {
    // Chen (through the SDK in Node) takes the caller who waited since before the page opened:
    // with an agent at work, the line's wait can be estimated.
    const token = new URL(stage.link('agent chen')).hash.replace('#token=', '');
    const agent = new LineupAgent({ url: stage.server.url, token, WebSocket });
    chen = agent;
    const offered = new Promise<OfferId>((resolve) => {
      const stop = agent.on('offerCreated', (event) => {
        stop();
        resolve(event.offerId);
      });
    });
    await agent.logIn();
    await agent.acceptOffer(await offered);
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^0$/);
    await sees(tileMetric(wallboard, 'Support', 'busy'), /^1$/);

    await callerJoins('c-2');
    await callerJoins('c-3');
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^2/);
    customer = await stage.open(stage.link('widget'));
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name (optional)').fill('Mia');
    await customer.getByRole('button', { name: 'Chat with Support' }).click();
    const place = customer.locator('.place');
    // The place with its estimated wait in words, each time the line moves.
    await sees(place, /^You are 3rd — (about|less than)/);
    // Chen is busy and nobody is ready: the tile turns amber, which a screen reader hears too.
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^3 \(warning\)$/);
    // The wallboard's EWT (for the next to join) is a time now that an agent works.
    await sees(tileMetric(wallboard, 'Support', 'ewt'), /^\d+:\d\d$/);
    await snapshot(wallboard, 'wallboard-three-waiting');
    await snapshot(customer, 'widget-third');

    await callerLeaves('c-2');
    await sees(place, /^You are 2nd — (about|less than)/);
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^2/);
    await callerLeaves('c-3');
    await sees(place, /^You are next — (about|less than)/);
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^1/);

    // Who waits now: the widget's customer, first.
    await wallboard
      .getByRole('region', { name: 'Support' })
      .getByRole('button', { name: 'Who is waiting' })
      .click();
    await sees(
      wallboard
        .getByRole('region', { name: 'Waiting in Support' })
        .getByRole('row', { name: /Mia/ }),
      /^1\s*Mia\s*Normal\s*Joined/,
    );
  });
});
