import type Database from 'better-sqlite3';
import type { AgentId, QueueId, TenantId } from '@lineup/protocol';
import type { AgentView } from './schemas.ts';
import type { ServerStore } from './store.ts';

/*
 * The queues an admin assigns an agent (ADR 0017): the ones it may serve,
 * each with its priority there (R4). Whether it serves a queue now is the
 * engine's membership; this is only the permission, kept in the server store
 * beside the API keys, so that the engine and its journal do not change. An
 * agent's current memberships count as assigned too (made before assignments
 * existed, or by the admin's membership routes), at their priority.
 */

/** A queue an agent may serve, with its priority there, and whether it serves it now. */
export interface Assignment {
  queueId: QueueId;
  priority: number;
  isServing: boolean;
}

interface Row {
  queue_id: string;
  priority: number;
}

/** The assignments of every tenant's agents, in the server store. */
export class Assignments {
  readonly #list: Database.Statement<[string, string], Row>;
  readonly #one: Database.Statement<[string, string, string], Row>;
  readonly #upsert: Database.Statement<[string, string, string, number]>;
  readonly #remove: Database.Statement<[string, string, string]>;
  readonly #removeAgent: Database.Statement<[string, string]>;
  readonly #removeQueue: Database.Statement<[string, string]>;
  readonly #agentsOfQueue: Database.Statement<[string, string], { agent_id: string }>;
  readonly #listeners = new Set<(tenantId: TenantId, agentId: AgentId) => void>();

  constructor(store: ServerStore) {
    const { db } = store;
    this.#list = db.prepare(
      'SELECT queue_id, priority FROM queue_assignments WHERE tenant_id = ? AND agent_id = ? ORDER BY queue_id',
    );
    this.#one = db.prepare(
      'SELECT queue_id, priority FROM queue_assignments WHERE tenant_id = ? AND agent_id = ? AND queue_id = ?',
    );
    this.#upsert = db.prepare(
      `INSERT INTO queue_assignments (tenant_id, agent_id, queue_id, priority) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant_id, agent_id, queue_id) DO UPDATE SET priority = excluded.priority`,
    );
    this.#remove = db.prepare(
      'DELETE FROM queue_assignments WHERE tenant_id = ? AND agent_id = ? AND queue_id = ?',
    );
    this.#removeAgent = db.prepare(
      'DELETE FROM queue_assignments WHERE tenant_id = ? AND agent_id = ?',
    );
    this.#removeQueue = db.prepare(
      'DELETE FROM queue_assignments WHERE tenant_id = ? AND queue_id = ?',
    );
    this.#agentsOfQueue = db.prepare(
      'SELECT agent_id FROM queue_assignments WHERE tenant_id = ? AND queue_id = ?',
    );
  }

  /** Hears every agent whose assignments change; returns how to stop hearing. */
  onChange(listener: (tenantId: TenantId, agentId: AgentId) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(tenantId: TenantId, agentId: AgentId): void {
    for (const listener of this.#listeners) listener(tenantId, agentId);
  }

  /**
   * Every queue the agent may serve, in queue id order: its assignments and
   * its memberships (a membership's priority wins: it is the one routing uses).
   */
  of(tenantId: TenantId, agent: AgentView): Assignment[] {
    const byQueue = new Map<QueueId, Assignment>();
    for (const row of this.#list.all(tenantId, agent.id)) {
      const queueId = row.queue_id as QueueId;
      byQueue.set(queueId, { queueId, priority: row.priority, isServing: false });
    }
    for (const { queueId, priority } of agent.memberships) {
      byQueue.set(queueId, { queueId, priority, isServing: true });
    }
    return [...byQueue.values()].sort((a, b) => (a.queueId < b.queueId ? -1 : 1));
  }

  /** The priority the agent may serve a queue with, or null when it is not assigned it. */
  priorityOf(tenantId: TenantId, agent: AgentView, queueId: QueueId): number | null {
    const membership = agent.memberships.find((item) => item.queueId === queueId);
    if (membership !== undefined) return membership.priority;
    return this.#one.get(tenantId, agent.id, queueId)?.priority ?? null;
  }

  /** Assigns a queue to an agent with a priority, or changes the priority. */
  assign(tenantId: TenantId, agentId: AgentId, queueId: QueueId, priority: number): void {
    this.#upsert.run(tenantId, agentId, queueId, priority);
    this.#changed(tenantId, agentId);
  }

  /** Takes a queue from an agent's assignments; false when it had no such row. */
  unassign(tenantId: TenantId, agentId: AgentId, queueId: QueueId): boolean {
    const isRemoved = this.#remove.run(tenantId, agentId, queueId).changes > 0;
    if (isRemoved) this.#changed(tenantId, agentId);
    return isRemoved;
  }

  /** Forgets a removed agent's assignments, so that a new agent of the same id starts with none. */
  forgetAgent(tenantId: TenantId, agentId: AgentId): void {
    this.#removeAgent.run(tenantId, agentId);
  }

  /** Forgets a deleted queue's assignments, so that a new queue of the same id starts with none. */
  forgetQueue(tenantId: TenantId, queueId: QueueId): void {
    const agentIds = this.#agentsOfQueue.all(tenantId, queueId).map((row) => row.agent_id);
    this.#removeQueue.run(tenantId, queueId);
    for (const agentId of agentIds) this.#changed(tenantId, agentId as AgentId);
  }
}
