import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.ts';
import { RateLimiter } from '../src/rate-limit.ts';
import { T0, queue, setUp, startServer, type Server } from './harness.ts';

/*
 * Request rates (issue 5, Limits): each API key, token or operator key has
 * its own bucket; past it the server answers 429 rate_limited with
 * Retry-After, and serves again once time has refilled the bucket. Refused
 * credentials spend from their address's slower bucket.
 */

let server: Server | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const rates = { perSecond: 2, burst: 3, refusedPerSecond: 1, refusedBurst: 2 };

describe('REST request rates', () => {
  it('[limits] past its burst a key gets 429 with Retry-After; another key is not slowed; time refills', async () => {
    const running = await startServer({ requestRates: rates });
    server = running;
    await setUp(running, [['POST', '/v1/tenants', { id: 'acme' }]]);
    const keys: string[] = [];
    for (const name of ['one', 'two']) {
      // The operator spent 1 of its 3 on the tenant; two keys take its last 2.
      const created = await running.call<{ key: string }>('POST', '/v1/tenants/acme/api-keys', {
        name,
        scopes: ['admin'],
      });
      expect(created.status).toBe(201);
      keys.push(created.body.key);
    }
    const [one = '', two = ''] = keys;
    const read = (key: string) =>
      running.call<{ error: { code: string; details: { retryAfterMs: number } } }>(
        'GET',
        '/v1/tenants/acme/queues',
        undefined,
        { as: key },
      );
    for (let index = 0; index < rates.burst; index++) expect((await read(one)).status).toBe(200);
    const limited = await read(one);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.body.error.details.retryAfterMs).toBe(500);
    expect(limited.headers.get('retry-after')).toBe('1');
    // A refused request changed nothing: no queue was made by a limited create either.
    const create = await running.call('POST', '/v1/tenants/acme/queues', queue('q1'), { as: one });
    expect(create.status).toBe(429);
    expect((await read(two)).status).toBe(200);
    await running.advance(500);
    expect((await read(one)).status).toBe(200);
    expect(
      (await running.call('GET', '/v1/tenants/acme/queues/q1', undefined, { as: two })).status,
    ).toBe(404);
  });

  it('[limits] guessing credentials is slowed per address: 401s, then 429', async () => {
    const running = await startServer({ requestRates: rates });
    server = running;
    const guess = () =>
      running.call('GET', '/v1/tenants/acme', undefined, { as: 'lk_guessing_key' });
    expect((await guess()).status).toBe(401);
    expect((await guess()).status).toBe(401);
    const slowed = await guess();
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get('retry-after')).toBe('1');
    // A valid credential from the same address is not slowed by the guesses.
    expect((await running.call('POST', '/v1/tenants', { id: 'acme' })).status).toBe(201);
  });
});

describe('rate limiter', () => {
  it('[limits] forgets callers whose bucket has filled again, so memory follows active callers', () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter({ perSecond: 10, burst: 10 }, clock);
    for (let index = 0; index < 1_000; index++) limiter.take(`caller ${index}`);
    expect(limiter.size()).toBe(1_000);
    clock.advanceMs(1_000);
    limiter.take('late caller');
    expect(limiter.size()).toBe(1);
  });
});
