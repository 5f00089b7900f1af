import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { QueueId } from '@lineup/protocol';

/** How the customer joins: a chat, or a voice or video call that the agent places once it takes the contact. */
export type JoinChannel = 'chat' | 'voice' | 'video';
import type { LineupCustomer, PublicQueueStatus } from '@lineup/sdk';
import { waitInWords } from '../shared/words.ts';
import { messageOf } from '../shared/messages.ts';

/*
 * The first screen of the widget: the queues that take chat, voice or video
 * with their live status, a Chat, Video call or Voice call button for an open
 * queue (by the channels it takes) and Leave a message for one that is
 * offline or closed.
 */

/** The channels a customer joins from the widget, with their buttons' words. */
const joinChannels = [
  { channel: 'video', label: 'Video call' },
  { channel: 'voice', label: 'Voice call' },
] as const;

/** How often the list of queues is read again while the customer chooses. */
const queueRefreshMs = 5000;

/** The queues the customer may join, read again every few seconds while it chooses. */
export function QueueList({
  customer,
  onJoin,
  onWriteMessage,
}: {
  customer: LineupCustomer;
  onJoin: (queue: PublicQueueStatus, name: string, channel: JoinChannel) => Promise<void>;
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
          setQueues(
            page.items.filter((queue) =>
              queue.channels.some(
                (channel) => channel === 'chat' || channel === 'voice' || channel === 'video',
              ),
            ),
          );
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

  const joinBy = (queue: PublicQueueStatus, channel: JoinChannel) => {
    setJoining(queue.queueId);
    void onJoin(queue, name.trim(), channel).finally(() => {
      if (isMounted.current) setJoining(null);
    });
  };
  const submit = (queue: PublicQueueStatus) => (event: SubmitEvent) => {
    event.preventDefault();
    joinBy(queue, 'chat');
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
        <p className="muted">Nobody is available right now.</p>
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
                  {queue.isOpen && queue.channels.includes('chat') ? (
                    <button
                      type="submit"
                      disabled={joining !== null}
                      aria-label={`Chat with ${queue.name}`}
                    >
                      Chat
                    </button>
                  ) : null}
                  {joinChannels
                    .filter(({ channel }) => queue.isOpen && queue.channels.includes(channel))
                    .map(({ channel, label }) => (
                      <button
                        key={channel}
                        type="button"
                        className="secondary"
                        disabled={joining !== null}
                        aria-label={`${label} with ${queue.name}`}
                        onClick={() => {
                          joinBy(queue, channel);
                        }}
                      >
                        {label}
                      </button>
                    ))}
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
