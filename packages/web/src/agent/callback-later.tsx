import { useState } from 'react';
import type { ContactId } from '@lineup/protocol';
import type { ContactView, LineupAgent } from '@lineup/sdk';

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
        Call back later
      </button>
    );
  }
  return (
    <form
      className="callback-later"
      aria-label="Call back later"
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
        Number to call{' '}
        <input
          type="tel"
          value={number}
          maxLength={32}
          onChange={(event) => {
            setNumber(event.target.value);
          }}
        />
      </label>
      <button type="submit">Convert to callback</button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setNumber(null);
        }}
      >
        Cancel
      </button>
    </form>
  );
}
