import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sees, snapshot, startStage, waitMsMax, type Stage } from './harness.ts';

/*
 * The agent desktop's own features, in a real browser against the real
 * `lineup serve` with its demo: Ada switches the queues she serves on and
 * off (only those assigned to her); she holds two chats at once, in tabs or
 * side by side, each with its own conversation and its own wrap-up; a returning customer's earlier
 * conversation opens from its previous contacts; and she turns a chat into
 * a callback.
 */

let stage: Stage;
const demo = '/v1/tenants/demo';

beforeAll(async () => {
  stage = await startStage({ width: 1280, height: 900 });
}, 180_000);
afterAll(async () => {
  await stage.stop();
});

/** A REST call with the operator key that must succeed; its body. */
async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const reply = await stage.server.call(method, `${demo}${path}`, body);
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply.body;
}

/** The widget's page for a customer of its own (the demo's link is one customer for all). */
async function widgetFor(customerId: string): Promise<Page> {
  const { token } = (await call('POST', '/tokens', { role: 'customer', subject: customerId })) as {
    token: string;
  };
  return stage.open(`${stage.server.url}/widget/#token=${token}`);
}

/** Opens the widget for a customer, gives its name and joins Support. */
async function joinSupport(customerId: string, name: string): Promise<Page> {
  const page = await widgetFor(customerId);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.getByLabel('Your name (optional)').fill(name);
  await page.getByRole('button', { name: 'Chat with Support' }).click();
  return page;
}

const membershipsOf = async (agentId: string) =>
  ((await call('GET', `/agents/${agentId}`)) as { memberships: { queueId: string }[] }).memberships
    .map((membership) => membership.queueId)
    .sort();

describe('the agent desktop', () => {
  let agent: Page;
  let mia: Page;
  let noah: Page;

  it('[web] the agent switches the queues she serves on and off, only those assigned to her', async () => {
    agent = await stage.open(stage.link('agent ada'));
    const queues = agent.getByRole('region', { name: 'Your queues' });
    await sees(queues, 'Serve Sales');
    // A switch shows what the server confirmed: it turns once the agent's memberships change.
    await expect.poll(() => queues.getByLabel('Serve Support').isChecked()).toBe(true);
    await queues.getByLabel('Serve Sales').click();
    await expect.poll(() => membershipsOf('ada'), { timeout: waitMsMax }).toEqual(['support']);
    await expect.poll(() => queues.getByLabel('Serve Sales').isChecked()).toBe(false);
    await queues.getByLabel('Serve Sales').click();
    await expect
      .poll(() => membershipsOf('ada'), { timeout: waitMsMax })
      .toEqual(['sales', 'support']);
    // A queue the admin assigns shows after a reload, off until she turns it on.
    await call('POST', '/queues', { id: 'billing', name: 'Billing', channels: ['chat'] });
    await call('PUT', '/agents/ada/assignments/billing', { priority: 4 });
    await agent.reload();
    await sees(queues, 'Serve Billing');
    expect(await queues.getByLabel('Serve Billing').isChecked()).toBe(false);
    await queues.getByLabel('Serve Billing').click();
    await expect
      .poll(() => membershipsOf('ada'), { timeout: waitMsMax })
      .toEqual(['billing', 'sales', 'support']);
    await snapshot(agent, 'agent-queues');
    // Queues not assigned to her are not hers to serve: the server says so.
    const refused = await stage.server.call('POST', '/v1/tenants/demo/queues', {
      id: 'vip',
      name: 'VIP',
    });
    expect(refused.status).toBe(201);
    const { token } = (await call('POST', '/tokens', { role: 'agent', subject: 'ada' })) as {
      token: string;
    };
    const start = await fetch(`${stage.server.url}${demo}/agents/ada/queues/vip/start-serving`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(start.status).toBe(409);
    expect(await start.json()).toMatchObject({ error: { code: 'queue_not_assigned' } });
  });

  it('[web] two chats at once, in tabs or side by side, each with its own conversation, then a wrap-up for each', async () => {
    await agent.getByRole('button', { name: 'Ready', exact: true }).click();
    mia = await joinSupport('cust-mia', 'Mia');
    const offer = agent.getByRole('alertdialog', { name: 'Incoming chat' });
    await sees(offer, 'Mia');
    await offer.getByRole('button', { name: 'Accept' }).click();
    await sees(mia.locator('.with-agent'), 'You are chatting with Ada');
    noah = await joinSupport('cust-noah', 'Noah');
    await sees(offer, 'Noah');
    await offer.getByRole('button', { name: 'Accept' }).click();
    await sees(noah.locator('.with-agent'), 'You are chatting with Ada');

    const tabs = agent.getByRole('navigation', { name: 'Your conversations' });
    await sees(tabs, '2 of 3 chats');
    await tabs.getByRole('button', { name: 'Mia' }).click();
    await agent.getByLabel('Message').fill('Hello Mia');
    await agent.getByRole('button', { name: 'Send' }).click();
    await tabs.getByRole('button', { name: 'Noah' }).click();
    await sees(agent.locator('.conversation-head h2'), 'Noah');
    await agent.getByLabel('Message').fill('Hello Noah');
    await agent.getByRole('button', { name: 'Send' }).click();
    await sees(mia.locator('.message.theirs'), 'Hello Mia');
    await sees(noah.locator('.message.theirs'), 'Hello Noah');
    await mia.getByLabel('Message').fill('My card is lost');
    await mia.getByRole('button', { name: 'Send' }).click();
    await tabs.getByRole('button', { name: 'Mia' }).click();
    await sees(agent.locator('.message.theirs'), 'My card is lost');
    // Each customer saw only its own conversation.
    expect((await noah.locator('.message').allInnerTexts()).join(' ')).not.toContain('Hello Mia');
    await snapshot(agent, 'agent-two-chats');
    // Side by side, both conversations show at once, each writing to its own customer.
    await tabs.getByRole('button', { name: 'Side by side' }).click();
    const columns = agent.locator('.side-by-side .conversation');
    await expect.poll(() => columns.count()).toBe(2);
    const noahColumn = agent.getByRole('region', { name: 'Conversation with Noah' });
    await noahColumn.getByLabel('Message').fill('Both of you at once');
    await noahColumn.getByRole('button', { name: 'Send' }).click();
    await sees(noah.locator('.message.theirs'), 'Both of you at once');
    await sees(agent.getByRole('region', { name: 'Conversation with Mia' }), 'My card is lost');
    await snapshot(agent, 'agent-side-by-side');
    await tabs.getByRole('button', { name: 'Side by side' }).click();
    await tabs.getByRole('button', { name: 'Mia' }).click();

    await agent.getByRole('button', { name: 'Complete' }).click();
    await sees(agent.locator('.conversation-head h2'), 'Noah');
    await agent.getByRole('button', { name: 'Complete' }).click();
    const miaWrapUp = agent.getByRole('region', { name: 'Wrap-up of Mia' });
    const noahWrapUp = agent.getByRole('region', { name: 'Wrap-up of Noah' });
    await noahWrapUp.waitFor({ state: 'visible', timeout: waitMsMax });
    await miaWrapUp.getByLabel('Outcome').selectOption('Resolved');
    await miaWrapUp.getByRole('button', { name: 'Save wrap-up' }).click();
    await sees(miaWrapUp.getByRole('status'), 'Saved: Resolved');
    await noahWrapUp.getByLabel('Outcome').selectOption('Follow-up');
    await noahWrapUp.getByRole('button', { name: 'Save wrap-up' }).click();
    await sees(noahWrapUp.getByRole('status'), 'Saved: Follow-up');
    const history = (await call('GET', '/customers/cust-noah/contacts')) as {
      contacts: { disposition: { code: string } | null }[];
    };
    expect(history.contacts[0]?.disposition?.code).toBe('Follow-up');
  });

  it('[web] a returning customer: her earlier conversation opens from her previous contacts', async () => {
    await agent.getByRole('button', { name: 'Ready', exact: true }).click();
    mia = await joinSupport('cust-mia', 'Mia');
    const offer = agent.getByRole('alertdialog', { name: 'Incoming chat' });
    await sees(offer, 'Mia');
    await offer.getByRole('button', { name: 'Accept' }).click();
    const previous = agent.getByRole('list', { name: 'Previous contacts' });
    await sees(previous, 'Resolved');
    await previous.getByText('Conversation').click();
    await sees(previous, 'My card is lost');
    await sees(previous, 'Hello Mia');
    await snapshot(agent, 'agent-previous-transcript');
  });

  it('[R10] the agent turns the chat into a callback: it leaves her desk and waits as a callback', async () => {
    await agent.getByRole('button', { name: 'Call back later' }).click();
    const form = agent.getByRole('form', { name: 'Call back later' });
    await form.getByLabel('Number to call').fill('+49 30 5550');
    await form.getByRole('button', { name: 'Convert to callback' }).click();
    // Mia's card from her first contact, saved, is still there: this contact's card is the one
    // still asking for an outcome. Waiting for any card of hers could return the old one.
    const wrapUp = agent
      .getByRole('region', { name: 'Wrap-up of Mia' })
      .filter({ has: agent.getByLabel('Outcome') });
    await wrapUp.waitFor({ state: 'visible', timeout: waitMsMax });
    expect(await wrapUp.getByLabel('Outcome').inputValue()).toBe('Call back');
    await sees(mia.getByRole('status'), 'Ada ended the conversation.');
    const history = (await call('GET', '/customers/cust-mia/contacts')) as {
      contacts: { channel: string; outcome: string | null }[];
    };
    expect(history.contacts[0]).toMatchObject({ channel: 'callback', outcome: null });
  });

  it('[web] the desktop speaks Chinese once chosen with its switch, and keeps it after a reload', async () => {
    await agent.getByRole('combobox', { name: /语言/ }).selectOption('zh');
    await sees(agent.getByRole('heading', { level: 1 }), '坐席工作台');
    const queues = agent.getByRole('region', { name: '您的队列' });
    await sees(queues, '服务 Sales');
    await sees(queues, '优先级 2');
    await agent.reload();
    await sees(agent.getByRole('heading', { level: 1 }), '坐席工作台');
    await sees(agent.getByRole('button', { name: '退出登录' }), '退出登录');
    await snapshot(agent, 'agent-chinese');
  });

  it('[web] no page threw an error', () => {
    expect(stage.pageErrors).toEqual([]);
  });
});
