import { resolve } from 'node:path';
import { serve, type RunningServer } from '@lineup/server';

/*
 * `lineup serve`: starts the durable server and keeps it until SIGTERM or
 * SIGINT, then stops it cleanly (no new work, commands under way made
 * durable, every tenant snapshotted, the journal closed).
 */

/** Port `lineup serve` listens on unless told otherwise. */
export const servePortDefault = 8080;
/** Data dir unless told otherwise, relative to the current folder. */
export const dataDirDefault = './data';

/** Options of `lineup serve`. */
export interface ServeCommandOptions {
  port: number;
  dataDir: string;
  listenHost: string;
  isDemoCreated: boolean;
  /** The operator key to accept (from LINEUP_OPERATOR_KEY), replacing the stored one. */
  operatorKey?: string;
}

/** What `lineup serve` prints once it listens: where to go next. */
export function welcome(
  running: Pick<RunningServer, 'url' | 'demoTenantId' | 'mintedOperatorKey' | 'demoAdminKey'>,
  dataDir: string,
): string {
  const lines = [
    `Lineup is serving on ${running.url}`,
    `  API docs        ${running.url}/docs`,
    `  OpenAPI         ${running.url}/v1/openapi.json`,
    `  Health          ${running.url}/healthz`,
    `  Metrics         ${running.url}/metrics`,
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
    ...(options.operatorKey === undefined ? {} : { operatorKey: options.operatorKey }),
  });
  if ('message' in running) {
    process.stderr.write(`lineup serve: ${running.message}\n`);
    return 1;
  }
  process.stdout.write(welcome(running, options.dataDir));
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
