/** What every mock handler shares: latency, turning a recorded answer into a Response, the transport switches. */
import { delay, HttpResponse } from 'msw';
import type { Recorded } from '../fixture-format';
import { mockState, recordedTransport } from '../state';

export const mockConfig = { latencyMs: 0 };

export const wait = async (): Promise<void> => {
  if (mockConfig.latencyMs > 0) await delay(mockConfig.latencyMs);
};

export function respond(answer: Recorded): Response {
  const init = { status: answer.status, headers: answer.headers };
  return answer.body === null ? new HttpResponse(null, init) : HttpResponse.json(answer.body, init);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Before an admin route: signed out, every /api call gets the recorded 401; in the rate-limited profile every
 * state-changing one the recorded 429; without the session's CSRF token, the recorded 403.
 */
export async function guard(request: Request): Promise<Response | undefined> {
  await wait();
  const t = recordedTransport();
  const s = mockState();
  if (!s.signedIn) return respond(t.unauthorized);
  if (!MUTATING.has(request.method)) return undefined;
  if (s.setup.transport === 'rate-limited') return respond(t.rateLimited);
  if (request.headers.get('x-csrf-token') !== t.session.body.csrfToken) return respond(t.csrfRefused);
  return undefined;
}

/** The request's JSON body ({} when there is none; a string when it is not JSON, which no schema takes). */
export async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export const queryObject = (request: Request): Record<string, string> =>
  Object.fromEntries(new URL(request.url).searchParams);
