import {
  Role,
  asAgentId,
  asContactId,
  asQueueId,
  type AgentId,
  type AgentMode,
  type CallId,
  type CallMedia,
  type CallbackOutcome,
  type ContactId,
  type OfferId,
  type QueueId,
  type TransferTarget,
} from '@lineup/protocol';
import { LineupClient, type ClientEvents, type CommandResult } from './client.ts';
import type { ClientOptions } from './options.ts';
import type { AgentView, ContactHistoryItem, Page, PageQuery, QueueView } from './views.ts';
import { segment } from './rest.ts';
import type { CallTarget, RecordingUpload } from './calls.ts';

/*
 * The agent's client: log in and out, presence and mode, answer offers
 * (`offerCreated`), finish and transfer contacts, chat. Every command acts
 * for the agent the token names; the server refuses any other (R5–R8).
 */

/** What an agent hears: events naming it, its queues' waiting counts, announcements, its chats and calls. */
export type AgentEvents = Omit<ClientEvents, 'place' | 'callQuality'>;

/** An agent's connection to Lineup. */
export class LineupAgent extends LineupClient<AgentEvents> {
  /** Connects with an agent token (minted by your back-end for an existing agent). */
  constructor(options: ClientOptions) {
    super(options, Role.agent);
  }

  /** The agent id the server confirmed (the token's subject). */
  async agentId(): Promise<AgentId> {
    return asAgentId(await this.subject());
  }

  /** Logs in: ready, or not ready with the reason given. */
  async logIn(notReadyReason?: string): Promise<CommandResult> {
    const agentId = await this.agentId();
    return this.command(
      notReadyReason === undefined
        ? { type: 'logIn', agentId }
        : { type: 'logIn', agentId, notReadyReason },
    );
  }

  /** Logs out; `isForced` puts the contacts it holds back in their queues, keeping their places. */
  async logOut(isForced?: boolean): Promise<CommandResult> {
    const agentId = await this.agentId();
    return this.command(
      isForced === undefined ? { type: 'logOut', agentId } : { type: 'logOut', agentId, isForced },
    );
  }

  /** Ready, or not ready with a reason; ready also ends wrap-up early (R8). */
  async setPresence(presence: 'ready' | 'notReady', reason?: string): Promise<CommandResult> {
    const agentId = await this.agentId();
    return this.command(
      reason === undefined
        ? { type: 'setPresence', agentId, presence }
        : { type: 'setPresence', agentId, presence, reason },
    );
  }

  /** auto: the engine offers contacts; manual: none are offered, `requestNext` takes one (R7). */
  async setMode(mode: AgentMode): Promise<CommandResult> {
    return this.command({ type: 'setMode', agentId: await this.agentId(), mode });
  }

  /** Takes the offered contact (R5); `offer_expired` when it was withdrawn already. */
  async acceptOffer(offerId: OfferId): Promise<CommandResult> {
    return this.command({ type: 'acceptOffer', agentId: await this.agentId(), offerId });
  }

  /** Declines the offered contact; it keeps its place (R6). */
  async rejectOffer(offerId: OfferId): Promise<CommandResult> {
    return this.command({ type: 'rejectOffer', agentId: await this.agentId(), offerId });
  }

  /** In manual mode: takes the best waiting contact now, or `no_contact_waiting` (R7). */
  async requestNext(): Promise<CommandResult> {
    return this.command({ type: 'requestNext', agentId: await this.agentId() });
  }

  /** Finishes a contact; wrap-up follows (R8). */
  async completeContact(contactId: ContactId): Promise<CommandResult> {
    return this.command({ type: 'completeContact', agentId: await this.agentId(), contactId });
  }

  /**
   * The wrap-up of a contact it handled: a disposition code and notes, kept in
   * the contact's history (given again, it replaces them). `contact_not_assigned`
   * when another agent handled it.
   */
  async dispose(contactId: ContactId, code: string, notes?: string): Promise<ContactHistoryItem> {
    const agentId = await this.agentId();
    return this.rest.call<ContactHistoryItem>(
      'PUT',
      `/agents/${segment(agentId)}/contacts/${segment(contactId)}/disposition`,
      { json: notes === undefined ? { code } : { code, notes } },
    );
  }

  /** Moves a contact it holds to another queue or to one agent. */
  async transferContact(contactId: ContactId, target: TransferTarget): Promise<CommandResult> {
    return this.command({
      type: 'transferContact',
      agentId: await this.agentId(),
      contactId,
      target,
    });
  }

  /** How its call to a callback's customer went; no answer is retried by the queue's policy (R10). */
  async closeCallback(contactId: ContactId, outcome: CallbackOutcome): Promise<CommandResult> {
    return this.command({
      type: 'closeCallback',
      agentId: await this.agentId(),
      contactId,
      outcome,
    });
  }

  // --- Calls (docs/calls.md) ---------------------------------------------------------------------

  /**
   * Calls the customer of a contact it holds (or of a callback whose customer
   * is connected), or another agent; resolves with the new call's id while it rings.
   */
  startCall(target: CallTarget, media: CallMedia): Promise<CallId> {
    return this.calls.send(
      'contactId' in target
        ? { type: 'call.start', contactId: asContactId(target.contactId), media }
        : { type: 'call.start', agentId: asAgentId(target.agentId), media },
    );
  }

  /** Puts the customer on hold (it hears hold music). */
  hold(callId: CallId): Promise<CallId> {
    return this.calls.send({ type: 'call.hold', callId });
  }

  /** Takes the customer off hold. */
  resume(callId: CallId): Promise<CallId> {
    return this.calls.send({ type: 'call.resume', callId });
  }

  /** Blind transfer to a queue or an agent: the call ends for this agent, the contact moves on. */
  transferCall(callId: CallId, target: { queueId: string } | { agentId: string }): Promise<CallId> {
    return this.calls.send(
      'queueId' in target
        ? { type: 'call.transfer', callId, queueId: asQueueId(target.queueId) }
        : { type: 'call.transfer', callId, agentId: asAgentId(target.agentId) },
    );
  }

  /** Starts an attended transfer: the customer is held, the other agent rings; resolves with the consult call's id. */
  consult(callId: CallId, agentId: string): Promise<CallId> {
    return this.calls.send({ type: 'call.consult', callId, agentId: asAgentId(agentId) });
  }

  /** Completes the attended transfer: the contact and the customer's call go to the consulted agent. */
  completeConsult(callId: CallId): Promise<CallId> {
    return this.calls.send({ type: 'call.consultComplete', callId });
  }

  /** Cancels the attended transfer: the consult ends, the customer is back with this agent. */
  cancelConsult(callId: CallId): Promise<CallId> {
    return this.calls.send({ type: 'call.consultCancel', callId });
  }

  /** Adds another agent to the customer's call (three-way conference); it rings first. */
  conference(callId: CallId, agentId: string): Promise<CallId> {
    return this.calls.send({ type: 'call.conference', callId, agentId: asAgentId(agentId) });
  }

  /**
   * Starts recording a call it is in (the customer sees `isRecording`); add
   * the recorder's chunks to the upload in order, then finish it.
   */
  startRecording(
    callId: CallId,
    contentType: 'audio/webm' | 'video/webm',
  ): Promise<RecordingUpload> {
    return this.calls.startRecording(callId, contentType);
  }

  /** The agent as the server holds it: presence, mode, pending offer, contacts held. */
  async agent(): Promise<AgentView> {
    return this.readAgent(await this.agentId());
  }

  /** A queue's settings and live status. */
  queue(queueId: QueueId): Promise<QueueView> {
    return this.readQueue(queueId);
  }

  /** A page of the tenant's queues with their live status: where a contact may be transferred. */
  queues(page: PageQuery = {}): Promise<Page<QueueView>> {
    return this.listQueues(page);
  }

  /** A page of the tenant's agents with their state: to whom a contact may be transferred. */
  agents(page: PageQuery = {}): Promise<Page<AgentView>> {
    return this.listAgents(page);
  }
}
