import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { grows, staysPut, type Counter, type Traffic } from './call-lab.ts';
import { fakeMediaArgs, sees, snapshot, startStage, waitMsMax, type Stage } from './harness.ts';

/*
 * Calls in the three apps against the real `lineup serve`, in chromium with a
 * fake camera (a test pattern) and microphone (a beep): a customer joins
 * Support for a video call; Ada accepts and calls; both see each other and
 * getStats shows audio and video bytes both ways. Hold stops Ada's media to
 * the customer, resume brings it back; she records, and the recording plays
 * back. She consults Bo and hands the customer over; Bo transfers blind to
 * Chen, who calls the customer again; Chen adds Dana (a conference of three);
 * the supervisor listens. Last, the call's log has every step, in order.
 */

let stage: Stage;

beforeAll(async () => {
  stage = await startStage({ width: 1280, height: 900 }, { browserArgs: fakeMediaArgs });
}, 180_000);
afterAll(async () => {
  await stage.stop();
});

/** What `window.lineupCalls` gives a test: each call's pairs and their byte counters. */
interface CallsWindow {
  lineupCalls?: {
    traffic(): Promise<Record<string, Record<string, Traffic>>>;
    isHoldMusicPlaying(): boolean;
  };
}

/** A counter of the page's pair with `peer`, over the page's live calls. */
async function counterOf(page: Page, peer: string, counter: Counter): Promise<number> {
  const calls: Record<string, Record<string, Traffic>> = await page.evaluate(
    () => (globalThis as unknown as CallsWindow).lineupCalls?.traffic() ?? {},
  );
  return Object.values(calls).reduce((sum, pairs) => sum + (pairs[peer]?.[counter] ?? 0), 0);
}

const flows = (page: Page, peer: string, counter: Counter) =>
  grows(() => counterOf(page, peer, counter), `${counter} with ${peer}`);
const stops = (page: Page, peer: string, counter: Counter) =>
  staysPut(() => counterOf(page, peer, counter), `${counter} with ${peer}`);

/** Waits until the page's pairs are exactly these peers. */
async function pairsAre(page: Page, peers: string[]): Promise<void> {
  await page.waitForFunction(
    async (wanted) => {
      const calls = (await (globalThis as unknown as CallsWindow).lineupCalls?.traffic()) ?? {};
      const seen = Object.values(calls).flatMap((pairs) => Object.keys(pairs));
      return JSON.stringify([...new Set(seen)].sort()) === JSON.stringify(wanted);
    },
    [...peers].sort(),
    { timeout: waitMsMax, polling: 250 },
  );
}

/** Waits until a video element plays frames. */
async function showsVideo(video: Locator): Promise<void> {
  await video.waitFor({ state: 'attached', timeout: waitMsMax });
  await expect
    .poll(
      () => video.evaluate((element) => (element as unknown as { videoWidth: number }).videoWidth),
      {
        timeout: waitMsMax,
      },
    )
    .toBeGreaterThan(0);
}

/** Every direction of audio and video between `page` and `peer` moves. */
async function mediaFlows(page: Page, peer: string, hasVideo = true): Promise<void> {
  const counters: Counter[] = hasVideo
    ? ['audioBytesReceived', 'audioBytesSent', 'videoBytesReceived', 'videoBytesSent']
    : ['audioBytesReceived', 'audioBytesSent'];
  for (const counter of counters) await flows(page, peer, counter);
}

async function signIn(name: string): Promise<Page> {
  const page = await stage.open(stage.link(`agent ${name}`));
  await page.getByRole('button', { name: 'Ready', exact: true }).click();
  await sees(page.getByLabel('Your state'), 'Ready');
  return page;
}

describe('calls', () => {
  let customer: Page;
  let ada: Page;
  let bo: Page;
  let chen: Page;
  let dana: Page;
  let wallboard: Page;
  let contactId = '';
  const customerParty = () => `customer:${contactId}`;

  it('[calls] a customer joins a video queue; the agent accepts and calls; both see the other, media flowing both ways', async () => {
    const greeting = { answerGreeting: '{agent} from Support is here to help you.' };
    expect(
      (await stage.server.call('PATCH', '/v1/tenants/demo/queues/support', greeting)).status,
    ).toBe(200);
    ada = await signIn('ada');
    customer = await stage.open(stage.link('widget'));
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name (optional)').fill('Mia');
    await customer.getByRole('button', { name: 'Video call with Support' }).click();
    await sees(customer.locator('.place'), /^You are next/);
    await sees(customer.locator('.queue-announcement'), 'You are next');

    const offer = ada.getByRole('alertdialog', { name: 'Incoming video' });
    await sees(offer, 'Mia');
    await offer.getByRole('button', { name: 'Accept' }).click();
    await ada.getByRole('button', { name: 'Video call' }).click();
    const ring = customer.getByRole('region', { name: 'Call' });
    await sees(ring, 'Ada is calling you (video call)');
    await ring.getByRole('button', { name: 'Answer' }).click();
    await sees(ada.locator('.call-card .call-status'), /^In call/);
    // The queue's answer greeting, with Ada's name, as the customer answered.
    await sees(customer.locator('.call-greeting'), 'Ada from Support is here to help you.');

    const view = await stage.server.call('GET', '/v1/tenants/demo/agents/ada');
    contactId = (view.body as { contactIds: string[] }).contactIds[0] ?? '';
    expect(contactId).not.toBe('');

    await showsVideo(ada.locator(`.call-tile[data-party="${customerParty()}"] video`));
    await showsVideo(customer.locator('.call-tile[data-party="agent:ada"] video'));
    await mediaFlows(ada, customerParty());
    await mediaFlows(customer, 'agent:ada');
    await snapshot(ada, 'call-agent');
    await snapshot(customer, 'call-customer');
  });

  it('[calls] hold stops the agent’s media to the customer, who hears hold music; resume brings it back', async () => {
    await ada.locator('.call-card').getByRole('button', { name: 'Hold' }).click();
    await sees(customer.getByRole('region', { name: 'Call' }), 'You are on hold');
    await stops(customer, 'agent:ada', 'audioBytesReceived');
    await stops(customer, 'agent:ada', 'videoBytesReceived');
    expect(
      await customer.evaluate(() =>
        (globalThis as unknown as CallsWindow).lineupCalls?.isHoldMusicPlaying(),
      ),
    ).toBe(true);
    await ada.locator('.call-card').getByRole('button', { name: 'Resume' }).click();
    await sees(ada.locator('.call-card .call-status'), /^In call/);
    await flows(customer, 'agent:ada', 'audioBytesReceived');
    await flows(customer, 'agent:ada', 'videoBytesReceived');
  });

  it('[calls] the agent records the call, the customer is told, and the recording plays back', async () => {
    await ada.locator('.call-card').getByRole('button', { name: 'Record' }).click();
    await sees(customer.getByRole('region', { name: 'Call' }), 'This call is recorded.');
    await sees(ada.locator('.call-card'), 'Recording');
    // A few seconds of both sides, so that the file holds more than one chunk.
    await flows(ada, customerParty(), 'audioBytesReceived');
    await ada.waitForTimeout(4500);
    await ada.locator('.call-card').getByRole('button', { name: 'Stop recording' }).click();
    const recordings = ada.getByLabel('Recordings of this contact');
    await recordings.getByRole('button', { name: 'Play' }).click({ timeout: waitMsMax });
    const player = recordings.getByLabel('Recording');
    await player.waitFor({ state: 'attached', timeout: waitMsMax });
    // MediaRecorder's WebM carries no duration: the browser learns it by seeking past the end.
    const seconds = await player.evaluate(async (element) => {
      const audio = element as unknown as {
        readyState: number;
        duration: number;
        currentTime: number;
        addEventListener(type: string, listener: () => void, options: { once: boolean }): void;
      };
      const next = (type: string) =>
        new Promise<void>((resolve) => {
          audio.addEventListener(type, resolve, { once: true });
        });
      if (audio.readyState < 1) await next('loadedmetadata');
      if (!Number.isFinite(audio.duration)) {
        const known = next('durationchange');
        audio.currentTime = 1e9;
        await known;
      }
      return audio.duration;
    });
    expect(seconds).toBeGreaterThan(2);
  });

  it('[calls] consult then transfer: the customer waits on hold while Ada talks to Bo, then talks to Bo', async () => {
    bo = await signIn('bo');
    const card = ada.locator('.call-card').first();
    await card.getByLabel('Consult: to whom').selectOption({ label: 'Agent: Bo' });
    await card.getByRole('button', { name: 'Consult' }).click();
    const boCall = bo.locator('.call-card');
    await boCall.getByRole('button', { name: 'Answer' }).click();
    await sees(customer.getByRole('region', { name: 'Call' }), 'You are on hold');
    await mediaFlows(bo, 'agent:ada', false);
    await stops(customer, 'agent:ada', 'audioBytesReceived');
    await ada.getByRole('button', { name: 'Complete transfer' }).click();
    await pairsAre(customer, ['agent:bo']);
    await mediaFlows(customer, 'agent:bo');
    await mediaFlows(bo, customerParty());
  });

  it('[calls] a blind transfer moves the customer to Chen, who calls again, media flowing', async () => {
    chen = await signIn('chen');
    const card = bo.locator('.call-card').first();
    await card.getByLabel('Transfer: to whom').selectOption({ label: 'Agent: Chen' });
    await card.getByRole('button', { name: 'Transfer' }).click();
    const offer = chen.getByRole('alertdialog', { name: 'Incoming video' });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await chen.getByRole('button', { name: 'Video call' }).click();
    await customer
      .getByRole('region', { name: 'Call' })
      .getByRole('button', { name: 'Answer' })
      .click();
    await pairsAre(customer, ['agent:chen']);
    await mediaFlows(customer, 'agent:chen');
    await mediaFlows(chen, customerParty());
  });

  it('[calls] a conference of the customer, Chen and Dana has each receiving the two others', async () => {
    dana = await signIn('dana');
    const card = chen.locator('.call-card').first();
    await card.getByLabel('Add to call: to whom').selectOption({ label: 'Agent: Dana' });
    await card.getByRole('button', { name: 'Add to call' }).click();
    await dana.locator('.call-card').getByRole('button', { name: 'Answer' }).click();
    const parties: [Page, string][] = [
      [customer, customerParty()],
      [chen, 'agent:chen'],
      [dana, 'agent:dana'],
    ];
    for (const [page, self] of parties) {
      for (const [, other] of parties.filter(([, id]) => id !== self)) {
        await flows(page, other, 'audioBytesReceived');
        await flows(page, other, 'videoBytesReceived');
      }
    }
  });

  it('[calls] a listening supervisor hears both sides, and the customer receives nothing from it', async () => {
    wallboard = await stage.open(stage.link('wallboard'));
    const row = wallboard.locator(`.live-calls tr[data-state="active"]`).first();
    await row.getByRole('button', { name: 'Listen' }).click();
    await flows(wallboard, 'agent:chen', 'audioBytesReceived');
    await flows(wallboard, 'agent:chen', 'forwardedAudioBytesReceived');
    await stops(chen, 'supervisor:demo-supervisor', 'audioBytesReceived');
    await pairsAre(customer, ['agent:chen', 'agent:dana']);
    await sees(row.locator('.call-quality'), /rtt/);
  });

  it('[calls] the contact keeps its calls, each with every step of the call bar in order', async () => {
    const { body } = await stage.server.call('GET', `/v1/tenants/demo/contacts/${contactId}/calls`);
    const calls = (body as { calls: { call: { log: { what: string }[] } }[] }).calls;
    const logs = calls.map(({ call }) => call.log.map((entry) => entry.what));
    // Ada's call: answered with the queue's greeting (playtts), held and resumed, recorded, consulted Bo who took it over, then Bo's
    // blind transfer to Chen ended it (the call bar's makecall, outringing, answer, agentconsult,
    // consultationcalls, transfercall, transfering, after).
    expect(logs).toContainEqual([
      'ringing',
      'answered',
      'greeting',
      'held',
      'resumed',
      'recordingStarted',
      'recordingEnded',
      'held',
      'consultStarted',
      'transferred',
      'consultEnded',
      'resumed',
      'transferStarted',
      'transferred',
      'ended',
    ]);
    // Chen's call: it rang and was answered (greeted again, by Chen's name), Dana rang and joined, the supervisor listens.
    expect(logs).toContainEqual([
      'ringing',
      'answered',
      'greeting',
      'ringing',
      'conferenced',
      'monitorStarted',
    ]);
    expect(stage.pageErrors).toEqual([]);
  });
});
