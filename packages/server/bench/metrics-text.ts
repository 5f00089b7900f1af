/*
 * Reading the server's GET /metrics (Prometheus text format) in the server
 * bench: sums of samples, and a histogram's cumulative buckets, so that the
 * bench can take the difference of two scrapes (the load window only) and a
 * quantile of it as Prometheus's histogram_quantile computes one.
 */

/** Scrapes a server's GET /metrics, which needs the operator key. */
export async function scrape(url: string, operatorKey: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${operatorKey}` },
  });
  if (response.status !== 200) throw new Error(`bench: GET /metrics answered ${response.status}`);
  return response.text();
}

/** One sample line: name, optional {labels}, value. */
const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/;

/** Sum of the samples of a metric whose labels contain `labelPart` (every sample: ''). */
export function sumOfSamples(text: string, name: string, labelPart = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = sampleLine.exec(line);
    if (match?.[1] !== name || !(match[2] ?? '').includes(labelPart)) continue;
    sum += Number(match[3]);
  }
  return sum;
}

/** The value of a metric's one sample with no labels, or null when the text has none. */
export function valueOf(text: string, name: string): number | null {
  for (const line of text.split('\n')) {
    const match = sampleLine.exec(line);
    if (match?.[1] === name && match[2] === undefined) return Number(match[3]);
  }
  return null;
}

/** A histogram's cumulative bucket counts by upper bound (+Inf last), and its count. */
export interface Histogram {
  buckets: { le: number; count: number }[];
  count: number;
}

/** Reads a histogram without labels other than `le`. */
export function histogramOf(text: string, name: string): Histogram {
  const buckets: { le: number; count: number }[] = [];
  for (const line of text.split('\n')) {
    const match = sampleLine.exec(line);
    if (match?.[1] !== `${name}_bucket`) continue;
    const le = /le="([^"]+)"/.exec(match[2] ?? '')?.[1];
    if (le === undefined) continue;
    buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: Number(match[3]) });
  }
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, count: buckets[buckets.length - 1]?.count ?? 0 };
}

/** The histogram of what was observed between two scrapes. */
export function histogramSince(before: Histogram, after: Histogram): Histogram {
  const buckets = after.buckets.map((bucket) => ({
    le: bucket.le,
    count: bucket.count - (before.buckets.find((old) => old.le === bucket.le)?.count ?? 0),
  }));
  return { buckets, count: after.count - before.count };
}

/**
 * The q-quantile of a histogram, interpolated linearly inside its bucket as
 * Prometheus's histogram_quantile does; in the +Inf bucket, the highest finite
 * bound. 0 for an empty histogram.
 */
export function quantileOfHistogram(histogram: Histogram, q: number): number {
  if (histogram.count === 0) return 0;
  const rank = q * histogram.count;
  let lower = 0;
  let below = 0;
  for (const bucket of histogram.buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lower;
      const inBucket = bucket.count - below;
      return inBucket === 0 ? bucket.le : lower + ((bucket.le - lower) * (rank - below)) / inBucket;
    }
    lower = bucket.le;
    below = bucket.count;
  }
  return lower;
}

/** Collections of one kind of the garbage collector: how many, and their time in all. */
export interface Collections {
  count: number;
  seconds: number;
}

/** The kinds of collection prom-client's nodejs_gc_duration_seconds counts apart. */
export const collectionKinds = ['minor', 'major', 'incremental', 'weakcb'] as const;
export type CollectionKind = (typeof collectionKinds)[number];

/** The server's collections so far, by kind, from its default process metrics. */
export function collectionsOf(text: string): Record<CollectionKind, Collections> {
  const name = 'nodejs_gc_duration_seconds';
  const of = (kind: CollectionKind): Collections => ({
    count: sumOfSamples(text, `${name}_count`, `kind="${kind}"`),
    seconds: sumOfSamples(text, `${name}_sum`, `kind="${kind}"`),
  });
  return {
    minor: of('minor'),
    major: of('major'),
    incremental: of('incremental'),
    weakcb: of('weakcb'),
  };
}

/** Period of the timer behind prom-client's event-loop delay figures (its default precision). */
const eventLoopTimerMs = 10;

/**
 * The server's event-loop delay since the scrape before (prom-client resets
 * its histogram at each scrape), in ms: median, p99 and longest. The figures
 * are the times between two runs of a 10 ms timer; the delay is what they
 * take beyond those 10 ms, so a delay shorter than a few ms hardly shows.
 */
export function eventLoopDelayOf(text: string): { p50: number; p99: number; max: number } {
  const ms = (name: string) => {
    const seconds = sumOfSamples(text, `nodejs_eventloop_lag_${name}_seconds`);
    return Math.max(0, Math.round((seconds * 1000 - eventLoopTimerMs) * 100) / 100);
  };
  return { p50: ms('p50'), p99: ms('p99'), max: ms('max') };
}
