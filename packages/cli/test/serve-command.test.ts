import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveOptionsOf } from '../src/serve-command.ts';

/*
 * `lineup serve --config <file>`: the settings file gives limits, rates and
 * socket settings; a flag given on the command line wins over it; a file that
 * is not valid is refused with the field it gets wrong.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function configFile(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lineup-config-'));
  dirs.push(dir);
  const path = join(dir, 'lineup.json');
  await writeFile(path, content);
  return path;
}

const flags = { port: 8080, host: '127.0.0.1', dataDir: './data', demo: true };

describe('lineup serve --config', () => {
  it('[serve] the file sets limits, rates and sockets; flags given on the command line win', async () => {
    const path = await configFile(
      JSON.stringify({
        port: 9000,
        dataDir: '/var/lib/lineup',
        demo: false,
        bodyLimitBytes: 65_536,
        corsOrigins: ['https://shop.example'],
        requestRates: { perSecond: 50 },
        socket: { graceMs: 10_000, socketsPerTenantMax: 500 },
        journal: { snapshotEveryEntries: 20_000, snapshotThread: false, commitWindowMs: 0 },
        heapGrowthPercent: 100,
        serverThreadNice: null,
      }),
    );
    const options = await serveOptionsOf({ ...flags, port: 7000, config: path }, { port: true });
    expect(options).toEqual({
      port: 7000,
      listenHost: '127.0.0.1',
      dataDir: '/var/lib/lineup',
      isDemoCreated: false,
      settings: {
        bodyLimitBytes: 65_536,
        corsOrigins: ['https://shop.example'],
        requestRates: { perSecond: 50 },
        socket: { graceMs: 10_000, socketsPerTenantMax: 500 },
        journal: { snapshotEveryEntries: 20_000, snapshotThread: false, commitWindowMs: 0 },
        heapGrowthPercent: 100,
        serverThreadNice: null,
      },
    });
  });

  it('[serve] a misspelt setting, a wrong type, bad JSON or a missing file is refused by name', async () => {
    const misspelt = await configFile(JSON.stringify({ socket: { graceMS: 10 } }));
    expect(await serveOptionsOf({ ...flags, config: misspelt }, {})).toMatchObject({
      message: expect.stringContaining('/socket') as unknown,
    });
    const never = await configFile(JSON.stringify({ journal: { snapshotEveryEntries: 0 } }));
    expect(await serveOptionsOf({ ...flags, config: never }, {})).toMatchObject({
      message: expect.stringContaining('/journal/snapshotEveryEntries') as unknown,
    });
    const slow = await configFile(JSON.stringify({ journal: { commitWindowMs: 101 } }));
    expect(await serveOptionsOf({ ...flags, config: slow }, {})).toMatchObject({
      message: expect.stringContaining('/journal/commitWindowMs') as unknown,
    });
    const huge = await configFile(JSON.stringify({ heapGrowthPercent: 1_000 }));
    expect(await serveOptionsOf({ ...flags, config: huge }, {})).toMatchObject({
      message: expect.stringContaining('/heapGrowthPercent') as unknown,
    });
    const tooNice = await configFile(JSON.stringify({ serverThreadNice: -10 }));
    expect(await serveOptionsOf({ ...flags, config: tooNice }, {})).toMatchObject({
      message: expect.stringContaining('/serverThreadNice') as unknown,
    });
    const wrongType = await configFile(JSON.stringify({ requestRates: { perSecond: 'fast' } }));
    expect(await serveOptionsOf({ ...flags, config: wrongType }, {})).toMatchObject({
      message: expect.stringContaining('/requestRates/perSecond') as unknown,
    });
    // An origin is a scheme and a host, not a page.
    const page = await configFile(JSON.stringify({ corsOrigins: ['https://shop.example/cart'] }));
    expect(await serveOptionsOf({ ...flags, config: page }, {})).toMatchObject({
      message: expect.stringContaining('/corsOrigins/0') as unknown,
    });
    const notJson = await configFile('{ port: 1 ');
    expect(await serveOptionsOf({ ...flags, config: notJson }, {})).toMatchObject({
      message: expect.stringContaining('not JSON') as unknown,
    });
    const missing = join(tmpdir(), 'lineup-no-such-config.json');
    expect(await serveOptionsOf({ ...flags, config: missing }, {})).toMatchObject({
      message: expect.stringContaining('cannot read') as unknown,
    });
  });

  it('[serve] without a file the flags and defaults stand', async () => {
    expect(await serveOptionsOf(flags, {})).toEqual({
      port: 8080,
      listenHost: '127.0.0.1',
      dataDir: './data',
      isDemoCreated: true,
      settings: {},
    });
  });
});
