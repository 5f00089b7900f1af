import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import {
  Role,
  Scope,
  TenantIdSchema,
  asCustomerId,
  asQueueId,
  chatTextLengthMax,
  errorCodes,
  rejection,
  type Rejection,
  type TenantId,
} from '@lineup/protocol';
import { grants, type Auth } from '../auth.ts';
import type { Chat } from '../chat.ts';
import type { Clock } from '../clock.ts';
import { errorBody, rejectionOfFastifyError } from '../errors.ts';
import type { Feedback } from '../feedback.ts';
import { tenantNotFound, type Host } from '../host.ts';
import { RateLimiter } from '../rate-limit.ts';
import type { Records } from '../records.ts';
import { MediaType, mediaTypeOf, type WebChat, type WebChatSession } from './web-chat.ts';

/*
 * Huawei's web-chat REST (docs/compat.md, "Huawei web chat"), served under
 * /compat/huawei/{tenantId}/apiaccess/ccmessaging/: a client that called
 * https://domain/apiaccess/ccmessaging/poll calls the same path under that
 * prefix. Paths, field names and `resultCode` "0" are Huawei's; a refusal has
 * the HTTP status of Lineup's registry and carries its code twice, as Huawei's
 * `resultCode`/`resultDesc` and as Lineup's one error body, so that both a
 * Huawei client (resultCode !== "0") and a Lineup one read it.
 *
 * These routes are hidden from Lineup's OpenAPI document: their shapes are
 * another product's contract, documented in docs/compat.md.
 */

/** The prefix of the web-chat routes; `:tenantId` is the tenant. */
export const webChatPrefix = '/compat/huawei/:tenantId/apiaccess/ccmessaging';
/** The header that carries the session's token, as Huawei names it. */
export const webChatTokenHeader = 'ccmessaging-token';
/** Most history messages one queryHistoryChatMessage answers. */
export const historyLimitMax = 100;
/** Most contacts whose transcripts a history reads (the newest). */
export const historyContactsMax = 50;

/** The file types uploadFileStream takes, with the content type each is kept as. */
export const uploadFileTypes: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  aac: 'audio/aac',
  wav: 'audio/wav',
  amr: 'audio/amr',
  mp4: 'video/mp4',
  txt: 'text/plain',
  csv: 'text/csv',
  pdf: 'application/pdf',
};

const id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' });
const channel = Type.Optional(Type.Literal('WEB'));
/** Huawei sends numbers as strings; both are taken. */
const count = (maximum: number) =>
  Type.Union([Type.Integer({ minimum: 0, maximum }), Type.String({ pattern: '^[0-9]{1,9}$' })]);
const epochMs = Type.Optional(
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]{1,15}$' })]),
);

const ApplyTokenBody = Type.Object(
  {
    userId: id,
    userName: Type.String({ minLength: 1, maxLength: 200 }),
    channelId: id,
    locale: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  },
  { additionalProperties: false },
);
const SendBody = Type.Object(
  {
    channel,
    controlType: Type.Enum(['CONNECT', 'CHAT', 'TRANS2AGENT', 'DISCONNECT']),
    mediaType: Type.Enum(['TEXT', 'IMAGE', 'AUDIO', 'VIDEO', 'FILE']),
    sourceType: Type.Enum(['CUSTOMER', 'AGENT', 'ROBOT']),
    content: Type.Optional(Type.String({ maxLength: chatTextLengthMax })),
    from: id,
    to: id,
    senderNickname: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    senderAvatar: Type.Optional(Type.Union([Type.String({ maxLength: 2_000 }), Type.Null()])),
    userAgent: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    timestamp: epochMs,
  },
  { additionalProperties: false },
);
const PollQuery = Type.Object(
  {
    receiverId: Type.Optional(id),
    channel,
    cursor: Type.Optional(Type.Integer({ minimum: 0 })),
    waitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
  },
  { additionalProperties: false },
);
const QueueInfoBody = Type.Object(
  { userId: Type.Optional(id), channelConfigId: Type.Optional(id), channel },
  { additionalProperties: false },
);
const UploadBody = Type.Object(
  {
    channel,
    fileType: Type.String({ minLength: 1, maxLength: 10 }),
    fileStream: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9+/]+={0,2}$' }),
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\]+$' })),
  },
  { additionalProperties: false },
);
const DownloadBody = Type.Object(
  {
    channel,
    fileId: Type.String({ minLength: 1, maxLength: 64 }),
    fileType: Type.Optional(Type.String({ maxLength: 20 })),
    multiMedia: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
const SatisfactionBody = Type.Object(
  {
    channel,
    userId: Type.Optional(id),
    evaluation: Type.Union([
      Type.Integer({ minimum: 1, maximum: 5 }),
      Type.String({ pattern: '^[1-5]$' }),
    ]),
    comment: Type.Optional(Type.String({ maxLength: 512 })),
    channelConfigId: Type.Optional(id),
  },
  { additionalProperties: false },
);
const LeaveMessageBody = Type.Object(
  {
    channel,
    callId: Type.Optional(id),
    caller: Type.String({ minLength: 1, maxLength: 32, pattern: '^[+0-9*#() .-]*$' }),
    leaveMessage: Type.String({ minLength: 1, maxLength: 5_000 }),
  },
  { additionalProperties: false },
);
const HistoryBody = Type.Object(
  {
    channel,
    channelId: Type.Optional(id),
    userId: Type.Optional(id),
    startTime: epochMs,
    endTime: epochMs,
    limit: count(historyLimitMax),
    offset: count(10_000),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ tenantId: TenantIdSchema });

/** What the web-chat routes need of the server. */
export interface WebChatServices {
  webChat: WebChat;
  host: Host;
  auth: Auth;
  chat: Chat;
  feedback: Feedback;
  records: Records;
  clock: Clock;
}

/** A Huawei success body: resultCode "0" and what the route adds. */
type Success = { resultCode: '0'; resultDesc: string } & Record<string, unknown>;

const success = (resultDesc: string, fields: Record<string, unknown> = {}): Success => ({
  resultCode: '0',
  resultDesc,
  ...fields,
});

/** Sends a refusal as Huawei's resultCode/resultDesc plus Lineup's one error body. */
function sendRefusal(reply: FastifyReply, refusal: Rejection): FastifyReply {
  const { status } = errorCodes[refusal.code];
  if (status < 500) reply.log.info({ code: refusal.code }, 'web chat request refused');
  return reply
    .code(status)
    .send({ resultCode: refusal.code, resultDesc: refusal.message, ...errorBody(refusal) });
}

const asCount = (value: number | string): number => Number(value);

/** Registers the web-chat routes on the app (encapsulated: their own error body). */
export function webChatRoutes(app: FastifyInstance, services: WebChatServices): void {
  void app.register(
    (scope, _options, done) => {
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        const refusal = rejectionOfFastifyError(error);
        if (refusal !== null) return sendRefusal(reply, refusal);
        request.log.error({ err: error }, 'web chat request failed');
        return sendRefusal(reply, rejection('internal'));
      });
      registerAll(scope, services);
      done();
    },
    { prefix: webChatPrefix },
  );
}

/** One route: its schemas, and a handler that answers a success body or a refusal. */
function route<B extends TSchema, Q extends TSchema>(
  app: FastifyInstance,
  services: WebChatServices,
  limiter: RateLimiter,
  spec: {
    method: 'GET' | 'POST';
    url: string;
    body?: B;
    querystring?: Q;
    bodyLimit?: number;
    /** False for applyToken, which authenticates with a Lineup credential instead of a session. */
    isSessionNeeded?: boolean;
    handler: (input: {
      tenantId: TenantId;
      session: WebChatSession | null;
      body: Static<B>;
      query: Static<Q>;
      request: FastifyRequest;
    }) => Success | Rejection | Promise<Success | Rejection>;
  },
): void {
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit === undefined ? {} : { bodyLimit: spec.bodyLimit }),
    schema: {
      hide: true,
      params: Params,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      ...(spec.querystring === undefined ? {} : { querystring: spec.querystring }),
    },
    handler: async (request, reply) => {
      const { tenantId } = request.params as { tenantId: TenantId };
      if (!services.host.hasTenant(tenantId)) return sendRefusal(reply, tenantNotFound(tenantId));
      const header = request.headers[webChatTokenHeader];
      const token = typeof header === 'string' ? header : undefined;
      const isSessionNeeded = spec.isSessionNeeded !== false;
      const found = isSessionNeeded ? services.webChat.session(token) : null;
      // A token of another tenant is no token here: nobody learns another tenant's sessions.
      const session =
        found !== null && !('code' in found) && found.tenantId === tenantId ? found : null;
      // Only a live session spends from a bucket of its own: guessed tokens share their
      // address's, so that guessing can neither grow the buckets nor escape the limit.
      const waitMs = limiter.take(session === null ? `address ${request.ip}` : session.token);
      if (waitMs > 0) {
        void reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
        return sendRefusal(
          reply,
          rejection('rate_limited', `Too many requests; retry in ${waitMs} ms.`, {
            retryAfterMs: waitMs,
          }),
        );
      }
      if (isSessionNeeded && session === null) {
        return sendRefusal(
          reply,
          found !== null && 'code' in found
            ? found
            : rejection('unauthorized', 'The ccmessaging-token is unknown.'),
        );
      }
      if (session !== null) void reply.header(webChatTokenHeader, session.token);
      const answer = await spec.handler({
        tenantId,
        session,
        body: request.body as Static<B>,
        query: request.query as Static<Q>,
        request,
      });
      if (!('resultCode' in answer)) return sendRefusal(reply, answer);
      return reply.code(200).send(answer);
    },
  });
}

function registerAll(app: FastifyInstance, services: WebChatServices): void {
  const { webChat, chat } = services;
  const limiter = new RateLimiter(
    { perSecond: webChat.settings.requestsPerSecond, burst: webChat.settings.requestBurst },
    services.clock,
  );
  const must = (session: WebChatSession | null): WebChatSession => {
    if (session === null) throw new Error('a session route runs with its session');
    return session;
  };

  route(app, services, limiter, {
    method: 'POST',
    url: '/applyToken',
    body: ApplyTokenBody,
    isSessionNeeded: false,
    handler: async ({ tenantId, body, request }) => {
      const denied = await refusalOfApplicant(services.auth, tenantId, request, body.userId);
      if (denied !== null) return denied;
      const opened = webChat.open(tenantId, {
        customerId: body.userId,
        name: body.userName,
        queueId: asQueueId(body.channelId),
        locale: body.locale ?? null,
      });
      if ('code' in opened) return opened;
      return success('token applied', { token: opened.token });
    },
  });

  route(app, services, limiter, {
    method: 'POST',
    url: '/send',
    body: SendBody,
    handler: async ({ session, body }) => {
      const own = must(session);
      if (body.sourceType !== 'CUSTOMER' || body.from !== own.customerId) {
        return rejection(
          'forbidden',
          'A web client sends as its own customer: sourceType CUSTOMER, from its userId.',
        );
      }
      if (body.to !== own.queueId) {
        return rejection(
          'invalid_command',
          `Send to the channelId of applyToken, ${own.queueId}.`,
          {
            problems: [{ path: '/body/to', message: `must be ${own.queueId}` }],
          },
        );
      }
      const done = await sent(webChat, own, body);
      return typeof done === 'string' ? success(done) : done;
    },
  });

  route(app, services, limiter, {
    method: 'GET',
    url: '/poll',
    querystring: PollQuery,
    handler: async ({ session, query }) => {
      const own = must(session);
      if (query.receiverId !== undefined && query.receiverId !== own.customerId) {
        return rejection('forbidden', 'A session polls only its own customer’s messages.');
      }
      const polled = await webChat.poll(own, {
        waitMs: query.waitMs ?? webChat.settings.pollWaitMsMax,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
      return success('query user messages success', {
        downlinkMessages: polled.messages,
        cursor: polled.cursor,
      });
    },
  });

  route(app, services, limiter, {
    method: 'POST',
    url: '/queryQueueInfo',
    body: QueueInfoBody,
    handler: ({ session }) => queueInfo(services, must(session)),
  });

  route(app, services, limiter, {
    method: 'POST',
    url: '/uploadFileStream',
    body: UploadBody,
    // Base64 makes 3 bytes 4 characters; room for the other fields.
    bodyLimit: Math.ceil(chat.attachmentBytesMax / 3) * 4 + 64 * 1024,
    handler: ({ session, body }) => {
      const own = must(session);
      const contactId = webChat.liveContact(own);
      if (typeof contactId !== 'string') return contactId;
      const extension = body.fileType.toLowerCase();
      const contentType = uploadFileTypes[extension];
      if (contentType === undefined) {
        return rejection(
          'invalid_command',
          `fileType must be one of ${Object.keys(uploadFileTypes).join(', ')}.`,
          {
            problems: [{ path: '/body/fileType', message: 'is not a known file type' }],
          },
        );
      }
      const bytes = Buffer.from(body.fileStream, 'base64');
      if (bytes.length > chat.attachmentBytesMax) return rejection('payload_too_large');
      const attached = chat.attach(
        own.tenantId,
        contactId,
        { role: Role.customer, id: own.customerId },
        {
          name: body.fileName ?? `file.${extension}`,
          contentType,
          bytes,
        },
      );
      if ('code' in attached) return attached;
      return success('upload success', { returnCode: '0', objectKey: attached.id });
    },
  });

  route(app, services, limiter, {
    method: 'POST',
    url: '/downloadFileStream',
    body: DownloadBody,
    handler: ({ session, body }) => {
      const own = must(session);
      const found = chat.attachment(own.tenantId, body.fileId);
      // Another customer's file does not exist for this one.
      if (found?.customerId !== own.customerId) {
        return rejection('not_found', 'No file of this chat has this fileId.');
      }
      return success('download success', {
        fileStream: found.bytes.toString('base64'),
        fileName: found.attachment.name,
        contentType: found.attachment.contentType,
        mediaType: mediaTypeOf(found.attachment.contentType),
      });
    },
  });

  route(app, services, limiter, {
    method: 'POST',
    url: '/saveSatisfaction',
    body: SatisfactionBody,
    handler: ({ session, body }) => {
      const own = must(session);
      if (own.lastContactId === null) {
        return rejection('contact_not_found', 'This session has had no chat to rate.');
      }
      const rating = services.feedback.rate(own.tenantId, own.lastContactId, {
        score: Number(body.evaluation),
        ...(body.comment === undefined || body.comment === '' ? {} : { comment: body.comment }),
      });
      if ('code' in rating) return rating;
      return success('satisfaction saved', { returnCode: '0', callId: rating.contactId });
    },
  });

  route(app, services, limiter, {
    method: 'POST',
    url: '/doLeaveMessage',
    body: LeaveMessageBody,
    handler: ({ session, body }) => {
      const own = must(session);
      const message = services.feedback.leaveMessage(own.tenantId, own.queueId, {
        customer: { id: asCustomerId(own.customerId), name: own.name, number: body.caller },
        text: body.leaveMessage,
      });
      if ('code' in message) return message;
      return success('message saved', { messageId: message.id });
    },
  });

  route(app, services, limiter, {
    method: 'POST',
    url: '/queryHistoryChatMessage',
    body: HistoryBody,
    handler: ({ session, body }) => {
      const own = must(session);
      if (body.userId !== undefined && body.userId !== own.customerId) {
        return rejection('forbidden', 'A session reads only its own customer’s history.');
      }
      return success('success', { messageList: history(services, own, body) });
    },
  });
}

/** What a send does, by its controlType. */
function sent(
  webChat: WebChat,
  session: WebChatSession,
  body: Static<typeof SendBody>,
): Rejection | Promise<string | Rejection> {
  switch (body.controlType) {
    case 'CONNECT':
      return webChat.connect(session);
    case 'TRANS2AGENT':
      return webChat.toAgent(session);
    case 'DISCONNECT':
      return webChat.disconnect(session);
    case 'CHAT': {
      const content = body.content ?? '';
      if (content === '') {
        return rejection('invalid_command', 'A CHAT message needs its content.', {
          problems: [{ path: '/body/content', message: 'must not be empty' }],
        });
      }
      if (body.mediaType === MediaType.TEXT) return webChat.say(session, { text: content });
      // IMAGE, AUDIO, VIDEO carry the objectKey; FILE carries name,size,objectKey,type.
      const attachmentId = body.mediaType === MediaType.FILE ? content.split(',')[2] : content;
      if (attachmentId === undefined || attachmentId === '') {
        return rejection(
          'invalid_command',
          'A FILE message’s content is name,size,objectKey,type.',
        );
      }
      return webChat.say(session, { attachmentId });
    }
  }
}

/**
 * Who may apply for a session: a Lineup API key of the tenant with the
 * `tokens` scope (your back-end, for any userId), the operator, or a
 * customer token of the tenant for its own subject (the page itself).
 */
async function refusalOfApplicant(
  auth: Auth,
  tenantId: TenantId,
  request: FastifyRequest,
  userId: string,
): Promise<Rejection | null> {
  const principal = await auth.authenticate(request.headers.authorization);
  if ('code' in principal) return principal;
  switch (principal.kind) {
    case 'operator':
      return null;
    case 'key':
      if (principal.tenantId === tenantId && grants(principal.scopes, Scope.tokens)) return null;
      return rejection(
        'forbidden',
        'applyToken needs an API key of this tenant with the tokens scope.',
      );
    case 'token':
      if (
        principal.tenantId === tenantId &&
        principal.role === Role.customer &&
        principal.subject === userId
      )
        return null;
      return rejection('forbidden', 'A customer token applies only for its own userId.');
  }
}

/** queryQueueInfo: the place in line, waits in seconds (Huawei's fields). */
function queueInfo(services: WebChatServices, session: WebChatSession): Success | Rejection {
  const contactId = services.webChat.liveContact(session);
  if (typeof contactId !== 'string') return contactId;
  const view = services.host.view(session.tenantId);
  const contact = view?.contact(contactId) ?? null;
  const place = view?.placeOf(contactId) ?? null;
  if (contact === null || place === null) {
    return rejection('contact_not_waiting', 'The chat is not waiting in line (an agent has it).', {
      contactId,
    });
  }
  const nowMs = services.clock.nowMs();
  const status = view?.queueStatus(contact.queueId) ?? null;
  const settings = view?.queue(contact.queueId) ?? null;
  const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));
  return success('queuing', {
    position: place.position,
    totalWaitTime: seconds(nowMs - contact.joinedAtMs),
    currentDeviceWaitTime: seconds(nowMs - contact.placeAtMs),
    configMaxcWaitTime: seconds(settings?.maxWaitMs ?? null),
    longestWaitTime: seconds(
      status?.longestWaitingSinceMs == null ? null : nowMs - status.longestWaitingSinceMs,
    ),
    estimateWaitTime: seconds(place.ewtMs),
  });
}

/** queryHistoryChatMessage: the customer's conversations, newest first, in the time window. */
function history(
  services: WebChatServices,
  session: WebChatSession,
  body: Static<typeof HistoryBody>,
): Record<string, unknown>[] {
  const fromMs = body.startTime === undefined ? 0 : Number(body.startTime);
  const toMs = body.endTime === undefined ? Number.MAX_SAFE_INTEGER : Number(body.endTime);
  const { contacts } = services.records.history(session.tenantId, session.customerId, {
    limit: historyContactsMax,
  });
  const rows = contacts.flatMap((contact) =>
    (services.chat.transcript(session.tenantId, contact.id)?.messages ?? []).map((entry) => ({
      contact,
      entry,
    })),
  );
  return rows
    .filter(({ entry }) => entry.atMs >= fromMs && entry.atMs <= toMs)
    .sort((a, b) => b.entry.atMs - a.entry.atMs || b.entry.seq - a.entry.seq)
    .slice(asCount(body.offset), asCount(body.offset) + asCount(body.limit))
    .map(({ contact, entry }) => ({
      id: `${contact.id}-${entry.seq}`,
      channel: 'WEB',
      channelConfigId: contact.firstQueueId,
      userId: session.customerId,
      senderNickname: entry.from.name ?? entry.from.id,
      sendTime: entry.atMs,
      controlType: 'CHAT',
      sourceType: entry.from.role === Role.customer ? 'CUSTOMER' : 'AGENT',
      mediaType: entry.attachment === null ? 'TEXT' : mediaTypeOf(entry.attachment.contentType),
      content: entry.attachment === null ? (entry.text ?? '') : entry.attachment.id,
      callId: contact.id,
    }));
}
