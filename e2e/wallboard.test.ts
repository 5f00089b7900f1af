import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sees, snapshot, startStage, type Stage } from './harness.ts';

/*
 * The wallboard's own journey, in a real browser against the real `lineup
 * serve`: its chart starts with the hour before the page was opened (the
 * server's minute samples); it speaks the supervisor's browser language
 * (Chinese here) and switches to English; its numbers follow the line as
 * contacts join and leave, and a customer in the widget sees its place move.
 */

let stage: Stage;

beforeAll(async () => {
  stage = await startStage({ width: 1200, height: 900 });
}, 180_000);
afterAll(async () => {
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

  it('[R13] the numbers follow the line, and a waiting customer sees its place move', async () => {
    await callerJoins('c-2');
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^2/);
    customer = await stage.open(stage.link('widget'));
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name (optional)').fill('Mia');
    await customer.getByRole('button', { name: 'Chat with Support' }).click();
    await sees(customer.locator('.place'), /^You are 3rd/);
    // Nobody is logged in to serve Support: the tile turns red, which a screen reader hears too.
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^3 \(alert\)$/);
    await snapshot(wallboard, 'wallboard-three-waiting');
    await snapshot(customer, 'widget-third');

    await callerLeaves('early-3');
    await sees(customer.locator('.place'), /^You are 2nd/);
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^2/);
    await callerLeaves('c-2');
    await sees(customer.locator('.place'), /^You are next/);
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
