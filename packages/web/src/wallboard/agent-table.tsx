import { useEffect, useState } from 'react';
import type { LineupSupervisor, AgentView } from '@lineup/sdk';
import { useWords } from '../shared/i18n.tsx';
import { wallboardWords } from './wallboard-words.ts';

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

/** The words' key for each presence. */
const presenceWords = {
  offline: 'loggedOut',
  ready: 'ready',
  notReady: 'notReady',
  wrapUp: 'wrapUp',
} as const satisfies Record<AgentView['presence'], keyof (typeof wallboardWords)['en']>;

/** The agents' table, kept fresh from the supervisor's events. */
export function AgentTable({ supervisor }: { supervisor: LineupSupervisor }) {
  const [agents, setAgents] = useState<AgentView[] | null>(null);
  const t = useWords(wallboardWords);
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
    <section className="card agents-card" aria-label={t.agents}>
      <h2>{t.agents}</h2>
      <table className="agent-table">
        <thead>
          <tr>
            <th scope="col">{t.agent}</th>
            <th scope="col">{t.state}</th>
            <th scope="col">{t.contacts}</th>
            <th scope="col">{t.ringing}</th>
            <th scope="col">{t.presence}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((agent) => (
            <tr key={agent.id} className={`presence-${agent.presence}`}>
              <th scope="row">{agent.name}</th>
              <td>
                {t[presenceWords[agent.presence]]}
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

/**
 * Reason given when a supervisor sets an agent not ready. It is data the
 * server keeps and the agent's desktop shows, so it stays one fixed phrase
 * whatever the supervisor's language.
 */
const supervisorReason = 'Set by supervisor';

/**
 * A supervisor sets a logged-in agent ready or not ready; the row changes
 * when the server's event says so, not before.
 */
function PresenceAction({ supervisor, agent }: { supervisor: LineupSupervisor; agent: AgentView }) {
  const [failure, setFailure] = useState<string | null>(null);
  const t = useWords(wallboardWords);
  if (agent.presence === 'offline') return null;
  const isReady = agent.presence === 'ready';
  const change = () => {
    setFailure(null);
    const changed = isReady
      ? supervisor.setPresence(agent.id, 'notReady', supervisorReason)
      : supervisor.setPresence(agent.id, 'ready');
    changed.catch((error: unknown) => {
      setFailure(error instanceof Error ? error.message : t.notChanged);
    });
  };
  return (
    <>
      <button type="button" className="secondary small" onClick={change}>
        {isReady ? t.setNotReady(agent.name) : t.setReady(agent.name)}
      </button>
      {failure === null ? null : (
        <span role="alert" className="error">
          {failure}
        </span>
      )}
    </>
  );
}
