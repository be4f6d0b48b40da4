/**
 * The WebClient port over undici (like the registry client and the notification sender). Reads at most 64 KiB
 * of an answer and parses it when it says it is JSON; a refused connection, a TLS or DNS failure and a server
 * that does not answer in time come back as an answer without a status, named by their code.
 */
import type { WebAnswer, WebClient } from '../../domain/ports/index.js';
import { errnoCode } from '../../errors.js';

const MAX_BODY = 64 * 1024;

async function readSome(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}

function parsed(text: string, contentType: string | string[] | undefined): unknown {
  if (!String(contentType ?? '').includes('json')) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function httpWebClient(): WebClient {
  return {
    async post(url, headers, body, timeoutMs): Promise<WebAnswer> {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      try {
        const { request } = await import('undici');
        const res = await request(url, {
          method: 'POST',
          headers,
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await readSome(res.body);
        res.body.destroy();
        return { status: res.statusCode, ms: ms(), body: parsed(text, res.headers['content-type']) };
      } catch (e) {
        const code = errnoCode(e) ?? (e as { code?: string }).code;
        const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        const error = timedOut ? `no answer within ${timeoutMs} ms` : (code ?? 'request failed');
        return { status: null, ms: ms(), error };
      }
    },
  };
}
