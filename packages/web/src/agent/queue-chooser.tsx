import { useEffect, useState } from 'react';
import type { QueueId } from '@lineup/protocol';
import type { Assignment, LineupAgent } from '@lineup/sdk';
import { useWords } from '../shared/i18n.tsx';
import { useRead } from '../shared/use-read.ts';
import { agentWords } from './agent-words.ts';

/*
 * The queues the agent was assigned (ADR 0017), each with a switch: on, the
 * agent serves it (offers come from it, with its priority there); off, it
 * does not. The list is read again whenever the agent's memberships change
 * (`membershipsKey`), so a switch shows only what the server confirmed, and
 * when an admin changes the assignments (the socket's `assignments`).
 */

/** The agent's assigned queues, with a switch each to serve it now or not. */
export function QueueChooser({
  agent,
  membershipsKey,
  queueNameOf,
  act,
}: {
  agent: LineupAgent;
  /** Changes whenever the agent's memberships change: the list is read again then. */
  membershipsKey: string;
  queueNameOf: (queueId: QueueId) => string;
  act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const t = useWords(agentWords);
  // An admin's change of the assignments comes on the socket: read the list again then too.
  const [assignedVersion, setAssignedVersion] = useState(0);
  useEffect(
    () =>
      agent.on('assignments', () => {
        setAssignedVersion((version) => version + 1);
      }),
    [agent],
  );
  const assignments = useRead<Assignment[]>(
    () => agent.assignments(),
    `${membershipsKey}/${assignedVersion}`,
    [],
  );
  if (assignments === null) return null;
  return (
    <section aria-label={t.yourQueues}>
      <h2>{t.yourQueues}</h2>
      {assignments.length === 0 ? (
        <p className="muted">{t.noQueuesAssigned}</p>
      ) : (
        <ul className="queue-chooser">
          {assignments.map((assignment) => {
            const name = queueNameOf(assignment.queueId);
            return (
              <li key={assignment.queueId}>
                <label>
                  <input
                    type="checkbox"
                    checked={assignment.isServing}
                    onChange={(event) => {
                      const isServing = event.target.checked;
                      void act(() =>
                        isServing
                          ? agent.startServing(assignment.queueId)
                          : agent.stopServing(assignment.queueId),
                      );
                    }}
                  />
                  {t.serve(name)}
                </label>
                <span className="muted" title={t.yourPriority}>
                  {t.priority(assignment.priority)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
