import type { Call, Party, PartyId } from '@lineup/protocol';
import type { CallBarId } from './call-bar-events.ts';

/*
 * The call bar's call-flow events (seed document 002, section 6: outbound,
 * internal, inbound, transfer and consult) from Lineup's calls
 * (docs/calls.md): each `call` message the agent's socket receives is
 * compared with the one before it, and what changed for this agent becomes
 * the document's events, with its field names.
 *
 * The agent's browser is its phone, and in Lineup the agent's client starts
 * every call. The call it starts to the customer of a contact that came in
 * is the call bar's inbound flow (inringing while the customer's side rings,
 * incall once it answers; transferinringing and transferincall when the
 * contact came by a transfer). Any other call it starts is the outbound flow:
 * its own leg is up at once, so makecall, outringing and outcall come
 * together, then calledringing and answer follow the other side. When the
 * contact's queue has an answer greeting, the customer hears it as it answers
 * (the call's log says `greeting`), and playtts comes just before incall.
 * Lineup knows no area of a number (callerArea and calledArea are empty).
 */

/** A place's province and city, as the document spells them; Lineup knows neither. */
export interface CallBarArea {
  city: string;
  provice: string;
}

/** The fields of the document's ringing and answered events. */
export interface CallBarCallFields {
  callid: string;
  /** When the call began, unix seconds as a string. */
  timestamp: string;
  caller: string;
  called: string;
  origcaller: string;
  nowgroupid: CallBarId;
  /** The contact's attributes. */
  userdata: Record<string, unknown>;
  followData: Record<string, unknown>;
  uuiData: string;
}

/** What the translation needs beyond the call: read once per call from its contact. */
export interface CallContext {
  /** The customer's number (or id); null for a call between agents. */
  customerNumber: string | null;
  /** The contact's queue as a skill group; '' for a call between agents. */
  groupid: CallBarId;
  /** The contact's queue id: the number the customer called (特服号). */
  serviceNumber: string;
  userdata: Record<string, unknown>;
  /** The contact came to this agent by a transfer. */
  isTransferIn: boolean;
}

/** Every call-flow event, by name, with the document's payload. */
export interface CallBarCallEvents {
  makecall: { type: 'makecall'; status: number; reason: string; callid: string };
  outringing: CallBarCallFields & {
    type: 'outringing';
    preview: Record<string, unknown>;
    callerArea: CallBarArea;
    calledArea: CallBarArea;
  };
  outcall: { type: 'outcall'; callid: string; number: string };
  calledringing: CallBarCallFields & {
    type: 'calledringing';
    preview: Record<string, unknown>;
    callerArea: CallBarArea;
    calledArea: CallBarArea;
  };
  answer: { type: 'answer'; called: string; caller: string; callid: string };
  cancelmakecall: { type: 'cancelmakecall'; callid: string; status: number; reason: string };
  after: { type: 'after'; callid: string };
  innerringing: CallBarCallFields & { type: 'innerringing'; preview: Record<string, unknown> };
  innercall: CallBarCallFields & { type: 'innercall'; preview: Record<string, unknown> };
  innercallout: { type: 'innercallout'; callid: string; reason: string; status: number };
  inringing: CallBarCallFields & { type: 'inringing' };
  playtts: { type: 'playtts' };
  incall: { type: 'incall'; called: string; caller: string; callid: string };
  transfercall: { type: 'transfercall'; dir: 0 | 1; reason: string; status: number };
  transfering: { type: 'transfering' };
  transferinringing: CallBarCallFields & { type: 'transferinringing'; dir: 0 | 1 };
  transferincall: CallBarCallFields & { type: 'transferincall' };
  /** The document fixes this payload's type as `agentconsultback`. */
  agentconsult: { type: 'agentconsultback'; dir: 0 | 1; reason: string; status: number };
  consultationcalls: { type: 'consultationcalls' };
  consultinringing: CallBarCallFields & { type: 'consultinringing' };
  consultincall: CallBarCallFields & { type: 'consultincall' };
}

/** One call-flow event to deliver. */
export type CallBarCallEvent = {
  [K in keyof CallBarCallEvents]: { name: K; json: CallBarCallEvents[K] };
}[keyof CallBarCallEvents];

const noArea: CallBarArea = { city: '', provice: '' };

/** The agent id of an agent's party id, or the party id itself. */
function personOf(partyId: string): string {
  return partyId.startsWith('agent:') ? partyId.slice('agent:'.length) : partyId;
}

/** The party who started the call: the `by` of its first log entry. */
function starterOf(call: Call): string | undefined {
  return call.log[0]?.by;
}

/**
 * The call-bar events of one change of a call, for the agent `self`:
 * `previous` is the call as last seen (null the first time).
 */
export function callBarCallEvents(
  previous: Call | null,
  call: Call,
  self: PartyId,
  context: CallContext,
): CallBarCallEvent[] {
  const partyOf = (version: Call | null, partyId: string): Party | undefined =>
    version?.parties.find((party) => party.partyId === partyId);
  const now = partyOf(call, self);
  if (now === undefined) return [];
  const before = partyOf(previous, self);
  const isStarter = starterOf(call) === self;
  const isConsult = call.consultFor !== undefined;
  const isInternal = call.direction === 'internal';
  const other = call.parties.find((party) => party.partyId !== self && party.role !== 'supervisor');
  const otherName = other === undefined ? '' : personOf(other.partyId);
  const customer = context.customerNumber ?? otherName;
  // Who called whom, as the document's caller and called: for a customer's call the
  // customer and the number it called (the queue); between agents, their ids.
  const [caller, called] = isInternal
    ? isStarter
      ? [personOf(self), otherName]
      : [otherName, personOf(self)]
    : isStarter && call.direction === 'outbound'
      ? [context.serviceNumber, customer]
      : [customer, context.serviceNumber];
  const fields: CallBarCallFields = {
    callid: call.callId,
    timestamp: String(Math.floor(call.startedAtMs / 1_000)),
    caller,
    called,
    origcaller: caller,
    nowgroupid: context.groupid,
    userdata: context.userdata,
    followData: {},
    uuiData: '',
  };
  // The document's dir: 0 a call that came in, 1 one that went out.
  const dir: 0 | 1 =
    call.direction === 'outbound' || (call.direction === 'internal' && isStarter) ? 1 : 0;
  const events: CallBarCallEvent[] = [];
  const push = <K extends keyof CallBarCallEvents>(name: K, json: CallBarCallEvents[K]) => {
    events.push({ name, json } as CallBarCallEvent);
  };

  if (isStarter) {
    const isInbound = call.direction === 'inbound' && !isConsult;
    if (previous === null && isInbound) {
      // The media leg of a contact that came in: the call bar's inbound flow.
      if (context.isTransferIn)
        push('transferinringing', { type: 'transferinringing', ...fields, dir });
      else push('inringing', { type: 'inringing', ...fields });
    } else if (previous === null && !isConsult) {
      push('makecall', { type: 'makecall', status: 0, reason: '', callid: call.callId });
      const outFields = { ...fields, preview: {}, callerArea: noArea, calledArea: noArea };
      push('outringing', { type: 'outringing', ...outFields });
      push('outcall', { type: 'outcall', callid: call.callId, number: called });
    }
    const rang = call.parties.some(
      (party) =>
        party.partyId !== self &&
        party.state === 'ringing' &&
        partyOf(previous, party.partyId)?.state !== 'ringing',
    );
    if (rang && !isConsult && !isInbound) {
      push('calledringing', {
        type: 'calledringing',
        ...fields,
        preview: {},
        callerArea: noArea,
        calledArea: noArea,
      });
    }
    if (call.answeredAtMs !== undefined && previous?.answeredAtMs === undefined) {
      // The customer heard its queue's greeting as it answered: playtts comes before incall.
      const wasGreeted = call.log
        .slice(previous?.log.length ?? 0)
        .some((entry) => entry.what === 'greeting');
      if (isInbound && wasGreeted) push('playtts', { type: 'playtts' });
      if (isConsult) push('consultationcalls', { type: 'consultationcalls' });
      else if (isInbound && context.isTransferIn)
        push('transferincall', { type: 'transferincall', ...fields });
      else if (isInbound) push('incall', { type: 'incall', called, caller, callid: call.callId });
      else push('answer', { type: 'answer', called, caller, callid: call.callId });
    }
  } else {
    if (now.state === 'ringing' && before?.state !== 'ringing') {
      if (isConsult) push('consultinringing', { type: 'consultinringing', ...fields });
      else if (context.isTransferIn)
        push('transferinringing', { type: 'transferinringing', ...fields, dir });
      else if (isInternal) push('innerringing', { type: 'innerringing', ...fields, preview: {} });
      else push('inringing', { type: 'inringing', ...fields });
    }
    if (now.state === 'joined' && before?.state !== 'joined') {
      if (isConsult) push('consultincall', { type: 'consultincall', ...fields });
      else if (context.isTransferIn) push('transferincall', { type: 'transferincall', ...fields });
      else if (isInternal) push('innercall', { type: 'innercall', ...fields, preview: {} });
      else push('incall', { type: 'incall', called, caller, callid: call.callId });
    }
  }

  const seen = previous?.log.length ?? 0;
  for (const [index, entry] of call.log.entries()) {
    if (index < seen || entry.by !== self) continue;
    const transferCall = { type: 'transfercall', dir, reason: '', status: 0 } as const;
    if (entry.what === 'transferStarted') {
      push('transfercall', transferCall);
    } else if (entry.what === 'transferred') {
      // A blind transfer is done at once: its transfercall comes with it.
      const wasStarted = call.log
        .slice(0, index)
        .some((earlier) => earlier.what === 'transferStarted' && earlier.by === self);
      if (!wasStarted) push('transfercall', transferCall);
      push('transfering', { type: 'transfering' });
    } else if (entry.what === 'consultStarted') {
      push('agentconsult', { type: 'agentconsultback', dir, reason: '', status: 0 });
    }
  }

  const hasEnded =
    (call.state === 'ended' && previous?.state !== 'ended' && before?.state !== 'left') ||
    (now.state === 'left' && before !== undefined && before.state !== 'left');
  if (hasEnded) {
    const reason = call.endReason ?? 'hangup';
    if (isStarter && isInternal && !isConsult && call.answeredAtMs === undefined) {
      push('innercallout', { type: 'innercallout', callid: call.callId, reason, status: 1 });
    } else {
      // A transfer ends the agent's part without a hang-up of its own.
      const isOwnHangup =
        call.endReason !== 'transferred' &&
        (call.endedBy === self ||
          call.log.some((entry) => entry.what === 'partyLeft' && entry.by === self));
      if (isOwnHangup) {
        push('cancelmakecall', { type: 'cancelmakecall', callid: call.callId, status: 0, reason });
      }
      push('after', { type: 'after', callid: call.callId });
    }
  }
  return events;
}
