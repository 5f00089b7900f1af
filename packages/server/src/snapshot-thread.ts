import type { Worker } from 'node:worker_threads';
import type { TenantId } from '@lineup/protocol';
import { startSourceWorker } from './source-worker.ts';
import type { SnapshotSchedule } from './snapshot-schedule.ts';

/*
 * Snapshots made off the server's thread (ADR 0007, amended). Serializing a
 * tenant's engine held the event loop for 20–30 ms with 2,500 agents (longer
 * with many waiting contacts), and every contact arriving meanwhile waited.
 * A worker thread instead keeps its own copy of every tenant's engine,
 * rebuilt from the journal file beside the writer and moved on by the
 * entries committed since (snapshot-thread-worker.ts), and takes the
 * snapshots itself on the host's schedule; the server's thread only writes
 * the JSON it is handed (Journal.saveSnapshotJson). The copy is the same
 * state: a journal's events folded through evolve give the live state
 * (docs/routing.md, determinism).
 *
 * The worker runs the engine's TypeScript sources, at the lowest CPU
 * priority (source-worker.ts). When the thread cannot start or fails, the
 * host takes its snapshots back on its own thread
 * (EngineHost.takeSnapshotsBack).
 */

/** What the worker is given, with the host's snapshot schedule. */
export interface SnapshotThreadSetup extends SnapshotSchedule {
  readonly dataDir: string;
  /** The engines' options that their state depends on (no predictors: those are functions). */
  readonly engine: { readonly seed?: number; readonly timeZone?: string };
  /** How often the worker reads what was committed since its last look. */
  readonly pollEveryMs: number;
}

/** What the worker says. */
export type SnapshotThreadReply =
  { type: 'ready' } | { type: 'snapshot'; tenantId: TenantId; seq: number; snapshotJson: string };

/** How often the worker reads the journal file, by default. */
export const snapshotThreadPollEveryMsDefault = 200;
/**
 * How long a close waits for the thread to finish what it is doing before it
 * stops it. What it drops costs nothing: the host takes its own snapshot as
 * it closes. At the lowest priority, a thread still catching up with a large
 * journal beside a busy server answered a close only after 0.5–1 s.
 */
const snapshotThreadCloseMsMax = 100;

/** The thread that takes the snapshots, as the server's thread sees it. */
export class SnapshotThread {
  readonly #worker: Worker;
  /** Resolves when the worker has exited, for whatever reason. */
  readonly #exited: Promise<void>;
  #closed: Promise<void> | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#exited = new Promise((resolve) => {
      worker.once('exit', () => {
        resolve();
      });
    });
  }

  /**
   * Starts the thread. `onSnapshot` gets each snapshot's JSON; `onFailed`
   * is called once if the thread cannot start or stops on an error (not
   * after close), and the thread is then gone.
   */
  static start(
    setup: SnapshotThreadSetup,
    handlers: {
      onReady?: () => void;
      onSnapshot: (tenantId: TenantId, seq: number, snapshotJson: string) => void;
      onFailed: (error: Error) => void;
    },
  ): SnapshotThread | null {
    const worker = startSourceWorker('snapshot-thread-worker.ts', setup);
    if (worker instanceof Error) {
      handlers.onFailed(worker);
      return null;
    }
    const thread = new SnapshotThread(worker);
    let hasFailed = false;
    const fail = (error: Error) => {
      if (hasFailed || thread.#closed !== undefined) return;
      hasFailed = true;
      handlers.onFailed(error);
    };
    worker.on('message', (reply: SnapshotThreadReply) => {
      if (reply.type === 'ready') handlers.onReady?.();
      else if (thread.#closed === undefined)
        handlers.onSnapshot(reply.tenantId, reply.seq, reply.snapshotJson);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      fail(new Error(`the snapshot thread exited with code ${code}`));
    });
    return thread;
  }

  /** Stops the thread; a snapshot it had under way is dropped. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const worker = this.#worker;
      // A thread in the middle of a long snapshot is stopped rather than waited for.
      const timer = setTimeout(() => void worker.terminate(), snapshotThreadCloseMsMax);
      worker.postMessage({ type: 'close' });
      await this.#exited;
      clearTimeout(timer);
    })();
    return this.#closed;
  }
}
