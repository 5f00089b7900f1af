/*
 * @lineup/web: the customer widget, the agent desktop and the supervisor
 * wallboard (docs/web.md). The apps are pages built by Vite (build/build.ts)
 * and served by `lineup serve`; what this entry exports is the wording they
 * share, so that other packages and the tests read numbers the same way.
 */

export {
  /** 1 → "1st", 2 → "2nd", 3 → "3rd". */
  ordinal,
  /** A wait in words: "less than a minute", "about 2 minutes". */
  waitInWords,
  /** The customer's place in line in words: "You are 3rd — about 2 minutes", "您排在第3位，大约等待2分钟". */
  placeInWords,
  /** A duration as a clock: "1:05". */
  clockOf,
  /** A ratio as a whole percentage, or "—". */
  percentOf,
} from './shared/words.ts';

export {
  /** The apps' languages, English first. */
  languages,
  /** The language a BCP 47 tag names, or null. */
  languageOf,
  /** The first of some tags the apps speak; English when none is. */
  chooseLanguage,
  /** A time of day as a language writes it. */
  timeOfDay,
  /** A count as a language writes it. */
  countOf,
  /** One of the apps' languages. */
  type Language,
} from './shared/languages.ts';
