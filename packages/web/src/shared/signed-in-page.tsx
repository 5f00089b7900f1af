import { StrictMode, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { SignIn } from './sign-in.tsx';
import { forgetToken, keepToken, takeToken } from './token.ts';

/** What a signed-in app gets: where Lineup is, its token, and how to sign out. */
export interface SignedInProps {
  url: string;
  token: string;
  onSignOut: () => void;
}

/**
 * Renders a page that signs in by its link's token (kept for the tab) or a
 * pasted one, then shows the app; signing out forgets the token.
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
      <Page />
    </StrictMode>,
  );
}
