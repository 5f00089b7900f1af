/*
 * The `lineup` bin (packages/cli/bin) as users run it: the sources bundled
 * into one JavaScript file when it can be, through tsx otherwise; either way
 * the same command.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/lineup.js', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/lineup.mjs', import.meta.url));

/** Runs the bin and waits for it to end. */
function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('bin', () => {
  it('[cli] the bin runs the bundled sources, and the same sources through tsx when asked', async () => {
    const bundled = await run(['staff', '--help']);
    expect(bundled).toMatchObject({ code: 0, stderr: '' });
    expect(bundled.stdout).toContain('Usage: lineup staff');
    expect(existsSync(bundle)).toBe(true);
    const throughTsx = await run(['staff', '--help'], { LINEUP_BUNDLE: '0' });
    expect(throughTsx).toEqual(bundled);
  });

  it('[cli] a mistake exits 1 with its message, bundled or not', async () => {
    const bundled = await run(['serve', '--port', 'x']);
    expect(bundled.code).toBe(1);
    expect(bundled.stderr).toContain('port');
    expect(await run(['serve', '--port', 'x'], { LINEUP_BUNDLE: '0' })).toEqual(bundled);
  });
});
