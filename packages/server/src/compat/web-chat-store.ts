import type Database from 'better-sqlite3';
import type { ServerStore } from '../store.ts';
import type { WebChatSession } from './web-chat.ts';

/*
 * The web-chat sessions in the server store (ADR 0018, amended): each
 * session's state as JSON under its token, written whenever it changes, so
 * that a restart of the server keeps the customer's token, its contact and
 * the downlink its polls have not acknowledged. The timers and the waiting
 * poll are this process's and are not kept.
 */

/** What a session keeps across a restart. */
export type SavedWebChatSession = Omit<WebChatSession, 'expiryTimer' | 'wake'>;

/** The web-chat sessions' table. */
export class WebChatSessionStore {
  readonly #upsert: Database.Statement<[string, string, string]>;
  readonly #remove: Database.Statement<[string]>;
  readonly #all: Database.Statement<[], { session_json: string }>;

  constructor(store: ServerStore) {
    const { db } = store;
    this.#upsert = db.prepare(
      `INSERT INTO webchat_sessions (token, tenant_id, session_json) VALUES (?, ?, ?)
       ON CONFLICT (token) DO UPDATE SET session_json = excluded.session_json`,
    );
    this.#remove = db.prepare('DELETE FROM webchat_sessions WHERE token = ?');
    this.#all = db.prepare('SELECT session_json FROM webchat_sessions ORDER BY rowid');
  }

  /** Writes the session as it stands now. */
  save(session: WebChatSession): void {
    const { expiryTimer: _timer, wake: _wake, ...saved } = session;
    this.#upsert.run(session.token, session.tenantId, JSON.stringify(saved));
  }

  /** Forgets an ended session. */
  remove(token: string): void {
    this.#remove.run(token);
  }

  /** Every kept session, oldest first. */
  all(): SavedWebChatSession[] {
    return this.#all.all().map((row) => JSON.parse(row.session_json) as SavedWebChatSession);
  }
}
