import type { Language } from './languages.ts';

/*
 * Numbers as a customer or an agent reads them, in each of the apps'
 * languages: "You are 3rd — about 2 minutes", "您排在第3位，大约等待2分钟",
 * "1:05". Pure functions, so the tests can check every wording without a
 * browser. The language is a parameter, English by default.
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

/** A wait rounded as people say it: under a minute, whole minutes, then whole hours. */
type RoundedWait =
  { unit: 'underMinute' } | { unit: 'minutes'; count: number } | { unit: 'hours'; count: number };

function rounded(waitMs: number): RoundedWait {
  if (waitMs < 60_000) return { unit: 'underMinute' };
  const minutes = Math.round(waitMs / 60_000);
  if (minutes < 60) return { unit: 'minutes', count: minutes };
  return { unit: 'hours', count: Math.round(minutes / 60) };
}

/** The amount of a wait after "about" / "大约": "2 minutes", "an hour", "2分钟". */
function amountOf(wait: Exclude<RoundedWait, { unit: 'underMinute' }>, language: Language): string {
  switch (language) {
    case 'en':
      if (wait.unit === 'minutes') return wait.count === 1 ? '1 minute' : `${wait.count} minutes`;
      return wait.count === 1 ? 'an hour' : `${wait.count} hours`;
    case 'zh':
      return wait.unit === 'minutes' ? `${wait.count}分钟` : `${wait.count}小时`;
  }
}

/** A wait in words: "less than a minute", "about 2 minutes"; "不到1分钟", "大约2分钟". */
export function waitInWords(waitMs: number, language: Language = 'en'): string {
  const wait = rounded(waitMs);
  switch (language) {
    case 'en':
      return wait.unit === 'underMinute' ? 'less than a minute' : `about ${amountOf(wait, 'en')}`;
    case 'zh':
      return wait.unit === 'underMinute' ? '不到1分钟' : `大约${amountOf(wait, 'zh')}`;
  }
}

/**
 * The customer's place in line: "You are 3rd — about 2 minutes", "You are
 * next — less than a minute", "You are 2nd in line" (no estimate yet);
 * "您排在第3位，大约等待2分钟", "您是下一位，等待不到1分钟", "您排在第2位".
 */
export function placeInWords(
  position: number,
  ewtMs: number | null,
  language: Language = 'en',
): string {
  switch (language) {
    case 'en': {
      const place = position === 1 ? 'You are next' : `You are ${ordinal(position)}`;
      return ewtMs === null ? `${place} in line` : `${place} — ${waitInWords(ewtMs, 'en')}`;
    }
    case 'zh': {
      const place = position === 1 ? '您是下一位' : `您排在第${position}位`;
      if (ewtMs === null) return place;
      const wait = rounded(ewtMs);
      return wait.unit === 'underMinute'
        ? `${place}，等待不到1分钟`
        : `${place}，大约等待${amountOf(wait, 'zh')}`;
    }
  }
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

/** A ratio 0–1 as a whole percentage, or "—" when there is none yet (the same in both languages). */
export function percentOf(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}
