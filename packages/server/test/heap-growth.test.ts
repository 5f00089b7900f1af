import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heapGrowthPercentMax, setHeapGrowthPercent } from '../src/heap-growth.ts';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../src/serve.ts';

/*
 * The heap growth setting (docs/api.md, Settings: heapGrowthPercent): set in
 * a running process, V8 uses it for the next full collection's threshold.
 * Read from V8's own account of each threshold it sets (--trace-gc-verbose):
 * "[HeapController] Limit: old size: … KB, new limit: … KB (factor)".
 */

const heapGrowthModule = fileURLToPath(new URL('../src/heap-growth.ts', import.meta.url));

/**
 * The growth factors V8 reports for the full collections of a child that,
 * for each of `percents` in turn, sets it and then collects.
 */
function factorsAfterSetting(...percents: number[]): Promise<number[]> {
  const script = `
    import { setHeapGrowthPercent } from ${JSON.stringify(heapGrowthModule)};
    globalThis.kept = Array.from({ length: 100_000 }, (_, index) => ({ index }));
    console.log('setting');
    for (const percent of ${JSON.stringify(percents)}) {
      setHeapGrowthPercent(percent);
      globalThis.gc();
    }
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--trace-gc-verbose', '--import', 'tsx', '--input-type=module', '-e', script],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error !== null) {
          reject(new Error(`the child failed: ${error.message}`));
          return;
        }
        const after = stdout.slice(stdout.indexOf('setting\n'));
        resolve(
          [...after.matchAll(/\[HeapController\] Limit: .* \(([\d.]+)\)/g)].map((match) =>
            Number(match[1]),
          ),
        );
      },
    );
  });
}

describe('heap growth', () => {
  it('[serve] a percentage set while running is the factor of the next full collection; 0 leaves it to V8', async () => {
    expect(await factorsAfterSetting(150, 50, 300)).toEqual([2.5, 1.5, 4]);
    const [set, own] = await factorsAfterSetting(50, 0);
    expect(set).toBe(1.5);
    // V8's own factor lies between 1.1 and 4, from how fast it collects: not the 1.5 set before.
    expect(own).not.toBe(1.5);
  });

  it('[serve] a growth that is not a whole percentage from 0 to the maximum is refused', () => {
    for (const bad of [-1, 1.5, heapGrowthPercentMax + 1, Number.NaN]) {
      expect(() => {
        setHeapGrowthPercent(bad);
      }).toThrow(RangeError);
    }
  });

  it('[serve] serve() refuses a bad heapGrowthPercent before it opens anything', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lineup-heap-growth-'));
    try {
      const refused = await serve({
        port: 0,
        dataDir,
        isDemoCreated: false,
        heapGrowthPercent: -5,
      });
      expect(refused).toEqual({ message: expect.stringContaining('got -5') as unknown });
      // Nothing was opened: no journal, no store.
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
