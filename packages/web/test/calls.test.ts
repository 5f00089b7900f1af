import { asCallId, asPartyId, type Call, type Party } from '@lineup/protocol';
import { describe, expect, it } from 'vitest';
import { pairPlansOf } from '../src/shared/calls/pair-plans.ts';
import {
  callStatusOf,
  callWords,
  otherPartiesOf,
  qualityInWords,
} from '../src/shared/calls/call-words.ts';
import { qualityOf } from '../src/shared/calls/quality.ts';

/*
 * Which peer connections each party of a call opens, and what each sends,
 * from the call as the server pushes it (docs/calls.md, "Media"); and the
 * quality sample from getStats numbers, and a call in words.
 */

function party(id: string, extra: Partial<Party> = {}): Party {
  const role = id.split(':')[0] as Party['role'];
  return {
    partyId: asPartyId(id),
    role,
    name: null,
    state: 'joined',
    camera: true,
    microphone: true,
    screen: false,
    ...extra,
  };
}

function call(parties: Party[], extra: Partial<Call> = {}): Call {
  return {
    callId: asCallId('call_1'),
    direction: 'inbound',
    media: 'video',
    state: 'active',
    parties,
    isRecording: false,
    startedAtMs: 0,
    log: [],
    ...extra,
  };
}

const customer = party('customer:c1');
const ada = party('agent:ada');
const bo = party('agent:bo');

function plans(of: Call, self: string) {
  return Object.fromEntries(pairPlansOf(of, asPartyId(self)));
}

describe('pair plans', () => {
  it('[calls] an answered video call pairs the customer and the agent, the agent offering', () => {
    const active = call([customer, ada]);
    expect(plans(active, 'agent:ada')).toEqual({
      'customer:c1': {
        isOfferer: true,
        hasVideo: true,
        sendsMicrophone: true,
        sendsVideo: true,
        forwardsAudioOf: [],
      },
    });
    expect(plans(active, 'customer:c1')['agent:ada']?.isOfferer).toBe(false);
  });

  it('[calls] a ringing or ended call has no media, nor a party that left', () => {
    expect(plans(call([customer, ada], { state: 'ringing' }), 'agent:ada')).toEqual({});
    expect(plans(call([customer, ada], { state: 'ended' }), 'agent:ada')).toEqual({});
    expect(plans(call([customer, party('agent:ada', { state: 'left' })]), 'customer:c1')).toEqual(
      {},
    );
  });

  it('[calls] on hold the customer and the agent send each other nothing', () => {
    const held = call([customer, ada], { state: 'held' });
    for (const [self, peer] of [
      ['agent:ada', 'customer:c1'],
      ['customer:c1', 'agent:ada'],
    ] as const) {
      expect(plans(held, self)[peer]).toMatchObject({ sendsMicrophone: false, sendsVideo: false });
    }
  });

  it('[calls] a conference pairs each of three parties with the two others', () => {
    const conference = call([customer, ada, bo]);
    expect(Object.keys(plans(conference, 'customer:c1')).sort()).toEqual(['agent:ada', 'agent:bo']);
    expect(plans(conference, 'agent:ada')['agent:bo']?.isOfferer).toBe(true);
    expect(plans(conference, 'agent:bo')['agent:ada']?.isOfferer).toBe(false);
  });

  it('[calls] a listening supervisor pairs with the agent only, sends nothing, and gets the customer forwarded', () => {
    const listen = call([customer, ada, party('supervisor:sam', { monitor: 'listen' })]);
    expect(plans(listen, 'supervisor:sam')).toEqual({
      'agent:ada': {
        isOfferer: false,
        hasVideo: false,
        sendsMicrophone: false,
        sendsVideo: false,
        forwardsAudioOf: [],
      },
    });
    expect(plans(listen, 'agent:ada')['supervisor:sam']).toMatchObject({
      isOfferer: true,
      sendsMicrophone: true,
      forwardsAudioOf: ['customer:c1'],
    });
    expect(Object.keys(plans(listen, 'customer:c1'))).toEqual(['agent:ada']);
  });

  it('[calls] a whispering supervisor talks to the agent only; barging, to both', () => {
    const whisper = call([customer, ada, party('supervisor:sam', { monitor: 'whisper' })]);
    expect(plans(whisper, 'supervisor:sam')['agent:ada']?.sendsMicrophone).toBe(true);
    expect(Object.keys(plans(whisper, 'customer:c1'))).toEqual(['agent:ada']);
    const barge = call([customer, ada, party('supervisor:sam', { monitor: 'barge' })]);
    expect(Object.keys(plans(barge, 'customer:c1')).sort()).toEqual([
      'agent:ada',
      'supervisor:sam',
    ]);
    expect(plans(barge, 'agent:ada')['supervisor:sam']?.forwardsAudioOf).toEqual([]);
    expect(plans(barge, 'supervisor:sam')['customer:c1']?.isOfferer).toBe(true);
  });
});

describe('call quality', () => {
  it('[calls] takes the nominated pair round trip, the worst jitter, and loss and bitrate over the interval', () => {
    const at = (bytes: number, packets: number, lost: number) => [
      { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.042 },
      { type: 'candidate-pair', nominated: false, currentRoundTripTime: 0.9 },
      {
        type: 'inbound-rtp',
        jitter: 0.003,
        bytesReceived: bytes,
        packetsReceived: packets,
        packetsLost: lost,
      },
      { type: 'inbound-rtp', jitter: 0.011, bytesReceived: 0, packetsReceived: 0, packetsLost: 0 },
    ];
    const first = qualityOf(at(1000, 100, 0), null, 10_000);
    expect(first.sample).toEqual({ atMs: 10_000, rttMs: 42, jitterMs: 11 });
    const second = qualityOf(at(126_000, 190, 10), first.totals, 15_000);
    expect(second.sample).toEqual({
      atMs: 15_000,
      rttMs: 42,
      jitterMs: 11,
      packetLossPercent: 10,
      bitrateKbps: 200,
    });
  });
});

describe('calls in words', () => {
  it('[calls] names the others, the state with its timer, and how the call ended', () => {
    const named = call(
      [party('customer:c1', { name: 'Dana' }), party('agent:ada', { name: 'Ada' })],
      {
        answeredAtMs: 1_000,
      },
    );
    expect(otherPartiesOf(named, 'agent:ada')).toBe('Dana');
    expect(callStatusOf(named, 'agent:ada', 66_000)).toBe('In call 1:05');
    const held = {
      ...named,
      state: 'held' as const,
      log: [{ atMs: 60_000, what: 'held' as const }],
    };
    expect(callStatusOf(held, 'agent:ada', 72_000)).toBe('On hold 0:12');
    expect(callStatusOf({ ...named, state: 'ended', endReason: 'rejected' }, 'agent:ada', 0)).toBe(
      'Call declined',
    );
    const ringing = call([customer, party('agent:ada', { state: 'ringing' })], {
      state: 'ringing',
    });
    expect(callStatusOf(ringing, 'agent:ada', 0)).toBe('Incoming call');
    expect(callStatusOf(ringing, 'customer:c1', 0)).toBe('Ringing…');
    expect(qualityInWords({ atMs: 0, rttMs: 42, packetLossPercent: 0.5, bitrateKbps: 820 })).toBe(
      'rtt 42 ms · loss 0.5% · 820 kbps',
    );
  });

  it('[calls] says the same in Chinese: the others, the state with its timer, the quality', () => {
    const zh = callWords.zh;
    const pair = call(
      [
        party('customer:c1', { name: 'Dana' }),
        party('agent:ada', { name: 'Ada' }),
        party('agent:bo', { name: 'Bo' }),
      ],
      {
        answeredAtMs: 1_000,
      },
    );
    expect(otherPartiesOf(pair, 'agent:ada', zh)).toBe('Dana和Bo');
    expect(callStatusOf(pair, 'agent:ada', 66_000, zh)).toBe('通话中 1:05');
    expect(
      callStatusOf({ ...pair, state: 'ended', endReason: 'noAnswer' }, 'agent:ada', 0, zh),
    ).toBe('无人接听');
    expect(qualityInWords({ atMs: 0, rttMs: 42, packetLossPercent: 0.5 }, zh)).toBe(
      '往返 42 毫秒 · 丢包 0.5%',
    );
  });
});
