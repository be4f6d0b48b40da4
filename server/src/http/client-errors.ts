/**
 * Requests Node's HTTP parser refuses (headers too large, a malformed request line or header, a request not
 * received within requestTimeout) never become Fastify requests: Node emits `clientError` on the server with the
 * raw socket. They are answered here in the one error shape with the security headers, and traced like any
 * other request (a row and a log line), since a flood of them is something an operator wants to see.
 */
import type { Socket } from 'node:net';
import { AppError, statusFor } from '../errors.js';
import { outcomeOfStatus, type RequestTrace } from '../use-cases/origin.js';
import { logRequest } from './audit.js';
import type { Deps } from './deps.js';
import { SECURITY_HEADERS } from './security-headers.js';

interface ClientError extends Error {
  code?: string;
  /** The bytes the parser was looking at (a Buffer; Fastify's types say otherwise). */
  rawPacket?: unknown;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function toAppError(err: ClientError): AppError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new AppError(
        'HEADERS_TOO_LARGE',
        'the request line and headers are larger than the server accepts',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new AppError('REQUEST_TIMEOUT', 'the request was not received in time');
    default:
      // llhttp's reason ("Invalid header token") names the rule broken without quoting the request.
      return new AppError(
        'BAD_REQUEST',
        `malformed HTTP request (${err.code ?? 'parse error'}: ${err.message.replace(/^Parse Error: /, '')})`.slice(
          0,
          200,
        ),
      );
  }
}

/** Method and path from the request line, when the bytes still hold a sane one. */
function requestLine(raw: unknown): { method: string; route: string } {
  const text = Buffer.isBuffer(raw) ? raw.subarray(0, 256).toString('latin1') : '';
  const m = /^([A-Z]{1,20}) (\/[\x21-\x7e]{0,199})/.exec(text);
  return m
    ? { method: m[1] ?? '-', route: (m[2] ?? '').split('?')[0] ?? '' }
    : { method: '-', route: '(unparsed)' };
}

function rawResponse(status: number, requestId: string, body: string): string {
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-request-id': requestId,
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Whether a response on this socket has begun: then nothing may be written in front of it (as Node does). */
function responseStarted(socket: Socket): boolean {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  return inFlight?.headersSent === true;
}

export function clientErrorHandler(
  deps: Pick<Deps, 'services' | 'logger'>,
  nextRequestId: () => string,
): (err: ClientError, socket: Socket) => void {
  return (err, socket) => {
    // A reset or a closed socket: no request to answer, nobody to tell.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const startedAt = performance.now();
    const error = toAppError(err);
    const status = statusFor(error.code);
    const id = nextRequestId();
    const trace: RequestTrace = {
      id,
      ...requestLine(err.rawPacket),
      source: socket.remoteAddress ?? null,
      elapsedMs: () => performance.now() - startedAt,
      fields: { outcome: outcomeOfStatus(status), reason: `${error.code}: ${error.message}` },
      recorded: false,
    };
    if (socket.writable && !responseStarted(socket)) {
      const body = JSON.stringify({ error: { code: error.code, message: error.message, requestId: id } });
      socket.end(rawResponse(status, id, body), () => socket.destroy());
    } else {
      socket.destroy();
    }
    void deps.services.audit.record(trace, status);
    logRequest(deps.logger.child({ reqId: id }), trace, status);
  };
}
