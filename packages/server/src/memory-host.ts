import { openMemoryJournal } from '@lineup/journal';
import { EngineHost, type EngineHostOptions } from './engine-host.ts';

/*
 * A host whose journal is in memory: nothing survives the process. For tests,
 * demos and the simulator's server mode; it runs exactly the journal-backed
 * host's code, so what tests prove of it holds for the durable one.
 */

/** How a memory host is set up: a host's options but the journal. */
export type MemoryHostOptions = Omit<EngineHostOptions, 'journal'>;

/** Every tenant's engine, with a journal in memory. */
export class MemoryHost extends EngineHost {
  constructor(options: MemoryHostOptions = {}) {
    super({ ...options, journal: openMemoryJournal({ commitWindowMs: 0 }) });
  }
}
