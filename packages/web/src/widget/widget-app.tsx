import { useCallback, useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { ChatEntry, ContactId, QueueId } from '@lineup/protocol';
import {
  LineupCustomer,
  LineupError,
  attachmentBytesMax,
  type ConnectionChange,
  type MessageInput,
  type PublicQueueStatus,
  type TokenSource,
} from '@lineup/sdk';
import { Chat } from '../shared/chat.tsx';
import { sizeInWords } from '../shared/chat-attachment.tsx';
import { ConnectionNote } from '../shared/connection-note.tsx';
import { placeInWords, waitInWords } from '../shared/words.ts';
import { MessageForm } from './message-form.tsx';
import { keepStage, keptStage, type Stage } from './stage.ts';

/*
 * The customer widget: the queues to join with their live status, the place
 * in line in words, the chat with the agent, the end and a rating. Every
 * number on it comes from the server (the SDK's `place`, events and reads);
 * the widget keeps only which contact is its own, for a reload.
 */

/** How often the list of queues is read again while the customer chooses. */
const queueRefreshMs = 5000;

/** How the widget reaches Lineup. */
export interface WidgetProps {
  url: string;
  token: TokenSource;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong; please try again.';
}

/** Merges entries by seq: the reply to a send and its broadcast may both arrive. */
function merged(entries: readonly ChatEntry[], more: readonly ChatEntry[]): ChatEntry[] {
  const bySeq = new Map<number, ChatEntry>();
  for (const entry of [...entries, ...more]) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The widget's content: one customer, one conversation at a time. */
export function WidgetApp({ url, token }: WidgetProps) {
  const [customer, setCustomer] = useState<LineupCustomer | null>(null);
  const [connection, setConnection] = useState<ConnectionChange | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });
  const [entries, setEntries] = useState<ChatEntry[]>([]);
  const [isAgentTyping, setAgentTyping] = useState(false);
  /** The agent read the customer's messages up to this seq (its read receipts). */
  const [agentReadUpToSeq, setAgentReadUpToSeq] = useState(0);
  /** The highest seq this page told the server it read, so that each is sent once. */
  const readSentUpToSeq = useRef(0);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const client = new LineupCustomer({ url, token });
    const isOurs = (current: Stage, contactId: ContactId) =>
      'contactId' in current && current.contactId === contactId;
    client.on('connection', setConnection);
    client.on('place', (place) => {
      setStage((current) =>
        current.kind === 'waiting' && current.contactId === place.contactId
          ? { ...current, position: place.position, ewtMs: place.ewtMs }
          : current,
      );
    });
    client.on('contactAssigned', (event, message) => {
      setStage((current) =>
        current.kind === 'callback' && current.contactId === event.contactId
          ? { ...current, isCalling: true }
          : current.kind === 'waiting' && current.contactId === event.contactId
            ? {
                kind: 'chat',
                contactId: event.contactId,
                queueName: current.queueName,
                agentName: message.agentName ?? 'Your agent',
              }
            : current,
      );
    });
    const backInLine = (contactId: ContactId) => {
      setStage((current) =>
        current.kind === 'chat' && current.contactId === contactId
          ? {
              kind: 'waiting',
              contactId,
              queueName: current.queueName,
              position: null,
              ewtMs: null,
            }
          : current,
      );
    };
    client.on('contactRequeued', (event) => {
      backInLine(event.contactId);
    });
    client.on('contactTransferred', (event) => {
      backInLine(event.contactId);
    });
    client.on('contactCompleted', (event) => {
      setAgentTyping(false);
      setStage((current) =>
        current.kind === 'callback' && current.contactId === event.contactId
          ? { kind: 'left', message: 'Thank you for talking with us.' }
          : current.kind === 'chat' && current.contactId === event.contactId
            ? {
                kind: 'ended',
                contactId: event.contactId,
                agentName: current.agentName,
                isRated: false,
              }
            : current,
      );
    });
    client.on('callbackClosed', (event) => {
      setStage((current) => {
        if (current.kind !== 'callback' || current.contactId !== event.contactId) return current;
        if (event.retryAtMs !== null) return { ...current, isCalling: false, isRetrying: true };
        return {
          kind: 'left',
          message:
            event.outcome === 'reached'
              ? 'Thank you for talking with us.'
              : `Sorry — we could not reach you at ${current.number}.`,
        };
      });
    });
    const gone = (contactId: ContactId, message: string) => {
      setStage((current) => (isOurs(current, contactId) ? { kind: 'left', message } : current));
    };
    client.on('contactAbandoned', (event) => {
      gone(event.contactId, 'You left the line.');
    });
    client.on('contactTimedOut', (event) => {
      gone(
        event.contactId,
        'Sorry — nobody could take your request in time. Please try again later.',
      );
    });
    client.on('chat', ({ message }) => {
      setEntries((current) => merged(current, [message]));
    });
    client.on('chatRead', ({ by, upToSeq }) => {
      if (by.role === 'agent') setAgentReadUpToSeq((current) => Math.max(current, upToSeq));
    });
    client.on('chatTyping', ({ from, isTyping }) => {
      if (from.role === 'agent') setAgentTyping(isTyping);
    });
    setCustomer(client);
    void resume(client).then(setStage);
    return () => {
      client.close();
    };
  }, [url, token]);

  /** The stage after a reload: the kept contact as the server has it now. */
  async function resume(client: LineupCustomer): Promise<Stage> {
    const kept = keptStage();
    if (kept === null) return { kind: 'choose' };
    if (kept.kind === 'ended') {
      return {
        kind: 'ended',
        contactId: kept.contactId,
        agentName: kept.agentName,
        isRated: kept.isRated,
      };
    }
    try {
      const contact = await client.contact(kept.contactId);
      if (contact.channel === 'callback') {
        return {
          kind: 'callback',
          contactId: contact.id,
          queueName: kept.queueName,
          number: kept.number ?? contact.callbackNumber ?? '',
          isCalling: contact.status === 'assigned',
          isRetrying: contact.callbackAttempts > 0,
        };
      }
      if (contact.status === 'queued' || contact.status === 'offered') {
        return {
          kind: 'waiting',
          contactId: contact.id,
          queueName: kept.queueName,
          position: contact.position,
          ewtMs: contact.ewtMs,
        };
      }
      const transcript = await client.transcript(kept.contactId);
      setEntries((current) => merged(current, transcript.messages));
      // Assigned while the page reloaded: the agent's name is on its messages, if it wrote yet.
      const agentName =
        kept.agentName !== ''
          ? kept.agentName
          : (transcript.messages.find((entry) => entry.from.role === 'agent')?.from.name ??
            'Your agent');
      if (contact.status === 'wrapUp') {
        return { kind: 'ended', contactId: contact.id, agentName, isRated: false };
      }
      return { kind: 'chat', contactId: contact.id, queueName: kept.queueName, agentName };
    } catch (error: unknown) {
      if (error instanceof LineupError && error.code === 'contact_not_found')
        return { kind: 'choose' };
      setFailure(messageOf(error));
      return { kind: 'choose' };
    }
  }

  useEffect(() => {
    keepStage(stage);
  }, [stage]);

  const join = async (queue: PublicQueueStatus, name: string) => {
    if (customer === null) return;
    setFailure(null);
    try {
      const outcome = await customer.join({
        queueId: queue.queueId,
        channel: 'chat',
        ...(name === '' ? {} : { customer: { name } }),
      });
      setEntries([]);
      setAgentReadUpToSeq(0);
      readSentUpToSeq.current = 0;
      setStage(
        outcome.type === 'contactDeflected'
          ? {
              kind: 'deflected',
              message: outcome.message,
              messageQueue:
                outcome.action === 'leaveMessage'
                  ? { queueId: queue.queueId, queueName: queue.name }
                  : null,
            }
          : {
              kind: 'waiting',
              contactId: outcome.contact.id,
              queueName: queue.name,
              position: outcome.position,
              ewtMs: outcome.ewtMs,
            },
      );
    } catch (error: unknown) {
      setFailure(messageOf(error));
    }
  };

  const leaveMessage = async (queueId: QueueId, input: MessageInput) => {
    if (customer === null) return;
    setFailure(null);
    try {
      await customer.leaveMessage(queueId, input);
      const reach = input.email ?? input.number ?? '';
      setStage({
        kind: 'left',
        message: `Thank you — your message was sent. We will answer you at ${reach}.`,
      });
    } catch (error: unknown) {
      setFailure(messageOf(error));
    }
  };

  const writeMessage = (queueId: QueueId, queueName: string) => {
    setFailure(null);
    setStage({ kind: 'message', queueId, queueName });
  };

  const leave = async (contactId: ContactId) => {
    if (customer === null) return;
    try {
      await customer.leave(contactId);
      setStage({ kind: 'choose' });
    } catch (error: unknown) {
      setFailure(messageOf(error));
    }
  };

  const callBack = async (contactId: ContactId, number: string) => {
    if (customer === null) return;
    setFailure(null);
    try {
      await customer.convertToCallback(contactId, number);
      setStage((current) =>
        current.kind === 'waiting' && current.contactId === contactId
          ? {
              kind: 'callback',
              contactId,
              queueName: current.queueName,
              number,
              isCalling: false,
              isRetrying: false,
            }
          : current,
      );
    } catch (error: unknown) {
      setFailure(messageOf(error));
    }
  };

  const rate = async (contactId: ContactId, score: number, comment: string) => {
    if (customer === null) return;
    setFailure(null);
    try {
      await customer.rate(contactId, score, comment === '' ? undefined : comment);
      setStage((current) => (current.kind === 'ended' ? { ...current, isRated: true } : current));
    } catch (error: unknown) {
      setFailure(messageOf(error));
    }
  };

  const markSeen = (contactId: ContactId, upToSeq: number) => {
    if (customer === null || upToSeq <= readSentUpToSeq.current) return;
    readSentUpToSeq.current = upToSeq;
    // A receipt that did not arrive is sent again with the next message seen.
    customer.markRead(contactId, upToSeq).catch(() => {
      readSentUpToSeq.current = 0;
    });
  };

  /** Uploads a file, then sends it (docs/api.md § Chat); past the server's limit, says so first. */
  const attach = async (contactId: ContactId, file: File) => {
    if (customer === null) return;
    if (file.size > attachmentBytesMax) {
      throw new Error(
        `${file.name} is ${sizeInWords(file.size)}; files can be up to ${sizeInWords(attachmentBytesMax)}.`,
      );
    }
    const attachment = await customer.uploadAttachment(contactId, {
      bytes: file,
      name: file.name,
      contentType: file.type === '' ? 'application/octet-stream' : file.type,
    });
    const entry = await customer.sendChat(contactId, { attachmentId: attachment.id });
    setEntries((current) => merged(current, [entry]));
  };

  const loadAttachment = useCallback(
    (attachmentId: string): Promise<Blob> => {
      if (customer === null) return Promise.reject(new Error('Not connected yet.'));
      return customer.downloadAttachment(attachmentId);
    },
    [customer],
  );

  const restart = () => {
    setEntries([]);
    setAgentReadUpToSeq(0);
    readSentUpToSeq.current = 0;
    setFailure(null);
    setStage({ kind: 'choose' });
  };

  return (
    <div className="widget-body">
      <ConnectionNote change={connection} />
      {failure === null ? null : (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {customer === null ? null : (
        <Screen
          customer={customer}
          stage={stage}
          entries={entries}
          isAgentTyping={isAgentTyping}
          agentReadUpToSeq={agentReadUpToSeq}
          isOpen={connection?.state === 'open'}
          onSeen={markSeen}
          onAttach={attach}
          loadAttachment={loadAttachment}
          onJoin={join}
          onWriteMessage={writeMessage}
          onLeaveMessage={leaveMessage}
          onLeave={leave}
          onCallBack={callBack}
          onRate={rate}
          onRestart={restart}
        />
      )}
    </div>
  );
}

interface ScreenProps {
  customer: LineupCustomer;
  stage: Stage;
  entries: ChatEntry[];
  isAgentTyping: boolean;
  agentReadUpToSeq: number;
  isOpen: boolean;
  onSeen: (contactId: ContactId, upToSeq: number) => void;
  onAttach: (contactId: ContactId, file: File) => Promise<void>;
  loadAttachment: (attachmentId: string) => Promise<Blob>;
  onJoin: (queue: PublicQueueStatus, name: string) => Promise<void>;
  onWriteMessage: (queueId: QueueId, queueName: string) => void;
  onLeaveMessage: (queueId: QueueId, input: MessageInput) => Promise<void>;
  onLeave: (contactId: ContactId) => Promise<void>;
  onCallBack: (contactId: ContactId, number: string) => Promise<void>;
  onRate: (contactId: ContactId, score: number, comment: string) => Promise<void>;
  onRestart: () => void;
}

function Screen(props: ScreenProps) {
  const { customer, stage } = props;
  switch (stage.kind) {
    case 'loading':
      return <p className="muted">One moment…</p>;
    case 'choose':
      return (
        <QueueList
          customer={customer}
          onJoin={props.onJoin}
          onWriteMessage={props.onWriteMessage}
        />
      );
    case 'message':
      return (
        <MessageForm
          queueId={stage.queueId}
          queueName={stage.queueName}
          onSend={props.onLeaveMessage}
          onCancel={props.onRestart}
        />
      );
    case 'waiting':
      return (
        <section className="waiting" aria-label="Your place in line">
          <h2>{stage.queueName}</h2>
          <p className="place" aria-live="polite">
            {stage.position === null
              ? 'You are in line'
              : placeInWords(stage.position, stage.ewtMs)}
          </p>
          <p className="muted">Keep this page open: an agent will be with you here.</p>
          <CallBackForm onCallBack={(number) => props.onCallBack(stage.contactId, number)} />
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void props.onLeave(stage.contactId);
            }}
          >
            Leave the line
          </button>
        </section>
      );
    case 'callback':
      return (
        <section className="waiting" aria-label="Your callback">
          <h2>{stage.queueName}</h2>
          <p className="place" role="status">
            {stage.isCalling
              ? `An agent is calling you now at ${stage.number}.`
              : stage.isRetrying
                ? `We could not reach you; we will try ${stage.number} again.`
                : `We will call you at ${stage.number}.`}
          </p>
          <p className="muted">You keep your place in line; you may close this page.</p>
        </section>
      );
    case 'deflected': {
      const { messageQueue } = stage;
      return (
        <section className="notice">
          <p role="status">{stage.message}</p>
          <div className="actions">
            {messageQueue === null ? null : (
              <button
                type="button"
                onClick={() => {
                  props.onWriteMessage(messageQueue.queueId, messageQueue.queueName);
                }}
              >
                Leave a message
              </button>
            )}
            <button type="button" className="secondary" onClick={props.onRestart}>
              Back to the list
            </button>
          </div>
        </section>
      );
    }
    case 'left':
      return (
        <section className="notice">
          <p role="status">{stage.message}</p>
          <button type="button" onClick={props.onRestart}>
            Back to the list
          </button>
        </section>
      );
    case 'chat':
      return (
        <>
          <p className="with-agent" role="status">
            You are chatting with <strong>{stage.agentName}</strong>
          </p>
          <Chat
            entries={props.entries}
            selfRole="customer"
            otherName={stage.agentName}
            isOtherTyping={props.isAgentTyping}
            canWrite={props.isOpen}
            onSend={async (text) => {
              await customer.sendChat(stage.contactId, { text });
            }}
            onTyping={(isTyping) => {
              customer.setTyping(stage.contactId, isTyping);
            }}
            readUpToSeq={props.agentReadUpToSeq}
            onSeen={(upToSeq) => {
              props.onSeen(stage.contactId, upToSeq);
            }}
            onAttach={(file) => props.onAttach(stage.contactId, file)}
            loadAttachment={props.loadAttachment}
          />
        </>
      );
    case 'ended':
      return (
        <section className="ended">
          <p role="status">{stage.agentName} ended the conversation.</p>
          {props.entries.length === 0 ? null : (
            <Chat
              entries={props.entries}
              selfRole="customer"
              otherName={stage.agentName}
              isOtherTyping={false}
              canWrite={false}
              isEnded
              readUpToSeq={props.agentReadUpToSeq}
              loadAttachment={props.loadAttachment}
              onSend={() => Promise.resolve()}
              onTyping={() => undefined}
            />
          )}
          {stage.isRated ? (
            <>
              <p role="status">Thank you for your rating!</p>
              <button type="button" onClick={props.onRestart}>
                Start a new conversation
              </button>
            </>
          ) : (
            <Rating
              onRate={(score, comment) => props.onRate(stage.contactId, score, comment)}
              onSkip={props.onRestart}
            />
          )}
        </section>
      );
  }
}

/** The queues the customer may join, read again every few seconds while it chooses. */
function QueueList({
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

/** A satisfaction rating: 1 to 5 and an optional comment. */
function Rating({
  onRate,
  onSkip,
}: {
  onRate: (score: number, comment: string) => Promise<void>;
  onSkip: () => void;
}) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (score !== null) void onRate(score, comment.trim());
  };
  return (
    <form className="rating" onSubmit={submit}>
      <fieldset>
        <legend>How was your conversation?</legend>
        <div className="stars">
          {[1, 2, 3, 4, 5].map((value) => (
            <label key={value} className={score !== null && value <= score ? 'star on' : 'star'}>
              <input
                type="radio"
                name="score"
                value={value}
                checked={score === value}
                onChange={() => {
                  setScore(value);
                }}
              />
              <span aria-hidden="true">★</span>
              <span className="visually-hidden">
                {value} {value === 1 ? 'star' : 'stars'}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor="lineup-comment">Comment (optional)</label>
      <textarea
        id="lineup-comment"
        rows={2}
        maxLength={1000}
        value={comment}
        onChange={(event) => {
          setComment(event.target.value);
        }}
      />
      <div className="actions">
        <button type="submit" disabled={score === null}>
          Send rating
        </button>
        <button type="button" className="secondary" onClick={onSkip}>
          Skip
        </button>
      </div>
    </form>
  );
}

/** "Call me back instead": a phone number, and the contact keeps its place (R10). */
function CallBackForm({ onCallBack }: { onCallBack: (number: string) => Promise<void> }) {
  const [isOpen, setOpen] = useState(false);
  const [number, setNumber] = useState('');
  if (!isOpen) {
    return (
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setOpen(true);
        }}
      >
        Call me back instead
      </button>
    );
  }
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (number.trim() !== '') void onCallBack(number.trim());
  };
  return (
    <form className="callback" onSubmit={submit}>
      <label htmlFor="lineup-number">Your phone number</label>
      <input
        id="lineup-number"
        type="tel"
        autoComplete="tel"
        maxLength={32}
        value={number}
        onChange={(event) => {
          setNumber(event.target.value);
        }}
      />
      <div className="actions">
        <button type="submit" disabled={number.trim() === ''}>
          Call me back
        </button>
      </div>
    </form>
  );
}
