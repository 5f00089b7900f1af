import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  asAgentId,
  asContactId,
  asTenantId,
  type Call,
  type CallMessage,
  type CallRecord,
  type CallSignalMessage,
  type EventMessage,
  type IceServers,
  type Recording,
  type Reply,
} from '@lineup/protocol';
import { openServerStore, type ServerStore } from '../src/index.ts';
import { agent, connectAs, contact, queue, setUp, startServer, type Server } from './harness.ts';
import type { SocketClient } from './socket-client.ts';

/*
 * Calls (issue 9, docs/calls.md) over a real server and real sockets: an
 * agent calls the customer of the contact it holds, signalling goes only
 * between the parties whose media pair is allowed, the call's states and log
 * are pushed to its parties and supervisors and kept with the contact, and
 * the engine learns only what a call does to its contact.
 */

let server: Server;
const clients: SocketClient[] = [];
const acme = '/v1/tenants/acme';
const turnSecret = 'a-turn-secret-for-the-tests';

const as = (role: string, subject: string) => connectAs(server, 'acme', role, subject, clients);

type Person = Awaited<ReturnType<typeof as>>;

/** The latest `call` message of a call a client received. */
function lastCall(client: SocketClient, callId: string): Call | undefined {
  const found = client.messages.filter(
    (m): m is CallMessage => m.type === 'call' && m.call.callId === callId,
  );
  return found.at(-1)?.call;
}

/** Waits for a `call` message of a call that matches. */
async function callWhere(
  client: SocketClient,
  callId: string,
  match: (call: Call) => boolean,
): Promise<Call> {
  const message = await client.next<CallMessage>(
    (m) => m.type === 'call' && m.call.callId === callId && match(m.call),
  );
  return message.call;
}

async function ok(client: SocketClient, request: Record<string, unknown>) {
  const reply = await client.request(request);
  if (!reply.ok) throw new Error(`${String(request.type)}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

const codeOf = (reply: Reply) => (reply.ok ? null : reply.error.code);

async function logIn(person: Person, agentId: string) {
  await ok(person.client, { type: 'command', command: { type: 'logIn', agentId } });
}

/** Waits for the agent's offer and accepts it. */
async function acceptOffer(person: Person, agentId: string) {
  const offered = await person.client.next<EventMessage>(
    (m) => m.type === 'event' && m.event.type === 'offerCreated',
  );
  const offerId = offered.event.type === 'offerCreated' ? offered.event.offerId : '';
  await ok(person.client, { type: 'command', command: { type: 'acceptOffer', agentId, offerId } });
}

/** Carol's video contact c1, accepted by ann; bob logged in after it (ready, free); sue watches. */
async function assigned() {
  const carol = await as('customer', 'carol');
  const ann = await as('agent', 'ann');
  const bob = await as('agent', 'bob');
  const sue = await as('supervisor', 'sue');
  await ok(carol.client, {
    type: 'command',
    command: {
      type: 'enqueueContact',
      contact: {
        ...contact('c1', 'q1'),
        channel: 'video',
        customer: { id: 'carol', type: 'normal', name: 'Carol' },
      },
    },
  });
  await logIn(ann, 'ann');
  await acceptOffer(ann, 'ann');
  await logIn(bob, 'bob');
  return { carol, ann, bob, sue };
}

/** ann calls carol on c1 and carol answers: the call's id. */
async function answered(people: Awaited<ReturnType<typeof assigned>>) {
  const { callId } = (await ok(people.ann.client, {
    type: 'call.start',
    contactId: 'c1',
    media: 'video',
  })) as { callId: string };
  await callWhere(people.carol.client, callId, (call) => call.state === 'ringing');
  await ok(people.carol.client, { type: 'call.answer', callId });
  await callWhere(people.ann.client, callId, (call) => call.state === 'active');
  return callId;
}

/** After a blind transfer to bob, bob accepts c1 and calls carol again: the call, ringing. */
async function takenAndCalledBack(bob: Person, carol: Person) {
  await acceptOffer(bob, 'bob');
  const called = (await ok(bob.client, {
    type: 'call.start',
    contactId: 'c1',
    media: 'video',
  })) as { callId: string };
  await callWhere(carol.client, called.callId, (call) => call.state === 'ringing');
  return called;
}

/** Carol's contact assigned to ann, ann calling carol, carol answered: the people and the call. */
async function inCall() {
  const people = await assigned();
  return { ...people, callId: await answered(people) };
}

const offer = { type: 'offer', sdp: 'v=0\r\n' };

/** Whether `from` may send a signal to `to` in the call: the code of the refusal, or null. */
async function signalCode(from: Person, callId: string, to: string) {
  return codeOf(await from.client.request({ type: 'call.signal', callId, to, description: offer }));
}

const signalsOf = (client: SocketClient) =>
  client.messages.filter((m): m is CallSignalMessage => m.type === 'callSignal');

const agentOf = (agentId: string) =>
  server.host.view(asTenantId('acme'))?.agent(asAgentId(agentId)) ?? null;

beforeEach(async () => {
  server = await startServer({
    calls: {
      recordingChunkBytesMax: 1_024,
      recordingBytesMax: 2_500,
      stunUrls: ['stun:127.0.0.1:3478'],
      turnUrls: ['turn:127.0.0.1:3478?transport=udp'],
      turnSecret,
      turnTtlSeconds: 600,
    },
  });
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    [
      'POST',
      `${acme}/queues`,
      queue('q1', { channels: ['voice', 'video', 'chat'], wrapUpMs: 60_000 }),
    ],
    ['POST', `${acme}/agents`, agent('ann', ['q1'])],
    ['POST', `${acme}/agents`, agent('bob', ['q1'])],
  ]);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

describe('calls', () => {
  it('[calls] an inbound call: ringing, answer, signalling between the two only, hold, resume, hang-up completes the contact', async () => {
    const people = await assigned();
    const { carol, ann, bob, sue } = people;
    const { callId } = (await ok(ann.client, {
      type: 'call.start',
      contactId: 'c1',
      media: 'video',
    })) as { callId: string };
    const ringing = await callWhere(carol.client, callId, (call) => call.state === 'ringing');
    expect(ringing).toMatchObject({
      contactId: 'c1',
      direction: 'inbound',
      media: 'video',
      parties: [
        { partyId: 'agent:ann', role: 'agent', name: 'Agent ann', state: 'joined' },
        { partyId: 'customer:c1', role: 'customer', name: 'Carol', state: 'ringing' },
      ],
    });
    await callWhere(sue.client, callId, (call) => call.state === 'ringing');
    await ok(carol.client, { type: 'call.answer', callId });
    const active = await callWhere(ann.client, callId, (call) => call.state === 'active');
    expect(active.answeredAtMs).toBeTypeOf('number');

    await ok(ann.client, { type: 'call.signal', callId, to: 'customer:c1', description: offer });
    const got = await carol.client.next<CallSignalMessage>((m) => m.type === 'callSignal');
    expect(got).toMatchObject({ callId, from: 'agent:ann', description: offer });
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    await ok(carol.client, { type: 'call.signal', callId, to: 'agent:ann', candidate });
    await ann.client.next((m) => m.type === 'callSignal' && m.from === 'customer:c1');
    expect(signalsOf(bob.client)).toEqual([]);
    expect(signalsOf(sue.client)).toEqual([]);

    await ok(ann.client, { type: 'call.hold', callId });
    await callWhere(carol.client, callId, (call) => call.state === 'held');
    await ok(ann.client, { type: 'call.resume', callId });
    await callWhere(carol.client, callId, (call) => call.state === 'active');

    await ok(carol.client, { type: 'call.hangup', callId });
    const ended = await callWhere(ann.client, callId, (call) => call.state === 'ended');
    expect(ended).toMatchObject({ endedBy: 'customer:c1', endReason: 'hangup' });
    expect(ended.log.map((entry) => entry.what)).toEqual([
      'ringing',
      'answered',
      'held',
      'resumed',
      'ended',
    ]);
    await ann.client.next((m) => m.type === 'event' && m.event.type === 'contactCompleted');
    expect(agentOf('ann')?.presence).toBe('wrapUp');
  });

  it('[calls] a queue’s answer greeting: the customer hears it, with its agent’s name, as it answers; a transfer’s new agent greets again', async () => {
    const patched = await server.call('PATCH', `${acme}/queues/q1`, {
      answerGreeting: '{agent} is here to help you.',
    });
    expect(patched).toMatchObject({
      status: 200,
      body: { answerGreeting: '{agent} is here to help you.' },
    });
    const { carol, ann, bob, callId } = await inCall();
    const greeted = await callWhere(carol.client, callId, (call) => call.state === 'active');
    expect(greeted.log.map((entry) => [entry.what, entry.detail])).toEqual([
      ['ringing', undefined],
      ['answered', undefined],
      ['greeting', 'Agent ann is here to help you.'],
    ]);
    expect(lastCall(ann.client, callId)?.log.at(-1)).toMatchObject({ what: 'greeting' });

    await ok(ann.client, { type: 'call.transfer', callId, agentId: 'bob' });
    const second = await takenAndCalledBack(bob, carol);
    await ok(carol.client, { type: 'call.answer', callId: second.callId });
    const again = await callWhere(carol.client, second.callId, (call) => call.state === 'active');
    expect(again.log.at(-1)).toMatchObject({
      what: 'greeting',
      detail: 'Agent bob is here to help you.',
    });

    const tooLong = await server.call('PATCH', `${acme}/queues/q1`, {
      answerGreeting: 'x'.repeat(201),
    });
    expect(tooLong).toMatchObject({ status: 400, body: { error: { code: 'invalid_command' } } });
  });

  it('[calls] only parties act on a call: a stranger’s signal is refused with not_in_call, a pair without media with media_not_allowed', async () => {
    const people = await inCall();
    const { callId } = people;
    const mallory = await as('customer', 'mallory');
    expect(await signalCode(mallory, callId, 'agent:ann')).toBe('not_in_call');
    expect(await signalCode(people.bob, callId, 'customer:c1')).toBe('not_in_call');
    expect(await signalCode(people.sue, callId, 'customer:c1')).toBe('not_in_call');
    expect(await signalCode(people.ann, callId, 'supervisor:sue')).toBe('media_not_allowed');
    expect(codeOf(await people.bob.client.request({ type: 'call.hangup', callId }))).toBe(
      'not_in_call',
    );
    expect(signalsOf(people.carol.client)).toEqual([]);
    // A customer cannot start calls; an agent cannot call a contact it does not hold.
    expect(
      codeOf(
        await people.carol.client.request({ type: 'call.start', agentId: 'ann', media: 'audio' }),
      ),
    ).toBe('forbidden');
    expect(
      codeOf(
        await people.bob.client.request({ type: 'call.start', contactId: 'c1', media: 'audio' }),
      ),
    ).toBe('contact_not_assigned');
  });

  it('[calls] each refusal has its code: unknown call, not ringing, not active, busy, not connected, no consult, finished recording', async () => {
    const { carol, ann, bob, callId } = await inCall();
    const codeFor = async (person: Person, request: Record<string, unknown>) =>
      codeOf(await person.client.request(request));
    expect(await codeFor(ann, { type: 'call.hold', callId: 'call_none' })).toBe('call_not_found');
    expect(await codeFor(carol, { type: 'call.answer', callId })).toBe('call_not_ringing');
    expect(await codeFor(ann, { type: 'call.resume', callId })).toBe('call_not_active');
    expect(await codeFor(ann, { type: 'call.consultComplete', callId })).toBe('no_consult');
    expect(await codeFor(ann, { type: 'call.start', agentId: 'bob', media: 'audio' })).toBe(
      'party_in_call',
    );
    await setUp(server, [['POST', `${acme}/agents`, agent('cid', ['q1'])]]);
    expect(await codeFor(ann, { type: 'call.conference', callId, agentId: 'cid' })).toBe(
      'agent_not_connected',
    );
    // A contact whose customer has no socket: bob takes it, but cannot call.
    await setUp(server, [['POST', `${acme}/contacts`, contact('c2', 'q1', { channel: 'video' })]]);
    await acceptOffer(bob, 'bob');
    expect(await codeFor(bob, { type: 'call.start', contactId: 'c2', media: 'video' })).toBe(
      'customer_not_connected',
    );

    const base = `${acme}/calls/${callId}/recordings`;
    const started = await server.call<Recording>(
      'POST',
      base,
      { contentType: 'audio/webm' },
      { as: ann.token },
    );
    const finish = () =>
      server.call('POST', `${base}/${started.body.recordingId}/finish`, undefined, {
        as: ann.token,
      });
    expect((await finish()).status).toBe(200);
    expect(await finish()).toMatchObject({
      status: 409,
      body: { error: { code: 'recording_finished' } },
    });
    const unknown = await server.call('GET', `${base}/rec_none`, undefined, { as: ann.token });
    expect(unknown).toMatchObject({
      status: 404,
      body: { error: { code: 'recording_not_found' } },
    });
  });

  it('[calls] nobody answers: the call ends with noAnswer after the ring time', async () => {
    const { carol, ann } = await assigned();
    const { callId } = (await ok(ann.client, {
      type: 'call.start',
      contactId: 'c1',
      media: 'audio',
    })) as { callId: string };
    await callWhere(carol.client, callId, (call) => call.state === 'ringing');
    await server.advance(60_000);
    const ended = await callWhere(ann.client, callId, (call) => call.state === 'ended');
    expect(ended.endReason).toBe('noAnswer');
    // An unanswered call leaves the contact with the agent, who may call again.
    expect(agentOf('ann')?.contactIds).toEqual(['c1']);
  });

  it('[calls] a blind transfer ends the call for the first agent; the second calls the customer again and the contact keeps both calls', async () => {
    const { carol, ann, bob, callId } = await inCall();
    await ok(ann.client, { type: 'call.transfer', callId, agentId: 'bob' });
    const ended = await callWhere(carol.client, callId, (call) => call.state === 'ended');
    expect(ended).toMatchObject({ endReason: 'transferred', endedBy: 'agent:ann' });
    expect(ended.log.at(-2)).toMatchObject({ what: 'transferred', detail: 'agent:bob' });
    const second = await takenAndCalledBack(bob, carol);
    const history = await server.call<{ calls: CallRecord[] }>('GET', `${acme}/contacts/c1/calls`);
    expect(history.body.calls.map((record) => record.call.callId)).toEqual([callId, second.callId]);
  });

  it('[calls] consult then complete: the customer is held while the agents talk, then the call goes on with the second agent', async () => {
    const { carol, ann, bob, callId } = await inCall();
    const { callId: consultId } = (await ok(ann.client, {
      type: 'call.consult',
      callId,
      agentId: 'bob',
    })) as { callId: string };
    await callWhere(carol.client, callId, (call) => call.state === 'held');
    const consult = await callWhere(bob.client, consultId, (call) => call.state === 'ringing');
    expect(consult).toMatchObject({ direction: 'internal', consultFor: { callId } });
    expect(lastCall(carol.client, consultId)).toBeUndefined();
    await ok(bob.client, { type: 'call.answer', callId: consultId });
    expect(await signalCode(ann, consultId, 'agent:bob')).toBeNull();
    expect(
      codeOf(
        await carol.client.request({
          type: 'call.signal',
          callId: consultId,
          to: 'agent:bob',
          description: offer,
        }),
      ),
    ).toBe('not_in_call');

    await ok(ann.client, { type: 'call.consultComplete', callId });
    const moved = await callWhere(
      carol.client,
      callId,
      (call) => call.state === 'active' && call.parties.some((p) => p.partyId === 'agent:bob'),
    );
    expect(moved.parties.map((p) => [p.partyId, p.state])).toEqual([
      ['agent:ann', 'left'],
      ['customer:c1', 'joined'],
      ['agent:bob', 'joined'],
    ]);
    const consultEnded = await callWhere(bob.client, consultId, (call) => call.state === 'ended');
    expect(consultEnded.endReason).toBe('transferred');
    expect(server.host.view(asTenantId('acme'))?.contact(asContactId('c1'))?.agentId).toBe('bob');
    expect(await signalCode(bob, callId, 'customer:c1')).toBeNull();
    expect(await signalCode(ann, callId, 'customer:c1')).toBe('not_in_call');

    await ok(bob.client, { type: 'call.hangup', callId });
    await bob.client.next((m) => m.type === 'event' && m.event.type === 'contactCompleted');
    expect(agentOf('bob')?.presence).toBe('wrapUp');
  });

  it('[calls] consult then cancel: the consult ends and the customer is back with the first agent', async () => {
    const { carol, ann, bob, callId } = await inCall();
    const { callId: consultId } = (await ok(ann.client, {
      type: 'call.consult',
      callId,
      agentId: 'bob',
    })) as { callId: string };
    await ok(bob.client, { type: 'call.answer', callId: consultId });
    expect(codeOf(await ann.client.request({ type: 'call.resume', callId }))).toBe(
      'consult_in_progress',
    );
    await ok(ann.client, { type: 'call.consultCancel', callId: consultId });
    await callWhere(bob.client, consultId, (call) => call.state === 'ended');
    const back = await callWhere(carol.client, callId, (call) =>
      call.log.some((entry) => entry.what === 'consultEnded'),
    );
    expect(back.state).toBe('active');
    expect(back.log.map((entry) => entry.what)).toEqual([
      'ringing',
      'answered',
      'held',
      'consultStarted',
      'consultEnded',
      'resumed',
    ]);
    expect(server.host.view(asTenantId('acme'))?.contact(asContactId('c1'))?.agentId).toBe('ann');
  });

  it('[calls] a conference: a second agent joins, all three exchange media, and leaves while the call goes on', async () => {
    const { carol, ann, bob, callId } = await inCall();
    await ok(ann.client, { type: 'call.conference', callId, agentId: 'bob' });
    await callWhere(bob.client, callId, (call) =>
      call.parties.some((p) => p.partyId === 'agent:bob' && p.state === 'ringing'),
    );
    await ok(bob.client, { type: 'call.answer', callId });
    const three = await callWhere(carol.client, callId, (call) =>
      call.log.some((entry) => entry.what === 'conferenced'),
    );
    expect(three.parties.filter((p) => p.state === 'joined')).toHaveLength(3);
    expect(await signalCode(bob, callId, 'customer:c1')).toBeNull();
    expect(await signalCode(bob, callId, 'agent:ann')).toBeNull();
    expect(await signalCode(carol, callId, 'agent:bob')).toBeNull();
    await ok(bob.client, { type: 'call.hangup', callId });
    const after = await callWhere(carol.client, callId, (call) =>
      call.parties.some((p) => p.partyId === 'agent:bob' && p.state === 'left'),
    );
    expect(after.state).toBe('active');
    expect(agentOf('ann')?.contactIds).toEqual(['c1']);
  });

  it('[calls] a supervisor listens unheard, whispers to the agent only, then barges in to talk to both', async () => {
    const { carol, ann, sue, callId } = await inCall();
    await ok(sue.client, { type: 'call.monitor', callId, mode: 'listen' });
    const seenByAgent = await callWhere(ann.client, callId, (call) =>
      call.parties.some((p) => p.partyId === 'supervisor:sue'),
    );
    expect(seenByAgent.parties.at(-1)).toMatchObject({ monitor: 'listen', microphone: false });
    expect(await signalCode(ann, callId, 'supervisor:sue')).toBeNull();
    expect(await signalCode(sue, callId, 'agent:ann')).toBeNull();
    expect(await signalCode(sue, callId, 'customer:c1')).toBe('media_not_allowed');
    expect(await signalCode(carol, callId, 'supervisor:sue')).toBe('media_not_allowed');

    await ok(sue.client, { type: 'call.monitor', callId, mode: 'whisper' });
    await callWhere(ann.client, callId, (call) =>
      call.parties.some((p) => p.monitor === 'whisper'),
    );
    expect(await signalCode(sue, callId, 'agent:ann')).toBeNull();
    expect(await signalCode(sue, callId, 'customer:c1')).toBe('media_not_allowed');
    // The customer heard of none of it.
    const carolCalls = carol.client.messages.filter(
      (m): m is CallMessage => m.type === 'call' && m.call.callId === callId,
    );
    for (const { call } of carolCalls) {
      expect(call.parties.map((p) => p.partyId)).not.toContain('supervisor:sue');
      expect(call.log.map((entry) => entry.what)).not.toContain('monitorStarted');
    }

    await ok(sue.client, { type: 'call.monitor', callId, mode: 'barge' });
    const barged = await callWhere(carol.client, callId, (call) =>
      call.parties.some((p) => p.partyId === 'supervisor:sue'),
    );
    expect(barged.parties.at(-1)).toMatchObject({ monitor: 'barge', microphone: true });
    expect(await signalCode(sue, callId, 'customer:c1')).toBeNull();
    expect(await signalCode(carol, callId, 'supervisor:sue')).toBeNull();
    await ok(sue.client, { type: 'call.monitorStop', callId });
    await callWhere(ann.client, callId, (call) =>
      call.parties.some((p) => p.partyId === 'supervisor:sue' && p.state === 'left'),
    );
    expect(await signalCode(sue, callId, 'agent:ann')).toBe('not_in_call');
  });

  it('[calls] a supervisor lists the tenant’s live calls (a wallboard opened during a call); an agent is refused', async () => {
    const people = await inCall();
    const list = async (token: string) => {
      const response = await fetch(`${server.baseUrl}${acme}/calls?state=live`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as { calls?: Call[] } };
    };
    const during = await list(people.sue.token);
    expect(during.status).toBe(200);
    expect(during.body.calls?.map((call) => [call.callId, call.state])).toEqual([
      [people.callId, 'active'],
    ]);
    expect((await list(people.ann.token)).status).toBe(403);
    await ok(people.ann.client, { type: 'call.hangup', callId: people.callId });
    await callWhere(people.sue.client, people.callId, (call) => call.state === 'ended');
    expect((await list(people.sue.token)).body.calls).toEqual([]);
  });

  it('[calls] quality samples go live to supervisors and are kept with the contact', async () => {
    const people = await inCall();
    const { callId } = people;
    const sample = { atMs: 1, rttMs: 42, jitterMs: 3, packetLossPercent: 0.5, bitrateKbps: 900 };
    await ok(people.ann.client, { type: 'call.quality', callId, sample });
    const live = await people.sue.client.next((m) => m.type === 'callQuality');
    expect(live).toMatchObject({ callId, contactId: 'c1', from: 'agent:ann', sample });
    expect(people.carol.client.messages.some((m) => m.type === 'callQuality')).toBe(false);
    const history = await server.call<{ calls: CallRecord[] }>('GET', `${acme}/contacts/c1/calls`);
    expect(history.body.calls[0]?.quality).toEqual([{ from: 'agent:ann', sample }]);
  });

  it('[calls] recording: started by the agent (the customer is told), uploaded in order, read back by the agent and supervisors; 413 past the limits', async () => {
    const { carol, ann, bob, sue, callId } = await inCall();
    const base = `${acme}/calls/${callId}/recordings`;
    const refused = await server.call(
      'POST',
      base,
      { contentType: 'video/webm' },
      { as: bob.token },
    );
    expect(refused.status).toBe(403);
    const started = await server.call<Recording>(
      'POST',
      base,
      { contentType: 'video/webm' },
      { as: ann.token },
    );
    expect(started.status).toBe(201);
    const { recordingId } = started.body;
    await callWhere(carol.client, callId, (call) => call.isRecording);
    const chunk = (n: number, bytes: Buffer) =>
      server.call<Recording>('PUT', `${base}/${recordingId}/chunks/${n}`, undefined, {
        as: ann.token,
        raw: bytes as unknown as string,
        contentType: 'application/octet-stream',
      });
    const first = Buffer.alloc(1_000, 1);
    const second = Buffer.alloc(1_000, 2);
    expect((await chunk(0, first)).status).toBe(200);
    const skipped = await chunk(2, second);
    expect(skipped).toMatchObject({ status: 409, body: { error: { code: 'chunk_out_of_order' } } });
    expect((await chunk(1, second)).body).toMatchObject({ chunks: 2, sizeBytes: 2_000 });
    const tooBig = await chunk(2, Buffer.alloc(1_025));
    expect(tooBig).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    const pastTotal = await chunk(2, Buffer.alloc(600));
    expect(pastTotal).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    const finished = await server.call<Recording>(
      'POST',
      `${base}/${recordingId}/finish`,
      undefined,
      {
        as: ann.token,
      },
    );
    expect(finished.body).toMatchObject({ sizeBytes: 2_000, chunks: 2 });
    await callWhere(carol.client, callId, (call) => !call.isRecording);

    const download = async (token: string) => {
      const response = await fetch(`${server.baseUrl}${base}/${recordingId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        bytes: Buffer.from(await response.arrayBuffer()),
      };
    };
    const byAnn = await download(ann.token);
    expect(byAnn.status).toBe(200);
    expect(byAnn.type).toBe('video/webm');
    expect(byAnn.bytes.equals(Buffer.concat([first, second]))).toBe(true);
    expect((await download(sue.token)).status).toBe(200);
    expect((await download(bob.token)).status).toBe(404);
    expect((await download(carol.token)).status).toBe(403);
    const history = await server.call<{ calls: CallRecord[] }>('GET', `${acme}/contacts/c1/calls`);
    expect(history.body.calls[0]?.recordings).toMatchObject([{ recordingId, sizeBytes: 2_000 }]);
  });

  it('[calls] ICE servers carry TURN credentials that verify with the shared secret and expire after the TTL', async () => {
    const carol = await as('customer', 'carol');
    const reply = await server.call<IceServers>('GET', `${acme}/ice-servers`, undefined, {
      as: carol.token,
    });
    expect(reply.status).toBe(200);
    const [stun, turn] = reply.body.iceServers;
    expect(stun).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    expect(turn?.urls).toEqual(['turn:127.0.0.1:3478?transport=udp']);
    const username = turn?.username ?? '';
    const [expiry, label] = username.split(':');
    expect(Number(expiry)).toBe(Math.floor(server.clock.nowMs() / 1_000) + 600);
    expect(label).not.toContain('carol');
    expect(turn?.credential).toBe(createHmac('sha1', turnSecret).update(username).digest('base64'));
    expect(reply.body.ttlSeconds).toBe(600);
    expect((await server.call('GET', `${acme}/ice-servers`, undefined, { as: null })).status).toBe(
      401,
    );
  });

  it('[calls] a customer gone past the resume grace ends the call as disconnected and completes the contact', async () => {
    const people = await inCall();
    const { callId } = people;
    people.carol.client.drop();
    // Bounded wait for real I/O: the server notices the dropped socket (4 sockets remain).
    for (let attempt = 0; attempt < 500 && server.app.sockets.connectedCount() > 3; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await server.advance(29_000);
    expect(lastCall(people.ann.client, callId)?.state).toBe('active');
    await server.advance(1_000);
    const ended = await callWhere(people.ann.client, callId, (call) => call.state === 'ended');
    expect(ended).toMatchObject({ endReason: 'disconnected', endedBy: 'customer:c1' });
    await people.ann.client.next((m) => m.type === 'event' && m.event.type === 'contactCompleted');
  });
});

describe('calls kept across a restart', () => {
  let dataDir: string;
  let store: ServerStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lineup-calls-'));
    const opened = openServerStore({ dataDir });
    if (!opened.ok) throw new Error(opened.message);
    store = opened.store;
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('[calls] a contact’s call log is read back after a restart; a call live at the stop ended as failed', async () => {
    await server.close();
    server = await startServer({ store });
    await setUp(server, [
      ['POST', '/v1/tenants', { id: 'acme' }],
      ['POST', `${acme}/queues`, queue('q1', { channels: ['video'] })],
      ['POST', `${acme}/agents`, agent('ann', ['q1'])],
      ['POST', `${acme}/agents`, agent('bob', ['q1'])],
    ]);
    const people = await assigned();
    const { callId: first } = (await ok(people.ann.client, {
      type: 'call.start',
      contactId: 'c1',
      media: 'audio',
    })) as { callId: string };
    await server.advance(60_000);
    await callWhere(people.ann.client, first, (call) => call.state === 'ended');
    const second = await answered(people);
    for (const client of clients.splice(0)) client.close();
    await server.close();

    server = await startServer({ store });
    await setUp(server, [['POST', '/v1/tenants', { id: 'acme' }]]);
    const history = await server.call<{ calls: CallRecord[] }>('GET', `${acme}/contacts/c1/calls`);
    expect(history.status).toBe(200);
    const calls = history.body.calls.map((record) => record.call);
    expect(calls.map((call) => [call.callId, call.state, call.endReason])).toEqual([
      [first, 'ended', 'noAnswer'],
      [second, 'ended', 'failed'],
    ]);
    expect(calls.map((call) => call.log.map((entry) => entry.what))).toEqual([
      ['ringing', 'ended'],
      ['ringing', 'answered', 'ended'],
    ]);
  });
});
