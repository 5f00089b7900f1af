import { StrictMode, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { LanguageProvider, startLanguage } from './i18n.tsx';
import type { Language } from './languages.ts';
import { SignIn } from './sign-in.tsx';
import { forgetToken, keepToken, takeToken } from './token.ts';

/** What a signed-in app gets: where Lineup is, its token, and how to sign out. */
export interface SignedInProps {
  url: string;
  token: string;
  onSignOut: () => void;
}

/** Keeps the page's <html lang> on the language in use, for screen readers and fonts. */
function markPageLanguage(language: Language): void {
  document.documentElement.lang = language;
}

/**
 * Renders a page that signs in by its link's token (kept for the tab) or a
 * pasted one, then shows the app; signing out forgets the token. The page
 * speaks the browser's language if the apps do (or the one its switch chose
 * earlier); its own <html lang> is no hint, since it is ours, not the person's.
 */
export function mountSignedInPage(
  app: string,
  title: string,
  render: (props: SignedInProps) => ReactNode,
): void {
  function Page() {
    const [token, setToken] = useState(() => takeToken(app));
    if (token === null) {
      return (
        <SignIn
          title={title}
          onToken={(given) => {
            keepToken(app, given);
            setToken(given);
          }}
        />
      );
    }
    return render({
      url: window.location.origin,
      token,
      onSignOut: () => {
        forgetToken(app);
        setToken(null);
      },
    });
  }
  const root = document.getElementById('root');
  if (root === null) throw new Error('The page has no #root.');
  createRoot(root).render(
    <StrictMode>
      <LanguageProvider initial={startLanguage()} onChange={markPageLanguage}>
        <Page />
      </LanguageProvider>
    </StrictMode>,
  );
}
