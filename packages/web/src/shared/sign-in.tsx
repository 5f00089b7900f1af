import { useState, type SubmitEvent } from 'react';

/**
 * Shown when a page has no token: how to get one, and a box to paste it
 * (docs/web.md, Tokens). Lineup has no passwords: a back-end mints tokens.
 */
export function SignIn({ title, onToken }: { title: string; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (token.trim() !== '') onToken(token.trim());
  };
  return (
    <main className="sign-in">
      <h1>{title}</h1>
      <p>
        Open this page with a sign-in link (<code>…#token=…</code>): <code>lineup serve</code>{' '}
        prints links for the demo, and your back-end mints tokens with{' '}
        <code>POST /v1/tenants/&lt;tenant&gt;/tokens</code>. Or paste a token here.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token">Token</label>
        <textarea
          id="token"
          rows={4}
          value={token}
          onChange={(event) => {
            setToken(event.target.value);
          }}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
