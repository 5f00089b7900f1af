import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sees, snapshot, startStage, waitMsMax, type Stage } from './harness.ts';

/*
 * The three web apps in a real browser against the real `lineup serve`, signed
 * in through the links it prints for its demo tenant: a customer joins Support
 * in the widget and sees its place; the wallboard and the agent desktop see
 * the waiting count change; Ada's desktop rings with the offer, she accepts;
 * they chat both ways (with the typing indicator); the customer reloads and
 * keeps the conversation; Ada completes; the customer rates. Each step waits
 * (bounded) for what a person would see on the screen.
 */

let stage: Stage;

beforeAll(async () => {
  stage = await startStage({ width: 1200, height: 800 });
}, 180_000);
afterAll(async () => {
  await stage.stop();
});

const open = (url: string): Promise<Page> => stage.open(url);
const link = (name: string): string => stage.link(name);

/** A number on the wallboard's tile of a queue. */
const tileMetric = (page: Page, queue: string, metric: string) =>
  page.getByRole('region', { name: queue }).locator(`.metric-${metric} dd`);

describe('the web apps', () => {
  let customer: Page;
  let agent: Page;
  let wallboard: Page;
  let second: Page;
  let bo: Page;
  let third: Page;

  it('[web] lineup serve serves the apps with a content security policy, and prints a sign-in link for each', async () => {
    expect([...stage.server.links.keys()].sort()).toEqual([
      'agent ada',
      'agent bo',
      'agent chen',
      'agent dana',
      'wallboard',
      'widget',
    ]);
    for (const path of ['/agent/', '/wallboard/', '/widget/']) {
      const response = await fetch(`${stage.server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    const script = await fetch(`${stage.server.url}/widget/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('[web] the wallboard and the agent desktop sign in by their links; the agent goes not ready with a reason', async () => {
    wallboard = await open(link('wallboard'));
    await sees(wallboard.getByRole('heading', { level: 2 }), 'Support');
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^0$/);
    // The token left the address bar once kept for the tab.
    expect(wallboard.url()).not.toContain('token=');

    agent = await open(link('agent ada'));
    await sees(agent.locator('.who'), 'Ada');
    await agent.getByLabel('Reason for not ready').selectOption('Break');
    await agent.getByRole('button', { name: 'Not ready' }).click();
    await sees(agent.getByLabel('Your state'), 'Not ready — Break');
    await sees(wallboard.getByRole('row', { name: /Ada/ }), 'Not ready — Break');
  });

  it('[web] a customer lists the queues, joins Support in the widget and sees its place in words', async () => {
    customer = await open(link('widget'));
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await sees(customer.locator('.queue'), 'Support');
    await customer.getByLabel('Your name (optional)').fill('Mia');
    await customer.getByRole('button', { name: 'Chat with Support' }).click();
    await sees(customer.locator('.place'), /^You are next/);
    await snapshot(customer, 'widget-waiting');
  });

  it('[web] the wallboard and the agent desktop see the waiting count change', async () => {
    // One waiting and nobody ready: the number turns amber, which a screen reader hears too.
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^1 \(warning\)$/);
    await sees(agent.locator('.waiting-list li'), /Support\s*1/);
    // The tile's chart of the last hour has the peak, drawn and said in words.
    const chart = wallboard.getByRole('figure', { name: 'The last hour of Support' });
    await sees(chart, /at most 1 waiting/);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
  });

  it('[web] the agent goes ready: the offer rings with the customer, queue, wait and countdown; she accepts', async () => {
    await agent.getByRole('button', { name: 'Ready', exact: true }).click();
    const offer = agent.getByRole('alertdialog', { name: 'Incoming chat' });
    await sees(offer, 'Mia');
    await sees(offer, 'Support');
    await sees(offer, 'Answer within');
    await snapshot(agent, 'agent-offer');
    await snapshot(wallboard, 'wallboard-waiting');
    await offer.getByRole('button', { name: 'Accept' }).click();
    await sees(agent.locator('.conversation-head h2'), 'Mia');
    await sees(customer.locator('.with-agent'), 'You are chatting with Ada');
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^0$/);
    await sees(wallboard.getByRole('row', { name: /Ada/ }).getByRole('cell').nth(1), /^1$/);
    // Mia's wait was answered: the queue's ASA over the last 15 minutes is a time, no longer —.
    await sees(tileMetric(wallboard, 'Support', 'asa'), /^\d+:\d\d$/);
    await snapshot(wallboard, 'wallboard-serving');
  });

  it('[web] they chat both ways, and the agent sees the customer typing', async () => {
    const customerInput = customer.getByLabel('Message');
    await customerInput.pressSequentially('Hello, my card is lost');
    await sees(agent.locator('.typing'), 'Mia is typing…');
    await customer.getByRole('button', { name: 'Send' }).click();
    await sees(agent.locator('.message.theirs'), 'Hello, my card is lost');
    // Ada's desk read it: the customer's widget says so under the message.
    await sees(customer.locator('.message.mine .message-read'), 'Read');

    await agent.getByLabel('Message').fill('I have blocked it. Anything else?');
    await agent.getByRole('button', { name: 'Send' }).click();
    await sees(customer.locator('.message.theirs'), 'I have blocked it. Anything else?');
    await sees(customer.locator('.message.theirs .message-author'), 'Ada');
    // The customer's widget read it: Ada's desk says so under her message.
    await sees(agent.locator('.message.mine .message-read'), 'Read');
    await snapshot(customer, 'widget-chat');
    await snapshot(agent, 'agent-chat');
  });

  it('[web] a reload of the widget keeps the conversation and what the agent read', async () => {
    await customer.reload();
    await sees(customer.locator('.with-agent'), 'You are chatting with Ada');
    await sees(customer.locator('.message.mine'), 'Hello, my card is lost');
    // The transcript carries the receipts: "Read" is back before Ada reads anything new.
    await sees(customer.locator('.message.mine .message-read'), 'Read');
    await sees(customer.locator('.message.theirs'), 'I have blocked it. Anything else?');
    // Still live after the reload: a message from the agent arrives.
    await agent.getByLabel('Message').fill('Still there?');
    await agent.getByRole('button', { name: 'Send' }).click();
    await sees(customer.locator('.message.theirs'), 'Still there?');
    // Ada sends a file from her desk; the customer's widget shows it as a download link.
    await agent.locator('input[type=file]').setInputFiles({
      name: 'card-form.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Form 12'),
    });
    await sees(customer.locator('.message.theirs'), 'card-form.txt');
  });

  it('[web] the agent completes; the customer sees the end and rates; the agent saves a wrap-up code and notes', async () => {
    await agent.getByRole('button', { name: 'Complete' }).click();
    await sees(agent.getByLabel('Your state'), 'Wrap-up');
    await sees(customer.getByRole('status'), 'Ada ended the conversation.');
    await snapshot(customer, 'widget-ended');
    await customer.getByRole('radio', { name: '5 stars' }).check();
    await customer.getByLabel('Comment (optional)').fill('Quick and kind');
    await customer.getByRole('button', { name: 'Send rating' }).click();
    await sees(customer.getByRole('status'), 'Thank you for your rating!');

    // Ada wraps up: the code and notes she saves are what the server kept and answered.
    const wrapUp = agent.getByRole('region', { name: 'Wrap-up of Mia' });
    await wrapUp.getByLabel('Outcome').selectOption('Sale');
    await wrapUp.getByLabel('Notes').fill('Card replaced, sent by post.');
    await wrapUp.getByRole('button', { name: 'Save wrap-up' }).click();
    await sees(wrapUp.getByRole('status'), 'Saved: Sale');
    await wrapUp.getByRole('button', { name: 'Done' }).click();
    await wrapUp.waitFor({ state: 'detached', timeout: waitMsMax });
  });

  it('[R6] an offer the agent rejects disappears, and the customer keeps its place', async () => {
    await agent.getByRole('button', { name: 'Ready', exact: true }).click();
    await sees(agent.getByLabel('Your state'), /^Ready$/);
    second = await open(link('widget'));
    await second.getByRole('button', { name: 'Chat with us' }).click();
    await second.getByLabel('Your name (optional)').fill('Noor');
    await second.getByRole('button', { name: 'Chat with Support' }).click();
    const offer = agent.getByRole('alertdialog', { name: 'Incoming chat' });
    await sees(offer, 'Noor');
    await offer.getByRole('button', { name: 'Reject' }).click();
    await offer.waitFor({ state: 'detached', timeout: waitMsMax });
    await sees(second.locator('.place'), /^You are next/);
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^1\b/);
    // The supervisor looks at who waits in Support: Noor, first, a normal customer who joined.
    await wallboard
      .getByRole('region', { name: 'Support' })
      .getByRole('button', { name: 'Who is waiting' })
      .click();
    const waitingRow = wallboard
      .getByRole('region', { name: 'Waiting in Support' })
      .getByRole('row', { name: /Noor/ });
    await sees(waitingRow, /^1\s*Noor\s*Normal\s*Joined/);
    await wallboard.getByRole('button', { name: 'Close' }).click();
  });

  it('[R10] a waiting customer asks for a callback instead and keeps its place', async () => {
    await second.getByRole('button', { name: 'Call me back instead' }).click();
    await second.getByLabel('Your phone number').fill('+44 20 7946 0000');
    await second.getByRole('button', { name: 'Call me back', exact: true }).click();
    await sees(second.getByRole('status'), 'We will call you at +44 20 7946 0000.');
    await sees(tileMetric(wallboard, 'Support', 'waiting'), /^1\b/);
    await second.reload();
    await sees(second.getByRole('status'), 'We will call you at +44 20 7946 0000.');
  });

  it('[R7] an agent in manual mode gets no offer and takes the next customer by hand', async () => {
    // Ada, who also serves Sales, steps away so that only Bo can take it.
    await agent.getByRole('button', { name: 'Not ready' }).click();
    await sees(agent.getByLabel('Your state'), /^Not ready/);
    bo = await open(link('agent bo'));
    // The box shows the mode the server confirmed, so it turns checked after the answer.
    await bo.getByLabel('Manual mode').click();
    await expect
      .poll(() => bo.getByLabel('Manual mode').isChecked(), { timeout: waitMsMax })
      .toBe(true);
    await bo.getByRole('button', { name: 'Ready', exact: true }).click();
    await sees(bo.getByLabel('Your state'), /^Ready$/);
    await sees(bo.locator('.idle'), 'Manual mode');

    third = await open(link('widget'));
    await third.getByRole('button', { name: 'Chat with us' }).click();
    await third.getByLabel('Your name (optional)').fill('Omar');
    await third.getByRole('button', { name: 'Chat with Sales' }).click();
    await sees(third.locator('.place'), /^You are next/);
    await sees(bo.locator('.waiting-list li'), /Sales\s*1/);

    await bo.getByRole('button', { name: 'Next customer' }).click();
    await sees(bo.locator('.conversation-head h2'), 'Omar');
    await sees(third.locator('.with-agent'), 'You are chatting with Bo');
  });

  it('[R10] another agent takes the callback, calls and closes it; the customer is told', async () => {
    const chen = await open(link('agent chen'));
    await chen.getByRole('button', { name: 'Ready', exact: true }).click();
    const offer = chen.getByRole('alertdialog', { name: 'Incoming callback' });
    await sees(offer, 'Noor');
    await offer.getByRole('button', { name: 'Accept' }).click();
    await sees(chen.locator('.call-number'), 'Call +44 20 7946 0000');
    await sees(second.getByRole('status'), 'An agent is calling you now at +44 20 7946 0000.');
    await chen.getByRole('button', { name: 'Reached' }).click();
    await sees(second.getByRole('status'), 'Thank you for talking with us.');
    await sees(chen.getByLabel('Your state'), 'Wrap-up');
  });

  it('[R12] an agent transfers a chat to another agent: it leaves his desk and waits for her', async () => {
    await bo.getByRole('button', { name: 'Transfer' }).click();
    await bo.getByLabel('Transfer to').selectOption({ label: 'Agent: Ada' });
    await bo.getByRole('button', { name: 'Transfer now' }).click();
    await bo.locator('.conversation-head h2').waitFor({ state: 'detached', timeout: waitMsMax });
    await sees(wallboard.getByRole('row', { name: /Bo/ }), /Ready\s*0/);
  });

  it("[web] the supervisor broadcasts an announcement that reaches the agents, and changes an agent's presence", async () => {
    await wallboard
      .getByRole('textbox', { name: 'Announcement to agents' })
      .fill('Team meeting at 15:00');
    await wallboard.getByRole('button', { name: 'Send' }).click();
    await sees(wallboard.getByRole('status'), 'Sent to every agent');
    await sees(agent.getByRole('status', { name: 'Announcement' }), 'Team meeting at 15:00');
    await agent.getByRole('button', { name: 'Dismiss' }).click();

    // Ada stepped away above; the supervisor sets her ready, and the chat Bo sent her rings.
    const ada = wallboard.getByRole('row', { name: /Ada/ });
    await ada.getByRole('button', { name: 'Set Ada ready' }).click();
    const offer = agent.getByRole('alertdialog', { name: 'Incoming chat' });
    await sees(offer, 'Omar');
    await offer.getByRole('button', { name: 'Accept' }).click();
    await sees(agent.locator('.conversation-head h2'), 'Omar');
    await sees(third.locator('.with-agent'), 'You are chatting with Ada');
    // The demo widget's visitors are one customer: Ada sees its earlier contacts, her wrap-up too.
    await sees(agent.getByRole('list', { name: 'Previous contacts' }), 'Sale');
    // Now busy, she is set not ready by the supervisor: her desk and the wallboard say so.
    await ada.getByRole('button', { name: 'Set Ada not ready' }).click();
    await sees(agent.getByLabel('Your state'), 'Not ready — Set by supervisor');
    await sees(ada, 'Not ready — Set by supervisor');
  });

  it('[web] no page threw an error', () => {
    expect(stage.pageErrors).toEqual([]);
  });
});
