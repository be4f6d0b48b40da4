/**
 * podup's test delivery: a ping signed like GitHub's, sent to the webhook URL podup tells operators to paste
 * into GitHub, and what the answer means. It shows the path from this host (DNS, proxy, TLS, route, secret);
 * GitHub comes from the internet, which no test from here can show. Pure.
 */
import type { WebAnswer } from '../ports/index.js';

export const TEST_DELIVERY_PREFIX = 'podup-test-';

/** The ping GitHub sends when a hook is created, in its shape, marked as podup's. */
export function testPing(url: string): string {
  return JSON.stringify({
    zen: 'podup test delivery: the path from GitHub to podup works.',
    hook_id: 0,
    hook: {
      type: 'Repository',
      id: 0,
      name: 'web',
      active: true,
      events: ['package', 'registry_package'],
      config: { content_type: 'json', insecure_ssl: '0', url },
    },
  });
}

export interface TestDeliveryVerdict {
  ok: boolean;
  /** What answered, in one line. */
  message: string;
  /** What to do about it. */
  hint: string | null;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

/** podup's own error body ({error:{code,message,hint}}), when the answer is one. */
function podupError(body: unknown): { code: string; message: string; hint: string | null } | undefined {
  const e = obj(obj(body)?.error);
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return undefined;
  return { code: e.code, message: e.message, hint: typeof e.hint === 'string' ? e.hint : null };
}

const PROXY =
  'check that the reverse proxy forwards this URL to podup unchanged (path, method, body and headers)';

export function judgeTestDelivery(url: string, delivery: string, answer: WebAnswer): TestDeliveryVerdict {
  if (answer.status === null) {
    return {
      ok: false,
      message: `nothing answered at ${url}: ${answer.error}`,
      hint: 'check that the name resolves and the port is open from this host, and that the proxy or podup.socket listens there',
    };
  }
  const { status, body } = answer;
  const said = obj(body);
  if (status >= 200 && status < 300) {
    if (said?.status === 'pong' && said.delivery === delivery) {
      return {
        ok: true,
        message: `podup answered the signed ping at ${url} in ${answer.ms} ms`,
        hint: 'GitHub must reach the same URL from the internet; its "Recent Deliveries" page shows whether it does',
      };
    }
    return {
      ok: false,
      message: `HTTP ${status} at ${url}, but not podup's answer to this ping`,
      hint: `another service answers there: ${PROXY}, and that PODUP_PUBLIC_URL names this podup`,
    };
  }
  const error = podupError(body);
  if (status === 401 && error?.code === 'SIGNATURE_INVALID') {
    return {
      ok: false,
      message: `signature mismatch at ${url}: the podup that answered checks another secret`,
      hint: 'PODUP_PUBLIC_URL leads to another podup, or the proxy changes the body; the secret in GitHub must be PODUP_GITHUB_WEBHOOK_SECRET',
    };
  }
  if (error) {
    return {
      ok: false,
      message: `podup answered HTTP ${status} ${error.code} at ${url}: ${error.message}`,
      hint: error.hint,
    };
  }
  if (status >= 300 && status < 400) {
    return {
      ok: false,
      message: `HTTP ${status} redirect at ${url}`,
      hint: 'GitHub does not follow redirects: set PODUP_PUBLIC_URL to the URL the redirect leads to (often https)',
    };
  }
  if (status === 404 || status === 405) {
    return {
      ok: false,
      message: `HTTP ${status} at ${url}: the URL does not reach podup's webhook route`,
      hint: PROXY,
    };
  }
  if (status === 502 || status === 503 || status === 504) {
    return {
      ok: false,
      message: `HTTP ${status} at ${url}: the proxy answered, podup behind it did not`,
      hint: 'check that podup.socket listens on the address the proxy forwards to (podup doctor)',
    };
  }
  return { ok: false, message: `HTTP ${status} at ${url}`, hint: PROXY };
}
