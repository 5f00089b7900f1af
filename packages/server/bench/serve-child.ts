import { performance } from 'node:perf_hooks';
import { serve } from '../src/index.ts';

/*
 * The server of the server bench, in a child process of its own: the real
 * durable server (SQLite journal in the data dir, port 0, loopback), with the
 * operator key the bench gives in LINEUP_BENCH_OPERATOR_KEY and no demo
 * tenant. Once it listens it prints one JSON line on stdout: its URL, how
 * long after the process started it began to listen, and how long serve()
 * took of that (open the journal, recover every tenant, listen) — the rest
 * is Node and tsx loading the code. SIGTERM stops it as
 * `lineup serve` stops: the journal is flushed and every tenant snapshotted.
 * argv: data dir.
 */
const dataDir = process.argv[2];
const operatorKey = process.env.LINEUP_BENCH_OPERATOR_KEY;
if (dataDir === undefined || operatorKey === undefined)
  throw new Error('usage: LINEUP_BENCH_OPERATOR_KEY=lo_… serve-child <dataDir>');
const serveStartMs = performance.now();
const running = await serve({
  port: 0,
  dataDir,
  operatorKey,
  isDemoCreated: false,
  logLevel: 'silent',
  // The bench sets its tenant up with thousands of requests on one key: the request rate
  // (a setting) is not what it measures.
  requestRates: { perSecond: 1_000_000, burst: 1_000_000 },
});
if ('message' in running) throw new Error(running.message);
process.stdout.write(
  `${JSON.stringify({
    url: running.url,
    listeningAfterMs: Math.round(performance.now()),
    serveMs: Math.round(performance.now() - serveStartMs),
  })}\n`,
);
process.once('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
