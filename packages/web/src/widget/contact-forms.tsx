import { useState, type SubmitEvent } from 'react';
import { useWords } from '../shared/i18n.tsx';
import { widgetWords } from './widget-words.ts';

/*
 * The widget's small forms around a contact: the rating after the end, and
 * the callback instead of waiting.
 */

/** A satisfaction rating: 1 to 5 and an optional comment. */
export function Rating({
  onRate,
  onSkip,
}: {
  onRate: (score: number, comment: string) => Promise<void>;
  onSkip: () => void;
}) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const t = useWords(widgetWords);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (score !== null) void onRate(score, comment.trim());
  };
  return (
    <form className="rating" onSubmit={submit}>
      <fieldset>
        <legend>{t.howWasIt}</legend>
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
              <span className="visually-hidden">{t.stars(value)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor="lineup-comment">{t.commentOptional}</label>
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
          {t.sendRating}
        </button>
        <button type="button" className="secondary" onClick={onSkip}>
          {t.skip}
        </button>
      </div>
    </form>
  );
}

/** "Call me back instead": a phone number, and the contact keeps its place (R10). */
export function CallBackForm({ onCallBack }: { onCallBack: (number: string) => Promise<void> }) {
  const [isOpen, setOpen] = useState(false);
  const [number, setNumber] = useState('');
  const t = useWords(widgetWords);
  if (!isOpen) {
    return (
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setOpen(true);
        }}
      >
        {t.callMeBackInstead}
      </button>
    );
  }
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (number.trim() !== '') void onCallBack(number.trim());
  };
  return (
    <form className="callback" onSubmit={submit}>
      <label htmlFor="lineup-number">{t.yourPhoneNumber}</label>
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
          {t.callMeBack}
        </button>
      </div>
    </form>
  );
}
