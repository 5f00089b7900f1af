import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  demoTenantId,
  parseServerConfig,
  serve,
  type RunningServer,
  type ServerConfig,
} from '@lineup/server';
import { readTextFile } from './text-file.ts';

/*
 * `lineup serve`: starts the durable server and keeps it until SIGTERM or
 * SIGINT, then stops it cleanly (no new work, commands under way made
 * durable, every tenant snapshotted, the journal closed).
 */

/** Port `lineup serve` listens on unless told otherwise. */
export const servePortDefault = 8080;
/** Data dir unless told otherwise, relative to the current folder. */
export const dataDirDefault = './data';

/**
 * The built web apps (packages/web/dist, built by `npm install`). Found by
 * path: the CLI does not import the web package (DESIGN.md §3), and the
 * server is only told where the folder is.
 */
export const webDirectoryDefault = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** How long the demo's sign-in links stay valid: a working day and a half. */
export const demoLinkTtlSeconds = 12 * 3600;

/** The demo agents, as createDemo makes them. */
const demoAgents = ['ada', 'bo', 'chen', 'dana'] as const;

/** Sign-in links of the demo's web apps, each carrying a fresh token in its fragment. */
export interface DemoLinks {
  widget: string;
  agents: { agentId: string; url: string }[];
  wallboard: string;
  ttlSeconds: number;
}

/** Options of `lineup serve`. */
export interface ServeCommandOptions {
  port: number;
  dataDir: string;
  listenHost: string;
  isDemoCreated: boolean;
  /** The operator key to accept (from LINEUP_OPERATOR_KEY), replacing the stored one. */
  operatorKey?: string;
  /** The settings file's limits and rates (--config). */
  settings?: Pick<
    ServerConfig,
    | 'bodyLimitBytes'
    | 'requestRates'
    | 'socket'
    | 'journal'
    | 'calls'
    | 'webChat'
    | 'heapGrowthPercent'
    | 'serverThreadNice'
  >;
}

/** Largest settings file read, in bytes. */
const configBytesMax = 1_048_576;

/** Which options the command line gave explicitly: they win over the settings file. */
export type GivenOptions = Partial<Record<'port' | 'host' | 'dataDir' | 'demo', boolean>>;

/**
 * The serve options from the command line and, when given, a settings file:
 * a flag given on the command line wins over the file, the file over the
 * defaults. A file that cannot be read or is not valid is a message.
 */
export async function serveOptionsOf(
  flags: { port: number; host: string; dataDir: string; demo: boolean; config?: string },
  given: GivenOptions,
): Promise<ServeCommandOptions | { message: string }> {
  let config: ServerConfig = {};
  if (flags.config !== undefined) {
    const file = await readTextFile(flags.config, configBytesMax);
    if (!file.ok) return { message: file.message };
    const parsed = parseServerConfig(file.text);
    if (!parsed.ok)
      return { message: `${flags.config} is not a valid settings file: ${parsed.message}` };
    config = parsed.config;
  }
  const pick = <T>(name: keyof GivenOptions, flag: T, fromFile: T | undefined): T =>
    given[name] === true || fromFile === undefined ? flag : fromFile;
  const {
    bodyLimitBytes,
    corsOrigins,
    requestRates,
    socket,
    journal,
    calls,
    webChat,
    heapGrowthPercent,
    serverThreadNice,
  } = config;
  return {
    port: pick('port', flags.port, config.port),
    listenHost: pick('host', flags.host, config.host),
    dataDir: pick('dataDir', flags.dataDir, config.dataDir),
    isDemoCreated: pick('demo', flags.demo, config.demo),
    settings: {
      ...(bodyLimitBytes === undefined ? {} : { bodyLimitBytes }),
      ...(corsOrigins === undefined ? {} : { corsOrigins }),
      ...(requestRates === undefined ? {} : { requestRates }),
      ...(socket === undefined ? {} : { socket }),
      ...(journal === undefined ? {} : { journal }),
      ...(calls === undefined ? {} : { calls }),
      ...(webChat === undefined ? {} : { webChat }),
      ...(heapGrowthPercent === undefined ? {} : { heapGrowthPercent }),
      ...(serverThreadNice === undefined ? {} : { serverThreadNice }),
    },
  };
}

/**
 * Mints the demo's sign-in links: a token per app in the link's fragment,
 * which browsers never send to a server (docs/web.md, Tokens). The widget's
 * customer is a new one at each start. Null when the demo tenant is gone.
 */
export async function demoLinksOf(
  running: Pick<RunningServer, 'url' | 'host' | 'mintToken'>,
): Promise<DemoLinks | null> {
  const view = running.host.view(demoTenantId);
  if (view === null) return null;
  const link = async (path: string, role: 'customer' | 'agent' | 'supervisor', subject: string) => {
    const { token } = await running.mintToken(demoTenantId, role, subject, demoLinkTtlSeconds);
    return `${running.url}${path}#token=${token}`;
  };
  const existing = new Set<string>(view.agentIds());
  const agents: DemoLinks['agents'] = [];
  for (const agentId of demoAgents.filter((id) => existing.has(id))) {
    agents.push({ agentId, url: await link('/agent/', 'agent', agentId) });
  }
  return {
    widget: await link('/widget/', 'customer', `demo-customer-${randomBytes(4).toString('hex')}`),
    agents,
    wallboard: await link('/wallboard/', 'supervisor', 'demo-supervisor'),
    ttlSeconds: demoLinkTtlSeconds,
  };
}

/** What `lineup serve` prints once it listens: where to go next. */
export function welcome(
  running: Pick<RunningServer, 'url' | 'demoTenantId' | 'mintedOperatorKey' | 'demoAdminKey'>,
  dataDir: string,
  links: DemoLinks | null = null,
): string {
  const lines = [
    `Lineup is serving on ${running.url}`,
    `  API docs        ${running.url}/docs`,
    `  OpenAPI         ${running.url}/v1/openapi.json`,
    `  Health          ${running.url}/healthz`,
    `  Metrics         ${running.url}/metrics   (Prometheus; with the operator key)`,
    `  Journal         ${resolve(dataDir)}`,
  ];
  if (running.mintedOperatorKey !== null) {
    lines.push(
      '',
      'The operator key (creates tenants, may do everything), shown only now: keep it safe.',
      `  ${running.mintedOperatorKey}`,
      '  Lost it? Restart with LINEUP_OPERATOR_KEY=<a new key of your own, starting lo_> to replace it.',
    );
  }
  if (running.demoTenantId !== null) {
    const tenant = `${running.url}/v1/tenants/${running.demoTenantId}`;
    const key = running.demoAdminKey ?? '<API key>';
    lines.push(
      '',
      `A demo contact center was created: tenant "${running.demoTenantId}", queues sales and support, agents ada, bo, chen, dana.`,
      `  Its admin key   ${key}   (shown only now)`,
      `  Its queues      curl -H 'Authorization: Bearer ${key}' ${tenant}/queues`,
      `  Log Ada in      curl -X POST -H 'Authorization: Bearer ${key}' ${tenant}/agents/ada/log-in`,
    );
  }
  if (links !== null) {
    lines.push(
      '',
      `The demo's web apps (docs/web.md); each link signs in with a token valid ${links.ttlSeconds / 3600} hours, new at every start:`,
      `  Customer widget   ${links.widget}`,
      ...links.agents.map(({ agentId, url }) => `  Agent ${agentId.padEnd(11)} ${url}`),
      `  Wallboard         ${links.wallboard}`,
    );
  }
  lines.push('', 'Stop with Ctrl-C (or SIGTERM): nothing acknowledged is lost.');
  return `${lines.join('\n')}\n`;
}

/** Runs the server until a stop signal; resolves with the process exit code. */
export async function runServeCommand(options: ServeCommandOptions): Promise<number> {
  const running = await serve({
    port: options.port,
    dataDir: options.dataDir,
    listenHost: options.listenHost,
    isDemoCreated: options.isDemoCreated,
    webDirectory: webDirectoryDefault,
    ...(options.operatorKey === undefined ? {} : { operatorKey: options.operatorKey }),
    ...options.settings,
  });
  if ('message' in running) {
    process.stderr.write(`lineup serve: ${running.message}\n`);
    return 1;
  }
  // The links are printed at every start while the demo lives, unless --no-demo says not to.
  const links = options.isDemoCreated ? await demoLinksOf(running) : null;
  process.stdout.write(welcome(running, options.dataDir, links));
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void running.close().then(done);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
