import '../shared/base.css';
import '../shared/chat.css';
import '../shared/calls/calls.css';
import './agent.css';
import { mountSignedInPage } from '../shared/signed-in-page.tsx';
import { AgentApp } from './agent-app.tsx';

/* The agent desktop's page: signed in by its link's token, or a pasted one. */
mountSignedInPage('agent', 'Agent desktop', (props) => <AgentApp {...props} />);
