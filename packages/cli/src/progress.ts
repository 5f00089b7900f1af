import type { SimulationProgress } from '@lineup/sim';

/*
 * The progress bar of a long run (issue 7: "a progress bar on the terminal
 * for runs that take longer than a second"). A plain line of text redrawn in
 * place with a carriage return: no dependency, and nothing at all when the
 * output is not a terminal (a pipe or a CI log would fill with half-lines).
 * The clock is passed in, so the rules are tested without waiting.
 */

/** A run shows no bar before this much wall time: short runs stay silent. */
export const progressDelayMs = 1_000;
/** Width of the bar itself, in characters. */
export const progressBarWidthChars = 30;

/** The bar for one progress report, without line control: `[######.....]  40%  12,345 contacts`. */
export function renderProgressBar(
  progress: SimulationProgress,
  label = '',
  widthChars = progressBarWidthChars,
): string {
  const fraction = Math.min(1, Math.max(0, progress.fraction));
  const filled = Math.round(fraction * widthChars);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(widthChars - filled)}]`;
  const percent = `${String(Math.round(fraction * 100)).padStart(3)}%`;
  const contacts = `${progress.contacts.toLocaleString('en-US')} contacts`;
  return [label, bar, percent, contacts].filter((part) => part !== '').join('  ');
}

/** Where a progress bar goes, and the wall clock it measures the delay by. */
export interface ProgressTerminal {
  /** Whether the output is a terminal; when not, nothing is ever written. */
  isTty: boolean;
  write: (text: string) => void;
  /** Wall-clock ms, only ever compared with itself. */
  nowMs: () => number;
}

/** A progress bar for one run: pass `onProgress` to simulate, call `finish` when it returns. */
export interface ProgressBar {
  onProgress: (progress: SimulationProgress) => void;
  /** Clears the bar's line if one was drawn, so that what follows starts on a clean line. */
  finish: () => void;
}

/** A bar that draws only on a terminal and only once the run has taken progressDelayMs. */
export function createProgressBar(terminal: ProgressTerminal, label = ''): ProgressBar {
  const startMs = terminal.nowMs();
  let widthDrawn = 0;
  return {
    onProgress: (progress) => {
      if (!terminal.isTty || terminal.nowMs() - startMs < progressDelayMs) return;
      const line = renderProgressBar(progress, label);
      // Padding erases what a longer previous line left behind.
      terminal.write(`\r${line.padEnd(widthDrawn)}`);
      widthDrawn = Math.max(widthDrawn, line.length);
    },
    finish: () => {
      if (widthDrawn === 0) return;
      terminal.write(`\r${' '.repeat(widthDrawn)}\r`);
      widthDrawn = 0;
    },
  };
}
