import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Scope, rejection } from '@lineup/protocol';
import { sampleMinuteMs, samplesSpanMs, type QueueSamples } from '../queue-samples.ts';
import { QueueParamsSchema } from '../schemas.ts';
import { Tag, addRoute, ok } from './route.ts';

/*
 * GET /queues/{queueId}/samples: a queue's last hour, a sample a minute, so
 * that a wallboard opened now charts the hour before it (queue-samples.ts).
 */

const QueueSamplesQuerySchema = Type.Object(
  {
    sinceMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Samples of minutes that end after this (epoch ms); default an hour ago',
      }),
    ),
  },
  { additionalProperties: false },
);

const QueueSamplesSchema = Type.Object(
  {
    queueId: Type.String(),
    sampleMs: Type.Integer({ description: 'The length of one sample: a minute' }),
    samples: Type.Array(
      Type.Object({
        atMs: Type.Integer({ minimum: 0, description: 'Start of the minute' }),
        waiting: Type.Integer({ minimum: 0, description: "Waiting at the minute's last status" }),
        waitingMax: Type.Integer({ minimum: 0, description: 'The most waiting in the minute' }),
        serviceLevel: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
          description: "Service level at the minute's last status, or null before any answer",
        }),
      }),
    ),
  },
  {
    description: `A queue's samples, a minute each, oldest first; the last ${samplesSpanMs / 3_600_000} hour at most, kept in memory since the server started`,
  },
);

/** Registers the samples route under /v1/tenants/:tenantId. */
export function queueSampleRoutes(app: FastifyInstance, samples: QueueSamples): void {
  addRoute(app, {
    method: 'GET',
    url: '/queues/:queueId/samples',
    tag: Tag.statistics,
    summary: "A queue's last hour, a sample a minute (waiting and service level)",
    params: QueueParamsSchema,
    querystring: QueueSamplesQuerySchema,
    responses: { 200: QueueSamplesSchema },
    errors: ['queue_not_found'],
    access: { scope: Scope.read },
    handler: ({ params, query }) => {
      const { tenantId, queueId } = params;
      const found = samples.samples(tenantId, queueId, query.sinceMs ?? 0);
      return Promise.resolve(
        found === null
          ? rejection(
              'queue_not_found',
              `No queue has id ${queueId}; list the queues to find it.`,
              {
                queueId,
              },
            )
          : ok(200, { queueId, sampleMs: sampleMinuteMs, samples: found }),
      );
    },
  });
}
