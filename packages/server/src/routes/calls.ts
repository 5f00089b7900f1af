import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import {
  CallIdSchema,
  CallRecordSchema,
  IceServersSchema,
  RecordingSchema,
  RecordingStartSchema,
  Role,
  Scope,
  TenantIdSchema,
  errorCodes,
  rejection,
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

function chunkRoute(app: FastifyInstance, recordings: CallRecordings): void {
  app.put(
    '/calls/:callId/recordings/:recordingId/chunks/:n',
    {
      config: { access: recordingAccess },
      schema: {
        tags: [Tag.contacts],
        summary: 'Append chunk n (0, 1, 2, … in order) of a recording: the raw bytes',
        params: ChunkParamsSchema,
        response: {
          200: RecordingSchema,
          ...errorResponsesOf(
            app,
            'PUT',
            [
              'call_not_found',
              'not_in_call',
              'recording_not_found',
              'recording_finished',
              'chunk_out_of_order',
              'unavailable',
            ],
            recordingAccess,
          ),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as Static<typeof ChunkParamsSchema>;
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0)
        return sendRejection(reply, rejection('invalid_command', 'Send the chunk as the body.'));
      const caller = callerOf(request, params.tenantId);
      const added = recordings.addChunk(caller, params.callId, params.recordingId, params.n, body);
      if ('code' in added) return sendRejection(reply, added);
      return reply.code(200).send(added);
    },
  );
}

function recordingRoutes(app: FastifyInstance, recordings: CallRecordings): void {
  app.post(
    '/calls/:callId/recordings',
    {
      config: { access: recordingAccess },
      schema: {
        tags: [Tag.contacts],
        summary: 'Start a recording of a live call (an agent in it); its chunks follow',
        params: CallParamsSchema,
        body: RecordingStartSchema,
        response: {
          201: RecordingSchema,
          ...errorResponsesOf(
            app,
            'POST',
            ['call_not_found', 'not_in_call', 'unavailable'],
            recordingAccess,
          ),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as Static<typeof CallParamsSchema>;
      const body = request.body as Static<typeof RecordingStartSchema>;
      const started = recordings.start(
        callerOf(request, params.tenantId),
        params.callId,
        body.contentType,
      );
      if ('code' in started) return sendRejection(reply, started);
      return reply.code(201).send(started);
    },
  );
  app.post(
    '/calls/:callId/recordings/:recordingId/finish',
    {
      config: { access: recordingAccess },
      schema: {
        tags: [Tag.contacts],
        summary: 'Finish a recording: no more chunks',
        params: RecordingParamsSchema,
        response: {
          200: RecordingSchema,
          ...errorResponsesOf(
            app,
            'POST',
            ['recording_not_found', 'not_in_call', 'recording_finished'],
            recordingAccess,
          ),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as Static<typeof RecordingParamsSchema>;
      const finished = recordings.finish(
        callerOf(request, params.tenantId),
        params.callId,
        params.recordingId,
      );
      if ('code' in finished) return sendRejection(reply, finished);
      return reply.code(200).send(finished);
    },
  );
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
