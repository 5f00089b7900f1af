/*
 * The apps' languages and how each writes numbers and times (Intl, by the
 * language's locale). Pure: no React and no DOM, so that the tests and the
 * package's index use them too; the React side is i18n.tsx.
 */

/** The languages the apps speak, English first (the default). */
export const languages = ['en', 'zh'] as const;
/** One of the apps' languages. */
export type Language = (typeof languages)[number];

/** Each language's name in itself, for the switch. */
export const languageNames: Readonly<Record<Language, string>> = { en: 'English', zh: '中文' };

/** The locale that formats numbers and times in a language. */
const locales: Readonly<Record<Language, string>> = { en: 'en', zh: 'zh-CN' };

/** A language's locale for Intl: 'en', 'zh-CN'. */
export function localeOf(language: Language): string {
  return locales[language];
}

/** An app's words in every language, each of the same shape. */
export type Catalog<Words> = Readonly<Record<Language, Words>>;

/** The language a BCP 47 tag names ('zh-CN', 'zh-Hant-TW', 'EN'), or null if the apps do not speak it. */
export function languageOf(tag: string | null | undefined): Language | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return languages.find((language) => language === primary) ?? null;
}

/** The first of some tags the apps speak, in order of preference; English when none is. */
export function chooseLanguage(tags: readonly (string | null | undefined)[]): Language {
  for (const tag of tags) {
    const language = languageOf(tag);
    if (language !== null) return language;
  }
  return 'en';
}

/** A time of day as the language writes it: "2:05:09 PM", "14:05:09". */
export function timeOfDay(atMs: number, language: Language): string {
  return new Date(atMs).toLocaleTimeString(localeOf(language));
}

/** A count as the language writes it: "5,000". */
export function countOf(count: number, language: Language): string {
  return count.toLocaleString(localeOf(language));
}
