import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatEntry, ContactId, QueueId } from '@lineup/protocol';
import {
  LineupCustomer,
  LineupError,
  type ConnectionChange,
  type MessageInput,
  type PublicQueueStatus,
  type TokenSource,
} from '@lineup/sdk';
import { customerCallClient } from '../shared/calls/call-client.ts';
import { sendFile } from '../shared/chat-attachment.tsx';
import { ConnectionNote } from '../shared/connection-note.tsx';
import { useLanguage } from '../shared/i18n.tsx';
import { merged, messageOf } from '../shared/messages.ts';
import type { JoinChannel } from './queue-list.tsx';
import { CustomerCalls } from './customer-calls.tsx';
import { QueueWaitAudio } from './queue-wait-audio.tsx';
import { Screen } from './screen.tsx';
import { keepStage, keptStage, type LeftReason, type Stage } from './stage.ts';

/*
 * The customer widget: the queues to join with their live status, the place
 * in line in words, the chat with the agent, the end and a rating. Every
 * number on it comes from the server (the SDK's `place`, events and reads);
 * the widget keeps only which contact is its own, for a reload.
 */

/** How the widget reaches Lineup. */
export interface WidgetProps {
  url: string;
  token: TokenSource;
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
  const language = useLanguage();

  useEffect(() => {
    const client = new LineupCustomer({ url, token });
    const isOurs = (current: Stage, contactId: ContactId) =>
      'contactId' in current && current.contactId === contactId;
    client.on('connection', (change) => {
      setConnection(change);
      // Back after the grace period: a new session, and what happened meanwhile is not replayed
      // (a waiting contact was abandoned), so the kept contact is read again. Within it, the
      // SDK's resume replays what was missed and nothing needs reading.
      if (change.state === 'open' && change.welcome.isGap) void resume(client).then(setStage);
    });
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
                agentName: message.agentName ?? '',
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
          ? { kind: 'left', why: { kind: 'talked' } }
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
          why:
            event.outcome === 'reached'
              ? { kind: 'talked' }
              : { kind: 'unreached', number: current.number },
        };
      });
    });
    const gone = (contactId: ContactId, why: LeftReason) => {
      setStage((current) => (isOurs(current, contactId) ? { kind: 'left', why } : current));
    };
    client.on('contactAbandoned', (event) => {
      gone(event.contactId, { kind: 'abandoned' });
    });
    client.on('contactTimedOut', (event) => {
      gone(event.contactId, { kind: 'timedOut' });
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
    // The browser knows of a lost network before the socket does (an open socket may stay
    // silent until the ping finds it dead): drop it at once, and retry as soon as it is back.
    // The SDK resumes the session, so nothing is missed either way.
    const reconnect = () => {
      client.reconnect();
    };
    window.addEventListener('offline', reconnect);
    window.addEventListener('online', reconnect);
    setCustomer(client);
    void resume(client).then(setStage);
    return () => {
      window.removeEventListener('offline', reconnect);
      window.removeEventListener('online', reconnect);
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
      // The receipts so far come with it: "Read" shows again under what the agent read.
      setAgentReadUpToSeq((current) => Math.max(current, transcript.readUpToSeq.agent));
      readSentUpToSeq.current = Math.max(readSentUpToSeq.current, transcript.readUpToSeq.customer);
      // Assigned while the page reloaded: the agent's name is on its messages, if it wrote yet.
      const agentName =
        kept.agentName !== ''
          ? kept.agentName
          : (transcript.messages.find((entry) => entry.from.role === 'agent')?.from.name ?? '');
      if (contact.status === 'wrapUp') {
        return { kind: 'ended', contactId: contact.id, agentName, isRated: false };
      }
      return { kind: 'chat', contactId: contact.id, queueName: kept.queueName, agentName };
    } catch (error: unknown) {
      if (error instanceof LineupError && error.code === 'contact_not_found') {
        // A waiting contact whose customer was away past the grace period (a reload or a network
        // drop) was abandoned by the server: its place is lost, and the customer is told so.
        return kept.kind === 'waiting'
          ? { kind: 'left', why: { kind: 'lost' } }
          : { kind: 'choose' };
      }
      setFailure(messageOf(error, language));
      return { kind: 'choose' };
    }
  }

  useEffect(() => {
    keepStage(stage);
  }, [stage]);

  const join = async (queue: PublicQueueStatus, name: string, channel: JoinChannel) => {
    if (customer === null) return;
    setFailure(null);
    try {
      const outcome = await customer.join({
        queueId: queue.queueId,
        channel,
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
      setFailure(messageOf(error, language));
    }
  };

  const leaveMessage = async (queueId: QueueId, input: MessageInput) => {
    if (customer === null) return;
    setFailure(null);
    try {
      await customer.leaveMessage(queueId, input);
      const reach = input.email ?? input.number ?? '';
      setStage({ kind: 'left', why: { kind: 'messageSent', reach } });
    } catch (error: unknown) {
      setFailure(messageOf(error, language));
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
      setFailure(messageOf(error, language));
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
      setFailure(messageOf(error, language));
    }
  };

  const rate = async (contactId: ContactId, score: number, comment: string) => {
    if (customer === null) return;
    setFailure(null);
    try {
      await customer.rate(contactId, score, comment === '' ? undefined : comment);
      setStage((current) => (current.kind === 'ended' ? { ...current, isRated: true } : current));
    } catch (error: unknown) {
      setFailure(messageOf(error, language));
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
    const entry = await sendFile(customer, contactId, file, language);
    setEntries((current) => merged(current, [entry]));
  };

  const loadAttachment = useCallback(
    (attachmentId: string): Promise<Blob> => {
      if (customer === null) return Promise.reject(new Error('Not connected yet.'));
      return customer.downloadAttachment(attachmentId);
    },
    [customer],
  );

  const callClient = useMemo(
    () => (customer === null ? null : customerCallClient(customer)),
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
      {callClient === null ? null : <CustomerCalls client={callClient} />}
      {customer === null || stage.kind !== 'waiting' ? null : (
        <QueueWaitAudio
          customer={customer}
          contactId={stage.contactId}
          position={stage.position}
          ewtMs={stage.ewtMs}
        />
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
