import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  Role,
  Scope,
  TenantIdSchema,
  rejection,
  type ContactId,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import type { Chat, Writer } from '../chat.ts';
import { sendRejection } from '../errors.ts';
import { ContactParamsSchema } from '../schemas.ts';
import { Tag, addRoute, ok, refusalOfOwnership, type Access } from './route.ts';

/*
 * Chat over REST (docs/api.md, Chat): a contact's transcript, live or ended,
 * and its attachments — uploaded as the raw body, read back as files.
 * Messages themselves travel on the WebSocket.
 */

const ChatPartySchema = Type.Object({
  role: Type.Enum(['customer', 'agent', 'supervisor']),
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
});
const ChatAttachmentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  contentType: Type.String(),
  bytes: Type.Integer({ minimum: 0 }),
});
const TranscriptSchema = Type.Object(
  {
    contactId: Type.String(),
    customerId: Type.String(),
    messages: Type.Array(
      Type.Object({
        seq: Type.Integer({ minimum: 1 }),
        from: ChatPartySchema,
        text: Type.Union([Type.String(), Type.Null()]),
        attachment: Type.Union([ChatAttachmentSchema, Type.Null()]),
        atMs: Type.Integer({ minimum: 0 }),
      }),
    ),
    readUpToSeq: Type.Object(
      {
        customer: Type.Integer({ minimum: 0 }),
        agent: Type.Integer({ minimum: 0 }),
      },
      {
        description:
          'The read receipts: the highest seq the customer, and any agent, said it read (chat.read); 0 before any. A page that reloads shows them again.',
      },
    ),
  },
  { description: 'The conversation of a contact, oldest message first' },
);

/** What an attachment may be called: 1–200 characters, no path, no control characters. */
function isFileName(name: string): boolean {
  if (name.length === 0 || name.length > 200) return false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    // '/' and '\\' would make a path; below 0x20 are control characters.
    if (code < 0x20 || code === 0x2f || code === 0x5c) return false;
  }
  return true;
}
/** A MIME type as the upload's Content-Type gives it. */
const contentTypePattern = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;
/** Types a browser may show in place: the rest are downloads. */
const inlineTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Who writes, for a checked caller: a person as itself, a back-end as the tenant's supervisor. */
function writerOf(request: FastifyRequest): Writer {
  const { principal } = request;
  if (principal?.kind === 'token') return { role: principal.role, id: principal.subject };
  return {
    role: Role.supervisor,
    id: principal?.kind === 'key' ? `key:${principal.keyId}` : 'operator',
  };
}

/** Registers the chat routes under /v1/tenants/:tenantId. */
export function chatRoutes(app: FastifyInstance, chat: Chat): void {
  const customerOfContact = ({
    params,
  }: {
    params: { tenantId: TenantId; contactId: ContactId };
  }) => chat.customerOf(params.tenantId, params.contactId);

  addRoute(app, {
    method: 'GET',
    url: '/contacts/:contactId/transcript',
    tag: Tag.contacts,
    summary: "A contact's chat transcript, live or ended",
    params: ContactParamsSchema,
    responses: { 200: TranscriptSchema },
    errors: ['contact_not_found'],
    access: { scope: Scope.read, customerOf: customerOfContact },
    handler: ({ params }) => {
      const transcript = chat.transcript(params.tenantId, params.contactId);
      return Promise.resolve(
        transcript === null
          ? rejection('contact_not_found', `Contact ${params.contactId} has no conversation.`, {
              contactId: params.contactId,
            })
          : ok(200, transcript),
      );
    },
  });

  // Raw bodies: the upload route reads any type as bytes, JSON included.
  void app.register((files, _options, done) => {
    files.removeAllContentTypeParsers();
    files.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: chat.attachmentBytesMax },
      (_request, body, parsed) => {
        parsed(null, body);
      },
    );
    uploadRoute(files, chat);
    done();
  });
  downloadRoute(app, chat);
}

function uploadRoute(app: FastifyInstance, chat: Chat): void {
  const access: Access<{ tenantId: TenantId; contactId: ContactId }, unknown> = {
    scope: Scope.contacts,
    isForAgents: true,
    customerOf: ({ params }) => chat.customerOf(params.tenantId, params.contactId),
  };
  app.post(
    '/contacts/:contactId/attachments',
    {
      config: { access: access },
      schema: {
        tags: [Tag.contacts],
        summary:
          "Upload a file to a contact's conversation: the raw body, its Content-Type, ?name=",
        params: ContactParamsSchema,
        querystring: Type.Object({
          name: Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, description: 'The file name shown' }),
          ),
        }),
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as { tenantId: TenantId; contactId: ContactId };
      const { name = 'attachment' } = request.query as { name?: string };
      const denied = refusalOfOwnership(request.principal, access, { params, body: undefined });
      if (denied !== null) return sendRejection(reply, denied);
      const contentType = request.headers['content-type'] ?? 'application/octet-stream';
      const problem = uploadProblem(name, contentType, request.body);
      if (problem !== null) return sendRejection(reply, problem);
      const attached = chat.attach(params.tenantId, params.contactId, writerOf(request), {
        name,
        contentType: contentType.toLowerCase(),
        bytes: request.body as Buffer,
      });
      if ('code' in attached) return sendRejection(reply, attached);
      return reply.code(201).send(attached);
    },
  );
}

function uploadProblem(name: string, contentType: string, body: unknown): Rejection | null {
  if (!isFileName(name)) {
    return rejection('invalid_command', 'The file name must be 1–200 characters, without a path.');
  }
  if (!contentTypePattern.test(contentType)) {
    return rejection('invalid_command', 'Send the file with its Content-Type, e.g. image/png.');
  }
  if (!Buffer.isBuffer(body) || body.length === 0) {
    return rejection('invalid_command', 'Send the file as the request body.');
  }
  return null;
}

function downloadRoute(app: FastifyInstance, chat: Chat): void {
  const AttachmentParams = Type.Object({
    tenantId: TenantIdSchema,
    attachmentId: Type.String({ minLength: 1, maxLength: 64 }),
  });
  const access: Access<{ tenantId: TenantId; attachmentId: string }, unknown> = {
    scope: Scope.read,
    customerOf: ({ params }) => chat.attachmentCustomerOf(params.tenantId, params.attachmentId),
  };
  app.get(
    '/attachments/:attachmentId',
    {
      config: { access: access },
      schema: {
        tags: [Tag.contacts],
        summary: 'Read an attachment of a conversation (the file itself)',
        params: AttachmentParams,
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as { tenantId: TenantId; attachmentId: string };
      const denied = refusalOfOwnership(request.principal, access, { params, body: undefined });
      if (denied !== null) return sendRejection(reply, denied);
      const found = chat.attachment(params.tenantId, params.attachmentId);
      if (found === null) {
        return sendRejection(reply, rejection('not_found', 'No attachment has this id.'));
      }
      const { attachment, bytes } = found;
      const disposition = inlineTypes.has(attachment.contentType) ? 'inline' : 'attachment';
      return reply
        .type(attachment.contentType)
        .header(
          'content-disposition',
          `${disposition}; filename="${encodeURIComponent(attachment.name)}"`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(bytes);
    },
  );
}
