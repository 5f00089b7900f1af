import {
  rejection,
  type AgentId,
  type AgentReport,
  type CommandInput,
  type ContactId,
  type Event,
  type QueueId,
  type QueueReport,
  type QueueSettings,
  type QueueStatus,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { ContactView, Place, WaitingContact } from '@lineup/engine';
import type { AgentView } from './schemas.ts';

/*
 * What the HTTP and WebSocket layers need from the process that hosts the
 * tenants' engines: submit a command and learn, once it is durable, what it
 * did; read the engine's live views. The host owns time (it stamps commands
 * with its clock), the journal, and the engines' timers.
 */

/** A command as a client sends it: the host stamps the time. */
export type { CommandInput };

/** What a submitted command did, once its events are on disk. */
export interface Outcome<T = null> {
  /** The events, in order (the timers that fell due before it included). */
  events: Event[];
  /** Null on success; otherwise nothing of the command was applied. */
  rejection: Rejection | null;
  /**
   * What the submitter's `read` returned, called right after the command and
   * before any other command of the tenant; null when refused or not asked.
   */
  after: T | null;
  /**
   * True when the command's id was journaled already: the command did not run
   * again; `events` are the first run's and `after` reads the tenant as it is now.
   */
  isReplayed?: boolean;
}

/** How a command is submitted. */
export interface SubmitOptions {
  /**
   * The command's idempotency id, unique per tenant: a command whose id is
   * journaled already, or in flight, does not run twice (docs/api.md, Idempotency).
   */
  commandId?: string;
}

/** Hears a durable batch of a tenant's events and the seq of its journal entry. */
export type EventListener = (events: readonly Event[], seq: number) => void;

/** Read-only views of one tenant's engine. */
export interface TenantView {
  queueIds(): QueueId[];
  agentIds(): AgentId[];
  queueStatus(queueId: QueueId): QueueStatus | null;
  /** A queue's statistics; `{ occupancy: false }` skips reading its members (occupancy null). */
  queueReport(queueId: QueueId, include?: { occupancy: boolean }): QueueReport | null;
  agentReport(agentId: AgentId): AgentReport | null;
  /** A queue's full settings, or null for an unknown queue. */
  queue(queueId: QueueId): QueueSettings | null;
  /**
   * A queue's service-level threshold, or null for an unknown queue: what
   * the records read for each answer and abandon, without copying the
   * settings as queue() does.
   */
  serviceLevelThresholdMs(queueId: QueueId): number | null;
  /** An agent's settings, state and holdings, or null for an unknown agent. */
  agent(agentId: AgentId): AgentView | null;
  /** An agent's name, or null for an unknown agent: what every offer shows its customer. */
  agentName(agentId: AgentId): string | null;
  contact(contactId: ContactId): ContactView | null;
  placeOf(contactId: ContactId): Place | null;
  waitingContacts(queueId: QueueId, limit: number): WaitingContact[];
}

/** The tenants' engines behind one process. */
export interface Host {
  /** Whether a tenant exists. */
  hasTenant(tenantId: TenantId): boolean;
  /** Every tenant's id, in creation order: at most the host's tenant limit. */
  tenantIds(): TenantId[];
  /** Whether the host takes commands: false while it starts (replays) or stops. */
  isReady(): boolean;
  /** Creates a tenant with an empty engine; a rejection if it exists or the limit is reached. */
  createTenant(tenantId: TenantId): Promise<Rejection | null>;
  /**
   * Runs a command for a tenant, one at a time in arrival order; resolves
   * after its events are durable. `read` sees the tenant and the command's
   * events right after a successful command, before any later one: what a
   * response shows is what the command did. With a `commandId` already
   * journaled it does not run the command but replays (`isReplayed`).
   */
  submit<T = null>(
    tenantId: TenantId,
    command: CommandInput,
    read?: (view: TenantView, events: readonly Event[]) => T,
    options?: SubmitOptions,
  ): Promise<Outcome<T>>;
  /** The live views of a tenant's engine, or null for an unknown tenant. */
  view(tenantId: TenantId): TenantView | null;
  /**
   * Calls the listener with every batch of events a tenant's engine emits,
   * once durable, with the seq of the journal entry that holds them; returns
   * an unsubscribe.
   */
  subscribe(tenantId: TenantId, listener: EventListener): () => void;
  /** The seq of a tenant's last journal entry (0 for none), or null for an unknown tenant. */
  lastSeq(tenantId: TenantId): number | null;
}

/** The refusal every host gives for a tenant id that names no tenant. */
export function tenantNotFound(tenantId: TenantId): Rejection {
  return rejection('tenant_not_found', `No tenant has id ${tenantId}; create it first.`, {
    tenantId,
  });
}
