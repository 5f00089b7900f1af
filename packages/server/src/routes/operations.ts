import type { FastifyInstance } from 'fastify';
import { rejection } from '@lineup/protocol';
import type { Host } from '../host.ts';
import { HealthSchema, ReadySchema } from '../schemas.ts';
import { Tag, addRoute, ok } from './route.ts';

/*
 * What operators and orchestrators poll: liveness (the process answers) and
 * readiness (the host takes commands: not while it replays or stops).
 */

/** Registers /healthz and /readyz. */
export function operationRoutes(app: FastifyInstance, host: Host): void {
  addRoute(app, {
    method: 'GET',
    url: '/healthz',
    tag: Tag.operations,
    summary: 'Liveness: the process answers',
    responses: { 200: HealthSchema },
    errors: [],
    access: 'open',
    handler: () => Promise.resolve(ok(200, { status: 'ok' as const })),
  });

  addRoute(app, {
    method: 'GET',
    url: '/readyz',
    tag: Tag.operations,
    summary: 'Readiness: the host takes commands',
    description: '503 unavailable while the host starts or stops.',
    responses: { 200: ReadySchema },
    errors: ['unavailable'],
    access: 'open',
    handler: () =>
      Promise.resolve(
        host.isReady()
          ? ok(200, { status: 'ready' as const })
          : rejection('unavailable', 'The host is starting or stopping; retry in a moment.'),
      ),
  });
}
