import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import {
  CallIdSchema,
  CallRecordSchema,
  CallSchema,
  IceServersSchema,
  RecordingSchema,
  RecordingStartSchema,
  Role,
  Scope,
  TenantIdSchema,
  errorCodes,
  rejection,
  type Recording,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Caller, Calls } from '../calls/calls.ts';
import { iceServersFor, type IceSettings } from '../calls/ice-servers.ts';
import type { CallRecordings } from '../calls/recordings.ts';
import { sendRejection } from '../errors.ts';
import { ContactParamsSchema } from '../schemas.ts';
import { Tag, addRoute, errorCodesOf, ok, type Access } from './route.ts';
import { errorBodySchema } from '../schemas.ts';

/*
 * Calls over REST (docs/calls.md): the STUN/TURN servers with short-lived
 * TURN credentials, a contact's calls with their logs, quality samples and
 * recordings, and the recordings themselves — uploaded in chunks as raw
 * bodies, read back as files. Signalling travels on the WebSocket.
 */

/** The services behind the call routes. */
export interface CallServices {
  calls: Calls;
  recordings: CallRecordings;
  ice: IceSettings;
  nowMs: () => number;
}

const CallParamsSchema = Type.Object({ tenantId: TenantIdSchema, callId: CallIdSchema });
const recordingIdSchema = Type.String({ pattern: '^rec_[A-Za-z0-9_-]{1,60}$' });
const RecordingParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  callId: CallIdSchema,
  recordingId: recordingIdSchema,
});
const ChunkParamsSchema = Type.Object({
  tenantId: TenantIdSchema,
  callId: CallIdSchema,
  recordingId: recordingIdSchema,
  n: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
});

/** The documented error bodies of a route outside addRoute: 4xx and 5xx with their codes. */
function errorResponsesOf(
  app: FastifyInstance,
  method: string,
  errors: Parameters<typeof errorCodesOf>[0]['errors'],
  access: Access<never, never>,
) {
  const codes = errorCodesOf({ method, errors, isCommand: false, access }, app.prefix);
  return {
    '4xx': errorBodySchema(codes.filter((code) => errorCodes[code].status < 500)),
    '5xx': errorBodySchema(codes.filter((code) => errorCodes[code].status >= 500)),
  };
}

/** The caller of a route: a person as itself, a back-end as the tenant's supervisor. */
function callerOf(request: FastifyRequest, tenantId: TenantId): Caller {
  const { principal } = request;
  if (principal?.kind === 'token')
    return { tenantId, role: principal.role, subject: principal.subject };
  return {
    tenantId,
    role: Role.supervisor,
    subject: principal?.kind === 'key' ? `key:${principal.keyId}` : 'operator',
  };
}

/** Registers the call routes under /v1/tenants/:tenantId. */
export function callRoutes(app: FastifyInstance, services: CallServices): void {
  const { calls, recordings } = services;
  app.get(
    '/ice-servers',
    {
      config: { access: { scope: Scope.read, isForAgents: true, isForCustomers: true } },
      schema: {
        tags: [Tag.contacts],
        summary: 'STUN and TURN servers for calls, with short-lived TURN credentials',
        params: Type.Object({ tenantId: TenantIdSchema }),
        response: {
          200: IceServersSchema,
          ...errorResponsesOf(app, 'GET', [], { scope: Scope.read }),
        },
      },
    },
    (request: FastifyRequest) => {
      const { tenantId } = request.params as { tenantId: TenantId };
      const caller = callerOf(request, tenantId);
      return iceServersFor(services.ice, caller, services.nowMs());
    },
  );
  addRoute(app, {
    method: 'GET',
    url: '/contacts/:contactId/calls',
    tag: Tag.contacts,
    summary: "A contact's calls, oldest first, with their logs, quality samples and recordings",
    params: ContactParamsSchema,
    responses: { 200: Type.Object({ calls: Type.Array(CallRecordSchema) }) },
    errors: [],
    access: { scope: Scope.read },
    handler: ({ params }) =>
      Promise.resolve(ok(200, { calls: calls.ofContact(params.tenantId, params.contactId) })),
  });
  addRoute(app, {
    method: 'GET',
    url: '/calls',
    tag: Tag.contacts,
    summary: "The tenant's live calls (ringing, active, on hold), oldest first (supervisors)",
    params: Type.Object({ tenantId: TenantIdSchema }),
    querystring: Type.Object(
      { state: Type.Literal('live', { description: 'Only live calls are listed here' }) },
      { additionalProperties: false },
    ),
    responses: { 200: Type.Object({ calls: Type.Array(CallSchema) }) },
    errors: [],
    // Every agent's calls are a supervisor's view (the socket pushes them to supervisors only):
    // read is not enough, since agent tokens hold it; the scope to act for any agent is.
    access: { scope: Scope.agents },
    handler: ({ params }) => Promise.resolve(ok(200, { calls: calls.liveOf(params.tenantId) })),
  });
  void app.register((raw, _options, done) => {
    // Raw bodies: a chunk is bytes whatever its Content-Type says.
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: recordings.settings.recordingChunkBytesMax },
      (_request, body, parsed) => {
        parsed(null, body);
      },
    );
    chunkRoute(raw, recordings);
    done();
  });
  recordingRoutes(app, recordings);
}

const recordingAccess: Access<never, never> = { scope: Scope.agents, isForAgents: true };

/**
 * One write of a recording (start, chunk, finish): an agent's request that
 * answers with the recording's metadata or a refusal.
 */
function recordingWrite<P extends TSchema>(
  app: FastifyInstance,
  spec: {
    method: 'POST' | 'PUT';
    url: string;
    summary: string;
    params: P;
    body?: TSchema;
    status: 200 | 201;
    errors: Parameters<typeof errorCodesOf>[0]['errors'];
    run(request: FastifyRequest, params: Static<P>, caller: Caller): Recording | Rejection;
  },
): void {
  app.route({
    method: spec.method,
    url: spec.url,
    config: { access: recordingAccess },
    schema: {
      tags: [Tag.contacts],
      summary: spec.summary,
      params: spec.params,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      response: {
        [spec.status]: RecordingSchema,
        ...errorResponsesOf(app, spec.method, spec.errors, recordingAccess),
      },
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const { tenantId } = request.params as { tenantId: TenantId };
      const done = spec.run(request, request.params as Static<P>, callerOf(request, tenantId));
      if ('code' in done) return sendRejection(reply, done);
      return reply.code(spec.status).send(done);
    },
  });
}

function chunkRoute(app: FastifyInstance, recordings: CallRecordings): void {
  recordingWrite(app, {
    method: 'PUT',
    url: '/calls/:callId/recordings/:recordingId/chunks/:n',
    summary: 'Append chunk n (0, 1, 2, … in order) of a recording: the raw bytes',
    params: ChunkParamsSchema,
    status: 200,
    errors: ['not_in_call', 'recording_finished', 'chunk_out_of_order'],
    run: (request, params, caller) => {
      const { body } = request;
      if (!Buffer.isBuffer(body) || body.length === 0)
        return rejection('invalid_command', 'Send the chunk as the body.');
      return recordings.addChunk(caller, params.callId, params.recordingId, params.n, body);
    },
  });
}

function recordingRoutes(app: FastifyInstance, recordings: CallRecordings): void {
  recordingWrite(app, {
    method: 'POST',
    url: '/calls/:callId/recordings',
    summary: 'Start a recording of a live call (an agent in it); its chunks follow',
    params: CallParamsSchema,
    body: RecordingStartSchema,
    status: 201,
    errors: ['not_in_call', 'unavailable'],
    run: (request, params, caller) =>
      recordings.start(
        caller,
        params.callId,
        (request.body as Static<typeof RecordingStartSchema>).contentType,
      ),
  });
  recordingWrite(app, {
    method: 'POST',
    url: '/calls/:callId/recordings/:recordingId/finish',
    summary: 'Finish a recording: no more chunks',
    params: RecordingParamsSchema,
    status: 200,
    errors: ['not_in_call', 'recording_finished'],
    run: (_request, params, caller) => recordings.finish(caller, params.callId, params.recordingId),
  });
  app.get(
    '/calls/:callId/recordings/:recordingId',
    {
      config: { access: { scope: Scope.read } },
      schema: {
        tags: [Tag.contacts],
        summary: "Read a recording's file (the call's agents, supervisors, API keys that read)",
        params: RecordingParamsSchema,
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as Static<typeof RecordingParamsSchema>;
      const found = recordings.file(
        callerOf(request, params.tenantId),
        params.callId,
        params.recordingId,
      );
      if ('code' in found) return sendRejection(reply, found);
      return reply
        .type(found.recording.contentType)
        .header('content-length', String(found.recording.sizeBytes))
        .header('content-disposition', `inline; filename="${params.recordingId}.webm"`)
        .header('x-content-type-options', 'nosniff')
        .send(found.stream);
    },
  );
}
