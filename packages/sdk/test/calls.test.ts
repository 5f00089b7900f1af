import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asPartyId, asQueueId, type Call } from '@lineup/protocol';
import {
  LineupAgent,
  LineupCustomer,
  LineupError,
  LineupSupervisor,
  type ClientOptions,
  type LineupClient,
} from '@lineup/sdk';
import { next, startServer, type TestServer } from './server.ts';

/*
 * Calls through the SDK against the real `lineup serve` (docs/calls.md): the
 * agent calls the customer of the contact it accepted, the customer answers,
 * they exchange signalling, hold and resume, a supervisor watches the call
 * and its quality live, the agent records, the customer hangs up and the
 * contact is completed; the contact keeps the call's log.
 */

let server: TestServer;
const clients: LineupClient<object>[] = [];

beforeAll(async () => {
  server = await startServer();
  await server.call('POST', '/v1/tenants', { id: 'calls' });
  await server.call('POST', '/v1/tenants/calls/queues', {
    id: 'video',
    name: 'Video banking',
    channels: ['video'],
    wrapUpMs: 60_000,
  });
  await server.call('POST', '/v1/tenants/calls/agents', {
    id: 'ann',
    name: 'Ann',
    memberships: [{ queueId: 'video', priority: 0 }],
  });
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  for (const opened of clients.splice(0)) opened.close();
});

async function open<C extends LineupClient<object>>(
  Client: new (options: ClientOptions) => C,
  role: 'customer' | 'agent' | 'supervisor',
  subject: string,
): Promise<C> {
  const token = await server.mint('calls', role, subject);
  const { default: WebSocket } = await import('ws');
  const opened = new Client({ url: server.url, token, WebSocket });
  clients.push(opened);
  await opened.opened();
  return opened;
}

const isState = (state: Call['state']) => (message: { call: Call }) => message.call.state === state;

describe('calls', () => {
  it('[sdk] an agent calls its customer: ring, answer, signalling, hold, recording, quality to the supervisor, hang-up completes the contact', async () => {
    const agent = await open(LineupAgent, 'agent', 'ann');
    const customer = await open(LineupCustomer, 'customer', 'mia');
    const supervisor = await open(LineupSupervisor, 'supervisor', 'sue');
    await agent.logIn();
    const offered = next(agent, 'offerCreated');
    const joined = await customer.join({ queueId: asQueueId('video'), channel: 'video' });
    if (joined.type !== 'contactQueued') throw new Error(`not queued: ${joined.type}`);
    const contactId = joined.contact.id;
    const [offer] = await offered;
    await agent.acceptOffer(offer.offerId);

    expect(await customer.iceServers()).toEqual({ iceServers: [], ttlSeconds: 0 });
    const ringing = next(customer, 'call', isState('ringing'));
    const callId = await agent.startCall({ contactId }, 'video');
    const [rang] = await ringing;
    expect(rang.call).toMatchObject({ callId, contactId, direction: 'inbound', media: 'video' });

    const active = next(agent, 'call', isState('active'));
    await customer.answerCall(callId);
    await active;

    const heard = next(customer, 'callSignal');
    const description = { type: 'offer' as const, sdp: 'v=0\r\n' };
    await agent.signal(callId, asPartyId(`customer:${contactId}`), { description });
    const [signal] = await heard;
    expect(signal).toMatchObject({ callId, from: 'agent:ann', description });
    const refused = await supervisor
      .signal(callId, asPartyId('agent:ann'), { description })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LineupError);
    expect((refused as LineupError).code).toBe('not_in_call');

    const held = next(customer, 'call', isState('held'));
    await agent.hold(callId);
    await held;
    const resumed = next(customer, 'call', isState('active'));
    await agent.resume(callId);
    await resumed;

    const sample = {
      atMs: Date.now(),
      rttMs: 20,
      jitterMs: 2,
      packetLossPercent: 0,
      bitrateKbps: 1_200,
    };
    const quality = next(supervisor, 'callQuality');
    await customer.sendQuality(callId, sample);
    const [live] = await quality;
    expect(live).toMatchObject({ callId, from: `customer:${contactId}`, sample });

    const upload = await agent.startRecording(callId, 'video/webm');
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];
    void upload.add(parts[0] ?? new Uint8Array());
    void upload.add(parts[1] ?? new Uint8Array());
    const recording = await upload.finish();
    expect(recording).toMatchObject({ callId, chunks: 2, sizeBytes: 5 });
    const file = await supervisor.downloadRecording(callId, recording.recordingId);
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2, 3, 4, 5]);

    const completed = next(agent, 'contactCompleted');
    await customer.hangUp(callId);
    await completed;
    expect((await agent.agent()).presence).toBe('wrapUp');

    const [record] = await agent.contactCalls(contactId);
    expect(record?.call).toMatchObject({ callId, endReason: 'hangup' });
    expect(record?.call.log.map((entry) => entry.what)).toEqual([
      'ringing',
      'answered',
      'held',
      'resumed',
      'recordingStarted',
      'recordingEnded',
      'ended',
    ]);
    expect(record?.quality).toEqual([{ from: `customer:${contactId}`, sample }]);
    expect(record?.recordings).toMatchObject([{ recordingId: recording.recordingId }]);
  });
});
