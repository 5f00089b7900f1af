import {
  Role,
  type AgentId,
  type AgentMode,
  type AgentReport,
  type CallId,
  type CommandInput,
  type MonitorMode,
  type ContactId,
  type QueueId,
  type QueueReport,
  type TransferTarget,
} from '@lineup/protocol';
import { LineupClient, type ClientEvents, type CommandResult } from './client.ts';
import type { ClientOptions } from './options.ts';
import { segment } from './rest.ts';
import type { AgentView, ContactView, Page, PageQuery, QueueView } from './views.ts';

/*
 * The supervisor's client: every engine event of its tenant, announcements,
 * any command for any agent or contact, and the queues' statistics and
 * waiting contacts over REST.
 */

/** What a supervisor hears: every event of its tenant, announcements, every conversation, every call and its quality. */
export type SupervisorEvents = Omit<ClientEvents, 'place' | 'waiting'>;

/** A supervisor's connection to Lineup. */
export class LineupSupervisor extends LineupClient<SupervisorEvents> {
  /** Connects with a supervisor token (minted by your back-end). */
  constructor(options: ClientOptions) {
    super(options, Role.supervisor);
  }

  /** Sends any engine command (a supervisor may send them all); resolves with its events. */
  override command(command: CommandInput): Promise<CommandResult> {
    return super.command(command);
  }

  /**
   * Monitors a call of the tenant: listen (nobody hears it), whisper (the
   * agent hears it), barge (both do); again with another mode to change it.
   */
  monitor(callId: CallId, mode: MonitorMode): Promise<CallId> {
    return this.calls.send({ type: 'call.monitor', callId, mode });
  }

  /** Leaves a call it monitors. */
  stopMonitor(callId: CallId): Promise<CallId> {
    return this.calls.send({ type: 'call.monitorStop', callId });
  }

  /** Broadcasts an announcement to every agent of the tenant, or to the agents named. */
  async announce(text: string, agentIds?: readonly AgentId[]): Promise<void> {
    await this.connection.request(
      agentIds === undefined
        ? { type: 'announce', text }
        : { type: 'announce', text, agentIds: [...agentIds] },
      false,
    );
  }

  /** Sets an agent ready, or not ready with a reason. */
  setPresence(
    agentId: AgentId,
    presence: 'ready' | 'notReady',
    reason?: string,
  ): Promise<CommandResult> {
    return this.command(
      reason === undefined
        ? { type: 'setPresence', agentId, presence }
        : { type: 'setPresence', agentId, presence, reason },
    );
  }

  /** Sets an agent's mode (R7). */
  setMode(agentId: AgentId, mode: AgentMode): Promise<CommandResult> {
    return this.command({ type: 'setMode', agentId, mode });
  }

  /** Logs an agent out; `isForced` puts its contacts back in their queues. */
  logOut(agentId: AgentId, isForced?: boolean): Promise<CommandResult> {
    return this.command(
      isForced === undefined ? { type: 'logOut', agentId } : { type: 'logOut', agentId, isForced },
    );
  }

  /** Makes an agent serve a queue with a priority in it (R4), or changes that priority. */
  startServing(agentId: AgentId, queueId: QueueId, priority: number): Promise<CommandResult> {
    return this.command({ type: 'startServing', agentId, queueId, priority });
  }

  /** Makes an agent stop serving a queue. */
  stopServing(agentId: AgentId, queueId: QueueId): Promise<CommandResult> {
    return this.command({ type: 'stopServing', agentId, queueId });
  }

  /** Moves a waiting contact (or one `agentId` holds) to another queue or to one agent. */
  transferContact(
    contactId: ContactId,
    target: TransferTarget,
    agentId?: AgentId,
  ): Promise<CommandResult> {
    return this.command(
      agentId === undefined
        ? { type: 'transferContact', contactId, target }
        : { type: 'transferContact', contactId, target, agentId },
    );
  }

  /** A page of the tenant's queues, each with its live status, in id order. */
  queues(page: PageQuery = {}): Promise<Page<QueueView>> {
    return this.listQueues(page);
  }

  /** A queue's settings and live status. */
  queue(queueId: QueueId): Promise<QueueView> {
    return this.readQueue(queueId);
  }

  /** The first waiting contacts of a queue, in serving order (R2). */
  async waitingContacts(queueId: QueueId, limit?: number): Promise<ContactView[]> {
    const body = await this.rest.call<{ contacts: ContactView[] }>(
      'GET',
      `/queues/${segment(queueId)}/contacts`,
      undefined,
      { limit },
    );
    return body.contacts;
  }

  /** A queue's statistics: today and the last 15 minutes. */
  queueReport(queueId: QueueId): Promise<QueueReport> {
    return this.rest.call<QueueReport>('GET', `/queues/${segment(queueId)}/report`);
  }

  /** A page of the tenant's agents, each with its state, in id order. */
  agents(page: PageQuery = {}): Promise<Page<AgentView>> {
    return this.listAgents(page);
  }

  /** An agent's settings, state, pending offer and contacts. */
  agent(agentId: AgentId): Promise<AgentView> {
    return this.readAgent(agentId);
  }

  /** An agent's statistics: today and the last 15 minutes. */
  agentReport(agentId: AgentId): Promise<AgentReport> {
    return this.rest.call<AgentReport>('GET', `/agents/${segment(agentId)}/report`);
  }
}
