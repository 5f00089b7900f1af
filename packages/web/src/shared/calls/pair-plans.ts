import type { Call, Party, PartyId } from '@lineup/protocol';

/*
 * Which peer connections a call needs in this browser, and what each sends:
 * a pure function of the call as the server pushed it and of who this
 * browser is. The server relays signals only between pairs it allows
 * (docs/calls.md); this is the same rule seen from one party:
 *
 * - the customer and every agent in the call (two agents in a conference);
 * - agent and agent (a consult, an internal call, a conference);
 * - a monitoring supervisor and the call's first agent, who forwards the
 *   others' audio to it (listen, whisper); barging, the supervisor instead
 *   talks with every party directly;
 * - supervisors carry no video, and nobody else pairs.
 *
 * While the call is held, the customer and its agents send each other
 * nothing; the customer's page plays hold music instead.
 */

/** What this side of one pair sends. */
export interface PairPlan {
  /** This side makes the offer; exactly one side of a pair does. */
  isOfferer: boolean;
  /** The pair carries video; the same for both sides, fixed for the pair's life. */
  hasVideo: boolean;
  sendsMicrophone: boolean;
  /** Sends the local video (camera or screen). */
  sendsVideo: boolean;
  /** Parties whose received audio this side forwards on the pair's second audio. */
  forwardsAudioOf: readonly string[];
}

/** Offers go from the higher rank to the lower one; between equals, the smaller id offers. */
const offerRank = { agent: 2, supervisor: 1, customer: 0 } as const;

function isOffererOf(self: Party, peer: Party): boolean {
  const selfRank = offerRank[self.role];
  const peerRank = offerRank[peer.role];
  return selfRank === peerRank ? self.partyId < peer.partyId : selfRank > peerRank;
}

/** The agent a listening or whispering supervisor pairs with: the first agent still in the call. */
function monitoredAgentOf(joined: readonly Party[]): Party | undefined {
  return joined.find((party) => party.role === 'agent');
}

/** Whether two parties exchange media in this call. */
function arePaired(a: Party, b: Party, joined: readonly Party[]): boolean {
  if (a.role === 'supervisor' && b.role === 'supervisor') return false;
  const supervisor = a.role === 'supervisor' ? a : b.role === 'supervisor' ? b : null;
  if (supervisor === null) return a.role === 'agent' || b.role === 'agent';
  const other = supervisor === a ? b : a;
  if (supervisor.monitor === 'barge') return true;
  return supervisor.monitor !== undefined && other === monitoredAgentOf(joined);
}

function planOf(call: Call, self: Party, peer: Party, joined: readonly Party[]): PairPlan {
  const hasSupervisor = self.role === 'supervisor' || peer.role === 'supervisor';
  const hasVideo = call.media === 'video' && !hasSupervisor;
  const isHeldPair =
    call.state === 'held' && (self.role === 'customer' || peer.role === 'customer');
  const sendsMicrophone =
    self.role === 'supervisor'
      ? self.monitor === 'whisper' || self.monitor === 'barge'
      : !isHeldPair;
  const forwardsAudioOf =
    self.role === 'agent' && peer.role === 'supervisor' && peer.monitor !== 'barge'
      ? joined
          .filter((party) => party !== self && party.role !== 'supervisor')
          .map((party) => party.partyId)
      : [];
  return {
    isOfferer: isOffererOf(self, peer),
    hasVideo,
    sendsMicrophone,
    sendsVideo: hasVideo && !isHeldPair,
    forwardsAudioOf,
  };
}

/** The pairs `self` has in `call` now, by the other party's id; none unless the call is answered. */
export function pairPlansOf(call: Call, self: PartyId): Map<string, PairPlan> {
  const plans = new Map<string, PairPlan>();
  if (call.state !== 'active' && call.state !== 'held') return plans;
  const joined = call.parties.filter((party) => party.state === 'joined');
  const me = joined.find((party) => party.partyId === self);
  if (me === undefined) return plans;
  for (const peer of joined) {
    if (peer === me || !arePaired(me, peer, joined)) continue;
    plans.set(peer.partyId, planOf(call, me, peer, joined));
  }
  return plans;
}
