/*
 * Runs the one journal contract (test/contract.ts) against every
 * implementation: the in-memory journal and the SQLite journal, the latter on
 * a fresh file in a temporary folder per journal, removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { openMemoryJournal, openSqliteJournal, type JournalOptions } from '../src/index.ts';
import { journalContract, type JournalFactory } from './contract.ts';

const dataDirs: string[] = [];
afterAll(() => {
  for (const dataDir of dataDirs.splice(0)) rmSync(dataDir, { recursive: true, force: true });
});

const factories: JournalFactory[] = [
  { name: 'memory', open: (options?: JournalOptions) => openMemoryJournal(options) },
  {
    name: 'sqlite',
    open: (options?: JournalOptions) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lineup-journal-contract-'));
      dataDirs.push(dataDir);
      const opened = openSqliteJournal({ ...options, dataDir });
      if (!opened.ok) throw new Error(`cannot open the journal: ${opened.refusal.message}`);
      return opened.journal;
    },
  },
];

describe.each(factories)('the $name journal', (factory) => {
  journalContract(factory);
});
