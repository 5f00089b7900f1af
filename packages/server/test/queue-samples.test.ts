import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, contact, queue, setUp, startServer, type Server } from './harness.ts';

/*
 * GET /queues/{queueId}/samples: a queue's last hour a minute at a time, so
 * that a wallboard opened now charts the hour before it (R13: every queue
 * publishes its status; the wallboard draws it).
 */

let server: Server;
const acme = '/v1/tenants/acme';
const minuteMs = 60_000;

interface Samples {
  queueId: string;
  sampleMs: number;
  samples: { atMs: number; waiting: number; waitingMax: number; serviceLevel: number | null }[];
}

const samplesOf = async (query = '') => {
  const reply = await server.call<Samples>('GET', `${acme}/queues/q1/samples${query}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
};

beforeEach(async () => {
  server = await startServer();
  await setUp(server, [
    ['POST', '/v1/tenants', { id: 'acme' }],
    ['POST', `${acme}/queues`, queue('q1')],
  ]);
});
afterEach(async () => {
  await server.close();
});

describe('queue samples', () => {
  it('[R13] a minute keeps its highest waiting count and its last status', async () => {
    expect(await samplesOf()).toEqual({
      queueId: 'q1',
      sampleMs: minuteMs,
      samples: [{ atMs: T0, waiting: 0, waitingMax: 0, serviceLevel: null }],
    });
    await setUp(server, [
      ['POST', `${acme}/contacts`, contact('c1', 'q1')],
      ['POST', `${acme}/contacts`, contact('c2', 'q1')],
      ['POST', `${acme}/contacts/c1/leave`],
    ]);
    expect((await samplesOf()).samples).toEqual([
      { atMs: T0, waiting: 1, waitingMax: 2, serviceLevel: null },
    ]);
  });

  it('[R13] every minute adds a sample, a quiet one too; an hour is kept; sinceMs skips the older ones', async () => {
    await setUp(server, [['POST', `${acme}/contacts`, contact('c1', 'q1')]]);
    await samplesOf();
    // Nothing happens for three minutes: each minute still has its sample.
    for (let minute = 0; minute < 3; minute++) await server.advance(minuteMs);
    expect((await samplesOf()).samples.map((sample) => [sample.atMs - T0, sample.waiting])).toEqual(
      [
        [0, 1],
        [minuteMs, 1],
        [2 * minuteMs, 1],
        [3 * minuteMs, 1],
      ],
    );
    expect(
      (await samplesOf(`?sinceMs=${T0 + 2 * minuteMs + 1}`)).samples.map((s) => s.atMs - T0),
    ).toEqual([2 * minuteMs, 3 * minuteMs]);

    for (let minute = 0; minute < 60; minute++) await server.advance(minuteMs);
    const { samples } = await samplesOf();
    // The hour before now, whose first minute ends after it: 60 minutes.
    expect(samples.length).toBe(60);
    expect(samples[0]!.atMs).toBe(T0 + 4 * minuteMs);
    expect(samples.at(-1)).toMatchObject({ atMs: T0 + 63 * minuteMs, waiting: 1 });
  });

  it('[api] a queue the tenant does not have has no samples: 404 queue_not_found', async () => {
    const reply = await server.call('GET', `${acme}/queues/nope/samples`);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ error: { code: 'queue_not_found' } });
    const bad = await server.call('GET', `${acme}/queues/q1/samples?sinceMs=-1`);
    expect(bad.status).toBe(400);
  });
});
