import { createProgressBar, progressDelayMs, renderProgressBar } from '@lineup/cli';
import { describe, expect, it } from 'vitest';

/** A fake terminal with a clock the test moves. */
function fakeTerminal(isTty: boolean) {
  const state = { nowMs: 0, written: '' };
  return {
    state,
    terminal: {
      isTty,
      write: (text: string) => {
        state.written += text;
      },
      nowMs: () => state.nowMs,
    },
  };
}

const halfway = { atMs: 0, fraction: 0.5, contacts: 12_345 };

describe('progress bar', () => {
  it('[progress] renders the share done and the contacts so far', () => {
    expect(renderProgressBar(halfway, 'simulating', 10)).toBe(
      'simulating  [#####.....]   50%  12,345 contacts',
    );
    expect(renderProgressBar({ ...halfway, fraction: 1.2 }, '', 4)).toBe(
      '[####]  100%  12,345 contacts',
    );
  });

  it('[progress] stays silent during the first second of a run', () => {
    const { state, terminal } = fakeTerminal(true);
    const bar = createProgressBar(terminal);
    state.nowMs = progressDelayMs - 1;
    bar.onProgress(halfway);
    bar.finish();
    expect(state.written).toBe('');
  });

  it('[progress] draws in place after a second and clears its line when done', () => {
    const { state, terminal } = fakeTerminal(true);
    const bar = createProgressBar(terminal);
    state.nowMs = progressDelayMs;
    bar.onProgress(halfway);
    expect(state.written).toBe(`\r${renderProgressBar(halfway)}`);
    state.written = '';
    bar.finish();
    expect(state.written).toMatch(/^\r +\r$/);
  });

  it('[progress] never writes when the output is not a terminal', () => {
    const { state, terminal } = fakeTerminal(false);
    const bar = createProgressBar(terminal);
    state.nowMs = 10 * progressDelayMs;
    bar.onProgress(halfway);
    bar.finish();
    expect(state.written).toBe('');
  });
});
