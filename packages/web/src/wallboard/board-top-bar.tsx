import { LanguageSwitch } from '../shared/i18n.tsx';

/*
 * The top bar the wallboard and its admin page share: the page's title, a
 * link to the other page, the language switch and Sign out.
 */

/** The top bar of a supervisor's page. */
export function BoardTopBar({
  title,
  other,
  signOutLabel,
  onSignOut,
}: {
  title: string;
  /** The other page: where it is and what the link says. */
  other: { href: string; label: string };
  signOutLabel: string;
  onSignOut: () => void;
}) {
  return (
    <header className="topbar">
      <h1>{title}</h1>
      <a href={other.href}>{other.label}</a>
      <span className="spacer" />
      <LanguageSwitch />
      <button type="button" className="secondary" onClick={onSignOut}>
        {signOutLabel}
      </button>
    </header>
  );
}
