/*
 * How a page gets its token (docs/web.md, Tokens). A sign-in link carries a
 * token in its fragment (`#token=eyJ…`): browsers never send a fragment to a
 * server or in a Referer, so it stays out of logs. The page moves it into
 * sessionStorage (this tab only, gone when the tab closes) and removes it
 * from the address bar, so a reload keeps the sign-in and a copied address
 * does not carry it.
 */

const fragmentKey = 'token';

/** The key of a page's token in sessionStorage. */
function storageKey(app: string): string {
  return `lineup.${app}.token`;
}

/** The token from the fragment (kept for this tab, the fragment cleared), else the one kept earlier. */
export function takeToken(app: string): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const given = fragment.get(fragmentKey);
  if (given !== null && given !== '') {
    sessionStorage.setItem(storageKey(app), given);
    fragment.delete(fragmentKey);
    const rest = fragment.toString();
    history.replaceState(
      history.state,
      '',
      `${window.location.pathname}${window.location.search}${rest === '' ? '' : `#${rest}`}`,
    );
    return given;
  }
  return sessionStorage.getItem(storageKey(app));
}

/** Keeps a token pasted by hand, as a link's would be. */
export function keepToken(app: string, token: string): void {
  sessionStorage.setItem(storageKey(app), token);
}

/** Forgets the page's token (sign out). */
export function forgetToken(app: string): void {
  sessionStorage.removeItem(storageKey(app));
}
