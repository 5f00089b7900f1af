import '../shared/base.css';
import '../shared/calls/calls.css';
import './wallboard.css';
import { mountSignedInPage } from '../shared/signed-in-page.tsx';
import type { SignedInProps } from '../shared/signed-in-page.tsx';
import { AdminApp, useIsAdminPage } from './admin-app.tsx';
import { WallboardApp } from './wallboard-app.tsx';

/*
 * The wallboard's page: signed in by its link's supervisor token, or a pasted
 * one; `#admin` shows the admin page with the same token.
 */
function WallboardOrAdmin(props: SignedInProps) {
  return useIsAdminPage() ? <AdminApp {...props} /> : <WallboardApp {...props} />;
}

mountSignedInPage('wallboard', 'Wallboard', (props) => <WallboardOrAdmin {...props} />);
