/*
 * A typed event emitter: `on(name, listener)` returns its unsubscribe. The
 * map's values are the listener's argument tuples, so each name has its own
 * payload type and a wrong listener does not compile.
 */

/** Maps each event name to the arguments its listeners get. */
export type EventMap = Record<string, unknown[]>;

/** Stops a listener; calling it twice does nothing. */
export type Unsubscribe = () => void;

/** Listeners by event name. */
export class Emitter<M extends EventMap> {
  readonly #listeners: { [K in keyof M]?: Set<(...args: M[K]) => void> } = {};

  /** Calls `listener` on every `name` from now on; returns the function that stops it. */
  on<K extends keyof M>(name: K, listener: (...args: M[K]) => void): Unsubscribe {
    const set = this.#listeners[name] ?? new Set();
    this.#listeners[name] = set;
    // A copy per registration: the same function registered twice is stopped once each.
    const own = (...args: M[K]) => {
      listener(...args);
    };
    set.add(own);
    return () => {
      set.delete(own);
    };
  }

  /**
   * Calls every listener of `name`. A listener that throws does not keep the
   * others from hearing the message: its error is rethrown on its own task,
   * where the platform reports it as uncaught.
   */
  emit<K extends keyof M>(name: K, ...args: M[K]): void {
    const set = this.#listeners[name];
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error: unknown) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}
