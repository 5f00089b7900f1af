import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { QueueId } from '@lineup/protocol';
import type { LineupCustomer, PublicQueueStatus } from '@lineup/sdk';
import { waitInWords } from '../shared/words.ts';
import { messageOf } from '../shared/messages.ts';

/*
 * The first screen of the widget: the queues that take chat with their live
 * status, a Chat button for an open queue and Leave a message for one that is
 * offline or closed.
 */

/** How often the list of queues is read again while the customer chooses. */
const queueRefreshMs = 5000;

/** The queues the customer may join, read again every few seconds while it chooses. */
export function QueueList({
  customer,
  onJoin,
  onWriteMessage,
}: {
  customer: LineupCustomer;
  onJoin: (queue: PublicQueueStatus, name: string) => Promise<void>;
  onWriteMessage: (queueId: QueueId, queueName: string) => void;
}) {
  const [queues, setQueues] = useState<PublicQueueStatus[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [joining, setJoining] = useState<QueueId | null>(null);
  const isMounted = useRef(true);

  useEffect(() => {
    isMounted.current = true;
    const read = () => {
      customer.queueStatuses().then(
        (page) => {
          if (!isMounted.current) return;
          setQueues(page.items.filter((queue) => queue.channels.includes('chat')));
          setFailure(null);
        },
        (error: unknown) => {
          if (isMounted.current) setFailure(messageOf(error));
        },
      );
    };
    read();
    const timer = setInterval(read, queueRefreshMs);
    return () => {
      isMounted.current = false;
      clearInterval(timer);
    };
  }, [customer]);

  const submit = (queue: PublicQueueStatus) => (event: SubmitEvent) => {
    event.preventDefault();
    setJoining(queue.queueId);
    void onJoin(queue, name.trim()).finally(() => {
      if (isMounted.current) setJoining(null);
    });
  };

  return (
    <section className="queues" aria-label="How can we help?">
      <h2>How can we help?</h2>
      <label htmlFor="lineup-name">Your name (optional)</label>
      <input
        id="lineup-name"
        value={name}
        maxLength={100}
        autoComplete="name"
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      {failure === null ? null : (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {queues === null ? (
        <p className="muted">Loading…</p>
      ) : queues.length === 0 ? (
        <p className="muted">No chat is available right now.</p>
      ) : (
        <ul className="queue-list">
          {queues.map((queue) => (
            <li key={queue.queueId} className="queue">
              <form onSubmit={submit(queue)}>
                <div>
                  <strong>{queue.name}</strong>
                  <span className="queue-status">{statusInWords(queue)}</span>
                </div>
                <div className="queue-actions">
                  {queue.isOpen ? (
                    <button
                      type="submit"
                      disabled={joining !== null}
                      aria-label={`Chat with ${queue.name}`}
                    >
                      Chat
                    </button>
                  ) : null}
                  {/* An offline queue may still let customers wait (its whenEmpty); both are offered. */}
                  {queue.isOpen && !queue.isOffline ? null : (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Leave a message for ${queue.name}`}
                      onClick={() => {
                        onWriteMessage(queue.queueId, queue.name);
                      }}
                    >
                      Leave a message
                    </button>
                  )}
                </div>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A queue's live status as a customer reads it. */
function statusInWords(queue: PublicQueueStatus): string {
  if (!queue.isOpen) return 'Closed now';
  if (queue.isOffline) return 'Nobody is available right now';
  const waiting =
    queue.waiting === 0
      ? 'Nobody waiting'
      : queue.waiting === 1
        ? '1 waiting'
        : `${queue.waiting} waiting`;
  return queue.ewtMs === null ? waiting : `${waiting} · ${waitInWords(queue.ewtMs)}`;
}
