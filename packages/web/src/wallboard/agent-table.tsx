import { useEffect, useState } from 'react';
import type { LineupSupervisor, AgentView } from '@lineup/sdk';

/*
 * Every agent's state and what it holds, on the wallboard. Agent events mark
 * the list stale and it is read again at most every `rereadEveryMs`: one read
 * of the list instead of one per event when a hundred agents change at once.
 */

/** Shortest time between two reads of the agent list. */
const rereadEveryMs = 1000;
/** Agents read per page (the server's largest) and pages at most. */
const pageLimit = 1000;
const pagesMax = 10;

/** Events after which an agent's row may have changed. */
const agentEvents = [
  'agentCreated',
  'agentUpdated',
  'agentRemoved',
  'agentStateChanged',
  'offerCreated',
  'offerAccepted',
  'offerRejected',
  'offerTimedOut',
  'offerCancelled',
  'contactAssigned',
  'contactCompleted',
  'callbackClosed',
  'contactTransferred',
  'contactRequeued',
] as const;

async function allAgents(supervisor: LineupSupervisor): Promise<AgentView[]> {
  const agents: AgentView[] = [];
  let after: string | null = null;
  for (let page = 0; page < pagesMax; page++) {
    const read = await supervisor.agents(
      after === null ? { limit: pageLimit } : { limit: pageLimit, after },
    );
    agents.push(...read.items);
    after = read.next;
    if (after === null) break;
  }
  return agents;
}

const presenceWords: Record<AgentView['presence'], string> = {
  offline: 'Logged out',
  ready: 'Ready',
  notReady: 'Not ready',
  wrapUp: 'Wrap-up',
};

/** The agents' table, kept fresh from the supervisor's events. */
export function AgentTable({ supervisor }: { supervisor: LineupSupervisor }) {
  const [agents, setAgents] = useState<AgentView[] | null>(null);
  useEffect(() => {
    let isStale = true;
    let isReading = false;
    const read = () => {
      if (!isStale || isReading) return;
      isStale = false;
      isReading = true;
      allAgents(supervisor)
        .then(setAgents, () => {
          isStale = true;
        })
        .finally(() => {
          isReading = false;
        });
    };
    const stops = agentEvents.map((name) =>
      supervisor.on(name, () => {
        isStale = true;
      }),
    );
    stops.push(
      supervisor.on('connection', (change) => {
        if (change.state === 'open') isStale = true;
      }),
    );
    read();
    const timer = setInterval(read, rereadEveryMs);
    return () => {
      clearInterval(timer);
      for (const stop of stops) stop();
    };
  }, [supervisor]);

  if (agents === null) return null;
  const sorted = [...agents].sort(
    (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
  return (
    <section className="card agents-card" aria-label="Agents">
      <h2>Agents</h2>
      <table className="agent-table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col">Contacts</th>
            <th scope="col">Ringing</th>
            <th scope="col">Presence</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((agent) => (
            <tr key={agent.id} className={`presence-${agent.presence}`}>
              <th scope="row">{agent.name}</th>
              <td>
                {presenceWords[agent.presence]}
                {agent.presence === 'notReady' && agent.reason !== null ? ` — ${agent.reason}` : ''}
              </td>
              <td>{agent.contactIds.length}</td>
              <td>{agent.offer === null ? '' : agent.offer.queueId}</td>
              <td>
                <PresenceAction supervisor={supervisor} agent={agent} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Reason given when a supervisor sets an agent not ready. */
const supervisorReason = 'Set by supervisor';

/**
 * A supervisor sets a logged-in agent ready or not ready; the row changes
 * when the server's event says so, not before.
 */
function PresenceAction({ supervisor, agent }: { supervisor: LineupSupervisor; agent: AgentView }) {
  const [failure, setFailure] = useState<string | null>(null);
  if (agent.presence === 'offline') return null;
  const isReady = agent.presence === 'ready';
  const change = () => {
    setFailure(null);
    const changed = isReady
      ? supervisor.setPresence(agent.id, 'notReady', supervisorReason)
      : supervisor.setPresence(agent.id, 'ready');
    changed.catch((error: unknown) => {
      setFailure(error instanceof Error ? error.message : 'Not changed.');
    });
  };
  return (
    <>
      <button type="button" className="secondary small" onClick={change}>
        {isReady ? `Set ${agent.name} not ready` : `Set ${agent.name} ready`}
      </button>
      {failure === null ? null : (
        <span role="alert" className="error">
          {failure}
        </span>
      )}
    </>
  );
}
