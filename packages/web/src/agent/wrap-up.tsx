import { useState } from 'react';
import type { ContactId } from '@lineup/protocol';
import type { LineupAgent } from '@lineup/sdk';
import { useWords } from '../shared/i18n.tsx';
import { agentWords } from './agent-words.ts';

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
type DispositionCode = (typeof dispositionCodes)[number];
const isDispositionCode = (code: string): code is DispositionCode =>
  (dispositionCodes as readonly string[]).includes(code);

/** A contact the agent completed and has not wrapped up yet. */
export interface Finished {
  contactId: ContactId;
  name: string;
  /** The outcome preselected (a contact turned into a callback: "Call back"). */
  code?: DispositionCode;
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
  const t = useWords(agentWords);
  const [code, setCode] = useState<DispositionCode>(finished.code ?? dispositionCodes[0]);
  const [notes, setNotes] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section className="card wrap-up" aria-label={t.wrapUpOf(finished.name)}>
      <h2>{t.wrapUpTitle(finished.name)}</h2>
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
            {t.outcome}{' '}
            <select
              value={code}
              onChange={(event) => {
                if (isDispositionCode(event.target.value)) setCode(event.target.value);
              }}
            >
              {dispositionCodes.map((item) => (
                <option key={item} value={item}>
                  {t.codes[item]}
                </option>
              ))}
            </select>
          </label>
          <label className="notes">
            {t.notes}
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
            <button type="submit">{t.saveWrapUp}</button>
            <button type="button" className="secondary" onClick={onDone}>
              {t.skip}
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <p role="status">{t.saved(isDispositionCode(saved) ? t.codes[saved] : saved)}</p>
          <button type="button" className="secondary" onClick={onDone}>
            {t.done}
          </button>
        </div>
      )}
    </section>
  );
}
