/**
 * Every error leaves as { error: { code, message, requestId, hint? } } with the status from ERROR_TABLE (errors.ts).
 * Fastify's own errors (body too large, bad media type, ...) are mapped onto our codes; anything unknown is
 * INTERNAL with a generic message, and its details go to the log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, isStorageFault, statusFor, type ErrorCode } from '../errors.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_VALIDATION: 'BAD_REQUEST',
};

/** Messages that tell the caller what to change, for the Fastify errors a webhook sender can hit. */
function messageFor(code: ErrorCode, err: Error, request: FastifyRequest): string {
  if (code === 'PAYLOAD_TOO_LARGE') {
    return `request body is larger than the limit of ${request.routeOptions.bodyLimit ?? 'the configured'} bytes`;
  }
  if (code === 'UNSUPPORTED_MEDIA_TYPE') {
    const ct = String(request.headers['content-type'] ?? '(none)').slice(0, 100);
    return `unsupported Content-Type ${ct}: send application/json or application/x-www-form-urlencoded`;
  }
  return err.message;
}

function toAppError(err: FastifyError | Error, request: FastifyRequest): AppError {
  if (isAppError(err)) return err;
  const code = (err as FastifyError).code;
  const mapped = code ? FASTIFY_CODES[code] : undefined;
  if (mapped) return new AppError(mapped, messageFor(mapped, err, request), { cause: err });
  const status = (err as FastifyError).statusCode;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'request body too large', { cause: err });
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', err.message, { cause: err });
  if (status !== undefined && status >= 400 && status < 500)
    return new AppError('BAD_REQUEST', err.message, { cause: err });
  return new AppError('INTERNAL', 'internal error', { cause: err });
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const status = statusFor(error.code);
  if (error.retryAfterSec !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSec))));
  for (const [k, v] of Object.entries(error.headers ?? {})) reply.header(k, v);
  if (status === 413) reply.header('connection', 'close');
  if (!request.audit.outcome) {
    request.audit.outcome = status === 429 ? 'rate-limited' : status >= 500 ? 'error' : 'rejected';
    request.audit.reason ??= `${error.code}: ${error.message}`.slice(0, 500);
  }
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({
      error: {
        code: error.code,
        message: error.message,
        requestId: request.id,
        ...(error.hint ? { hint: error.hint } : {}),
      },
    });
}

export function installErrorHandling(
  app: FastifyInstance,
  fallback: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined = () => undefined,
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const error = toAppError(err, request);
    if (error.code === 'INTERNAL') {
      request.log.error({ err }, 'request failed');
    } else if (isStorageFault(error)) {
      // The state disk's fault is logged once per interval where it is met, not once per refused request.
      request.log.debug({ code: error.code, reason: error.message }, 'request refused');
    } else if (statusFor(error.code) >= 500) {
      // A known condition (no secret configured, a part unavailable): one line, no stack.
      request.log.warn({ code: error.code, reason: error.message }, 'request refused');
    } else {
      request.log.debug({ code: error.code, msg: error.message }, 'request rejected');
    }
    return sendError(request, reply, error);
  });
  app.setNotFoundHandler(
    (request, reply) =>
      fallback(request, reply) ??
      sendError(
        request,
        reply,
        new AppError(
          'NOT_FOUND',
          `no route for ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`,
        ),
      ),
  );
}
