import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plan, startLab, type Lab } from './call-lab.ts';
import { startServer, type TestServer } from './harness.ts';
import { startTurnServer, type TurnServer } from './turn-server.ts';

/*
 * The TURN proof (docs/calls.md, "Check TURN with coturn"): Debian's coturn on
 * loopback with `use-auth-secret`, Lineup with the same secret in its settings;
 * a customer's token reads short-lived credentials from GET …/ice-servers, and
 * two browsers restricted to relayed candidates connect through coturn and
 * carry audio.
 */

const secret = 'turn-secret-for-the-e2e-test-0123';
let turn: TurnServer;
let server: TestServer;
let lab: Lab;
let settingsDirectory: string;

beforeAll(async () => {
  turn = await startTurnServer(secret);
  settingsDirectory = await mkdtemp(join(tmpdir(), 'lineup-turn-settings-'));
  const settings = join(settingsDirectory, 'lineup.json');
  await writeFile(
    settings,
    JSON.stringify({ calls: { turnUrls: [turn.url], turnSecret: secret } }),
  );
  server = await startServer(['--config', settings]);
  lab = await startLab();
}, 120_000);

afterAll(async () => {
  await lab.stop();
  await server.stop();
  await turn.stop();
  await rm(settingsDirectory, { recursive: true, force: true });
});

describe('TURN', () => {
  it('[calls] two browsers connect through coturn alone with the credentials Lineup minted', async () => {
    const token = new URL(server.links.get('widget') ?? '').hash.replace('#token=', '');
    const response = await fetch(`${server.url}/v1/tenants/demo/ice-servers`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const { iceServers, ttlSeconds } = (await response.json()) as {
      iceServers: { urls: string[]; username?: string; credential?: string }[];
      ttlSeconds: number;
    };
    expect(ttlSeconds).toBeGreaterThan(0);
    expect(iceServers).toContainEqual(expect.objectContaining({ urls: [turn.url] }));

    const voice = { hasVideo: false, sendsVideo: false };
    const options = { hasVideo: false, iceServers, relayOnly: true };
    const agent = await lab.open('agent:ada', options);
    const customer = await lab.open('customer:c1', options);
    await customer.reconcile({ 'agent:ada': plan(false, voice) });
    await agent.reconcile({ 'customer:c1': plan(true, voice) });
    await customer.flows('agent:ada', 'audioBytesReceived');
    await agent.flows('customer:c1', 'audioBytesReceived');
    expect((await agent.traffic())['customer:c1']?.candidateType).toBe('relay');
    expect((await customer.traffic())['agent:ada']?.candidateType).toBe('relay');
  });
});
