import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan, startLab, type Lab, type LabWindow } from './call-lab.ts';

/*
 * The call media engine in chromium with a fake camera and microphone, the
 * signals relayed by the test (no server): what each pair sends follows its
 * plan, and getStats proves the bytes move, or stop. The same engine runs in
 * the apps, where the plans come from the server's call state (e2e tests).
 */

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
});

afterAll(async () => {
  await lab.stop();
});

describe('call media between browsers', () => {
  it('[calls] a video pair shows each side the other one, audio and video flowing both ways', async () => {
    const agent = await lab.open('agent:ada', { hasVideo: true });
    const customer = await lab.open('customer:c1', { hasVideo: true });
    await customer.reconcile({ 'agent:ada': plan(false) });
    await agent.reconcile({ 'customer:c1': plan(true) });
    for (const [self, peer] of [
      [agent, 'customer:c1'],
      [customer, 'agent:ada'],
    ] as const) {
      await self.flows(peer, 'audioBytesReceived');
      await self.flows(peer, 'videoBytesReceived');
      await self.flows(peer, 'audioBytesSent');
      await self.flows(peer, 'videoBytesSent');
      await self.page.waitForFunction(
        (from) => ((globalThis as unknown as LabWindow).lineupCallLab.videoWidths()[from] ?? 0) > 0,
        peer,
      );
    }

    // Hold: the agent sends nothing to the customer; resume brings its media back.
    await agent.reconcile({
      'customer:c1': plan(true, { sendsMicrophone: false, sendsVideo: false }),
    });
    await customer.stops('agent:ada', 'audioBytesReceived');
    await customer.stops('agent:ada', 'videoBytesReceived');
    await agent.reconcile({ 'customer:c1': plan(true) });
    await customer.flows('agent:ada', 'audioBytesReceived');
    await customer.flows('agent:ada', 'videoBytesReceived');

    // Recording: the agent's microphone and the customer, in one file that decodes.
    await agent.page.evaluate(() => {
      (globalThis as unknown as LabWindow).lineupCallLab.startRecording();
    });
    await customer.flows('agent:ada', 'audioBytesReceived');
    await agent.page.waitForTimeout(2500);
    const seconds = await agent.page.evaluate(() =>
      (globalThis as unknown as LabWindow).lineupCallLab.stopRecording(),
    );
    expect(seconds).toBeGreaterThan(1);
    await agent.page.context().close();
    await customer.page.context().close();
  });

  it('[calls] a listening supervisor hears the agent and the customer, and nobody hears it', async () => {
    const agent = await lab.open('agent:bo', { hasVideo: false });
    const customer = await lab.open('customer:c2', { hasVideo: false });
    const supervisor = await lab.open('supervisor:sam', { hasVideo: false });
    const voice = { hasVideo: false, sendsVideo: false };
    await customer.reconcile({ 'agent:bo': plan(false, voice) });
    await supervisor.reconcile({ 'agent:bo': plan(false, { ...voice, sendsMicrophone: false }) });
    await agent.reconcile({
      'customer:c2': plan(true, voice),
      'supervisor:sam': plan(true, { ...voice, forwardsAudioOf: ['customer:c2'] }),
    });
    await supervisor.flows('agent:bo', 'audioBytesReceived');
    await supervisor.flows('agent:bo', 'forwardedAudioBytesReceived');
    await agent.stops('supervisor:sam', 'audioBytesReceived');
    expect(Object.keys(await customer.traffic())).toEqual(['agent:bo']);

    // Whisper: the supervisor's microphone reaches the agent, still not the customer.
    await supervisor.reconcile({ 'agent:bo': plan(false, voice) });
    await agent.flows('supervisor:sam', 'audioBytesReceived');
    expect(Object.keys(await customer.traffic())).toEqual(['agent:bo']);
    for (const party of [agent, customer, supervisor]) await party.page.context().close();
  });

  it('[calls] a conference of three has each party receiving the two others', async () => {
    const ids = ['customer:c3', 'agent:ada', 'agent:chen'] as const;
    const parties = await Promise.all(ids.map((id) => lab.open(id, { hasVideo: true })));
    // Of each pair, the party listed later offers.
    for (const [index, party] of parties.entries()) {
      await party.reconcile(
        Object.fromEntries(
          ids.filter((id) => id !== party.id).map((id) => [id, plan(ids.indexOf(id) < index)]),
        ),
      );
    }
    for (const party of parties) {
      for (const peer of ids.filter((id) => id !== party.id)) {
        await party.flows(peer, 'audioBytesReceived');
        await party.flows(peer, 'videoBytesReceived');
      }
    }
    for (const party of parties) await party.page.context().close();
  });
});
