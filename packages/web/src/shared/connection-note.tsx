import type { ConnectionChange } from '@lineup/sdk';

/** A line that says when the connection is not open, so nobody trusts a stale screen. */
export function ConnectionNote({ change }: { change: ConnectionChange | null }) {
  if (change === null || change.state === 'open') return null;
  const text =
    change.state === 'connecting'
      ? 'Connecting…'
      : change.state === 'reconnecting'
        ? 'Connection lost — reconnecting…'
        : change.error === null
          ? 'Disconnected.'
          : `Disconnected: ${change.error.message}`;
  return (
    <p className={`connection connection-${change.state}`} role="status">
      {text}
    </p>
  );
}
