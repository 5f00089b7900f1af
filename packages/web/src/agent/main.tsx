import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import '../shared/chat.css';
import './agent.css';
import { SignIn } from '../shared/sign-in.tsx';
import { forgetToken, keepToken, takeToken } from '../shared/token.ts';
import { AgentApp } from './agent-app.tsx';

/** The agent desktop's page: signed in by its link's token, or a pasted one. */
function Page() {
  const [token, setToken] = useState(() => takeToken('agent'));
  if (token === null) {
    return (
      <SignIn
        title="Agent desktop"
        onToken={(given) => {
          keepToken('agent', given);
          setToken(given);
        }}
      />
    );
  }
  return (
    <AgentApp
      url={window.location.origin}
      token={token}
      onSignOut={() => {
        forgetToken('agent');
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
