import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/*
 * Checkpoints of a SQLite file in WAL mode, on a thread of their own.
 *
 * A commit appends its pages to the WAL; a checkpoint copies them back into
 * the database file and fsyncs it. By default SQLite checkpoints inside the
 * commit that takes the WAL past 1,000 pages, on the committing connection:
 * the server's records, written on the server's thread, then held it for
 * 100–200 ms every few seconds under load (every socket and command behind
 * them), and the journal's commit thread held every acknowledgement as long.
 *
 * Here a connection of its own, on a worker thread, runs a PASSIVE
 * checkpoint every `checkpointEveryMs`: it copies what no reader still needs and waits
 * for no one, and WAL mode lets the writers go on meanwhile. The writers'
 * own checkpoints are moved far out (walAutocheckpointPages), as a safety
 * net should this thread fall behind or die. A writer starts the WAL over
 * once a checkpoint has copied all of it, so the file stays small.
 *
 * The worker is a script run from a string, as the commit worker is
 * (sqlite-commit-worker.ts explains why).
 */

/** Time between two checkpoints of a file. */
export const checkpointEveryMs = 500;

/**
 * WAL pages past which a committing connection checkpoints by itself (SQLite's
 * wal_autocheckpoint; its default is 1,000): 64 MiB of 4 KiB pages, reached
 * only when the checkpoint thread cannot keep up.
 */
export const walAutocheckpointPages = 16_384;

/** What the worker needs to open its connection. */
interface CheckpointerSetup {
  readonly sqlitePath: string;
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly everyMs: number;
}

const checkpointerSource = `
const { parentPort, workerData: setup } = require('node:worker_threads');
const Database = require(setup.sqlitePath);
const db = new Database(setup.path, { timeout: setup.busyTimeoutMs });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Tried again at the next period; the writers' own checkpoints remain meanwhile.
  }
}, setup.everyMs);
parentPort.on('message', (request) => {
  if (request.type !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A thread that checkpoints one SQLite file in WAL mode every so often, until closed. */
export class Checkpointer {
  readonly #worker: Worker;
  /** Resolves when the thread has closed its connection and ended. */
  readonly closed: Promise<void>;

  /**
   * Starts checkpointing the file at `path` (which must exist, in WAL mode).
   * A checkpoint that fails (a full disk, say), or a thread that cannot
   * open the file, loses nothing: the writers' own checkpoints remain, past
   * walAutocheckpointPages. A failed checkpoint is tried at the next period.
   */
  constructor(path: string, options: { busyTimeoutMs: number }) {
    const setup: CheckpointerSetup = {
      sqlitePath: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      busyTimeoutMs: options.busyTimeoutMs,
      everyMs: checkpointEveryMs,
    };
    this.#worker = new Worker(checkpointerSource, { eval: true, workerData: setup });
    // The thread never keeps the process alive.
    this.#worker.unref();
    // A thread that fails to open the file ends; without a listener its error would end the process.
    this.#worker.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.#worker.once('exit', () => {
        resolve();
      });
    });
  }

  /** Stops checkpointing: the thread closes its connection and ends (`closed`). */
  close(): Promise<void> {
    // Held until the thread ends, so that a caller awaiting `closed` keeps the process alive.
    this.#worker.ref();
    this.#worker.postMessage({ type: 'close' });
    return this.closed;
  }
}
