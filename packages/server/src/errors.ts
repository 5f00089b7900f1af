import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorCodes, rejection, type ErrorCode, type Rejection } from '@lineup/protocol';
import type { ErrorBody } from './schemas.ts';

/*
 * The edge of STYLE.md's Errors: every refusal leaves as one body,
 * `{ error: { code, message, details? } }`, with the status the registry maps
 * its code to. Fastify's own failures (validation, JSON, body size, routing)
 * are turned into the same body here; anything else is a bug: it is logged
 * once with its cause and leaves as `internal`, without its stack.
 */

/** Schema problems listed in an invalid_command, at most: as many as the engine lists. */
export const problemsMax = 5;

/** The error body of a rejection. */
export function errorBody(refusal: Rejection): ErrorBody {
  const { code, message, details } = refusal;
  return details === undefined
    ? { error: { code, message } }
    : { error: { code, message, details: { ...details } } };
}

/** The HTTP status of a rejection. */
export const statusOf = (refusal: Rejection): number => errorCodes[refusal.code].status;

/**
 * Sends a rejection with its status and the one error body. A client's
 * mistake is logged at info with its code (someone may look, nobody must
 * act); server errors are logged where they are caught, with their cause.
 */
export function sendRejection(reply: FastifyReply, refusal: Rejection): FastifyReply {
  const status = statusOf(refusal);
  if (status < 500) reply.log.info({ code: refusal.code }, 'request refused');
  return reply.code(status).send(errorBody(refusal));
}

interface ValidationProblem {
  keyword?: string;
  instancePath?: string;
  message?: string;
}

/**
 * TypeBox reports an unknown field twice: as a false schema at the field's
 * path ("schema is false") and as additionalProperties at its parent. Keep
 * the one that names the field, in words that say what to do.
 */
function readable(problems: readonly ValidationProblem[]): ValidationProblem[] {
  const namesField = problems.some((problem) => problem.keyword === 'boolean');
  return problems
    .filter((problem) => !(namesField && problem.keyword === 'additionalProperties'))
    .map((problem) =>
      problem.keyword === 'boolean' ? { ...problem, message: 'is not a known field' } : problem,
    );
}

/** An invalid_command naming the request's problems as JSON pointers into {params, querystring, body}. */
function validationRejection(error: FastifyError): Rejection {
  const part = error.validationContext ?? 'body';
  const problems = readable(error.validation ?? [])
    .slice(0, problemsMax)
    .map((problem) => ({
      path: `/${part}${problem.instancePath ?? ''}`,
      message: problem.message ?? 'is not valid',
    }));
  const first = problems[0];
  const message =
    first === undefined
      ? `The request's ${part} is not valid; see the API reference.`
      : `The request is not valid: ${first.path} ${first.message}. Fix the fields named in details.`;
  return rejection('invalid_command', message, { problems });
}

/** Codes for Fastify's own 4xx errors that have no better mapping below. */
const codeByStatus: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_command',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'invalid_command',
  429: 'rate_limited',
  503: 'unavailable',
};

/** The rejection a Fastify error stands for, or null when it is not a client error (a bug). */
export function rejectionOfFastifyError(error: FastifyError): Rejection | null {
  if (error.validation !== undefined) return validationRejection(error);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return rejection(
        'invalid_command',
        'The body is not valid JSON; send a JSON object, or no body at all.',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return rejection(
        'invalid_command',
        'Send the body as JSON, with Content-Type: application/json.',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return rejection('payload_too_large');
    default:
      break;
  }
  // Other client errors Fastify raises (bad URL, content length, prototype poisoning).
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return null;
  const code = codeByStatus[status] ?? 'invalid_command';
  return rejection(
    code,
    code === 'invalid_command' ? `The request is not valid: ${error.message}.` : undefined,
  );
}

/** Fastify's error handler: a client error gets its code, anything else becomes `internal`. */
export function handleError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const refusal = rejectionOfFastifyError(error);
  if (refusal !== null) return sendRejection(reply, refusal);
  request.log.error({ err: error }, 'request failed');
  return sendRejection(reply, rejection('internal'));
}
