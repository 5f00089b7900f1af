import type { Clock } from './clock.ts';

/*
 * Rate limits (docs/api.md, Limits): a token bucket per caller — per socket,
 * per API key or token, per address for requests without a credential. A
 * bucket holds up to `burst` tokens and gains `perSecond` a second; each
 * request spends one. An empty bucket says how long until the next token.
 */

/** How fast a bucket refills and how much it holds. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** One caller's bucket. */
export class TokenBucket {
  #tokens: number;
  #atMs: number;

  constructor(
    readonly rate: Rate,
    nowMs: number,
  ) {
    this.#tokens = rate.burst;
    this.#atMs = nowMs;
  }

  /** Spends a token: 0 when there was one, else the ms to wait before the next. */
  take(nowMs: number): number {
    const { perSecond, burst } = this.rate;
    this.#tokens = Math.min(
      burst,
      this.#tokens + (Math.max(0, nowMs - this.#atMs) * perSecond) / 1000,
    );
    this.#atMs = nowMs;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / perSecond);
  }

  /** Whether the bucket is full again at `nowMs`: forgetting it changes nothing. */
  isFull(nowMs: number): boolean {
    return this.#tokens + ((nowMs - this.#atMs) * this.rate.perSecond) / 1000 >= this.rate.burst;
  }
}

/** Buckets by caller key, forgetting the full ones so that memory stays bounded by active callers. */
export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  #sweptAtMs = 0;

  constructor(
    readonly rate: Rate,
    private readonly clock: Clock,
  ) {}

  /** Spends one of the caller's tokens: 0, or the ms to wait. */
  take(key: string): number {
    const nowMs = this.clock.nowMs();
    this.#sweep(nowMs);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.rate, nowMs);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }

  /** Callers with a bucket now. */
  size(): number {
    return this.#buckets.size;
  }

  /** At most once per refill time, drops every bucket that has filled up. */
  #sweep(nowMs: number) {
    const refillMs = (this.rate.burst * 1000) / this.rate.perSecond;
    if (nowMs - this.#sweptAtMs < refillMs) return;
    this.#sweptAtMs = nowMs;
    for (const [key, bucket] of this.#buckets) if (bucket.isFull(nowMs)) this.#buckets.delete(key);
  }
}
