import { useState } from 'react';
import type { ChatEntry } from '@lineup/protocol';
import type { ContactHistoryItem, ContactView, LineupAgent } from '@lineup/sdk';
import { useLanguage, useWords } from '../shared/i18n.tsx';
import { localeOf } from '../shared/languages.ts';
import { useRead } from '../shared/use-read.ts';
import { agentWords } from './agent-words.ts';

/*
 * A returning customer's earlier contacts, newest first: when, where, how it
 * ended, the wrap-up code and rating; and, on demand, the conversation of
 * each (`GET /contacts/{id}/transcript`, kept after the contact ended).
 */

/** Previous contacts shown at most. */
const previousShownMax = 5;

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
  const t = useWords(agentWords);
  const locale = localeOf(useLanguage());
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
        {items.length === 0 ? t.noPreviousContacts : t.previousContactsCount(items.length)}
      </summary>
      <ul aria-label={t.previousContacts}>
        {items.slice(0, previousShownMax).map((item) => (
          <li key={item.id}>
            {new Date(item.joinedAtMs).toLocaleString(locale)} · {queueNameOf(item.lastQueueId)} ·{' '}
            {item.outcome === null ? t.stillOpen : t.outcomes[item.outcome]}
            {item.disposition === null ? '' : ` · ${item.disposition.code}`}
            {item.rating === null ? '' : ` · ${t.rated(item.rating.score)}`}
            {item.channel === 'chat' ? <EarlierTranscript agent={agent} item={item} /> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** One earlier contact's conversation, read when the agent opens it. */
function EarlierTranscript({ agent, item }: { agent: LineupAgent; item: ContactHistoryItem }) {
  const t = useWords(agentWords);
  const locale = localeOf(useLanguage());
  const [messages, setMessages] = useState<ChatEntry[] | null>(null);
  const [isUnread, setIsUnread] = useState(false);
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
            setIsUnread(true);
          },
        );
      }}
    >
      <summary>{t.conversation}</summary>
      {isUnread ? (
        <p className="muted">{t.transcriptUnread}</p>
      ) : messages === null ? (
        <p className="muted">{t.reading}</p>
      ) : messages.length === 0 ? (
        <p className="muted">{t.noMessages}</p>
      ) : (
        <ol aria-label={t.conversationOf(new Date(item.joinedAtMs).toLocaleString(locale))}>
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
