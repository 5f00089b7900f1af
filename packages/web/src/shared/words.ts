/*
 * Numbers as a customer or an agent reads them: "3rd", "about 2 minutes",
 * "1:05". Pure functions, so the tests can check every wording without a
 * browser. English first; the strings live here so a translation has one
 * place to go.
 */

/** 1 → "1st", 2 → "2nd", 3 → "3rd", 11 → "11th", 22 → "22nd". */
export function ordinal(position: number): string {
  const lastTwo = position % 100;
  const last = position % 10;
  if (lastTwo >= 11 && lastTwo <= 13) return `${position}th`;
  if (last === 1) return `${position}st`;
  if (last === 2) return `${position}nd`;
  if (last === 3) return `${position}rd`;
  return `${position}th`;
}

/** A wait in words, rounded up to whole minutes past the first: "less than a minute", "about 2 minutes". */
export function waitInWords(waitMs: number): string {
  if (waitMs < 60_000) return 'less than a minute';
  const minutes = Math.round(waitMs / 60_000);
  if (minutes < 60) return minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'about an hour' : `about ${hours} hours`;
}

/** The customer's place in line: "You are next — less than a minute", "You are 3rd — about 2 minutes". */
export function placeInWords(position: number, ewtMs: number | null): string {
  const place = position === 1 ? 'You are next' : `You are ${ordinal(position)}`;
  return ewtMs === null ? `${place} in line` : `${place} — ${waitInWords(ewtMs)}`;
}

/** A duration as a clock: 65 000 → "1:05", 3 725 000 → "1:02:05"; negative counts as 0. */
export function clockOf(durationMs: number): string {
  const totalSeconds = Math.max(0, Math.floor(durationMs / 1000));
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** A ratio 0–1 as a whole percentage, or "—" when there is none yet. */
export function percentOf(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}
