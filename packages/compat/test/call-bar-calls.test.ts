import { describe, expect, it } from 'vitest';
import {
  asCallId,
  asContactId,
  asPartyId,
  type Call,
  type CallLogEntry,
  type Party,
  type PartyId,
} from '@lineup/protocol';
import { callBarCallEvents, type CallContext } from '@lineup/compat';

/*
 * The call bar's call flows (seed 002, section 6) from Lineup's call
 * messages, for one agent: each test walks a call through the versions its
 * socket would receive and checks the events, in order, with the document's
 * fields. These drive the translation with protocol values;
 * call-bar-live-calls.test.ts runs the same flows on the real server's calls.
 */

const ann = asPartyId('agent:ann');
const bob = asPartyId('agent:bob');
const mia = asPartyId('customer:c-1');
const startedAtMs = 1_562_898_710_000;

const customerContext: CallContext = {
  customerNumber: '18910393942',
  groupid: 802,
  serviceNumber: '802',
  userdata: { order: 'A-7' },
  isTransferIn: false,
};
const agentsContext: CallContext = {
  customerNumber: null,
  groupid: '',
  serviceNumber: '',
  userdata: {},
  isTransferIn: false,
};

function party(partyId: PartyId, state: Party['state']): Party {
  const role = partyId.startsWith('agent:') ? 'agent' : 'customer';
  return { partyId, role, name: null, state, camera: false, microphone: true, screen: false };
}

/** One version of a call; `log` grows from version to version as the server's does. */
function call(
  parties: Party[],
  log: [CallLogEntry['what'], PartyId?][],
  more: Partial<Call> = {},
): Call {
  return {
    callId: asCallId('call_1'),
    contactId: asContactId('c-1'),
    direction: 'inbound',
    media: 'audio',
    state: 'ringing',
    parties,
    isRecording: false,
    startedAtMs,
    log: log.map(([what, by], index) => ({
      atMs: startedAtMs + index,
      what,
      ...(by === undefined ? {} : { by }),
    })),
    ...more,
  };
}

/** The names of the events of a sequence of versions, each against the one before. */
function walk(versions: Call[], self: PartyId, context: CallContext) {
  const heard: { name: string; json: unknown }[] = [];
  let previous: Call | null = null;
  for (const version of versions) {
    heard.push(...callBarCallEvents(previous, version, self, context));
    previous = version;
  }
  return heard;
}

const names = (heard: { name: string }[]) => heard.map((event) => event.name);

describe('call-bar call flows', () => {
  it('[compat] inbound: the agent connects the customer who came in: inringing, incall, then cancelmakecall and after when it hangs up', () => {
    const ringing = call([party(ann, 'joined'), party(mia, 'ringing')], [['ringing', ann]]);
    const active = call(
      [party(ann, 'joined'), party(mia, 'joined')],
      [
        ['ringing', ann],
        ['answered', mia],
      ],
      { state: 'active', answeredAtMs: startedAtMs + 3_000 },
    );
    const ended = call(
      [party(ann, 'left'), party(mia, 'left')],
      [
        ['ringing', ann],
        ['answered', mia],
        ['ended', ann],
      ],
      { state: 'ended', answeredAtMs: startedAtMs + 3_000, endedBy: ann, endReason: 'hangup' },
    );
    const heard = walk([ringing, active, ended], ann, customerContext);
    expect(names(heard)).toEqual(['inringing', 'incall', 'cancelmakecall', 'after']);
    expect(heard[0]?.json).toEqual({
      type: 'inringing',
      callid: 'call_1',
      timestamp: '1562898710',
      caller: '18910393942',
      called: '802',
      origcaller: '18910393942',
      nowgroupid: 802,
      userdata: { order: 'A-7' },
      followData: {},
      uuiData: '',
    });
    expect(heard[1]?.json).toEqual({
      type: 'incall',
      callid: 'call_1',
      caller: '18910393942',
      called: '802',
    });
    expect(heard[2]?.json).toEqual({
      type: 'cancelmakecall',
      callid: 'call_1',
      status: 0,
      reason: 'hangup',
    });
    expect(heard[3]?.json).toEqual({ type: 'after', callid: 'call_1' });
  });

  it('[compat] inbound with a greeting: the customer hears the queue greeting as it answers: inringing, playtts, incall', () => {
    const ringing = call([party(ann, 'joined'), party(mia, 'ringing')], [['ringing', ann]]);
    const greeted = call(
      [party(ann, 'joined'), party(mia, 'joined')],
      [['ringing', ann], ['answered', mia], ['greeting']],
      { state: 'active', answeredAtMs: startedAtMs + 3_000 },
    );
    const heard = walk([ringing, greeted], ann, customerContext);
    expect(names(heard)).toEqual(['inringing', 'playtts', 'incall']);
    expect(heard[1]?.json).toEqual({ type: 'playtts' });
    // The customer's own side, and an outbound call, never hear playtts.
    expect(names(walk([ringing, greeted], mia, customerContext))).toEqual(['inringing', 'incall']);
    const outbound = (version: Call): Call => ({ ...version, direction: 'outbound' });
    expect(names(walk([outbound(ringing), outbound(greeted)], ann, customerContext))).not.toContain(
      'playtts',
    );
  });

  it('[compat] outbound: the agent calls the customer: makecall, outringing, outcall, calledringing, answer; the customer hangs up: after only', () => {
    const ringing = call([party(ann, 'joined'), party(mia, 'ringing')], [['ringing', ann]], {
      direction: 'outbound',
    });
    const active = call(
      [party(ann, 'joined'), party(mia, 'joined')],
      [
        ['ringing', ann],
        ['answered', mia],
      ],
      { direction: 'outbound', state: 'active', answeredAtMs: startedAtMs + 5_000 },
    );
    const ended = call(
      [party(ann, 'left'), party(mia, 'left')],
      [
        ['ringing', ann],
        ['answered', mia],
        ['ended', mia],
      ],
      { direction: 'outbound', state: 'ended', answeredAtMs: startedAtMs + 5_000, endedBy: mia },
    );
    const heard = walk([ringing, active, ended], ann, customerContext);
    expect(names(heard)).toEqual([
      'makecall',
      'outringing',
      'outcall',
      'calledringing',
      'answer',
      'after',
    ]);
    expect(heard[0]?.json).toEqual({ type: 'makecall', status: 0, reason: '', callid: 'call_1' });
    expect(heard[1]?.json).toMatchObject({
      type: 'outringing',
      caller: '802',
      called: '18910393942',
      nowgroupid: 802,
      preview: {},
      callerArea: { city: '', provice: '' },
      calledArea: { city: '', provice: '' },
    });
    expect(heard[2]?.json).toEqual({ type: 'outcall', callid: 'call_1', number: '18910393942' });
    expect(heard[3]?.json).toMatchObject({ type: 'calledringing', called: '18910393942' });
    expect(heard[4]?.json).toEqual({
      type: 'answer',
      called: '18910393942',
      caller: '802',
      callid: 'call_1',
    });
  });

  it('[compat] internal: the called agent hears innerringing and innercall; a call nobody answers is innercallout for the caller', () => {
    const internal = { direction: 'internal' as const };
    // A call between agents serves no contact.
    const ringing: Call = call(
      [party(ann, 'joined'), party(bob, 'ringing')],
      [['ringing', ann]],
      internal,
    );
    delete ringing.contactId;
    const answered = {
      ...ringing,
      state: 'active' as const,
      answeredAtMs: startedAtMs + 1_000,
      parties: [party(ann, 'joined'), party(bob, 'joined')],
      log: [...ringing.log, { atMs: startedAtMs + 1_000, what: 'answered' as const, by: bob }],
    };
    const bobHeard = walk([ringing, answered], bob, agentsContext);
    expect(names(bobHeard)).toEqual(['innerringing', 'innercall']);
    expect(bobHeard[0]?.json).toMatchObject({
      type: 'innerringing',
      caller: 'ann',
      called: 'bob',
      origcaller: 'ann',
      preview: {},
    });
    expect(bobHeard[1]?.json).toMatchObject({ type: 'innercall', caller: 'ann', called: 'bob' });

    const unanswered = {
      ...ringing,
      state: 'ended' as const,
      endReason: 'noAnswer' as const,
      parties: [party(ann, 'left'), party(bob, 'left')],
      log: [...ringing.log, { atMs: startedAtMs + 30_000, what: 'ended' as const }],
    };
    const annHeard = walk([ringing, unanswered], ann, agentsContext);
    expect(names(annHeard)).toEqual([
      'makecall',
      'outringing',
      'outcall',
      'calledringing',
      'innercallout',
    ]);
    expect(annHeard[4]?.json).toEqual({
      type: 'innercallout',
      callid: 'call_1',
      reason: 'noAnswer',
      status: 1,
    });
  });

  it('[compat] transfer: the transferring agent hears transfercall, transfering, after; the receiving agent transferinringing, transferincall', () => {
    const active = call(
      [party(mia, 'joined'), party(ann, 'joined')],
      [
        ['ringing', mia],
        ['answered', ann],
      ],
      { state: 'active', answeredAtMs: startedAtMs + 1_000 },
    );
    const moving = {
      ...active,
      log: [...active.log, { atMs: 1, what: 'transferStarted' as const, by: ann }],
    };
    const moved = {
      ...moving,
      state: 'ended' as const,
      endReason: 'transferred' as const,
      parties: [party(mia, 'left'), party(ann, 'left')],
      log: [...moving.log, { atMs: 2, what: 'transferred' as const, by: ann, detail: 'agent:bob' }],
    };
    const annHeard = walk([active, moving, moved], ann, customerContext);
    // The first version heard is already active: no ringing is reported after the fact.
    expect(names(annHeard)).toEqual(['incall', 'transfercall', 'transfering', 'after']);
    expect(annHeard[1]?.json).toEqual({ type: 'transfercall', dir: 0, reason: '', status: 0 });
    expect(annHeard[2]?.json).toEqual({ type: 'transfering' });

    const toBob = call([party(mia, 'joined'), party(bob, 'ringing')], [['ringing', mia]], {
      callId: asCallId('call_2'),
    });
    const bobActive = {
      ...toBob,
      state: 'active' as const,
      parties: [party(mia, 'joined'), party(bob, 'joined')],
    };
    const transferred = { ...customerContext, isTransferIn: true };
    const bobHeard = walk([toBob, bobActive], bob, transferred);
    expect(names(bobHeard)).toEqual(['transferinringing', 'transferincall']);
    expect(bobHeard[0]?.json).toMatchObject({
      type: 'transferinringing',
      callid: 'call_2',
      caller: '18910393942',
      called: '802',
      nowgroupid: 802,
      dir: 0,
    });
    expect(bobHeard[1]?.json).toMatchObject({ type: 'transferincall', callid: 'call_2' });
  });

  it('[compat] consult: the consulting agent hears agentconsult and consultationcalls; the consulted one consultinringing and consultincall', () => {
    const active = call(
      [party(mia, 'joined'), party(ann, 'joined')],
      [
        ['ringing', mia],
        ['answered', ann],
      ],
      { state: 'active', answeredAtMs: startedAtMs + 1_000 },
    );
    const consulting = {
      ...active,
      state: 'held' as const,
      consult: { callId: asCallId('call_9') },
      log: [...active.log, { atMs: 3, what: 'consultStarted' as const, by: ann, party: bob }],
    };
    const annOnCustomerCall = walk([active, consulting], ann, customerContext);
    expect(names(annOnCustomerCall)).toEqual(['incall', 'agentconsult']);
    expect(annOnCustomerCall[1]?.json).toEqual({
      type: 'agentconsultback',
      dir: 0,
      reason: '',
      status: 0,
    });

    const consultRinging = call([party(ann, 'joined'), party(bob, 'ringing')], [['ringing', ann]], {
      callId: asCallId('call_9'),
      direction: 'internal',
      consultFor: { callId: asCallId('call_1') },
    });
    const consultActive = {
      ...consultRinging,
      state: 'active' as const,
      answeredAtMs: startedAtMs + 2_000,
      parties: [party(ann, 'joined'), party(bob, 'joined')],
    };
    expect(names(walk([consultRinging, consultActive], ann, customerContext))).toEqual([
      'consultationcalls',
    ]);
    const bobHeard = walk([consultRinging, consultActive], bob, customerContext);
    expect(names(bobHeard)).toEqual(['consultinringing', 'consultincall']);
    expect(bobHeard[0]?.json).toMatchObject({
      type: 'consultinringing',
      callid: 'call_9',
      caller: 'ann',
      called: 'bob',
    });
  });
});
