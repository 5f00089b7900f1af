import { LineupError } from '@lineup/sdk';

/*
 * What the adapters share: calling code written for another product without
 * letting it break the adapter, running the adapter's reactions one at a
 * time and in the order the events came, and reading every page of a list.
 */

/**
 * Calls a function of the page's code. One that throws does not stop the
 * adapter: its error is rethrown on its own task, where the platform reports
 * it as uncaught (as the SDK's listeners are).
 */
export function callSafely<A extends unknown[]>(
  listener: ((...args: A) => void) | null | undefined,
  ...args: A
): void {
  if (typeof listener !== 'function') return;
  try {
    listener(...args);
  } catch (error: unknown) {
    setTimeout(() => {
      throw error;
    }, 0);
  }
}

/**
 * Runs asynchronous reactions one after another in the order they were
 * given, so that an answer that needs a read (a contact's customer) is never
 * overtaken by what happened after it (the offer being withdrawn).
 */
export class SerialTasks {
  #tail: Promise<void> = Promise.resolve();

  /**
   * Runs `task` after every task given before it; a task that fails does not
   * stop the next. A notification whose read failed (a LineupError: the
   * connection closed, the contact ended) has nobody to tell and is dropped;
   * any other failure is a bug, rethrown where the platform reports it.
   */
  run(task: () => Promise<void> | void): Promise<void> {
    const next = this.#tail.then(task).catch((error: unknown) => {
      if (error instanceof LineupError) return;
      setTimeout(() => {
        throw error;
      }, 0);
    });
    this.#tail = next;
    return next;
  }
}

/** Most pages read of one list: 50 pages of 1,000 is past any tenant's queues (5,000 per node). */
export const pagesMax = 50;

/** Every item of a paged list, in order, reading at most `pagesMax` pages of `limit` items. */
export async function allPages<T>(
  read: (page: { limit: number; after?: string }) => Promise<{ items: T[]; next: string | null }>,
  limit = 1_000,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (let page = 0; page < pagesMax; page++) {
    const answer: { items: T[]; next: string | null } = await read(
      after === null ? { limit } : { limit, after },
    );
    items.push(...answer.items);
    after = answer.next;
    if (after === null) break;
  }
  return items;
}
