import { randomBytes } from 'node:crypto';
import {
  PartyRole,
  Role,
  answerGreetingOf,
  asCallId,
  callPartiesMax,
  rejection,
  type AgentId,
  type Call,
  type CallEndReason,
  type CallId,
  type CallRecord,
  type CallRequest,
  type CallRequestOf,
  type ContactId,
  type Event,
  type Party,
  type PartyId,
  type Rejection,
  type SequencedMessage,
  type TenantId,
} from '@lineup/protocol';
import type { Clock, TimerScheduler } from '../clock.ts';
import type { Host } from '../host.ts';
import {
  agentParty,
  customerOf,
  customerParty,
  isPresent,
  logStep,
  mayExchangeMedia,
  newParty,
  partyIdOf,
  partyOf,
  splitPartyId,
  viewFor,
  type LiveCall,
} from './call-model.ts';
import type { CallStore } from './call-store.ts';

/*
 * The calls of every tenant, kept beside the engine (ADR 0016, docs/calls.md):
 * who calls whom, who may hear whom, and each call's states and log. The
 * engine only learns what a call does to its contact — a blind or attended
 * transfer moves the contact, the end of the customer's call completes it —
 * and a contact that ends in the engine ends its call. Requests come from
 * the socket (socket-hub.ts) as the caller's tenant, role and subject; the
 * hub delivers what the calls send through a CallSink.
 *
 * Each tenant's live calls sit in one map; finding a person's calls scans
 * it (O(live calls of the tenant), bounded by liveCallsPerTenantMax), which
 * happens on a start, a disconnect or a contact's end, never per message.
 */

/** Settings of calls; each has a default. */
export interface CallSettings {
  /** How long a callee rings before the call ends with noAnswer. */
  ringTimeoutMs: number;
  /** Live calls one tenant may hold. */
  liveCallsPerTenantMax: number;
  /** Quality samples kept per call: at one every 5 s from four parties, over four hours. */
  qualitySamplesPerCallMax: number;
}

/** The defaults of the call settings. */
export const callSettingsDefault: CallSettings = {
  ringTimeoutMs: 60_000,
  liveCallsPerTenantMax: 10_000,
  qualitySamplesPerCallMax: 12_000,
};

/** Who sends a call request: a socket's person. */
export interface Caller {
  tenantId: TenantId;
  role: Role;
  subject: string;
}

/** How the calls reach people: the socket hub's sessions. */
export interface CallSink {
  /** Sends a numbered message to every session of one person. */
  push(tenantId: TenantId, role: Role, subject: string, message: SequencedMessage): void;
  /** Sends a numbered message to every supervisor session of a tenant. */
  pushSupervisors(tenantId: TenantId, message: SequencedMessage): void;
  /** Whether the person has a session now (live, or within its resume grace). */
  isConnected(tenantId: TenantId, role: Role, subject: string): boolean;
}

/** What a successful request gives: the call it concerns. */
export interface CallAnswer {
  callId: CallId;
}

const callNotFound = (callId: string): Rejection =>
  rejection('call_not_found', `No live call has id ${callId}; it may have ended already.`, {
    callId,
  });
const notInCall = (callId: string): Rejection =>
  rejection('not_in_call', `You are not a party of call ${callId}.`, { callId });

/** Reasons a call's end completes its contact: the customer's call is over for good. */
const completingReasons = new Set<CallEndReason>(['hangup', 'failed']);

/** The calls of every tenant. */
export class Calls {
  readonly settings: CallSettings;
  readonly #host: Host;
  readonly #store: CallStore;
  readonly #clock: Clock;
  readonly #scheduler: TimerScheduler;
  readonly #live = new Map<TenantId, Map<CallId, LiveCall>>();
  readonly #unsubscribes = new Map<TenantId, () => void>();
  #sink: CallSink | null = null;

  constructor(options: {
    host: Host;
    store: CallStore;
    clock: Clock;
    scheduler: TimerScheduler;
    settings?: Partial<CallSettings>;
  }) {
    this.#host = options.host;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.settings = { ...callSettingsDefault, ...options.settings };
    this.#endLeftovers();
  }

  /** Connects the sessions that receive what the calls send (the socket hub does, once). */
  connect(sink: CallSink): void {
    this.#sink = sink;
  }

  /** Ends every live call's timers and stops listening to the engines; calls stay as stored. */
  close(): void {
    for (const calls of this.#live.values())
      for (const live of calls.values()) for (const cancel of live.ringTimers.values()) cancel();
    for (const unsubscribe of this.#unsubscribes.values()) unsubscribe();
    this.#unsubscribes.clear();
    this.#live.clear();
  }

  /** A live call, for the REST side (recordings), or null. */
  live(tenantId: TenantId, callId: string): LiveCall | null {
    return this.#live.get(tenantId)?.get(callId as CallId) ?? null;
  }

  /** A call, live or stored, or null. */
  call(tenantId: TenantId, callId: string): Call | null {
    return this.live(tenantId, callId)?.view ?? this.#store.call(tenantId, callId);
  }

  /**
   * The tenant's live calls (ringing, active, held), oldest first, as its
   * supervisors see them: a wallboard opened during a call loads them. At most
   * liveCallsPerTenantMax; O(live calls of the tenant).
   */
  liveOf(tenantId: TenantId): Call[] {
    return [...(this.#live.get(tenantId)?.values() ?? [])]
      .map((live) => live.view)
      .sort((a, b) => a.startedAtMs - b.startedAtMs || a.callId.localeCompare(b.callId));
  }

  /** A contact's calls, oldest first, with their logs, quality samples and recordings. */
  ofContact(tenantId: TenantId, contactId: ContactId): CallRecord[] {
    return this.#store.ofContact(tenantId, contactId);
  }

  /** The party of a caller in a call, or undefined: a customer is the party of its contact. */
  partyOfCaller(live: LiveCall, caller: Caller): Party | undefined {
    if (caller.role === Role.customer) {
      if (live.customerId !== caller.subject) return undefined;
      return customerOf(live.view);
    }
    return partyOf(live.view, partyIdOf(caller.role, caller.subject));
  }

  /** Publishes a call's change (recording started or ended) made by the REST side. */
  changed(live: LiveCall): void {
    this.#publish(live);
  }

  /** Runs one call request; the call it concerns, or why not (nothing changed then). */
  async request(caller: Caller, request: CallRequest): Promise<CallAnswer | Rejection> {
    if (request.type === 'call.start') return this.#start(caller, request);
    const live = this.live(caller.tenantId, request.callId);
    if (live === null) return callNotFound(request.callId);
    if (request.type === 'call.monitor') return this.#monitor(caller, live, request.mode);
    const party = this.partyOfCaller(live, caller);
    if (party === undefined || party.state === 'left') return notInCall(request.callId);
    switch (request.type) {
      case 'call.answer':
        return this.#answer(live, party);
      case 'call.hangup':
        return this.#hangUp(live, party, request.reason ?? null);
      case 'call.hold':
      case 'call.resume':
        return this.#holdOrResume(live, party, request.type === 'call.hold');
      case 'call.signal':
        return this.#signal(live, party, request);
      case 'call.transfer':
        return this.#blindTransfer(live, party, request);
      case 'call.consult':
        return this.#consult(live, party, request.agentId);
      case 'call.consultComplete':
        return this.#completeConsult(live, party);
      case 'call.consultCancel':
        return this.#cancelConsult(live, party);
      case 'call.conference':
        return this.#conference(live, party, request.agentId);
      case 'call.monitorStop':
        return this.#stopMonitor(live, party);
      case 'call.media':
        return this.#setMedia(live, party, request);
      case 'call.quality':
        return this.#addQuality(live, party, request);
    }
  }

  /**
   * A person's last session went away past its resume grace: its calls end
   * with `disconnected` (a supervisor stops monitoring, an agent invited to
   * a conference leaves it).
   */
  async partyGone(tenantId: TenantId, role: Role, subject: string): Promise<void> {
    for (const live of [...(this.#live.get(tenantId)?.values() ?? [])]) {
      const party = this.partyOfCaller(live, { tenantId, role, subject });
      if (party === undefined || party.state === 'left') continue;
      await this.#leaveOrEnd(live, party, 'disconnected');
    }
  }

  // --- Starting and answering --------------------------------------------------------------------

  #start(caller: Caller, request: CallRequestOf<'call.start'>): CallAnswer | Rejection {
    if (caller.role !== Role.agent)
      return rejection('forbidden', 'Only agents start calls; customers answer them.');
    const { tenantId } = caller;
    const agentId = caller.subject as AgentId;
    if ((request.contactId === undefined) === (request.agentId === undefined)) {
      return rejection('invalid_command', 'Call a contact (contactId) or an agent (agentId).');
    }
    const calls = this.#callsOf(tenantId);
    if (calls.size >= this.settings.liveCallsPerTenantMax) {
      return rejection(
        'limit_reached',
        `A tenant holds at most ${this.settings.liveCallsPerTenantMax} live calls.`,
        { limit: 'liveCallsPerTenant' },
      );
    }
    const view = this.#host.view(tenantId);
    const me = view?.agent(agentId) ?? null;
    if (view === null || me === null)
      return rejection('agent_not_found', `No agent has id ${agentId}.`);
    const caller_ = agentParty(agentId);
    if (this.#isInCall(tenantId, caller_)) {
      return rejection('party_in_call', 'You are in another call; end it first.');
    }
    let callee: Party;
    let customerId: string | null = null;
    let direction: Call['direction'] = 'internal';
    if (request.contactId !== undefined) {
      const contact = view.contact(request.contactId);
      if (contact === null)
        return rejection('contact_not_found', `No live contact has id ${request.contactId}.`);
      if (contact.status !== 'assigned' || contact.agentId !== agentId) {
        return rejection(
          'contact_not_assigned',
          `Contact ${request.contactId} is not held by you; accept it first.`,
        );
      }
      customerId = contact.customer.id;
      if (this.#sink?.isConnected(tenantId, Role.customer, customerId) !== true) {
        return rejection('customer_not_connected');
      }
      const partyId = customerParty(request.contactId);
      if (this.#isInCall(tenantId, partyId)) return rejection('party_in_call');
      direction = contact.channel === 'callback' ? 'outbound' : 'inbound';
      callee = newParty(
        partyId,
        contact.customer.name ?? null,
        'ringing',
        request.media === 'video',
      );
    } else {
      const calleeId = request.agentId as AgentId;
      const found = this.#agentCallee(tenantId, agentId, calleeId, request.media === 'video');
      if ('code' in found) return found;
      callee = found;
    }
    const nowMs = this.#clock.nowMs();
    const call: Call = {
      callId: asCallId(`call_${randomBytes(12).toString('base64url')}`),
      direction,
      media: request.media,
      state: 'ringing',
      parties: [newParty(caller_, me.name, 'joined', request.media === 'video'), callee],
      isRecording: false,
      startedAtMs: nowMs,
      log: [],
    };
    if (request.contactId !== undefined) call.contactId = request.contactId;
    logStep(call, nowMs, 'ringing', caller_, { party: callee.partyId });
    const live = this.#add(tenantId, call, customerId);
    this.#ring(live, callee.partyId);
    this.#publish(live);
    return { callId: call.callId };
  }

  /** An agent who may be called: exists, connected, in no call, not the caller. */
  #agentCallee(
    tenantId: TenantId,
    callerId: AgentId,
    agentId: AgentId,
    isVideo: boolean,
  ): Party | Rejection {
    if (agentId === callerId) return rejection('invalid_command', 'An agent cannot call itself.');
    const agent = this.#host.view(tenantId)?.agent(agentId) ?? null;
    if (agent === null) return rejection('agent_not_found', `No agent has id ${agentId}.`);
    if (this.#sink?.isConnected(tenantId, Role.agent, agentId) !== true)
      return rejection('agent_not_connected');
    const partyId = agentParty(agentId);
    if (this.#isInCall(tenantId, partyId)) return rejection('party_in_call');
    return newParty(partyId, agent.name, 'ringing', isVideo);
  }

  #answer(live: LiveCall, party: Party): CallAnswer | Rejection {
    const call = live.view;
    if (party.state !== 'ringing') return rejection('call_not_ringing');
    this.#stopRinging(live, party.partyId);
    party.state = 'joined';
    const nowMs = this.#clock.nowMs();
    if (call.state === 'ringing') {
      call.state = 'active';
      call.answeredAtMs = nowMs;
      logStep(call, nowMs, 'answered', party.partyId);
      const greeting = this.#greetingOf(live);
      if (greeting !== '') logStep(call, nowMs, 'greeting', undefined, { detail: greeting });
    } else {
      logStep(call, nowMs, 'conferenced', party.partyId);
    }
    this.#publish(live);
    return { callId: call.callId };
  }

  /** Rings a party until it answers or the ring time passes. */
  #ring(live: LiveCall, partyId: PartyId): void {
    const cancel = this.#scheduler.setTimer(
      this.#clock.nowMs() + this.settings.ringTimeoutMs,
      () => {
        live.ringTimers.delete(partyId);
        const party = partyOf(live.view, partyId);
        if (party?.state !== 'ringing' || live.view.state === 'ended') return;
        void this.#leaveOrEnd(live, party, 'noAnswer');
      },
    );
    live.ringTimers.set(partyId, cancel);
  }

  #stopRinging(live: LiveCall, partyId: PartyId): void {
    live.ringTimers.get(partyId)?.();
    live.ringTimers.delete(partyId);
  }

  // --- Hanging up and ending ---------------------------------------------------------------------

  async #hangUp(
    live: LiveCall,
    party: Party,
    reason: CallEndReason | null,
  ): Promise<CallAnswer | Rejection> {
    if (party.role === PartyRole.supervisor) return this.#stopMonitor(live, party);
    const given = reason ?? (party.state === 'ringing' ? 'rejected' : 'hangup');
    await this.#leaveOrEnd(live, party, given);
    return { callId: live.view.callId };
  }

  /**
   * A party leaves: a supervisor or a second agent of a conference leaves
   * the call, which goes on; anyone else's leaving ends it.
   */
  async #leaveOrEnd(live: LiveCall, party: Party, reason: CallEndReason): Promise<void> {
    const call = live.view;
    const nowMs = this.#clock.nowMs();
    const isHolder = this.#holderOf(live) === party.partyId;
    const otherAgents = call.parties.filter(
      (other) => other.role === PartyRole.agent && other.state !== 'left' && other !== party,
    );
    const isExtra =
      party.role === PartyRole.supervisor ||
      (party.role === PartyRole.agent &&
        customerOf(call) !== undefined &&
        !isHolder &&
        otherAgents.length > 0);
    if (isExtra) {
      this.#stopRinging(live, party.partyId);
      party.state = 'left';
      logStep(
        call,
        nowMs,
        party.role === PartyRole.supervisor ? 'monitorEnded' : 'partyLeft',
        party.partyId,
        { detail: party.role === PartyRole.supervisor ? (party.monitor ?? reason) : reason },
      );
      this.#publish(live, [party.partyId]);
      return;
    }
    // The customer left, or an agent without whom the call has no sense.
    const isCustomerGone =
      party.role === PartyRole.customer && (reason === 'disconnected' || reason === 'hangup');
    const completes =
      call.answeredAtMs !== undefined &&
      call.contactId !== undefined &&
      (completingReasons.has(reason) || isCustomerGone) &&
      !(party.role === PartyRole.agent && reason === 'disconnected');
    await this.#end(live, reason, party.partyId, completes);
  }

  /**
   * Ends a call for everyone; its consult call ends with it; a consult's end
   * gives the customer's call back to its agent. With `completesContact`,
   * the contact is completed in the engine (wrap-up follows, R8).
   */
  async #end(
    live: LiveCall,
    reason: CallEndReason,
    by: PartyId | undefined,
    completesContact: boolean,
  ): Promise<void> {
    const call = live.view;
    if (call.state === 'ended') return;
    const nowMs = this.#clock.nowMs();
    for (const cancel of live.ringTimers.values()) cancel();
    live.ringTimers.clear();
    const present = call.parties.filter((party) => party.state !== 'left').map((p) => p.partyId);
    for (const party of call.parties) party.state = 'left';
    call.state = 'ended';
    call.endedAtMs = nowMs;
    call.endReason = reason;
    call.isRecording = false;
    if (by !== undefined) call.endedBy = by;
    logStep(call, nowMs, 'ended', by, { detail: reason });
    this.#live.get(live.tenantId)?.delete(call.callId);
    this.#publish(live, present);
    const holder = call.contactId === undefined ? null : this.#holderAgent(live);
    if (call.consult !== undefined) {
      const consult = this.live(live.tenantId, call.consult.callId);
      if (consult !== null) await this.#end(consult, reason, by, false);
    }
    if (call.consultFor !== undefined) this.#consultEnded(live, reason);
    if (completesContact && call.contactId !== undefined && holder !== null) {
      const contact = this.#host.view(live.tenantId)?.contact(call.contactId) ?? null;
      // A contact ended another way meanwhile (the agent completed it) has nothing to complete:
      // the refusal changes nothing and is nobody's to answer.
      await this.#host.submit(
        live.tenantId,
        contact?.channel === 'callback'
          ? {
              type: 'closeCallback',
              agentId: holder,
              contactId: call.contactId,
              outcome: 'reached',
            }
          : { type: 'completeContact', agentId: holder, contactId: call.contactId },
      );
    }
  }

  /** A consult call ended other than by completing the transfer: the customer's call is back. */
  #consultEnded(consult: LiveCall, reason: CallEndReason): void {
    const forId = consult.view.consultFor?.callId;
    const customerCall = forId === undefined ? null : this.live(consult.tenantId, forId);
    if (customerCall === null) return;
    const call = customerCall.view;
    // The customer's call ending took its consult with it: nothing to give back.
    if (call.state === 'ended' || call.consult?.callId !== consult.view.callId) return;
    delete call.consult;
    const nowMs = this.#clock.nowMs();
    logStep(call, nowMs, 'consultEnded', consult.view.endedBy, { detail: reason });
    if (reason !== 'transferred' && call.state === 'held') {
      call.state = 'active';
      logStep(call, nowMs, 'resumed', consult.view.endedBy);
    }
    this.#publish(customerCall);
  }

  // --- Hold, media, quality, signalling ----------------------------------------------------------

  #holdOrResume(live: LiveCall, party: Party, isHold: boolean): CallAnswer | Rejection {
    const call = live.view;
    if (party.role !== PartyRole.agent || party.state !== 'joined')
      return rejection('forbidden', 'Only an agent in the call puts it on hold or resumes it.');
    if (call.state !== (isHold ? 'active' : 'held')) return rejection('call_not_active');
    if (!isHold && call.consult !== undefined) return rejection('consult_in_progress');
    call.state = isHold ? 'held' : 'active';
    logStep(call, this.#clock.nowMs(), isHold ? 'held' : 'resumed', party.partyId);
    this.#publish(live);
    return { callId: call.callId };
  }

  #setMedia(
    live: LiveCall,
    party: Party,
    request: CallRequestOf<'call.media'>,
  ): CallAnswer | Rejection {
    party.camera = request.camera;
    party.microphone = request.microphone;
    party.screen = request.screen;
    const onOff = (is: boolean) => (is ? 'on' : 'off');
    logStep(live.view, this.#clock.nowMs(), 'mediaChanged', party.partyId, {
      detail: `camera ${onOff(request.camera)}, microphone ${onOff(request.microphone)}, screen ${onOff(request.screen)}`,
    });
    this.#publish(live);
    return { callId: live.view.callId };
  }

  #addQuality(
    live: LiveCall,
    party: Party,
    request: CallRequestOf<'call.quality'>,
  ): CallAnswer | Rejection {
    const { tenantId } = live;
    const call = live.view;
    if (this.#store.sampleCount(tenantId, call.callId) >= this.settings.qualitySamplesPerCallMax) {
      return rejection(
        'limit_reached',
        `A call keeps at most ${this.settings.qualitySamplesPerCallMax} quality samples.`,
        { limit: 'qualitySamplesPerCall' },
      );
    }
    this.#store.addSample(tenantId, call.callId, party.partyId, request.sample);
    this.#sink?.pushSupervisors(tenantId, {
      type: 'callQuality',
      seq: 0,
      callId: call.callId,
      ...(call.contactId === undefined ? {} : { contactId: call.contactId }),
      from: party.partyId,
      sample: request.sample,
    });
    return { callId: call.callId };
  }

  #signal(
    live: LiveCall,
    party: Party,
    request: CallRequestOf<'call.signal'>,
  ): CallAnswer | Rejection {
    const call = live.view;
    if ((request.description === undefined) === (request.candidate === undefined)) {
      return rejection('invalid_command', 'A signal carries a description or a candidate.');
    }
    if (!mayExchangeMedia(call, party.partyId, request.to)) {
      return rejection(
        'media_not_allowed',
        `${party.partyId} may not exchange media with ${request.to} in this call.`,
        { to: request.to },
      );
    }
    this.#deliver(live, request.to, {
      type: 'callSignal',
      seq: 0,
      callId: call.callId,
      from: party.partyId,
      ...(request.description === undefined ? {} : { description: request.description }),
      ...(request.candidate === undefined ? {} : { candidate: request.candidate }),
    });
    return { callId: call.callId };
  }

  // --- Transfers and conference ------------------------------------------------------------------

  /** Why a party may not move the customer's call on (transfer, consult, conference), or null. */
  #holderRefusal(live: LiveCall, party: Party): Rejection | null {
    const call = live.view;
    if (call.contactId === undefined || call.consultFor !== undefined)
      return rejection('call_not_active', 'Only a call with a customer is transferred.');
    if (this.#holderOf(live) !== party.partyId || party.state !== 'joined')
      return rejection(
        'forbidden',
        "Only the agent holding the contact moves the customer's call.",
      );
    if (call.state === 'ringing') return rejection('call_not_active');
    if (call.consult !== undefined) return rejection('consult_in_progress');
    return null;
  }

  async #blindTransfer(
    live: LiveCall,
    party: Party,
    request: CallRequestOf<'call.transfer'>,
  ): Promise<CallAnswer | Rejection> {
    const refused = this.#holderRefusal(live, party);
    if (refused !== null) return refused;
    if ((request.queueId === undefined) === (request.agentId === undefined))
      return rejection('invalid_command', 'Transfer to a queue (queueId) or an agent (agentId).');
    const call = live.view;
    const contactId = call.contactId as ContactId;
    const agentId = splitPartyId(party.partyId).id as AgentId;
    const target =
      request.queueId === undefined
        ? { agentId: request.agentId as AgentId }
        : { queueId: request.queueId, keepsPlace: true };
    live.isMoving = true;
    const outcome = await this.#host.submit(live.tenantId, {
      type: 'transferContact',
      contactId,
      agentId,
      target,
    });
    live.isMoving = false;
    if (outcome.rejection !== null) return outcome.rejection;
    const detail = 'queueId' in target ? `queue:${target.queueId}` : `agent:${target.agentId}`;
    // Logged once the engine took the transfer: a refused transfer leaves no trace in the log.
    const nowMs = this.#clock.nowMs();
    logStep(call, nowMs, 'transferStarted', party.partyId, { detail });
    logStep(call, nowMs, 'transferred', party.partyId, { detail });
    await this.#end(live, 'transferred', party.partyId, false);
    return { callId: call.callId };
  }

  #consult(live: LiveCall, party: Party, agentId: AgentId): CallAnswer | Rejection {
    const refused = this.#holderRefusal(live, party);
    if (refused !== null) return refused;
    const { tenantId } = live;
    const call = live.view;
    const callee = this.#agentCallee(
      tenantId,
      splitPartyId(party.partyId).id as AgentId,
      agentId,
      call.media === 'video',
    );
    if ('code' in callee) return callee;
    const nowMs = this.#clock.nowMs();
    const consult: Call = {
      callId: asCallId(`call_${randomBytes(12).toString('base64url')}`),
      direction: 'internal',
      media: call.media,
      state: 'ringing',
      parties: [{ ...party }, callee],
      consultFor: { callId: call.callId },
      isRecording: false,
      startedAtMs: nowMs,
      log: [],
    };
    logStep(consult, nowMs, 'ringing', party.partyId, { party: callee.partyId });
    if (call.state === 'active') {
      call.state = 'held';
      logStep(call, nowMs, 'held', party.partyId);
    }
    call.consult = { callId: consult.callId };
    logStep(call, nowMs, 'consultStarted', party.partyId, { party: callee.partyId });
    const consultLive = this.#add(tenantId, consult, null);
    this.#ring(consultLive, callee.partyId);
    this.#publish(live);
    this.#publish(consultLive);
    return { callId: consult.callId };
  }

  /** The customer's call and its consult, from the id of either. */
  #consultPair(live: LiveCall): { customerCall: LiveCall; consult: LiveCall } | Rejection {
    const call = live.view;
    const customerCall =
      call.consultFor === undefined ? live : this.live(live.tenantId, call.consultFor.callId);
    const consultId = customerCall?.view.consult?.callId;
    const consult = consultId === undefined ? null : this.live(live.tenantId, consultId);
    if (customerCall === null || consult === null) return rejection('no_consult');
    return { customerCall, consult };
  }

  async #completeConsult(live: LiveCall, party: Party): Promise<CallAnswer | Rejection> {
    const pair = this.#consultPair(live);
    if ('code' in pair) return pair;
    const { customerCall, consult } = pair;
    const call = customerCall.view;
    if (this.#holderOf(customerCall) !== party.partyId)
      return rejection('forbidden', 'Only the agent holding the contact completes the transfer.');
    if (consult.view.state !== 'active')
      return rejection('call_not_active', 'The consulted agent has not answered yet.');
    const target = consult.view.parties.find(
      (other) => other.role === PartyRole.agent && other.partyId !== party.partyId,
    );
    const { tenantId } = customerCall;
    const targetId = splitPartyId(target?.partyId ?? party.partyId).id as AgentId;
    const agent = this.#host.view(tenantId)?.agent(targetId) ?? null;
    // The engine offers the contact to the consulted agent at once only if it can take it.
    if (agent?.presence !== 'ready' || agent.mode !== 'auto' || agent.offer !== null) {
      return rejection(
        'agent_not_ready',
        `Agent ${targetId} must be ready, in auto mode and without an offer to take the contact.`,
      );
    }
    const contactId = call.contactId as ContactId;
    customerCall.isMoving = true;
    const transferred = await this.#host.submit(tenantId, {
      type: 'transferContact',
      contactId,
      agentId: splitPartyId(party.partyId).id as AgentId,
      target: { agentId: targetId },
    });
    if (transferred.rejection !== null) {
      customerCall.isMoving = false;
      return transferred.rejection;
    }
    const offer = transferred.events.find(
      (event) => event.type === 'offerCreated' && event.agentId === targetId,
    );
    const accepted =
      offer?.type === 'offerCreated'
        ? await this.#host.submit(tenantId, {
            type: 'acceptOffer',
            agentId: targetId,
            offerId: offer.offerId,
          })
        : null;
    customerCall.isMoving = false;
    const nowMs = this.#clock.nowMs();
    if (accepted === null || accepted.rejection !== null || call.state === 'ended') {
      // The contact waits for the consulted agent (sticky, R9); nobody holds the call any more.
      logStep(call, nowMs, 'transferred', party.partyId, { detail: `agent:${targetId}` });
      await this.#end(customerCall, 'transferred', party.partyId, false);
      return { callId: call.callId };
    }
    const moved = partyOf(call, party.partyId);
    if (moved !== undefined) moved.state = 'left';
    const joined = newParty(agentParty(targetId), agent.name, 'joined', call.media === 'video');
    const index = call.parties.findIndex((other) => other.partyId === joined.partyId);
    if (index >= 0) call.parties[index] = joined;
    else call.parties.push(joined);
    delete call.consult;
    logStep(call, nowMs, 'transferred', party.partyId, { party: joined.partyId });
    logStep(call, nowMs, 'consultEnded', party.partyId, { detail: 'transferred' });
    call.state = 'active';
    logStep(call, nowMs, 'resumed', joined.partyId);
    this.#publish(customerCall, [party.partyId]);
    await this.#end(consult, 'transferred', party.partyId, false);
    return { callId: call.callId };
  }

  async #cancelConsult(live: LiveCall, party: Party): Promise<CallAnswer | Rejection> {
    const pair = this.#consultPair(live);
    if ('code' in pair) return pair;
    if (!isPresent(pair.consult.view, party.partyId)) return notInCall(pair.consult.view.callId);
    await this.#end(pair.consult, 'hangup', party.partyId, false);
    return { callId: pair.customerCall.view.callId };
  }

  #conference(live: LiveCall, party: Party, agentId: AgentId): CallAnswer | Rejection {
    const refused = this.#holderRefusal(live, party);
    if (refused !== null) return refused;
    const call = live.view;
    if (call.parties.length >= callPartiesMax)
      return rejection('limit_reached', `A call has at most ${callPartiesMax} parties.`, {
        limit: 'callParties',
      });
    const callee = this.#agentCallee(
      live.tenantId,
      splitPartyId(party.partyId).id as AgentId,
      agentId,
      call.media === 'video',
    );
    if ('code' in callee) return callee;
    const index = call.parties.findIndex((other) => other.partyId === callee.partyId);
    if (index >= 0) call.parties[index] = callee;
    else call.parties.push(callee);
    logStep(call, this.#clock.nowMs(), 'ringing', party.partyId, { party: callee.partyId });
    this.#ring(live, callee.partyId);
    this.#publish(live);
    return { callId: call.callId };
  }

  // --- Monitoring --------------------------------------------------------------------------------

  #monitor(
    caller: Caller,
    live: LiveCall,
    mode: NonNullable<Party['monitor']>,
  ): CallAnswer | Rejection {
    if (caller.role !== Role.supervisor)
      return rejection('forbidden', 'Only supervisors monitor calls.');
    const call = live.view;
    const partyId = partyIdOf(Role.supervisor, caller.subject);
    let party = partyOf(call, partyId);
    if (party === undefined || party.state === 'left') {
      if (party === undefined && call.parties.length >= callPartiesMax)
        return rejection('limit_reached', `A call has at most ${callPartiesMax} parties.`, {
          limit: 'callParties',
        });
      const joined = newParty(partyId, caller.subject, 'joined', false);
      const index = call.parties.findIndex((other) => other.partyId === partyId);
      if (index >= 0) call.parties[index] = joined;
      else call.parties.push(joined);
      party = joined;
    }
    party.monitor = mode;
    // Listening sends nothing; whispering and barging send the supervisor's voice.
    party.microphone = mode !== 'listen';
    logStep(call, this.#clock.nowMs(), 'monitorStarted', partyId, { detail: mode });
    this.#publish(live);
    return { callId: call.callId };
  }

  #stopMonitor(live: LiveCall, party: Party): CallAnswer | Rejection {
    if (party.role !== PartyRole.supervisor) return notInCall(live.view.callId);
    party.state = 'left';
    logStep(live.view, this.#clock.nowMs(), 'monitorEnded', party.partyId, {
      detail: party.monitor ?? 'listen',
    });
    this.#publish(live, [party.partyId]);
    return { callId: live.view.callId };
  }

  // --- The engine's side -------------------------------------------------------------------------

  /** A contact that ends or moves in the engine ends its call (unless a transfer here moves it). */
  #onEvents(tenantId: TenantId, events: readonly Event[]): void {
    for (const event of events) {
      let reason: CallEndReason | null = null;
      switch (event.type) {
        case 'contactCompleted':
        case 'callbackClosed':
          reason = 'hangup';
          break;
        case 'contactAbandoned':
        case 'contactTimedOut':
        case 'contactRequeued':
          reason = 'disconnected';
          break;
        case 'contactTransferred':
          reason = 'transferred';
          break;
        default:
          break;
      }
      if (reason === null) continue;
      const { contactId } = event as { contactId: ContactId };
      for (const live of this.#live.get(tenantId)?.values() ?? []) {
        const call = live.view;
        if (call.contactId !== contactId || call.consultFor !== undefined || live.isMoving)
          continue;
        const holder = this.#holderOf(live);
        void this.#end(
          live,
          reason,
          reason === 'hangup' ? (holder ?? undefined) : undefined,
          false,
        );
      }
    }
  }

  // --- Bookkeeping -------------------------------------------------------------------------------

  #callsOf(tenantId: TenantId): Map<CallId, LiveCall> {
    let calls = this.#live.get(tenantId);
    if (calls === undefined) {
      calls = new Map();
      this.#live.set(tenantId, calls);
      this.#unsubscribes.set(
        tenantId,
        this.#host.subscribe(tenantId, (events) => {
          this.#onEvents(tenantId, events);
        }),
      );
    }
    return calls;
  }

  #add(tenantId: TenantId, call: Call, customerId: string | null): LiveCall {
    const live: LiveCall = {
      tenantId,
      view: call,
      customerId,
      ringTimers: new Map(),
      isMoving: false,
    };
    this.#callsOf(tenantId).set(call.callId, live);
    return live;
  }

  #isInCall(tenantId: TenantId, partyId: PartyId): boolean {
    for (const live of this.#live.get(tenantId)?.values() ?? [])
      if (isPresent(live.view, partyId)) return true;
    return false;
  }

  /** The party of the agent the engine says holds the call's contact, or null. */
  #holderOf(live: LiveCall): PartyId | null {
    const agentId = this.#holderAgent(live);
    if (agentId !== null) return agentParty(agentId);
    // An internal call has no contact: the agent who started it.
    return live.view.contactId === undefined ? (live.view.parties[0]?.partyId ?? null) : null;
  }

  /**
   * The words the customer of a contact that came in hears as the agent's
   * call is answered: its queue's answer greeting, or '' when there is none.
   */
  #greetingOf(live: LiveCall): string {
    const { contactId, direction, consultFor } = live.view;
    if (contactId === undefined || direction !== 'inbound' || consultFor !== undefined) return '';
    const view = this.#host.view(live.tenantId);
    const contact = view?.contact(contactId) ?? null;
    if (view === null || contact === null) return '';
    const queue = view.queue(contact.queueId);
    const agentName =
      contact.agentId === null ? '' : (view.agent(contact.agentId)?.name ?? contact.agentId);
    return queue === null ? '' : answerGreetingOf(queue, agentName);
  }

  #holderAgent(live: LiveCall): AgentId | null {
    const { contactId } = live.view;
    if (contactId === undefined) return null;
    return this.#host.view(live.tenantId)?.contact(contactId)?.agentId ?? null;
  }

  /** Sends a message to every session of one party. */
  #deliver(live: LiveCall, partyId: PartyId, message: SequencedMessage): void {
    const { role, id } = splitPartyId(partyId);
    if (role === PartyRole.supervisor) {
      // Supervisors receive every call change anyway; a signal goes to the one it is for.
      this.#sink?.push(live.tenantId, Role.supervisor, id, message);
      return;
    }
    const subject = role === PartyRole.customer ? live.customerId : id;
    if (subject !== null) this.#sink?.push(live.tenantId, role, subject, message);
  }

  /**
   * Stores a call's view and sends it to its present parties (each as its
   * role may see it), to those in `alsoTo` (who just left), and to the
   * tenant's supervisors.
   */
  #publish(live: LiveCall, alsoTo: readonly PartyId[] = []): void {
    const call = live.view;
    this.#store.save(live.tenantId, call);
    const to = new Set(alsoTo);
    for (const party of call.parties) if (party.state !== 'left') to.add(party.partyId);
    for (const partyId of to) {
      const { role } = splitPartyId(partyId);
      if (role === PartyRole.supervisor) continue;
      this.#deliver(live, partyId, { type: 'call', seq: 0, call: viewFor(call, role) });
    }
    this.#sink?.pushSupervisors(live.tenantId, { type: 'call', seq: 0, call });
  }

  /** Calls a stopped process left live end now, as failed: nobody can take them up again. */
  #endLeftovers(): void {
    const nowMs = this.#clock.nowMs();
    for (const { tenantId, call } of this.#store.unended()) {
      for (const party of call.parties) party.state = 'left';
      call.state = 'ended';
      call.endedAtMs = nowMs;
      call.endReason = 'failed';
      call.isRecording = false;
      delete call.consult;
      logStep(call, nowMs, 'ended', undefined, { detail: 'failed' });
      this.#store.save(tenantId, call);
    }
  }
}
