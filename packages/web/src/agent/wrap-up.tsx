import { useState } from 'react';
import type { ContactId } from '@lineup/protocol';
import type { LineupAgent } from '@lineup/sdk';

/*
 * The wrap-up of each contact the agent completed (R8): a disposition code
 * and notes kept in the contact's history. Several chats finish one after
 * another, so each has its own card until it is saved or skipped.
 */

/** Disposition codes offered at wrap-up; the server keeps any code the tenant uses. */
const dispositionCodes = [
  'Resolved',
  'Sale',
  'Follow-up',
  'Call back',
  'Complaint',
  'Other',
] as const;

/** A contact the agent completed and has not wrapped up yet. */
export interface Finished {
  contactId: ContactId;
  name: string;
  /** The outcome preselected (a contact turned into a callback: "Call back"). */
  code?: (typeof dispositionCodes)[number];
}

/** Wrap-up of a completed contact: a disposition code and notes, kept in its history. */
export function WrapUpCard({
  agent,
  finished,
  act,
  onDone,
}: {
  agent: LineupAgent;
  finished: Finished;
  act: (action: () => Promise<unknown>) => Promise<void>;
  onDone: () => void;
}) {
  const [code, setCode] = useState<string>(finished.code ?? dispositionCodes[0]);
  const [notes, setNotes] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section className="card wrap-up" aria-label={`Wrap-up of ${finished.name}`}>
      <h2>Wrap-up: {finished.name}</h2>
      {saved === null ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void act(async () => {
              const item = await agent.dispose(
                finished.contactId,
                code,
                notes.trim() === '' ? undefined : notes.trim(),
              );
              setSaved(item.disposition?.code ?? code);
            });
          }}
        >
          <label>
            Outcome{' '}
            <select
              value={code}
              onChange={(event) => {
                setCode(event.target.value);
              }}
            >
              {dispositionCodes.map((item) => (
                <option key={item} value={item}>
                  {item}
                </option>
              ))}
            </select>
          </label>
          <label className="notes">
            Notes
            <textarea
              value={notes}
              maxLength={2_000}
              rows={3}
              onChange={(event) => {
                setNotes(event.target.value);
              }}
            />
          </label>
          <div className="actions">
            <button type="submit">Save wrap-up</button>
            <button type="button" className="secondary" onClick={onDone}>
              Skip
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <p role="status">Saved: {saved}</p>
          <button type="button" className="secondary" onClick={onDone}>
            Done
          </button>
        </div>
      )}
    </section>
  );
}
