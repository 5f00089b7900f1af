import { useEffect, useState } from 'react';
import type { QueueId } from '@lineup/protocol';
import type { ContactView, LineupSupervisor } from '@lineup/sdk';
import { useLanguage } from '../shared/i18n.tsx';
import { timeOfDay } from '../shared/languages.ts';
import { sharedWords } from '../shared/shared-words.ts';
import { clockOf } from '../shared/words.ts';
import { wallboardWords } from './wallboard-words.ts';

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

/** The words' key for each way a contact joined. */
const joinedWords = {
  inbound: 'joined',
  callback: 'callback',
  transfer: 'transferred',
  overflow: 'overflowed',
} as const satisfies Record<ContactView['joinedType'], keyof (typeof wallboardWords)['en']>;

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
  const language = useLanguage();
  const t = wallboardWords[language];
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
    <section className="card waiting-card" aria-label={t.waitingIn(queueName)}>
      <header className="tile-head">
        <h2>{t.waitingIn(queueName)}</h2>
        <button type="button" className="secondary small" onClick={onClose}>
          {t.close}
        </button>
      </header>
      {contacts === null ? (
        <p className="muted">{sharedWords[language].loading}</p>
      ) : contacts.length === 0 ? (
        <p className="muted">{t.nobodyWaiting}</p>
      ) : (
        <table className="agent-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t.customer}</th>
              <th scope="col">{t.type}</th>
              <th scope="col">{t.how}</th>
              <th scope="col">{t.joinedAt}</th>
              <th scope="col">{t.waiting}</th>
              <th scope="col">{t.priority}</th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((contact) => (
              <tr key={contact.id}>
                <td>{contact.position ?? '—'}</td>
                <th scope="row">{contact.customer.name ?? contact.customer.id}</th>
                <td>{contact.customer.type === 'vip' ? t.vip : t.normal}</td>
                <td>{t[joinedWords[contact.joinedType]]}</td>
                <td>{timeOfDay(contact.joinedAtMs, language)}</td>
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
