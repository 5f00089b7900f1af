/*
 * What the server bench (server.bench.ts) and its load generator
 * (load-generator.ts) tell each other over IPC: the plan of the load, the
 * phases the generator is in (so that the bench samples the server's CPU and
 * commits over the load window only), and the generator's report.
 */

/** One socket's credential: a token minted for an agent or a customer. */
export interface Credential {
  /** The agent's id or the customer's id: the token's subject. */
  subject: string;
  token: string;
}

/** The load the generator runs against the server. */
export interface LoadPlan {
  /** The server's base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  tenantId: string;
  /** Queues the customers join, in turn. */
  queueIds: string[];
  agents: Credential[];
  customers: Credential[];
  /** Enqueues sent per second, paced over the whole run. */
  ratePerSecond: number;
  /**
   * Seconds of load at the same rate before the measured window, not counted
   * in it: the server's code is compiled by V8's JIT under the first load, and
   * those seconds say what a server's first seconds cost, not its steady
   * state. Their own latencies are reported apart (LoadReport.warmUp).
   */
  warmUpSeconds: number;
  seconds: number;
  /** How long an agent holds a contact before completing it. */
  handleMs: number;
}

/** Counts of what went wrong; each should be 0. */
export interface LoadErrors {
  /** Sockets that did not open, say hello, or (agents) log in. */
  connect: number;
  /** Sockets the server closed during the load. */
  closed: number;
  /** Refused replies by error code, over every command sent. */
  refusals: Record<string, number>;
  /** Enqueues whose offer did not arrive before the drain ended. */
  missingOffers: number;
}

/** What the generator measured. */
export interface LoadReport {
  agentsConnected: number;
  customersConnected: number;
  /** Time to open every socket, say hello, and log the agents in. */
  connectMs: number;
  enqueuesSent: number;
  /** Enqueues sent divided by the time it took to send them. */
  enqueuesPerSecond: number;
  offersObserved: number;
  /** Customer's send of the enqueue → agent's socket receives offerCreated, in ms. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: LoadErrors;
  /** The warm-up before the measured window: its enqueues and their latencies, in ms. */
  warmUp: {
    enqueuesSent: number;
    offersObserved: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
  };
  /** The generator's own CPU over the load, in % of one core. */
  generatorCpuPercent: number;
  /** The generator's event-loop delay, p99 in ms: what its own lateness adds to the latencies. */
  generatorLagP99Ms: number;
  /** The generator's own garbage collections in the window: each holds every socket it times. */
  generatorGc: { count: number; totalMs: number; maxMs: number };
}

/** A message from the generator to the bench. */
export type GeneratorMessage =
  { type: 'phase'; phase: 'measuring' | 'sent' } | { type: 'report'; report: LoadReport };

/**
 * The q-quantile of sorted samples (nearest rank): the smallest sample with
 * at least q of the samples at or below it; 0 for no samples.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? 0;
}
