import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { QueueId } from '@lineup/protocol';
import type { LineupCustomer, PublicQueueStatus } from '@lineup/sdk';
import { useLanguage } from '../shared/i18n.tsx';
import { countOf, type Language } from '../shared/languages.ts';
import { messageOf } from '../shared/messages.ts';
import { sharedWords } from '../shared/shared-words.ts';
import { waitInWords } from '../shared/words.ts';
import { widgetWords } from './widget-words.ts';

/*
 * The first screen of the widget: the queues that take chat, voice or video
 * with their live status, a Chat, Video call or Voice call button for an open
 * queue (by the channels it takes) and Leave a message for one that is
 * offline or closed.
 */

/** How the customer joins: a chat, or a voice or video call that the agent places once it takes the contact. */
export type JoinChannel = 'chat' | 'voice' | 'video';

/** The calls a customer joins from the widget, with their buttons' words. */
const joinChannels = [
  { channel: 'video', label: 'videoCall', labelWith: 'videoCallWith' },
  { channel: 'voice', label: 'voiceCall', labelWith: 'voiceCallWith' },
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
  const language = useLanguage();
  const t = widgetWords[language];

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
          if (isMounted.current) setFailure(messageOf(error, language));
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
    <section className="queues" aria-label={t.howCanWeHelp}>
      <h2>{t.howCanWeHelp}</h2>
      <label htmlFor="lineup-name">{t.yourNameOptional}</label>
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
        <p className="muted">{sharedWords[language].loading}</p>
      ) : queues.length === 0 ? (
        <p className="muted">{t.noChat}</p>
      ) : (
        <ul className="queue-list">
          {queues.map((queue) => (
            <li key={queue.queueId} className="queue">
              <form onSubmit={submit(queue)}>
                <div>
                  <strong>{queue.name}</strong>
                  <span className="queue-status">{statusInWords(queue, language)}</span>
                </div>
                <div className="queue-actions">
                  {queue.isOpen && queue.channels.includes('chat') ? (
                    <button
                      type="submit"
                      disabled={joining !== null}
                      aria-label={t.chatWith(queue.name)}
                    >
                      {t.chat}
                    </button>
                  ) : null}
                  {joinChannels
                    .filter(({ channel }) => queue.isOpen && queue.channels.includes(channel))
                    .map(({ channel, label, labelWith }) => (
                      <button
                        key={channel}
                        type="button"
                        className="secondary"
                        disabled={joining !== null}
                        aria-label={t[labelWith](queue.name)}
                        onClick={() => {
                          joinBy(queue, channel);
                        }}
                      >
                        {t[label]}
                      </button>
                    ))}
                  {/* An offline queue may still let customers wait (its whenEmpty); both are offered. */}
                  {queue.isOpen && !queue.isOffline ? null : (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={t.leaveMessageFor(queue.name)}
                      onClick={() => {
                        onWriteMessage(queue.queueId, queue.name);
                      }}
                    >
                      {t.leaveMessage}
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
function statusInWords(queue: PublicQueueStatus, language: Language): string {
  const t = widgetWords[language];
  if (!queue.isOpen) return t.closedNow;
  if (queue.isOffline) return t.nobodyAvailable;
  const waiting =
    queue.waiting === 0 ? t.nobodyWaiting : t.waitingCount(countOf(queue.waiting, language));
  return queue.ewtMs === null ? waiting : `${waiting} · ${waitInWords(queue.ewtMs, language)}`;
}
