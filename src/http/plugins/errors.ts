import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ERROR_CATALOGUE, type ErrorCode } from '../../lib/errors.js';

/** A validation failure from our zod validator, carrying the offending path. */
export class RequestValidationError extends Error {
  constructor(
    readonly issueMessage: string,
    readonly path: string,
  ) {
    super(path ? `${issueMessage}; Path: ${path}` : issueMessage);
    this.name = 'RequestValidationError';
  }
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
): FastifyReply {
  const { status, retryable } = ERROR_CATALOGUE[code];
  return reply.status(status).send({ code, message, retryable, requestId: request.id });
}

/** Fastify's own error codes that describe a bad request rather than a server fault. */
function mapFrameworkError(err: FastifyError): { code: ErrorCode; message: string } | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return { code: 'PAYLOAD_TOO_LARGE', message: `Request too large: ${err.message}` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        code: 'INVALID_REQUEST',
        message: 'Unsupported Content-Type: send application/json (or multipart/form-data for uploads).',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'INVALID_REQUEST', message: 'The request body is empty; send a JSON object.' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'INVALID_REQUEST', message: `Malformed JSON body: ${err.message}` };
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return {
        code: 'INVALID_REQUEST',
        message: 'The request is not multipart/form-data; upload the file in a part named "file".',
      };
    default:
      break;
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return { code: 'INVALID_REQUEST', message: `Malformed JSON body: ${err.message}` };
  }
  if (err.statusCode === 413) return { code: 'PAYLOAD_TOO_LARGE', message: err.message };
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return { code: 'INVALID_REQUEST', message: err.message };
  }
  return null;
}

/** One error handler renders every error as Extend's envelope (spec §1.4). */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) return sendError(reply, request, err.code, err.message);
    if (err instanceof RequestValidationError)
      return sendError(reply, request, 'INVALID_REQUEST', err.message);
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof RequestValidationError)
      return sendError(reply, request, 'INVALID_REQUEST', cause.message);
    const mapped = mapFrameworkError(err);
    if (mapped) return sendError(reply, request, mapped.code, mapped.message);
    request.log.error({ err }, 'unhandled error');
    return sendError(
      reply,
      request,
      'INTERNAL_ERROR',
      'An internal error occurred. Include the requestId if you contact support.',
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`),
  );
}
