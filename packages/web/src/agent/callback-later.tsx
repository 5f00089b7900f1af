import { useState } from 'react';
import type { ContactId } from '@lineup/protocol';
import type { ContactView, LineupAgent } from '@lineup/sdk';
import { useWords } from '../shared/i18n.tsx';
import { agentWords } from './agent-words.ts';

/*
 * "Call back later": the agent turns the chat it holds into a callback for
 * the same customer in the same queue (R10), to the number the customer
 * gives (the customer's own by default), then the chat is completed and its
 * wrap-up follows.
 */

/** A button that opens a form for the number, then converts the contact into a callback. */
export function CallbackLater({
  agent,
  contact,
  act,
  onConverted,
}: {
  agent: LineupAgent;
  contact: ContactView | undefined;
  act: (action: () => Promise<unknown>) => Promise<void>;
  onConverted: (contactId: ContactId) => void;
}) {
  const t = useWords(agentWords);
  const [number, setNumber] = useState<string | null>(null);
  if (contact === undefined) return null;
  if (number === null) {
    return (
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setNumber(contact.customer.number ?? '');
        }}
      >
        {t.callBackLater}
      </button>
    );
  }
  return (
    <form
      className="callback-later"
      aria-label={t.callBackLater}
      onSubmit={(event) => {
        event.preventDefault();
        void act(async () => {
          await agent.convertToCallback(
            contact.id,
            number.trim() === '' ? {} : { number: number.trim() },
          );
          onConverted(contact.id);
        });
      }}
    >
      <label>
        {t.numberToCall}{' '}
        <input
          type="tel"
          value={number}
          maxLength={32}
          onChange={(event) => {
            setNumber(event.target.value);
          }}
        />
      </label>
      <button type="submit">{t.convertToCallback}</button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setNumber(null);
        }}
      >
        {t.cancel}
      </button>
    </form>
  );
}
