/**
 * Every error leaves as { error: { code, message, requestId, hint? } } with the status from ERROR_TABLE (errors.ts).
 * Fastify's own errors (body too large, bad media type, a bad URL, ...) are mapped onto our codes, including
 * those it raises before any hook runs (frameworkErrors); anything unknown is INTERNAL with a generic message,
 * and its details go to the log only. Requests Node's parser refuses never reach Fastify: client-errors.ts.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, isStorageFault, statusFor, type ErrorCode } from '../errors.js';
import { isFailedOutcome, outcomeOfStatus } from '../use-cases/origin.js';
import { answeredWithoutHooks } from './audit.js';
import type { Deps } from './deps.js';
import { applySecurityHeaders } from './security-headers.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_VALIDATION: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_NOT_FOUND: 'NOT_FOUND',
};

/** The statuses Fastify or a plugin may give an error without a code of ours. */
const STATUS_CODES: Record<number, ErrorCode> = {
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
};

/**
 * Messages that tell the caller what to change. Fastify's own messages for bad URLs quote the path: they are
 * replaced, so no caller-chosen text is reflected.
 */
function messageFor(code: ErrorCode, err: FastifyError | Error, request: FastifyRequest): string {
  const fastifyCode = (err as FastifyError).code;
  if (fastifyCode === 'FST_ERR_BAD_URL') return 'the URL path is not valid (malformed percent-encoding)';
  if (fastifyCode === 'FST_ERR_MAX_PARAM_LENGTH')
    return 'a path segment is longer than the limit of 100 characters';
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
  const status = (err as FastifyError).statusCode;
  const mapped =
    (code ? FASTIFY_CODES[code] : undefined) ?? (status !== undefined ? STATUS_CODES[status] : undefined);
  if (mapped) return new AppError(mapped, messageFor(mapped, err, request), { cause: err });
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
  // What a use case decided before failing (its commit, say) is not what happened: the error is.
  if (!isFailedOutcome(request.audit.outcome)) {
    request.audit.outcome = outcomeOfStatus(status);
    request.audit.reason = `${error.code}: ${error.message}`.slice(0, 500);
  }
  return applySecurityHeaders(reply)
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

function logError(request: FastifyRequest, err: unknown, error: AppError): void {
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
}

/**
 * Fastify's frameworkErrors: a URL it cannot route (bad percent-encoding, an over-long parameter) is answered
 * before any hook runs, so the trace, the row and the log line are made here.
 */
export function frameworkErrorHandler(
  begin: (request: FastifyRequest, reply: FastifyReply) => void,
  deps: Pick<Deps, 'services' | 'lifecycle'>,
) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    begin(request, reply);
    const error = toAppError(err, request);
    logError(request, err, error);
    sendError(request, reply, error);
    answeredWithoutHooks(request, reply, deps);
  };
}

export function installErrorHandling(
  app: FastifyInstance,
  fallback: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined = () => undefined,
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const error = toAppError(err, request);
    logError(request, err, error);
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
          `no route for ${request.method} ${(request.originalUrl.split('?')[0] ?? '').slice(0, 200)}`,
        ),
      ),
  );
}
