import { describe, expect, it } from 'vitest';
import { asQueueId, type Call, type CallId, type ContactId, type OfferId } from '@lineup/protocol';
import { LineupAgent, LineupCustomer, type ClientOptions, type LineupClient } from '@lineup/sdk';
import { createCallCenter, type CallBarCallEvents } from '@lineup/compat';
import { Heard, useLiveServer } from './live-server.ts';

/*
 * The call bar's call flows (seed 002, section 6) against the real server's
 * calls: agents' call bars hear the inbound, outbound, internal, transfer and
 * consult flows of calls the SDK places, with the document's fields.
 */

const live = useLiveServer();
const hotline = asQueueId('802');
const callNames = [
  'makecall',
  'outringing',
  'outcall',
  'calledringing',
  'answer',
  'cancelmakecall',
  'after',
  'innerringing',
  'innercall',
  'innercallout',
  'inringing',
  'playtts',
  'incall',
  'transfercall',
  'transfering',
  'transferinringing',
  'transferincall',
  'agentconsult',
  'consultationcalls',
  'consultinringing',
  'consultincall',
] as const satisfies readonly (keyof CallBarCallEvents)[];

/** A tenant with the skill group 802 (voice and callbacks, with a greeting) served by Ann and Bob. */
async function tenant(): Promise<string> {
  const id = live.tenantId('calls');
  await live.server.call('POST', '/v1/tenants', { id });
  await live.server.call('POST', `/v1/tenants/${id}/queues`, {
    id: '802',
    name: 'Hotline',
    channels: ['voice', 'callback'],
    callbacks: { isAllowed: true, retryDelayMs: 60_000, attemptsMax: 2 },
    offerTimeoutMs: 60_000,
    answerGreeting: 'Agent {agent} is here to help you',
  });
  for (const agentId of ['ann', 'bob']) {
    await live.server.call('POST', `/v1/tenants/${id}/agents`, {
      id: agentId,
      name: agentId === 'ann' ? 'Ann' : 'Bob',
      memberships: [{ queueId: '802', priority: 1 }],
    });
  }
  return id;
}

async function connect<C extends LineupClient<object>>(
  Client: new (options: ClientOptions) => C,
  tenantId: string,
  role: 'customer' | 'agent',
  subject: string,
): Promise<C> {
  const created = live.closeAfterTest(
    new Client(await live.server.clientOptions(tenantId, role, subject)),
  );
  await created.opened();
  return created;
}

/** An agent's client and call bar, every call-flow event recorded. */
async function agentWithBar(tenantId: string, agentId: string) {
  const agent = await connect(LineupAgent, tenantId, 'agent', agentId);
  const callCenter = live.closeAfterTest(createCallCenter({ agent }));
  const heard = new Heard<[json: unknown]>();
  for (const name of callNames) callCenter.addEventListener(name, heard.listener(name));
  return { agent, heard };
}

/** The next call message of a customer that matches. */
function nextCall(client: LineupCustomer, match: (call: Call) => boolean): Promise<Call> {
  return new Promise((resolve) => {
    const stop = client.on('call', ({ call }) => {
      if (!match(call)) return;
      stop();
      resolve(call);
    });
  });
}

/** A customer who joins 802 by voice and is taken by `agent`; resolves with the contact. */
async function takenBy(
  agent: LineupAgent,
  customer: LineupCustomer,
  number: string,
): Promise<ContactId> {
  const offered = new Promise<{ offerId: OfferId }>((resolve) => {
    const stop = agent.on('offerCreated', (event) => {
      stop();
      resolve(event);
    });
  });
  const joined = await customer.join({
    queueId: hotline,
    channel: 'voice',
    customer: { name: 'Mia', number },
    attributes: { order: 'A-7' },
  });
  if (joined.type !== 'contactQueued') throw new Error(`not queued: ${joined.type}`);
  await agent.acceptOffer((await offered).offerId);
  return joined.contact.id;
}

/** The names heard so far, in order, and forgets them. */
function drain(heard: Heard<[json: unknown]>): string[] {
  return heard.calls.splice(0).map((call) => call.name);
}

describe('call-bar call flows on real calls', () => {
  it('[compat] inbound then a blind transfer: inringing, playtts, incall, transfercall, transfering, after; the receiving agent transferinringing, transferincall', async () => {
    const t = await tenant();
    const ann = await agentWithBar(t, 'ann');
    await ann.agent.logIn();
    const customer = await connect(LineupCustomer, t, 'customer', 'mia');
    const contactId = await takenBy(ann.agent, customer, '18910393942');

    const ringing = nextCall(customer, (call) => call.state === 'ringing');
    const callId = await ann.agent.startCall({ contactId }, 'audio');
    const [inringing] = await ann.heard.next('inringing');
    expect(inringing).toEqual({
      type: 'inringing',
      callid: callId,
      timestamp: expect.stringMatching(/^\d{10}$/) as string,
      caller: '18910393942',
      called: '802',
      origcaller: '18910393942',
      nowgroupid: 802,
      userdata: { order: 'A-7' },
      followData: {},
      uuiData: '',
    });
    await ringing;
    const greeted = nextCall(customer, (call) =>
      call.log.some((entry) => entry.what === 'greeting'),
    );
    await customer.answerCall(callId);
    // The customer hears the queue's greeting with its agent's name; the agent's bar hears
    // playtts, then incall.
    expect((await greeted).log.find((entry) => entry.what === 'greeting')?.detail).toBe(
      'Agent Ann is here to help you',
    );
    expect((await ann.heard.next('playtts'))[0]).toEqual({ type: 'playtts' });
    expect(ann.heard.names()).toBe('incall');
    expect((await ann.heard.next('incall'))[0]).toEqual({
      type: 'incall',
      callid: callId,
      caller: '18910393942',
      called: '802',
    });

    const bob = await agentWithBar(t, 'bob');
    await bob.agent.logIn();
    const bobOffered = new Promise<OfferId>((resolve) => {
      const stop = bob.agent.on('offerCreated', (event) => {
        stop();
        resolve(event.offerId);
      });
    });
    await ann.agent.transferCall(callId, { agentId: 'bob' });
    expect((await ann.heard.next('transfercall'))[0]).toEqual({
      type: 'transfercall',
      dir: 0,
      reason: '',
      status: 0,
    });
    expect((await ann.heard.next('transfering'))[0]).toEqual({ type: 'transfering' });
    expect((await ann.heard.next('after'))[0]).toEqual({ type: 'after', callid: callId });
    expect(drain(ann.heard)).toEqual([]);

    await bob.agent.acceptOffer(await bobOffered);
    const secondCall = await bob.agent.startCall({ contactId }, 'audio');
    expect((await bob.heard.next('transferinringing'))[0]).toMatchObject({
      type: 'transferinringing',
      callid: secondCall,
      caller: '18910393942',
      called: '802',
      nowgroupid: 802,
      dir: 0,
    });
    await customer.answerCall(secondCall);
    expect((await bob.heard.next('transferincall'))[0]).toMatchObject({
      type: 'transferincall',
      callid: secondCall,
    });
    await bob.agent.hangUp(secondCall);
    expect((await bob.heard.next('cancelmakecall'))[0]).toEqual({
      type: 'cancelmakecall',
      callid: secondCall,
      status: 0,
      reason: 'hangup',
    });
    await bob.heard.next('after');
  });

  it('[compat] outbound to a callback, internal calls answered and declined: makecall … answer, innerringing, innercall, innercallout', async () => {
    const t = await tenant();
    const ann = await agentWithBar(t, 'ann');
    const bob = await agentWithBar(t, 'bob');
    await ann.agent.logIn();
    const customer = await connect(LineupCustomer, t, 'customer', 'kim');
    const offered = new Promise<{ offerId: OfferId; contactId: ContactId }>((resolve) => {
      const stop = ann.agent.on('offerCreated', (event) => {
        stop();
        resolve(event);
      });
    });
    await customer.requestCallback({ queueId: hotline, number: '+4930777' });
    const offer = await offered;
    await ann.agent.acceptOffer(offer.offerId);

    const outbound = await ann.agent.startCall({ contactId: offer.contactId }, 'audio');
    expect(
      await Promise.all(
        ['makecall', 'outringing', 'outcall', 'calledringing'].map((name) =>
          ann.heard.next(name).then(([json]) => json),
        ),
      ),
    ).toEqual([
      { type: 'makecall', status: 0, reason: '', callid: outbound },
      expect.objectContaining({
        type: 'outringing',
        caller: '802',
        called: '+4930777',
        callid: outbound,
        preview: {},
        callerArea: { city: '', provice: '' },
      }),
      { type: 'outcall', callid: outbound, number: '+4930777' },
      expect.objectContaining({
        type: 'calledringing',
        caller: '802',
        called: '+4930777',
        nowgroupid: 802,
      }),
    ]);
    await customer.answerCall(outbound);
    expect((await ann.heard.next('answer'))[0]).toEqual({
      type: 'answer',
      called: '+4930777',
      caller: '802',
      callid: outbound,
    });
    await customer.hangUp(outbound);
    expect((await ann.heard.next('after'))[0]).toEqual({ type: 'after', callid: outbound });
    expect(drain(ann.heard)).toEqual([]);

    // Ann calls Bob: Bob's bar rings and picks up; Ann's hears the outbound flow.
    const internal = await ann.agent.startCall({ agentId: 'bob' }, 'audio');
    expect((await bob.heard.next('innerringing'))[0]).toMatchObject({
      type: 'innerringing',
      callid: internal,
      caller: 'ann',
      called: 'bob',
      origcaller: 'ann',
      nowgroupid: '',
      preview: {},
    });
    await bob.agent.answerCall(internal);
    expect((await bob.heard.next('innercall'))[0]).toMatchObject({
      type: 'innercall',
      caller: 'ann',
      called: 'bob',
    });
    expect((await ann.heard.next('answer'))[0]).toMatchObject({ caller: 'ann', called: 'bob' });
    await ann.agent.hangUp(internal);
    await ann.heard.next('cancelmakecall');
    await ann.heard.next('after');
    await bob.heard.next('after');
    drain(ann.heard);

    // Bob declines the next one: innercallout for Ann.
    const declined = await ann.agent.startCall({ agentId: 'bob' }, 'audio');
    await bob.heard.next('innerringing');
    await bob.agent.hangUp(declined);
    expect((await ann.heard.next('innercallout'))[0]).toEqual({
      type: 'innercallout',
      callid: declined,
      reason: 'rejected',
      status: 1,
    });
  });

  it('[compat] consult: agentconsult and consultationcalls for the consulting agent, consultinringing and consultincall for the consulted one', async () => {
    const t = await tenant();
    const ann = await agentWithBar(t, 'ann');
    const bob = await agentWithBar(t, 'bob');
    await ann.agent.logIn();
    const customer = await connect(LineupCustomer, t, 'customer', 'mia');
    const contactId = await takenBy(ann.agent, customer, '18910393942');
    const callId: CallId = await ann.agent.startCall({ contactId }, 'audio');
    await ann.heard.next('inringing');
    await customer.answerCall(callId);
    await ann.heard.next('playtts');
    await ann.heard.next('incall');

    // The consulted agent takes the contact at the end, so it is logged in and ready.
    await bob.agent.logIn();
    const consultId = await ann.agent.consult(callId, 'bob');
    expect((await ann.heard.next('agentconsult'))[0]).toEqual({
      type: 'agentconsultback',
      dir: 0,
      reason: '',
      status: 0,
    });
    expect((await bob.heard.next('consultinringing'))[0]).toMatchObject({
      type: 'consultinringing',
      callid: consultId,
      caller: 'ann',
      called: 'bob',
    });
    await bob.agent.answerCall(consultId);
    expect((await bob.heard.next('consultincall'))[0]).toMatchObject({
      type: 'consultincall',
      callid: consultId,
    });
    expect((await ann.heard.next('consultationcalls'))[0]).toEqual({ type: 'consultationcalls' });
    expect(drain(ann.heard)).toEqual([]);

    await ann.agent.completeConsult(callId);
    await ann.heard.next('transfercall');
    await ann.heard.next('transfering');
    await ann.heard.next('after', (json) => (json as { callid: string }).callid === callId);
    expect((await bob.heard.next('transferincall'))[0]).toMatchObject({
      type: 'transferincall',
      callid: callId,
      caller: '18910393942',
    });
  });
});
