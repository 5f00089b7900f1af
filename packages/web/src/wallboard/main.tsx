import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './wallboard.css';
import { SignIn } from '../shared/sign-in.tsx';
import { forgetToken, keepToken, takeToken } from '../shared/token.ts';
import { WallboardApp } from './wallboard-app.tsx';

/** The wallboard's page: signed in by its link's supervisor token, or a pasted one. */
function Page() {
  const [token, setToken] = useState(() => takeToken('wallboard'));
  if (token === null) {
    return (
      <SignIn
        title="Wallboard"
        onToken={(given) => {
          keepToken('wallboard', given);
          setToken(given);
        }}
      />
    );
  }
  return (
    <WallboardApp
      url={window.location.origin}
      token={token}
      onSignOut={() => {
        forgetToken('wallboard');
        setToken(null);
      }}
    />
  );
}

const root = document.getElementById('root');
if (root === null) throw new Error('The page has no #root.');
createRoot(root).render(
  <StrictMode>
    <Page />
  </StrictMode>,
);
