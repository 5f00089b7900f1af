import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CommitBatch } from './group-commit.ts';
import { commitThreadNice, threadPrioritySource } from './thread-priority.ts';

/*
 * The SQLite journal's commits, on a thread of their own (ADR 0007).
 *
 * better-sqlite3 is synchronous: a commit on the server's thread held it for
 * the whole transaction and its fsync, a few ms at best and tens of ms when
 * the disk is busy, and no socket was read or written meanwhile. Every
 * contact waiting for an offer then waited for the slowest fsync of its
 * moment. Here a worker thread owns the file's one writing connection; the
 * server's thread hands it each group commit's batch and goes on serving
 * while the disk works. Reads stay on the server's own connection: WAL lets
 * them run beside the writer, and a commit the worker reported is visible
 * to them.
 *
 * Batches are written one at a time, in the order they were handed over, and
 * answered in that order. After a failed one the worker refuses every later
 * one, so that nothing after a gap reaches the file.
 *
 * The thread asks for a CPU priority above the server's own thread
 * (thread-priority.ts) where the system allows it: on two busy cores, a
 * woken commit thread that waited its turn behind the server's thread held
 * every acknowledgement of its batch that long. It computes little; it
 * waits for the disk.
 *
 * The worker is a short script run from a string (`eval`), not a module
 * file: the server runs from TypeScript sources through tsx, from the
 * `lineup` bundle and inside the test runner, and a worker file would need a
 * loader or a bundle entry of its own in each. It loads better-sqlite3 from
 * the path this module resolves, so it finds the same package.
 */

/** The statements a commit runs, shared with the store that opens the file (sqlite-journal.ts). */
export interface CommitStatements {
  readonly insertEntry: string;
  readonly upsertTenant: string;
  readonly insertSnapshot: string;
  readonly pruneSnapshots: string;
}

/** What the worker needs to open its connection. */
interface WorkerSetup {
  readonly sqlitePath: string;
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly walBytesMax: number;
  readonly walAutocheckpointPages: number;
  readonly snapshotsKept: number;
  readonly statements: CommitStatements;
}

/** A message to the worker: a batch to commit, or the request to close. */
type Request = { type: 'commit'; id: number; batch: CommitBatch } | { type: 'close' };

/** The worker's answer to one request. */
type Reply =
  | { type: 'nice'; nice: number | null }
  | { type: 'committed'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };

/**
 * The worker's script (CommonJS, run with `eval`). It sets the same
 * per-connection durability as the opening store (WAL is kept in the file):
 * synchronous=FULL, so a commit it reports has reached the disk, the WAL
 * size limit, and checkpoints left to the store's Checkpointer thread but
 * past walAutocheckpointPages (sqlite-checkpointer.ts).
 */
const workerSource = `${threadPrioritySource(commitThreadNice)}
const { parentPort, workerData: setup } = require('node:worker_threads');
const Database = require(setup.sqlitePath);
const db = new Database(setup.path, { timeout: setup.busyTimeoutMs });
db.pragma('synchronous = FULL');
db.pragma('journal_size_limit = ' + setup.walBytesMax);
db.pragma('wal_autocheckpoint = ' + setup.walAutocheckpointPages);
const insertEntry = db.prepare(setup.statements.insertEntry);
const upsertTenant = db.prepare(setup.statements.upsertTenant);
const insertSnapshot = db.prepare(setup.statements.insertSnapshot);
const pruneSnapshots = db.prepare(setup.statements.pruneSnapshots);
const write = db.transaction((batch) => {
  const lastSeqs = new Map();
  for (const entry of batch.entries) {
    insertEntry.run(entry.tenantId, entry.seq, entry.atMs, entry.commandId, entry.eventsJson);
    lastSeqs.set(entry.tenantId, entry.seq);
  }
  for (const snapshot of batch.snapshots) {
    insertSnapshot.run(snapshot.tenantId, snapshot.seq, snapshot.snapshotJson);
    pruneSnapshots.run(snapshot.tenantId, snapshot.tenantId, setup.snapshotsKept);
    if (!lastSeqs.has(snapshot.tenantId)) lastSeqs.set(snapshot.tenantId, 0);
  }
  for (const [tenantId, seq] of lastSeqs) upsertTenant.run(tenantId, seq);
});
parentPort.postMessage({ type: 'nice', nice: threadNice });
let failure = null;
parentPort.on('message', (request) => {
  if (request.type === 'close') {
    db.close();
    parentPort.postMessage({ type: 'closed' });
    parentPort.close();
    return;
  }
  if (failure !== null) {
    parentPort.postMessage({ type: 'failed', id: request.id, message: 'an earlier commit failed: ' + failure });
    return;
  }
  try {
    write.immediate(request.batch);
    parentPort.postMessage({ type: 'committed', id: request.id });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    parentPort.postMessage({ type: 'failed', id: request.id, message: failure });
  }
});
`;

interface Waiting {
  readonly id: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A worker thread that commits batches to one SQLite journal file, in order. */
export class CommitWorker {
  readonly #worker: Worker;
  /** Commits handed over and not answered yet, oldest first: answers come in this order. */
  readonly #waiting: Waiting[] = [];
  #nextId = 1;
  /** Set when the worker died: every commit after that is refused with it. */
  #death: Error | undefined;
  #closed: Promise<void> | undefined;

  constructor(
    path: string,
    options: {
      /** Told the nice value the thread runs at, once it has set it (null: none shown). */
      onNice: ((nice: number | null) => void) | undefined;
      busyTimeoutMs: number;
      walBytesMax: number;
      walAutocheckpointPages: number;
      snapshotsKept: number;
      statements: CommitStatements;
    },
  ) {
    const { onNice, ...settings } = options;
    const setup: WorkerSetup = {
      sqlitePath: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      ...settings,
    };
    this.#worker = new Worker(workerSource, { eval: true, workerData: setup });
    // Idle, the worker does not keep the process alive; a commit in flight does (#ref).
    this.#worker.unref();
    this.#worker.on('message', (reply: Reply) => {
      if (reply.type === 'nice') onNice?.(reply.nice);
      else this.#answer(reply);
    });
    this.#worker.on('error', (error) => {
      this.#die(error);
    });
    this.#worker.on('exit', (code) => {
      this.#die(new Error(`the journal's commit thread exited (code ${code})`));
    });
  }

  /** Commits a batch; resolves once it is on disk, rejects when it is not and never will be. */
  commit(batch: CommitBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#death !== undefined || this.#closed !== undefined) {
        reject(this.#death ?? new Error('the journal is closing'));
        return;
      }
      const id = this.#nextId++;
      if (this.#waiting.length === 0) this.#worker.ref();
      this.#waiting.push({ id, resolve, reject });
      this.#worker.postMessage({ type: 'commit', id, batch } satisfies Request);
    });
  }

  /** Closes the connection once every commit handed over is answered, and ends the thread. */
  close(): Promise<void> {
    this.#closed ??=
      this.#death !== undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#worker.ref();
            this.#worker.once('exit', () => {
              resolve();
            });
            this.#worker.postMessage({ type: 'close' } satisfies Request);
          });
    return this.#closed;
  }

  #answer(reply: Exclude<Reply, { type: 'nice' }>): void {
    if (reply.type === 'closed') return;
    const waiting = this.#waiting.shift();
    if (waiting === undefined || waiting.id !== reply.id) {
      this.#die(new Error(`journal commit thread answered ${reply.id} out of order`));
      return;
    }
    if (this.#waiting.length === 0) this.#worker.unref();
    if (reply.type === 'committed') waiting.resolve();
    else waiting.reject(new Error(reply.message));
  }

  /** The thread is gone: every commit not answered is refused, as are later ones. */
  #die(error: Error): void {
    this.#death ??= error;
    for (const waiting of this.#waiting.splice(0)) waiting.reject(this.#death);
  }
}
