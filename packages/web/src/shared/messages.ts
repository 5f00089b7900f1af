import type { ChatEntry } from '@lineup/protocol';

/*
 * Two small pieces every app uses: the words for a failure, and a
 * conversation's entries merged by seq.
 */

/** What to tell a person about a failure: the server's message, which says what to do next. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong; please try again.';
}

/** A conversation's entries merged by seq: the reply to a send and its broadcast may both arrive. */
export function merged(entries: readonly ChatEntry[], more: readonly ChatEntry[]): ChatEntry[] {
  const bySeq = new Map<number, ChatEntry>();
  for (const entry of [...entries, ...more]) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
