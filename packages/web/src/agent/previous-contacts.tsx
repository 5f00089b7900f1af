import { useState } from 'react';
import type { ChatEntry } from '@lineup/protocol';
import type { ContactHistoryItem, ContactView, LineupAgent } from '@lineup/sdk';
import { useRead } from '../shared/use-read.ts';

/*
 * A returning customer's earlier contacts, newest first: when, where, how it
 * ended, the wrap-up code and rating; and, on demand, the conversation of
 * each (`GET /contacts/{id}/transcript`, kept after the contact ended).
 */

/** Previous contacts shown at most. */
const previousShownMax = 5;

const outcomeWords: Record<NonNullable<ContactHistoryItem['outcome']>, string> = {
  completed: 'completed',
  abandoned: 'hung up',
  timedOut: 'timed out',
  deflected: 'turned away',
  callbackClosed: 'called back',
};

/** The customer's earlier contacts, each with its transcript on demand. */
export function PreviousContacts({
  agent,
  contact,
  queueNameOf,
}: {
  agent: LineupAgent;
  contact: ContactView;
  queueNameOf: (queueId: ContactHistoryItem['lastQueueId']) => string;
}) {
  const items = useRead<ContactHistoryItem[]>(
    async () =>
      (
        await agent.customerContacts(contact.customer.id, { limit: previousShownMax + 1 })
      ).items.filter((item) => item.id !== contact.id),
    `${contact.customer.id} ${contact.id}`,
    [],
  );
  if (items === null) return null;
  return (
    <details className="previous" open={items.length > 0}>
      <summary>
        {items.length === 0 ? 'No previous contacts' : `Previous contacts (${items.length})`}
      </summary>
      <ul aria-label="Previous contacts">
        {items.slice(0, previousShownMax).map((item) => (
          <li key={item.id}>
            {new Date(item.joinedAtMs).toLocaleString()} · {queueNameOf(item.lastQueueId)} ·{' '}
            {item.outcome === null ? 'still open' : outcomeWords[item.outcome]}
            {item.disposition === null ? '' : ` · ${item.disposition.code}`}
            {item.rating === null ? '' : ` · rated ${item.rating.score}/5`}
            {item.channel === 'chat' ? <EarlierTranscript agent={agent} item={item} /> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** One earlier contact's conversation, read when the agent opens it. */
function EarlierTranscript({ agent, item }: { agent: LineupAgent; item: ContactHistoryItem }) {
  const [messages, setMessages] = useState<ChatEntry[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <details
      className="earlier-transcript"
      onToggle={(event) => {
        if (!event.currentTarget.open || messages !== null) return;
        agent.transcript(item.id).then(
          (transcript) => {
            setMessages(transcript.messages);
          },
          () => {
            setFailure('This conversation could not be read.');
          },
        );
      }}
    >
      <summary>Conversation</summary>
      {failure !== null ? (
        <p className="muted">{failure}</p>
      ) : messages === null ? (
        <p className="muted">Reading…</p>
      ) : messages.length === 0 ? (
        <p className="muted">No messages.</p>
      ) : (
        <ol aria-label={`Conversation of ${new Date(item.joinedAtMs).toLocaleString()}`}>
          {messages.map((message) => (
            <li key={message.seq}>
              <strong>{message.from.name ?? message.from.role}:</strong>{' '}
              {message.text ?? message.attachment?.name ?? ''}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
