import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import {
  chooseLanguage,
  languageNames,
  languageOf,
  languages,
  type Catalog,
  type Language,
} from './languages.ts';

/*
 * The apps' languages: English first, Chinese second (many of our users'
 * customers read it). Each app keeps its words in a catalog, one object per
 * language of the same type, so a missing translation does not compile:
 *
 *   const en = { send: 'Send', waiting: (n: string) => `${n} waiting` };
 *   export const myWords: Catalog<typeof en> = { en, zh: { send: '发送', waiting: (n) => `${n}人在等待` } };
 *   const t = useWords(myWords);   // inside a component: t.send, t.waiting('3')
 *
 * The language is chosen once when a page starts (a choice the person made
 * earlier with the switch, then the page's own hints, then the browser's
 * languages) and changes with the visible switch, which remembers the choice.
 * The languages themselves and their formats are in languages.ts (no React,
 * so that tests and other packages read them too).
 */

/** Where the switch's choice is kept: for every page of this origin, across visits. */
const choiceKey = 'lineup.language';

/** The language the person chose with the switch earlier, or null. */
function chosenLanguage(): Language | null {
  try {
    return languageOf(localStorage.getItem(choiceKey));
  } catch {
    // Storage may be refused (a privacy setting); the choice then lasts for this page only.
    return null;
  }
}

function keepChoice(language: Language): void {
  try {
    localStorage.setItem(choiceKey, language);
  } catch {
    // As above: without storage the choice is not remembered.
  }
}

/**
 * The language a page starts in: the switch's earlier choice, then `hints` in
 * order (the widget's data-lang, its host page's lang), then the browser's
 * languages; English when none is spoken here.
 */
export function startLanguage(hints: readonly (string | null | undefined)[] = []): Language {
  return chooseLanguage([chosenLanguage(), ...hints, ...navigator.languages]);
}

interface LanguageState {
  language: Language;
  setLanguage: (language: Language) => void;
}

const LanguageContext = createContext<LanguageState>({
  language: 'en',
  setLanguage: () => undefined,
});

/**
 * Gives its children a language and the switch's way to change it. `onChange`
 * sees each language in use (a page sets its <html lang>, so that screen
 * readers pronounce it right).
 */
export function LanguageProvider({
  initial,
  onChange,
  children,
}: {
  initial: Language;
  onChange?: (language: Language) => void;
  children: ReactNode;
}) {
  const [language, setLanguage] = useState(initial);
  useEffect(() => {
    onChange?.(language);
  }, [language, onChange]);
  return (
    <LanguageContext
      value={{
        language,
        setLanguage: (chosen) => {
          keepChoice(chosen);
          setLanguage(chosen);
        },
      }}
    >
      {children}
    </LanguageContext>
  );
}

/** The language in use. */
export function useLanguage(): Language {
  return useContext(LanguageContext).language;
}

/** A catalog's words in the language in use. */
export function useWords<Words>(catalog: Catalog<Words>): Words {
  return catalog[useLanguage()];
}

/**
 * The visible language switch: a select named in every language, so that a
 * person who reads only one of them finds it. Its choice is remembered.
 */
export function LanguageSwitch({ className }: { className?: string }) {
  const { language, setLanguage } = useContext(LanguageContext);
  return (
    <select
      className={className === undefined ? 'language-switch' : `language-switch ${className}`}
      aria-label={languages.map((each) => switchLabels[each]).join(' · ')}
      value={language}
      onChange={(event) => {
        setLanguage(languageOf(event.target.value) ?? 'en');
      }}
    >
      {languages.map((each) => (
        <option key={each} value={each} lang={each}>
          {languageNames[each]}
        </option>
      ))}
    </select>
  );
}

/** The switch's name in each language. */
const switchLabels: Readonly<Record<Language, string>> = { en: 'Language', zh: '语言' };
