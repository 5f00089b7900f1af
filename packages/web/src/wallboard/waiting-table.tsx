import { useEffect, useState } from 'react';
import type { QueueId } from '@lineup/protocol';
import type { ContactView, LineupSupervisor } from '@lineup/sdk';
import { clockOf } from '../shared/words.ts';

/*
 * The waiting contacts of one queue, in serving order, as a supervisor
 * watches them: who (and whether a VIP), how and when they joined, their
 * priority score and how long they have waited. Read again when the queue's
 * status changes, at most once a second.
 */

/** Contacts shown at most: the head of the line. */
const shownMax = 50;
/** Shortest time between two reads. */
const rereadEveryMs = 1_000;

const joinedWords: Record<ContactView['joinedType'], string> = {
  inbound: 'Joined',
  callback: 'Callback',
  transfer: 'Transferred',
  overflow: 'Overflowed',
};

/** A queue's waiting contacts, read through the supervisor's client. */
export function WaitingTable({
  supervisor,
  queueId,
  queueName,
  nowMs,
  onClose,
}: {
  supervisor: LineupSupervisor;
  queueId: QueueId;
  queueName: string;
  nowMs: number;
  onClose: () => void;
}) {
  const [contacts, setContacts] = useState<ContactView[] | null>(null);
  useEffect(() => {
    let isStale = true;
    const read = () => {
      if (!isStale) return;
      isStale = false;
      supervisor.waitingContacts(queueId, shownMax).then(setContacts, () => {
        isStale = true;
      });
    };
    const stop = supervisor.on('queueStatusChanged', ({ status }) => {
      if (status.queueId === queueId) isStale = true;
    });
    read();
    const timer = setInterval(read, rereadEveryMs);
    return () => {
      clearInterval(timer);
      stop();
    };
  }, [supervisor, queueId]);

  return (
    <section className="card waiting-card" aria-label={`Waiting in ${queueName}`}>
      <header className="tile-head">
        <h2>Waiting in {queueName}</h2>
        <button type="button" className="secondary small" onClick={onClose}>
          Close
        </button>
      </header>
      {contacts === null ? (
        <p className="muted">Loading…</p>
      ) : contacts.length === 0 ? (
        <p className="muted">Nobody is waiting.</p>
      ) : (
        <table className="agent-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Customer</th>
              <th scope="col">Type</th>
              <th scope="col">How</th>
              <th scope="col">Joined at</th>
              <th scope="col">Waiting</th>
              <th scope="col">Priority</th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((contact) => (
              <tr key={contact.id}>
                <td>{contact.position ?? '—'}</td>
                <th scope="row">{contact.customer.name ?? contact.customer.id}</th>
                <td>{contact.customer.type === 'vip' ? 'VIP' : 'Normal'}</td>
                <td>{joinedWords[contact.joinedType]}</td>
                <td>{new Date(contact.joinedAtMs).toLocaleTimeString()}</td>
                <td>{clockOf(Math.max(0, nowMs - contact.joinedAtMs))}</td>
                <td>{contact.priority}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
