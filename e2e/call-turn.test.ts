import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan, startLab, type Lab } from './call-lab.ts';
import { startTurnServer, type TurnServer } from './turn-server.ts';

let lab: Lab;
let turn: TurnServer;
const secret = 'turn-secret-for-the-test';

beforeAll(async () => {
  turn = await startTurnServer(secret);
  lab = await startLab();
});

afterAll(async () => {
  await lab.stop();
  await turn.stop();
});

describe('TURN', () => {
  it('[calls] two browsers connect through coturn alone', async () => {
    const username = `${Math.floor(Date.now() / 1000) + 600}:probe`;
    const credential = createHmac('sha1', secret).update(username).digest('base64');
    const iceServers = [{ urls: [turn.url], username, credential }];
    const agent = await lab.open('agent:ada', { hasVideo: false, iceServers, relayOnly: true });
    const customer = await lab.open('customer:c1', {
      hasVideo: false,
      iceServers,
      relayOnly: true,
    });
    await customer.reconcile({ 'agent:ada': plan(false, { hasVideo: false, sendsVideo: false }) });
    await agent.reconcile({ 'customer:c1': plan(true, { hasVideo: false, sendsVideo: false }) });
    await customer.flows('agent:ada', 'audioBytesReceived');
    expect((await agent.traffic())['customer:c1']?.candidateType).toBe('relay');
  });
});
