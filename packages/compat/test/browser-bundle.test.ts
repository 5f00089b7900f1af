import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/*
 * The browser adapters run in a page: bundled for the browser, as an app's
 * bundler would, @lineup/compat with the SDK and the protocol must need
 * nothing of Node (no built-in module, no `ws`), and the bundle must give a
 * page the names its CloudRoom and call-bar code uses.
 */

describe('browser bundle', () => {
  it('[compat] @lineup/compat bundles for the browser with nothing of Node, exporting the CloudRoom and call-bar factories', async () => {
    const result = await build({
      stdin: {
        contents:
          "export { createCloudRoomQueue, installCloudRoomQueue, createCallCenter } from '@lineup/compat';",
        resolveDir: new URL('.', import.meta.url).pathname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(
      inputs.filter((input) => input.startsWith('node:') || input.includes('node_modules/ws/')),
    ).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toMatch(/export\s*\{[^}]*createCloudRoomQueue[^}]*\}/);
    expect(code).toContain('CRVideo_InitQueueDat');
  });
});
