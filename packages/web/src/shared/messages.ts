import type { ChatEntry } from '@lineup/protocol';
import type { Language } from './languages.ts';
import { sharedWords } from './shared-words.ts';

/*
 * Two small pieces every app uses: the words for a failure, and a
 * conversation's entries merged by seq.
 */

/**
 * What to tell a person about a failure: the server's message, which says
 * what to do next (in English: the server speaks one language), else a
 * general one in `language`.
 */
export function messageOf(error: unknown, language: Language = 'en'): string {
  return error instanceof Error ? error.message : sharedWords[language].somethingWentWrong;
}

/** A conversation's entries merged by seq: the reply to a send and its broadcast may both arrive. */
export function merged(entries: readonly ChatEntry[], more: readonly ChatEntry[]): ChatEntry[] {
  const bySeq = new Map<number, ChatEntry>();
  for (const entry of [...entries, ...more]) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
