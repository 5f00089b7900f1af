import { useState, type SubmitEvent } from 'react';
import { LanguageSwitch, useWords } from './i18n.tsx';
import { sharedWords } from './shared-words.ts';

/**
 * Shown when a page has no token: how to get one, and a box to paste it
 * (docs/web.md, Tokens). Lineup has no passwords: a back-end mints tokens.
 */
export function SignIn({ title, onToken }: { title: string; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  const t = useWords(sharedWords);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (token.trim() !== '') onToken(token.trim());
  };
  return (
    <main className="sign-in">
      <LanguageSwitch />
      <h1>{title}</h1>
      <p>
        {t.signInHelpBefore} (<code>…#token=…</code>): <code>lineup serve</code>{' '}
        {t.signInHelpPrints} <code>POST /v1/tenants/&lt;tenant&gt;/tokens</code>.{' '}
        {t.signInHelpPaste}
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token">{t.token}</label>
        <textarea
          id="token"
          rows={4}
          value={token}
          onChange={(event) => {
            setToken(event.target.value);
          }}
        />
        <button type="submit">{t.signIn}</button>
      </form>
    </main>
  );
}
