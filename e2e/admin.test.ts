import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sees, snapshot, startStage, waitMsMax, type Stage } from './harness.ts';

/*
 * The wallboard's admin page (/wallboard/#admin), in a real browser against
 * the real `lineup serve` with its demo, signed in with the wallboard's
 * supervisor token: a queue and an agent are created and changed, the agent
 * is given the queue with a priority (and serves it from its own desktop),
 * an API key and a webhook are created (secrets shown once) and removed.
 * Every change is checked over REST, where the page made it.
 */

let stage: Stage;
let admin: Page;
const demo = '/v1/tenants/demo';

beforeAll(async () => {
  stage = await startStage({ width: 1280, height: 1000 });
}, 180_000);
afterAll(async () => {
  await stage.stop();
});

/** A REST read with the operator key that must succeed; its body. */
async function read<T>(path: string): Promise<T> {
  const reply = await stage.server.call('GET', `${demo}${path}`);
  expect(reply.status, `GET ${path}: ${JSON.stringify(reply.body)}`).toBe(200);
  return reply.body as T;
}

describe('the admin page', () => {
  it('[web] the wallboard opens its admin page with the same sign-in', async () => {
    admin = await stage.open(stage.link('wallboard'));
    await admin.getByRole('link', { name: 'Administration' }).click();
    await sees(admin.getByRole('heading', { level: 1 }), 'Administration');
    const queues = admin.getByRole('region', { name: 'Queues' });
    await sees(queues.getByRole('row'), /sales\s*Sales/);
    await sees(admin.getByRole('region', { name: 'Agents' }).getByRole('row'), /ada/);
  });

  it('[web] a queue is created, its settings changed, and a queue with contacts cannot be deleted', async () => {
    const form = admin.getByRole('form', { name: 'New queue' });
    await form.getByLabel('Id', { exact: true }).fill('billing');
    await form.getByLabel('Name', { exact: true }).fill('Billing');
    await form.getByLabel('Wrap-up (s)').fill('30');
    await form.getByLabel('Callbacks allowed').uncheck();
    await form.getByRole('button', { name: 'Create queue' }).click();
    const queues = admin.getByRole('region', { name: 'Queues' });
    await sees(queues.getByRole('row'), /billing\s*Billing/);
    expect(await read(`/queues/billing`)).toMatchObject({
      name: 'Billing',
      channels: ['chat'],
      wrapUpMs: 30_000,
      callbacks: { isAllowed: false },
    });

    await queues.getByRole('button', { name: 'Edit queue Billing' }).click();
    const edit = admin.getByRole('form', { name: 'Edit queue billing' });
    await edit.getByLabel('Name', { exact: true }).fill('Billing & invoices');
    await edit.getByLabel('Offer timeout (s)').fill('45');
    await edit.getByLabel('voice').check();
    await edit.getByLabel('Announce the place every (s, 0 = never)').fill('60');
    await edit.getByLabel(/^Answer greeting/).fill('Agent {agent} will help you with your bill.');
    await edit.getByRole('button', { name: 'Save queue' }).click();
    await edit.waitFor({ state: 'detached', timeout: waitMsMax });
    expect(await read(`/queues/billing`)).toMatchObject({
      name: 'Billing & invoices',
      offerTimeoutMs: 45_000,
      channels: ['chat', 'voice'],
      positionAnnouncementEveryMs: 60_000,
      answerGreeting: 'Agent {agent} will help you with your bill.',
    });

    // A queue with a waiting contact is refused with the server's words.
    const joined = await stage.server.call('POST', `${demo}/contacts`, {
      queueId: 'support',
      channel: 'chat',
      customer: { id: 'cust-w', type: 'normal' },
    });
    expect(joined.status).toBe(201);
    await queues.getByRole('button', { name: 'Delete queue Support' }).click();
    await sees(admin.getByRole('alert'), /waiting|not empty|contacts/i);
    expect((await read<{ id: string }>('/queues/support')).id).toBe('support');
  });

  it('[web] an agent is created, given a queue with a priority, and serves it from its desktop', async () => {
    const form = admin.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Id', { exact: true }).fill('eve');
    await form.getByLabel('Name', { exact: true }).fill('Eve');
    await form.getByLabel('Chats at once').fill('2');
    await form.getByRole('button', { name: 'Create agent' }).click();
    const agents = admin.getByRole('region', { name: 'Agents' });
    await sees(agents.getByRole('row'), /eve/);
    expect(await read('/agents/eve')).toMatchObject({ name: 'Eve', capacity: { chat: 2 } });

    await agents.getByRole('button', { name: 'Queues of eve' }).click();
    const assignments = admin.getByRole('region', { name: 'Queues of Eve' });
    await assignments.getByRole('combobox').selectOption({ label: 'Billing & invoices' });
    await assignments.getByLabel('Priority', { exact: true }).fill('5');
    await assignments.getByRole('button', { name: 'Assign' }).click();
    await sees(assignments.getByRole('listitem'), 'Billing & invoices');
    expect(await read('/agents/eve/assignments')).toEqual({
      items: [{ queueId: 'billing', priority: 5, isServing: false }],
    });
    await assignments.getByLabel('Priority in Billing & invoices').fill('7');
    await assignments.getByRole('button', { name: 'Save priority' }).click();
    await expect
      .poll(() => read('/agents/eve/assignments'), { timeout: waitMsMax })
      .toEqual({ items: [{ queueId: 'billing', priority: 7, isServing: false }] });
    await snapshot(admin, 'admin-agents');

    // Eve's own desktop lists the queue; she turns it on, with the priority the admin gave.
    const minted = await stage.server.call('POST', `${demo}/tokens`, {
      role: 'agent',
      subject: 'eve',
    });
    const { token } = minted.body as { token: string };
    const desk = await stage.open(`${stage.server.url}/agent/#token=${token}`);
    const serve = desk
      .getByRole('region', { name: 'Your queues' })
      .getByLabel('Serve Billing & invoices');
    await serve.click();
    await expect.poll(() => serve.isChecked(), { timeout: waitMsMax }).toBe(true);
    expect(await read('/agents/eve')).toMatchObject({
      memberships: [{ queueId: 'billing', priority: 7 }],
    });
    // A queue the admin assigns now shows on Eve's open desktop, without a reload.
    await assignments.getByRole('combobox').selectOption({ label: 'Sales' });
    await assignments.getByLabel('Priority', { exact: true }).fill('3');
    await assignments.getByRole('button', { name: 'Assign' }).click();
    const serveSales = desk.getByRole('region', { name: 'Your queues' }).getByLabel('Serve Sales');
    await serveSales.waitFor({ timeout: waitMsMax });
    expect(await serveSales.isChecked()).toBe(false);
    await assignments.getByRole('button', { name: 'Take away Sales' }).click();
    await serveSales.waitFor({ state: 'detached', timeout: waitMsMax });
    await desk.close();

    await assignments.getByRole('button', { name: 'Take away Billing & invoices' }).click();
    await expect
      .poll(() => read('/agents/eve'), { timeout: waitMsMax })
      .toMatchObject({ memberships: [] });
    await agents.getByLabel('Name of eve').fill('Eve Adams');
    await agents.getByRole('button', { name: 'Save agent eve' }).click();
    await expect
      .poll(() => read('/agents/eve'), { timeout: waitMsMax })
      .toMatchObject({ name: 'Eve Adams' });
    await agents.getByRole('button', { name: 'Remove agent eve' }).click();
    await expect
      .poll(async () => (await stage.server.call('GET', `${demo}/agents/eve`)).status)
      .toBe(404);
  });

  it('[web] an API key and a webhook are created, their secrets shown once, and removed', async () => {
    const keys = admin.getByRole('region', { name: 'API keys' });
    const keyForm = keys.getByRole('form', { name: 'New API key' });
    await keyForm.getByLabel('What uses it').fill('CRM back-end');
    await keyForm.getByLabel('contacts').check();
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    await sees(keys.getByRole('status'), /lk_/);
    const key = (await keys.getByRole('status').locator('code').innerText()).trim();
    // The key works: it reads the tenant's queues.
    const withKey = await fetch(`${stage.server.url}${demo}/queues`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(withKey.status).toBe(200);
    await sees(keys.getByRole('row'), /CRM back-end\s*contacts, read/);
    await keys.getByRole('button', { name: 'Revoke key CRM back-end' }).click();
    await keys.getByRole('row', { name: /CRM back-end/ }).waitFor({ state: 'detached' });
    const revoked = await fetch(`${stage.server.url}${demo}/queues`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(revoked.status).toBe(401);

    const hooks = admin.getByRole('region', { name: 'Webhooks' });
    const hookForm = hooks.getByRole('form', { name: 'New webhook' });
    await hookForm.getByLabel('Address (http or https)').fill('http://127.0.0.1:9/lineup');
    await hookForm.getByLabel('Event types').fill('contactQueued, contactCompleted');
    await hookForm.getByLabel('What for (optional)').fill('CRM');
    await hookForm.getByRole('button', { name: 'Create webhook' }).click();
    await sees(hooks.getByRole('status'), /whsec_/);
    expect(await read('/webhooks')).toMatchObject({
      items: [
        {
          url: 'http://127.0.0.1:9/lineup',
          eventTypes: ['contactQueued', 'contactCompleted'],
          description: 'CRM',
        },
      ],
    });
    await snapshot(admin, 'admin-access');
    await hooks.getByRole('button', { name: 'Delete webhook http://127.0.0.1:9/lineup' }).click();
    await expect.poll(() => read('/webhooks'), { timeout: waitMsMax }).toEqual({ items: [] });
  });

  it('[web] the admin page speaks Chinese once chosen with its switch', async () => {
    await admin.getByRole('combobox', { name: /语言/ }).selectOption('zh');
    await sees(admin.getByRole('heading', { level: 1 }), '管理');
    await sees(admin.getByRole('region', { name: '队列' }).getByRole('row'), /sales\s*Sales/);
    await sees(admin.getByRole('form', { name: '新建队列' }), '允许回呼');
    await sees(admin.getByRole('region', { name: 'API 密钥' }), '创建密钥');
    await snapshot(admin, 'admin-chinese');
  });

  it('[web] no page threw an error', () => {
    expect(stage.pageErrors).toEqual([]);
  });
});
