import {
  Role,
  type AgentChanges,
  type AgentId,
  type AgentInput,
  type AgentMode,
  type AgentReport,
  type Call,
  type CallId,
  type CommandInput,
  type MonitorMode,
  type ContactId,
  type QueueChanges,
  type QueueId,
  type QueueInput,
  type QueueReport,
  type Scope,
  type TransferTarget,
} from '@lineup/protocol';
import { LineupClient, type ClientEvents, type CommandResult } from './client.ts';
import type { ClientOptions } from './options.ts';
import { randomId } from './options.ts';
import { segment } from './rest.ts';
import type {
  AgentView,
  ApiKeyCreated,
  ApiKeyView,
  Assignment,
  ContactView,
  Page,
  PageQuery,
  QueueSample,
  QueueView,
  WebhookCreated,
  WebhookInput,
  WebhookView,
} from './views.ts';

/*
 * The supervisor's client: every engine event of its tenant, announcements,
 * any command for any agent or contact, and the queues' statistics and
 * waiting contacts over REST; and, as a supervisor runs its tenant, its
 * administration: queues, agents, assignments, API keys and webhooks.
 */

/** What a supervisor hears: every event of its tenant, announcements, every conversation, every call and its quality. */
export type SupervisorEvents = Omit<ClientEvents, 'place' | 'waiting' | 'assignments'>;

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

  /**
   * The tenant's live calls (ringing, active, on hold), oldest first: a view
   * opened during a call starts from these, then follows the `call` events.
   */
  liveCalls(): Promise<Call[]> {
    return this.calls.live();
  }

  /** Leaves a call it monitors. */
  stopMonitor(callId: CallId): Promise<CallId> {
    return this.calls.send({ type: 'call.monitorStop', callId });
  }

  /** Broadcasts an announcement to every agent of the tenant, or to the agents named. */
  async announce(text: string, agentIds?: readonly AgentId[]): Promise<void> {
    const idempotencyKey = randomId();
    await this.connection.request(
      agentIds === undefined
        ? { type: 'announce', text, idempotencyKey }
        : { type: 'announce', text, agentIds: [...agentIds], idempotencyKey },
      true,
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

  /**
   * A queue's last hour, a sample a minute, oldest first: those of minutes
   * that end after `sinceMs` (default an hour ago), for a chart that starts
   * with the hour before it was opened.
   */
  async queueSamples(queueId: QueueId, sinceMs?: number): Promise<QueueSample[]> {
    const body = await this.rest.call<{ samples: QueueSample[] }>(
      'GET',
      `/queues/${segment(queueId)}/samples`,
      undefined,
      { sinceMs },
    );
    return body.samples;
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

  // --- Administration (docs/api.md: Queues, Agents and memberships, Authentication, Webhooks) ---

  /** Creates a queue; settings left out take the defaults (docs/routing.md). */
  createQueue(input: QueueInput): Promise<QueueView> {
    return this.rest.call<QueueView>('POST', '/queues', { json: input });
  }

  /** Changes any settings of a queue but its id; waiting contacts keep their places. */
  updateQueue(queueId: QueueId, changes: QueueChanges): Promise<QueueView> {
    return this.rest.call<QueueView>('PATCH', `/queues/${segment(queueId)}`, { json: changes });
  }

  /** Deletes an empty queue (`queue_not_empty`, `queue_in_use` otherwise). */
  async deleteQueue(queueId: QueueId): Promise<void> {
    await this.rest.call('DELETE', `/queues/${segment(queueId)}`);
  }

  /** Creates an agent, logged out. */
  createAgent(input: AgentInput): Promise<AgentView> {
    return this.rest.call<AgentView>('POST', '/agents', { json: input });
  }

  /** Changes an agent's name or capacity. */
  updateAgent(agentId: AgentId, changes: AgentChanges): Promise<AgentView> {
    return this.rest.call<AgentView>('PATCH', `/agents/${segment(agentId)}`, { json: changes });
  }

  /** Removes a logged-out agent (`agent_logged_in` otherwise). */
  async deleteAgent(agentId: AgentId): Promise<void> {
    await this.rest.call('DELETE', `/agents/${segment(agentId)}`);
  }

  /** The queues an agent may serve, with its priority there and whether it serves them now. */
  async assignments(agentId: AgentId): Promise<Assignment[]> {
    const body = await this.rest.call<{ items: Assignment[] }>(
      'GET',
      `/agents/${segment(agentId)}/assignments`,
    );
    return body.items;
  }

  /** Lets an agent serve a queue with a priority (R4), or changes it (at once if it serves it). */
  assign(agentId: AgentId, queueId: QueueId, priority: number): Promise<Assignment> {
    return this.rest.call<Assignment>(
      'PUT',
      `/agents/${segment(agentId)}/assignments/${segment(queueId)}`,
      { json: { priority } },
    );
  }

  /** Takes a queue from an agent: it stops serving it and may not start again. */
  async unassign(agentId: AgentId, queueId: QueueId): Promise<void> {
    await this.rest.call('DELETE', `/agents/${segment(agentId)}/assignments/${segment(queueId)}`);
  }

  /** The tenant's API keys, never their secrets. */
  async apiKeys(): Promise<ApiKeyView[]> {
    return (await this.rest.call<{ items: ApiKeyView[] }>('GET', '/api-keys')).items;
  }

  /** Creates an API key; the answer carries the key, shown this once. */
  createApiKey(name: string, scopes: readonly Scope[]): Promise<ApiKeyCreated> {
    return this.rest.call<ApiKeyCreated>('POST', '/api-keys', { json: { name, scopes } });
  }

  /** Revokes an API key: it is refused from the next request on. */
  async revokeApiKey(keyId: string): Promise<void> {
    await this.rest.call('DELETE', `/api-keys/${segment(keyId)}`);
  }

  /** The tenant's webhooks, never their secrets. */
  async webhooks(): Promise<WebhookView[]> {
    return (await this.rest.call<{ items: WebhookView[] }>('GET', '/webhooks')).items;
  }

  /** Creates a webhook; the answer carries its signing secret, shown this once. */
  createWebhook(input: WebhookInput): Promise<WebhookCreated> {
    return this.rest.call<WebhookCreated>('POST', '/webhooks', { json: input });
  }

  /** Deletes a webhook: nothing more is sent to it. */
  async deleteWebhook(webhookId: string): Promise<void> {
    await this.rest.call('DELETE', `/webhooks/${segment(webhookId)}`);
  }
}
