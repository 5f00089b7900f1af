/*
 * Time for the host: a clock that stamps commands and a scheduler that wakes
 * the engines at their deadlines. Both are injected, so that tests drive time
 * by hand (STYLE.md, Tests: no sleeps) and the process uses the real ones.
 */

/** A source of the current time, epoch ms. */
export interface Clock {
  nowMs(): number;
}

/** Cancels a timer; calling it again, or after the timer fired, does nothing. */
export type CancelTimer = () => void;

/** Runs a callback once, at or after a given time. */
export interface TimerScheduler {
  setTimer(atMs: number, fn: () => void): CancelTimer;
}

/** The process's wall clock. */
export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * Node's setTimeout takes delays up to 2^31 − 1 ms (about 24.8 days); a longer
 * delay fires at once. A farther timer is re-armed in steps of this size.
 */
const timeoutDelayMsMax = 2_147_483_647;

/** A scheduler on Node's setTimeout, measuring delays with the given clock. */
export class SystemScheduler implements TimerScheduler {
  constructor(private readonly clock: Clock = systemClock) {}

  setTimer(atMs: number, fn: () => void): CancelTimer {
    let handle: NodeJS.Timeout | null = null;
    const arm = (): void => {
      const delayMs = atMs - this.clock.nowMs();
      if (delayMs > timeoutDelayMsMax) {
        handle = setTimeout(arm, timeoutDelayMsMax);
      } else {
        handle = setTimeout(
          () => {
            handle = null;
            fn();
          },
          Math.max(0, delayMs),
        );
      }
      // Pending timers must not keep a process alive that has nothing else to do.
      handle.unref();
    };
    arm();
    return () => {
      if (handle !== null) clearTimeout(handle);
      handle = null;
    };
  }
}

/** A clock that moves only when told: tests set the time. */
export class ManualClock implements Clock {
  constructor(private currentMs: number) {}

  nowMs(): number {
    return this.currentMs;
  }

  /** Moves the clock forward; it never goes back. */
  advanceMs(ms: number): void {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`Cannot advance by ${ms} ms`);
    this.currentMs += ms;
  }
}

interface ManualTimer {
  readonly atMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Timers one `fireDue` call runs at most: a callback that re-arms itself at once must not spin forever. */
export const manualFiresPerCallMax = 10_000;

/** A scheduler whose timers fire only when a test calls `fireDue`, by the given clock. */
export class ManualScheduler implements TimerScheduler {
  private readonly timers = new Set<ManualTimer>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  setTimer(atMs: number, fn: () => void): CancelTimer {
    const timer: ManualTimer = { atMs, seq: this.seq++, fn };
    this.timers.add(timer);
    return () => {
      this.timers.delete(timer);
    };
  }

  /** How many timers are armed. */
  pendingCount(): number {
    return this.timers.size;
  }

  /** Runs every timer due by the clock's time, soonest first; returns how many ran. */
  fireDue(): number {
    let fired = 0;
    for (;;) {
      const nowMs = this.clock.nowMs();
      let next: ManualTimer | null = null;
      for (const timer of this.timers) {
        if (timer.atMs > nowMs) continue;
        if (
          next === null ||
          timer.atMs < next.atMs ||
          (timer.atMs === next.atMs && timer.seq < next.seq)
        )
          next = timer;
      }
      if (next === null) return fired;
      if (fired >= manualFiresPerCallMax)
        throw new Error(`More than ${manualFiresPerCallMax} timers fell due in one fireDue call`);
      this.timers.delete(next);
      fired++;
      next.fn();
    }
  }
}
