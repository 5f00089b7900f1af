import { useEffect, useRef, useState, type ChangeEvent, type SubmitEvent } from 'react';
import type { ChatEntry } from '@lineup/protocol';
import { AttachmentView, type AttachmentLoader } from './chat-attachment.tsx';
import { useWords } from './i18n.tsx';
import { sharedWords } from './shared-words.ts';

/*
 * One conversation: the messages in the order the server numbered them, who
 * is typing, and a box to write in. Shared by the widget and the agent
 * desktop; each side says which role is "me". Read receipts and files are
 * optional props, so that a side that does not pass them looks as before.
 */

/** How long after the last key stroke "typing" is withdrawn. */
const typingIdleMs = 3000;

/** What a conversation shows and does. */
export interface ChatProps {
  /** The messages so far, in seq order. */
  entries: readonly ChatEntry[];
  /** The role of the person using this page: their messages sit on the right. */
  selfRole: 'customer' | 'agent';
  /** The other person's name, for "… is typing". */
  otherName: string;
  isOtherTyping: boolean;
  /** Whether writing is possible now (the conversation is live and connected). */
  canWrite: boolean;
  /** An ended conversation: shown without its message box. */
  isEnded?: boolean;
  onSend: (text: string) => Promise<void>;
  onTyping: (isTyping: boolean) => void;
  /** The other person read every message up to this seq: "Read" shows under mine. */
  readUpToSeq?: number;
  /** Called with the highest seq on screen when the other person's messages were seen. */
  onSeen?: (upToSeq: number) => void;
  /** Sends a file; given, the form has an Attach button. A rejection's message is shown. */
  onAttach?: (file: File) => Promise<void>;
  /** Loads a file's bytes; given, images show as thumbnails and files as download links. */
  loadAttachment?: AttachmentLoader;
}

/** A conversation with its message box. */
export function Chat(props: ChatProps) {
  const { entries, selfRole, otherName, isOtherTyping, canWrite, onSend, onTyping } = props;
  const { readUpToSeq, onSeen, onAttach, loadAttachment } = props;
  const isEnded = props.isEnded === true;
  const t = useWords(sharedWords);
  const [isAttaching, setAttaching] = useState(false);
  const [draft, setDraft] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [entries.length, isOtherTyping]);

  // The other person's newest message on a visible page counts as seen.
  const lastOtherSeq = entries.reduce(
    (seq, entry) => (entry.from.role === selfRole ? seq : Math.max(seq, entry.seq)),
    0,
  );
  useEffect(() => {
    if (onSeen === undefined || lastOtherSeq === 0) return;
    const seen = () => {
      if (document.visibilityState === 'visible') onSeen(lastOtherSeq);
    };
    seen();
    document.addEventListener('visibilitychange', seen);
    return () => {
      document.removeEventListener('visibilitychange', seen);
    };
  }, [lastOtherSeq, onSeen]);

  useEffect(
    () => () => {
      if (typingTimer.current !== null) clearTimeout(typingTimer.current);
    },
    [],
  );

  const stopTyping = () => {
    if (typingTimer.current === null) return;
    clearTimeout(typingTimer.current);
    typingTimer.current = null;
    onTyping(false);
  };

  const changed = (text: string) => {
    setDraft(text);
    if (typingTimer.current === null) onTyping(true);
    else clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(stopTyping, typingIdleMs);
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (text === '') return;
    stopTyping();
    setFailure(null);
    onSend(text).then(
      () => {
        setDraft('');
      },
      (error: unknown) => {
        setFailure(error instanceof Error ? error.message : t.notSent);
      },
    );
  };

  const attach = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Cleared, so that choosing the same file again is a change too.
    event.target.value = '';
    if (file === undefined || onAttach === undefined) return;
    setFailure(null);
    setAttaching(true);
    onAttach(file)
      .catch((error: unknown) => {
        setFailure(error instanceof Error ? error.message : t.fileNotSent);
      })
      .finally(() => {
        setAttaching(false);
      });
  };

  return (
    <section className="chat" aria-label={t.conversationWith(otherName)}>
      <ol className="chat-messages" ref={list} aria-live="polite">
        {entries.map((entry) => {
          const isMine = entry.from.role === selfRole;
          return (
            <li key={entry.seq} className={isMine ? 'message mine' : 'message theirs'}>
              <span className="message-author">
                {isMine ? t.you : (entry.from.name ?? otherName)}
              </span>
              <span className="message-text">{entry.text}</span>
              {entry.attachment === null ? null : loadAttachment === undefined ? (
                <span className="message-attachment">📎 {entry.attachment.name}</span>
              ) : (
                <AttachmentView attachment={entry.attachment} load={loadAttachment} />
              )}
              {isMine && readUpToSeq !== undefined && entry.seq <= readUpToSeq ? (
                <span className="message-read">{t.read}</span>
              ) : null}
            </li>
          );
        })}
      </ol>
      {isEnded ? null : (
        <p className="typing" aria-live="polite">
          {isOtherTyping ? t.isTyping(otherName) : ''}
        </p>
      )}
      {isEnded ? null : (
        <form className="chat-form" onSubmit={submit}>
          <label className="visually-hidden" htmlFor={`chat-input-${selfRole}`}>
            {t.message}
          </label>
          <input
            id={`chat-input-${selfRole}`}
            value={draft}
            disabled={!canWrite}
            autoComplete="off"
            maxLength={5000}
            placeholder={canWrite ? t.writeMessage : t.conversationClosed}
            onChange={(event) => {
              changed(event.target.value);
            }}
          />
          {onAttach === undefined ? null : (
            <label className={canWrite && !isAttaching ? 'attach' : 'attach disabled'}>
              <span aria-hidden="true">📎</span>
              <span className="visually-hidden">{t.attachFile}</span>
              <input
                type="file"
                className="visually-hidden"
                disabled={!canWrite || isAttaching}
                onChange={attach}
              />
            </label>
          )}
          <button type="submit" disabled={!canWrite || draft.trim() === ''}>
            {t.send}
          </button>
        </form>
      )}
      {failure === null ? null : (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}
