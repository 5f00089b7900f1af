import {
  PartyRole,
  asPartyId,
  callLogEntriesMax,
  type AgentId,
  type Call,
  type CallLogEntry,
  type CallStep,
  type ContactId,
  type Party,
  type PartyId,
  type Role,
  type TenantId,
} from '@lineup/protocol';
import type { CancelTimer } from '../clock.ts';

/*
 * One live call as the server keeps it: the view its parties see (`Call`,
 * plain data, stored as JSON) and what only the server needs — whose
 * sessions the customer party is, which agent holds the contact, the ring
 * timer. The rules of who may exchange media with whom (docs/calls.md, Media
 * pairs) live here, so the socket and the tests read one definition.
 */

/** A live call: its view and the server's own fields. */
export interface LiveCall {
  readonly tenantId: TenantId;
  readonly view: Call;
  /** The customer's id (the socket subject of the customer party), when the call has one. */
  readonly customerId: string | null;
  /** Per ringing party: ends its ringing when it does not answer in time. */
  readonly ringTimers: Map<PartyId, CancelTimer>;
  /**
   * True while an attended transfer moves the contact to the consulted
   * agent: the engine's transfer of the contact must not end this call.
   */
  isMoving: boolean;
}

/** The party id of a socket's person in a call. */
export function partyIdOf(role: Role, subject: string): PartyId {
  return asPartyId(`${role}:${subject}`);
}

/** The party id of an agent. */
export const agentParty = (agentId: AgentId): PartyId => partyIdOf('agent', agentId);
/** The party id of a contact's customer. */
export const customerParty = (contactId: ContactId): PartyId => partyIdOf('customer', contactId);

/** The role and the id after it of a party id. */
export function splitPartyId(partyId: PartyId): { role: PartyRole; id: string } {
  const at = partyId.indexOf(':');
  return { role: partyId.slice(0, at) as PartyRole, id: partyId.slice(at + 1) };
}

/** A new party: ringing or joined, its media on as the call's media says. */
export function newParty(
  partyId: PartyId,
  name: string | null,
  state: Party['state'],
  isVideo: boolean,
): Party {
  const { role } = splitPartyId(partyId);
  return {
    partyId,
    role,
    name,
    state,
    camera: isVideo && role !== PartyRole.supervisor,
    microphone: role !== PartyRole.supervisor,
    screen: false,
  };
}

/** The party of a call with this id, or undefined. */
export const partyOf = (call: Call, partyId: PartyId): Party | undefined =>
  call.parties.find((party) => party.partyId === partyId);

/** Whether a party takes part now (ringing or joined, not left). */
export const isPresent = (call: Call, partyId: PartyId): boolean => {
  const party = partyOf(call, partyId);
  return party !== undefined && party.state !== 'left';
};

/** The agents of a call who have joined, in the order they came. */
export const joinedAgents = (call: Call): Party[] =>
  call.parties.filter((party) => party.role === PartyRole.agent && party.state === 'joined');

/** The customer party of a call, or undefined for an internal call. */
export const customerOf = (call: Call): Party | undefined =>
  call.parties.find((party) => party.role === PartyRole.customer);

/**
 * Adds a step to a call's log. The log is bounded (callLogEntriesMax): past
 * it, steps are dropped but the last place is kept for `ended`, so a log
 * always says how its call ended.
 */
export function logStep(
  call: Call,
  atMs: number,
  what: CallStep,
  by?: PartyId,
  extra: { party?: PartyId; detail?: string } = {},
): void {
  const isFull = call.log.length >= callLogEntriesMax - (what === 'ended' ? 0 : 1);
  if (isFull) return;
  const entry: CallLogEntry = { atMs, what };
  if (by !== undefined) entry.by = by;
  if (extra.party !== undefined) entry.party = extra.party;
  if (extra.detail !== undefined) entry.detail = extra.detail;
  call.log.push(entry);
}

/**
 * Whether two parties of a call may exchange media, and so signalling
 * (docs/calls.md, Media pairs): customer and agent; two agents (an internal
 * call, a consult, a conference); a supervisor and an agent when it
 * monitors; a supervisor and the customer only when it barges in. Both must
 * still take part; nobody pairs with itself.
 */
export function mayExchangeMedia(call: Call, from: PartyId, to: PartyId): boolean {
  if (from === to) return false;
  const a = partyOf(call, from);
  const b = partyOf(call, to);
  if (a === undefined || b === undefined || a.state === 'left' || b.state === 'left') return false;
  return isAllowedPair(a, b) || isAllowedPair(b, a);
}

function isAllowedPair(a: Party, b: Party): boolean {
  switch (a.role) {
    case PartyRole.agent:
      return b.role === PartyRole.agent || b.role === PartyRole.customer;
    case PartyRole.supervisor:
      if (a.monitor === undefined) return false;
      return b.role === PartyRole.agent || (b.role === PartyRole.customer && a.monitor === 'barge');
    case PartyRole.customer:
      return false;
  }
}

/**
 * The call as one role sees it. A customer does not learn of a supervisor
 * who listens or whispers (nor of the log steps about it): only a barge is
 * heard, so only a barge is shown. Agents and supervisors see everything.
 */
export function viewFor(call: Call, role: Role): Call {
  if (role !== PartyRole.customer) return call;
  const hidden = new Set(
    call.parties
      .filter((party) => party.role === PartyRole.supervisor && party.monitor !== 'barge')
      .map((party) => party.partyId),
  );
  const isMonitorLogged = call.log.some((entry) => entry.what === 'monitorStarted');
  if (hidden.size === 0 && !isMonitorLogged) return call;
  return {
    ...call,
    parties: call.parties.filter((party) => !hidden.has(party.partyId)),
    log: call.log.filter(
      (entry) =>
        !(entry.by !== undefined && hidden.has(entry.by)) &&
        !(entry.party !== undefined && hidden.has(entry.party)) &&
        // A supervisor who barges now may have listened before: that stays unsaid.
        !(
          (entry.what === 'monitorStarted' || entry.what === 'monitorEnded') &&
          entry.detail !== 'barge'
        ),
    ),
  };
}
