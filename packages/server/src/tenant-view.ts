import type { Engine } from '@lineup/engine';
import type { AgentId, QueueId, QueueSettings } from '@lineup/protocol';
import type { Clock } from './clock.ts';
import type { TenantView } from './host.ts';
import type { AgentView } from './schemas.ts';

/*
 * The read side of one tenant's engine, as every host shows it. Statistics
 * are read at the clock's time, so a 15-minute window moves on while nothing
 * happens; never before the engine's own clock, which a host clock that
 * stepped back could put behind it.
 *
 * Queue settings and agents are read through Engine.inspect() because the
 * engine has no query for them yet; `queue()` and `agent()` belong in the
 * engine's API.
 */

/** An agent as the API shows it, from the engine's state; null for an unknown agent. */
function agentViewOf(engine: Engine, agentId: AgentId): AgentView | null {
  const state = engine.inspect();
  const agent = state.agents.get(agentId);
  if (agent === undefined) return null;
  const offered =
    agent.offerContactId === null ? undefined : state.contacts.get(agent.offerContactId);
  return {
    id: agent.id,
    name: agent.name,
    capacity: { ...agent.capacity },
    memberships: agent.memberships.map(({ queueId, priority }) => ({ queueId, priority })),
    mode: agent.mode,
    presence: agent.presence,
    reason: agent.reason,
    wrapUpUntilMs: agent.wrapUpUntilMs,
    offer:
      offered === undefined || offered.offerId === null || offered.offerExpiresAtMs === null
        ? null
        : {
            offerId: offered.offerId,
            contactId: offered.id,
            queueId: offered.queueId,
            channel: offered.channel,
            expiresAtMs: offered.offerExpiresAtMs,
          },
    contactIds: [...agent.held],
  };
}

/** A copy of a queue's settings, so that a caller cannot change the engine's. */
function queueSettingsOf(engine: Engine, queueId: QueueId): QueueSettings | null {
  const queue = engine.inspect().queues.get(queueId);
  return queue === undefined ? null : structuredClone(queue.settings);
}

/** The live views of one tenant's engine, reading statistics at the clock's time. */
export function tenantViewOf(engine: Engine, clock: Clock): TenantView {
  const atMs = (): number => Math.max(clock.nowMs(), engine.nowMs());
  return {
    queueIds: () => [...engine.inspect().queues.keys()],
    agentIds: () => [...engine.inspect().agents.keys()],
    queueStatus: (queueId) => engine.queueStatus(queueId, atMs()),
    queueReport: (queueId, include) => engine.queueReport(queueId, atMs(), include),
    agentReport: (agentId) => engine.agentReport(agentId, atMs()),
    queue: (queueId) => queueSettingsOf(engine, queueId),
    serviceLevelThresholdMs: (queueId) =>
      engine.inspect().queues.get(queueId)?.settings.serviceLevelThresholdMs ?? null,
    agent: (agentId) => agentViewOf(engine, agentId),
    agentName: (agentId) => engine.inspect().agents.get(agentId)?.name ?? null,
    contact: (contactId) => engine.contact(contactId),
    placeOf: (contactId) => engine.placeOf(contactId),
    waitingContacts: (queueId, limit) => engine.waitingContacts(queueId, limit),
  };
}
