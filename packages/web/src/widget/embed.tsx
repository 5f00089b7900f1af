import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { TokenSource } from '@lineup/sdk';
import callStyles from '../shared/calls/calls.css?inline';
import chatStyles from '../shared/chat.css?inline';
import { LanguageProvider, LanguageSwitch, startLanguage, useWords } from '../shared/i18n.tsx';
import { takeToken } from '../shared/token.ts';
import widgetStyles from './widget.css?inline';
import { WidgetApp } from './widget-app.tsx';
import { widgetWords } from './widget-words.ts';

/*
 * The widget's one script tag (docs/web.md, Embedding):
 *
 *   <script src="https://lineup.example.com/widget/widget.js"
 *           data-token-url="/my-backend/lineup-token" defer></script>
 *
 * It adds a "Chat with us" button and its panel in a shadow root, so the host
 * page's styles and the widget's do not meet. Where the token comes from, by
 * the script's attributes, in this order:
 * - data-token-url: fetched from the host's back-end (with its cookies) for
 *   every connection; it answers { "token": "eyJ…" } for the signed-in visitor.
 * - data-token: a token the host page was rendered with.
 * - data-token-from="fragment": the page's #token=… (the demo's sign-in link);
 *   off unless asked for, so nobody can hand a visitor a token by a link.
 * data-server says where Lineup is (default: where the script came from);
 * data-open="true" opens the panel at once; data-lang="zh" (or "en") names
 * the language, else the host page's <html lang>, else the browser's; the
 * panel's switch changes it and is remembered.
 */

const script = document.currentScript as HTMLScriptElement | null;
const openKey = 'lineup.widget.isOpen';

/** The token source the script's attributes name, or null when they name none. */
function tokenSourceOf(element: HTMLScriptElement): TokenSource | null {
  const tokenUrl = element.dataset.tokenUrl;
  if (tokenUrl !== undefined && tokenUrl !== '') {
    return async () => {
      const response = await fetch(tokenUrl, { credentials: 'include' });
      if (!response.ok) throw new Error(`${tokenUrl} answered ${response.status}`);
      const body = (await response.json()) as { token?: unknown };
      if (typeof body.token !== 'string') throw new Error(`${tokenUrl} gave no token`);
      return body.token;
    };
  }
  const token = element.dataset.token;
  if (token !== undefined && token !== '') return token;
  if (element.dataset.tokenFrom === 'fragment') return takeToken('widget');
  return null;
}

function Launcher({ url, token }: { url: string; token: TokenSource | null }) {
  const [isOpen, setOpen] = useState(
    () => script?.dataset.open === 'true' || sessionStorage.getItem(openKey) === 'true',
  );
  const t = useWords(widgetWords);
  const toggle = () => {
    sessionStorage.setItem(openKey, String(!isOpen));
    setOpen(!isOpen);
  };
  return (
    <div className="lineup-widget">
      {isOpen ? (
        <section className="panel" role="dialog" aria-label={t.chatWithUs}>
          <header className="panel-header">
            <h1>{t.chatWithUs}</h1>
            <LanguageSwitch />
            <button type="button" className="close" aria-label={t.closeChat} onClick={toggle}>
              ×
            </button>
          </header>
          {token === null ? (
            <p className="error" role="alert">
              {t.noToken}
            </p>
          ) : (
            <WidgetApp url={url} token={token} />
          )}
        </section>
      ) : null}
      <button type="button" className="launcher" aria-expanded={isOpen} onClick={toggle}>
        {isOpen ? t.hideChat : t.chatWithUs}
      </button>
    </div>
  );
}

function mount(): void {
  if (script === null) throw new Error('The Lineup widget must be loaded by a classic script tag.');
  const url = script.dataset.server ?? new URL(script.src).origin;
  const hostElement = document.createElement('div');
  hostElement.id = 'lineup-widget';
  document.body.append(hostElement);
  const shadow = hostElement.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = `${widgetStyles}\n${chatStyles}\n${callStyles}`;
  const container = document.createElement('div');
  shadow.append(style, container);
  // The widget's language is its own, so that screen readers say its words right on any page.
  const markLanguage = (language: string) => {
    container.lang = language;
  };
  createRoot(container).render(
    <StrictMode>
      <LanguageProvider
        initial={startLanguage([script.dataset.lang, document.documentElement.lang])}
        onChange={markLanguage}
      >
        <Launcher url={url} token={tokenSourceOf(script)} />
      </LanguageProvider>
    </StrictMode>,
  );
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', mount, { once: true });
} else {
  mount();
}
