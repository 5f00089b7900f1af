import { useState, type SubmitEvent } from 'react';

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
export function CallBackForm({ onCallBack }: { onCallBack: (number: string) => Promise<void> }) {
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
