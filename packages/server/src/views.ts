import {
  positionAnnouncementEveryMsOf,
  type AgentId,
  type ContactId,
  type QueueId,
  type TenantId,
} from '@lineup/protocol';
import type { TenantView } from './host.ts';
import {
  pageLimitDefault,
  type AgentActionResult,
  type ContactPlacedView,
  type PublicQueueStatus,
  type QueueView,
  type TenantSummary,
} from './schemas.ts';

/*
 * What the REST routes show, built from a tenant's live views: one function
 * per resource, so that a route that changes a resource and the route that
 * reads it show the same thing.
 */

/** A queue's settings and live status, or null for an unknown queue. */
export function queueViewOf(view: TenantView, queueId: QueueId): QueueView | null {
  const settings = view.queue(queueId);
  const status = view.queueStatus(queueId);
  if (settings === null || status === null) return null;
  // Id and name first: what a person reading the JSON looks for.
  const { id, name, ...rest } = settings;
  return { id, name, ...rest, status };
}

/** What a customer may read of a queue (PublicQueueStatusSchema), or null when there is no such queue. */
export function publicQueueStatusOf(view: TenantView, queueId: QueueId): PublicQueueStatus | null {
  const settings = view.queue(queueId);
  const status = view.queueStatus(queueId);
  if (settings === null || status === null) return null;
  return {
    queueId,
    name: settings.name,
    channels: settings.channels,
    isCallbackAllowed: settings.callbacks.isAllowed,
    waiting: status.waiting,
    ewtMs: status.ewtMs,
    isOffline: status.isOffline,
    isOpen: status.isOpen,
    positionAnnouncementEveryMs: positionAnnouncementEveryMsOf(settings),
  };
}

/** A live contact with its position and EWT (R13), or null when it has ended or never was. */
export function contactViewOf(view: TenantView, contactId: ContactId): ContactPlacedView | null {
  const contact = view.contact(contactId);
  if (contact === null) return null;
  const place = view.placeOf(contactId);
  return { ...contact, position: place?.position ?? null, ewtMs: place?.ewtMs ?? null };
}

/** The agent after an action, and the contact the action concerned as it stands now. */
export function agentActionResultOf(
  view: TenantView,
  agentId: AgentId,
  contactId: ContactId | null,
): AgentActionResult | null {
  const agent = view.agent(agentId);
  if (agent === null) return null;
  return { agent, contact: contactId === null ? null : contactViewOf(view, contactId) };
}

/** A tenant's summary. */
export function tenantSummaryOf(tenantId: TenantId, view: TenantView): TenantSummary {
  return { id: tenantId, queueCount: view.queueIds().length, agentCount: view.agentIds().length };
}

/**
 * One page of ids in id order, starting after `after`: O(n log n) in the
 * tenant's queues or agents, which limits.ts bounds (5,000 and 20,000).
 */
export function pageOf<Id extends string>(
  ids: readonly Id[],
  query: { limit?: number; after?: string },
): { ids: Id[]; next: string | null } {
  const limit = query.limit ?? pageLimitDefault;
  const after = query.after;
  const sorted = [...ids]
    .filter((id) => after === undefined || id > after)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const page = sorted.slice(0, limit);
  const last = page.at(-1);
  return { ids: page, next: sorted.length > limit && last !== undefined ? last : null };
}

/** The value of a read the command's success guarantees; its absence is a bug. */
export function present<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what} is missing right after the command that made it`);
  return value;
}
