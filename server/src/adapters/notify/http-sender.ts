/**
 * Sends a message to a channel over HTTP (undici, like the registry client). A 2xx is delivered; anything else,
 * a timeout or a refused connection is a failure the dispatcher tries again. Its error names the status or the
 * network code only: the URL holds the channel's secrets, and a response body may echo them.
 */
import type { NotificationSender, SendResult } from '../../domain/ports/index.js';
import { errnoCode } from '../../errors.js';
import { serviceRequest } from './formats.js';

export function httpSender(notifySecret: string | undefined): NotificationSender {
  return {
    async send(target, message, timeoutMs): Promise<SendResult> {
      const req = serviceRequest(target, message, notifySecret);
      try {
        const { request } = await import('undici');
        const res = await request(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Drain it (keep-alive) without reading it into an error: it may echo a token.
        await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode };
        return { ok: false, status: res.statusCode, error: `${target.kind} answered HTTP ${res.statusCode}` };
      } catch (e) {
        const code = errnoCode(e) ?? (e as { code?: string }).code;
        const why =
          code ??
          (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')
            ? `no answer within ${timeoutMs} ms`
            : 'request failed');
        return { ok: false, status: null, error: `${target.kind} unreachable: ${why}` };
      }
    },
  };
}
