import '../shared/base.css';
import '../shared/calls/calls.css';
import './wallboard.css';
import { mountSignedInPage } from '../shared/signed-in-page.tsx';
import { WallboardApp } from './wallboard-app.tsx';

/* The wallboard's page: signed in by its link's supervisor token, or a pasted one. */
mountSignedInPage('wallboard', 'Wallboard', (props) => <WallboardApp {...props} />);
