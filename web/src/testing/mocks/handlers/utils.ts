/** What every mock handler shares: latency, the profile's auth / rate-limit / CSRF rules, ErrorBody. */
import { delay, HttpResponse } from 'msw';
import type { ErrorBody } from '@contract';
import { getDb, RETRY_AFTER_SEC } from '../db';

export const mockConfig = { latencyMs: 0 };

let requestSeq = 0;
const requestId = () => `req-mock-${(++requestSeq).toString(36)}`;

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: { hint?: string; headers?: Record<string, string> } = {},
) {
  const body: ErrorBody = {
    error: { code, message, requestId: requestId(), ...(extra.hint ? { hint: extra.hint } : {}) },
  };
  return HttpResponse.json(body, { status, headers: extra.headers });
}

export const unauthorized = () =>
  errorResponse(401, 'UNAUTHORIZED', 'sign in, or send Authorization: Bearer <admin token>', {
    headers: { 'www-authenticate': 'Bearer realm="podup"' },
  });

export const notFound = (what: string) => errorResponse(404, 'NOT_FOUND', what);

export const wait = async () => {
  if (mockConfig.latencyMs > 0) await delay(mockConfig.latencyMs);
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The checks podup makes before a handler runs: signed in (401), under the rate limit (429 with
 * Retry-After in the rate-limited profile), and the CSRF token on state-changing requests (403).
 */
export async function guard(request: Request): Promise<Response | undefined> {
  await wait();
  const db = getDb();
  if (!db.signedIn) return unauthorized();
  if (!MUTATING.has(request.method)) return undefined;
  if (db.profile === 'rate-limited')
    return errorResponse(429, 'RATE_LIMITED', 'too many requests from this address', {
      hint: `wait ${RETRY_AFTER_SEC} s before trying again`,
      headers: { 'retry-after': String(RETRY_AFTER_SEC) },
    });
  if (request.headers.get('x-csrf-token') !== db.csrfToken)
    return errorResponse(
      403,
      'CSRF_FAILED',
      'state-changing requests from the browser need the x-csrf-token header of GET /api/session',
    );
  return undefined;
}

/** The request's JSON body, or undefined when there is none (or it is not JSON). */
export async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Symbol.for('invalid-json');
  }
}

export const queryObject = (request: Request): Record<string, string> =>
  Object.fromEntries(new URL(request.url).searchParams);

/** Like the server's time filters: unix ms, ISO 8601, or a duration back from now (24h, 7d, 30m). */
export function parseTime(text: string, now = Date.now()): number | undefined {
  const s = text.trim();
  if (/^\d{10,}$/.test(s)) return Number(s);
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i.exec(s);
  if (m) {
    const unit = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[(m[2] ?? 's').toLowerCase()] ?? 1;
    return now - Number(m[1]) * unit;
  }
  if (!/^\d{4}-\d{2}/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export const issues = (e: { issues: Array<{ path: PropertyKey[]; message: string }> }): string =>
  e.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
