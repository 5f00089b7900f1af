import { useState, type SubmitEvent } from 'react';
import type { QueueId } from '@lineup/protocol';
import { leftMessageTextLengthMax, type MessageInput } from '@lineup/sdk';
import { useLanguage } from '../shared/i18n.tsx';
import { countOf } from '../shared/languages.ts';
import { widgetWords } from './widget-words.ts';

/*
 * "Leave a message" for a queue that is offline or closed (R11, R16): a name
 * (optional), a phone number or an e-mail address to answer, and the text.
 * The server checks every field again; the form only keeps a customer from
 * sending something it would refuse.
 */

/** The server's patterns (MessageCustomerSchema): a phone number, an e-mail address. */
const numberPattern = /^[+0-9*#() .-]{3,32}$/;
const emailPattern = /^[^@\s]+@[^@\s]+$/;

/** What the form needs: the queue, and how to send. */
export interface MessageFormProps {
  queueId: QueueId;
  queueName: string;
  onSend: (queueId: QueueId, input: MessageInput) => Promise<void>;
  onCancel: () => void;
}

/** A message to a queue nobody answers now, with a way back to the customer. */
export function MessageForm({ queueId, queueName, onSend, onCancel }: MessageFormProps) {
  const [name, setName] = useState('');
  const [reach, setReach] = useState('');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [isSending, setSending] = useState(false);
  const language = useLanguage();
  const t = widgetWords[language];

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const contact = reach.trim();
    const isEmail = contact.includes('@');
    if (isEmail ? !emailPattern.test(contact) : !numberPattern.test(contact)) {
      setProblem(t.giveReach);
      return;
    }
    if (text.trim() === '') {
      setProblem(t.writeYourMessage);
      return;
    }
    setProblem(null);
    setSending(true);
    void onSend(queueId, {
      text: text.trim(),
      ...(name.trim() === '' ? {} : { name: name.trim() }),
      ...(isEmail ? { email: contact } : { number: contact }),
    }).finally(() => {
      setSending(false);
    });
  };

  return (
    <form className="leave-message" aria-label={t.leaveMessageFor(queueName)} onSubmit={submit}>
      <h2>{t.leaveMessageFor(queueName)}</h2>
      <p className="muted">{t.nobodyCanChat}</p>
      <label htmlFor="lineup-message-name">{t.yourNameOptional}</label>
      <input
        id="lineup-message-name"
        value={name}
        maxLength={200}
        autoComplete="name"
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <label htmlFor="lineup-message-reach">{t.phoneOrEmail}</label>
      <input
        id="lineup-message-reach"
        value={reach}
        maxLength={254}
        autoComplete="email"
        onChange={(event) => {
          setReach(event.target.value);
        }}
      />
      <label htmlFor="lineup-message-text">{t.yourMessage}</label>
      <textarea
        id="lineup-message-text"
        rows={4}
        maxLength={leftMessageTextLengthMax}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
        }}
      />
      <p className="muted count" aria-live="polite">
        {countOf(text.length, language)} / {countOf(leftMessageTextLengthMax, language)}
      </p>
      {problem === null ? null : (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={isSending}>
          {t.sendMessage}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t.back}
        </button>
      </div>
    </form>
  );
}
