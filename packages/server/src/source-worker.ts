import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { threadPrioritySource } from '@lineup/journal';

/*
 * Worker threads that run one of this package's TypeScript modules (the
 * snapshot thread, the records thread). The module is loaded through tsx's
 * loader, registered in the worker: the server runs from its sources, from
 * the `lineup` bundle and inside the test runner, and this loads the same
 * code in each.
 */

/** The URLs of tsx's ESM API and of the module, or why they cannot be found. */
function workerModules(fileName: string): { tsxApi: string; module: string } | Error {
  try {
    const require = createRequire(import.meta.url);
    const tsxManifestPath = require.resolve('tsx/package.json');
    const manifest = JSON.parse(readFileSync(tsxManifestPath, 'utf8')) as {
      exports: Record<string, { import?: { default?: string } }>;
    };
    const tsxApi = manifest.exports['./esm/api']?.import?.default;
    if (tsxApi === undefined) return new Error("tsx has no ESM './esm/api' export");
    return {
      tsxApi: pathToFileURL(join(dirname(tsxManifestPath), tsxApi)).href,
      // This package's own file, found from its entry: where the package is, whether this
      // module runs from its sources or from the `lineup` bundle.
      module: pathToFileURL(join(dirname(require.resolve('@lineup/server')), fileName)).href,
    };
  } catch (error: unknown) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * A background thread puts itself at the lowest CPU priority before anything
 * else (loading its code included), so that on a busy machine, and while the
 * server starts, the server's thread and the journal's commit thread run
 * first and it takes the time left over.
 */
const lowestPrioritySource = threadPrioritySource(os.constants.priority.PRIORITY_LOW);

/**
 * Starts a background worker running `fileName` (a module of
 * packages/server/src) at the lowest CPU priority, or says why it cannot.
 */
export function startSourceWorker(fileName: string, workerData: unknown): Worker | Error {
  const modules = workerModules(fileName);
  if (modules instanceof Error) return modules;
  const source = [
    lowestPrioritySource,
    `const { register } = await import(${JSON.stringify(modules.tsxApi)});`,
    'register();',
    `await import(${JSON.stringify(modules.module)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), { workerData });
}
