import type { ConnectionChange } from '@lineup/sdk';
import { useWords } from './i18n.tsx';
import { sharedWords } from './shared-words.ts';

/** A line that says when the connection is not open, so nobody trusts a stale screen. */
export function ConnectionNote({ change }: { change: ConnectionChange | null }) {
  const t = useWords(sharedWords);
  if (change === null || change.state === 'open') return null;
  const text =
    change.state === 'connecting'
      ? t.connecting
      : change.state === 'reconnecting'
        ? t.reconnecting
        : change.error === null
          ? t.disconnected
          : t.disconnectedBecause(change.error.message);
  return (
    <p className={`connection connection-${change.state}`} role="status">
      {text}
    </p>
  );
}
