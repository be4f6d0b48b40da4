/**
 * Talks to the app on the fakes the way the task panel does (a signed-in session cookie and its CSRF token,
 * the panel's origin), and keeps each answer as a Recorded: status, the body, and the few headers the panel
 * reads. GitHub's deliveries are signed with the tests' secret and carry ids the scenario chooses.
 */
import type { Recorded } from '../../web/src/testing/mocks/fixture-format.js';
import type { FakeTestApp } from '../helpers/app.js';
import { ADMIN_TOKEN, sign } from '../helpers/github.js';
import { drain } from './simulated-time.js';

/** The host the recordings are made on; the mocks put the browser's own origin in its place. */
export const RECORDED_HOST = 'podup.recorded.invalid';
export const RECORDED_ORIGIN = `http://${RECORDED_HOST}`;

/** The headers a recording keeps: what the panel reads besides the body. */
const KEPT_HEADERS = ['retry-after', 'www-authenticate', 'content-type'];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Call {
  headers?: Record<string, string>;
  /** Send without the session (and its CSRF token). */
  anonymous?: boolean;
  /** Send the session cookie but no CSRF token. */
  noCsrf?: boolean;
}

export class PanelClient {
  private cookie: string | undefined;
  private csrf: string | undefined;
  private bearer: string | undefined;
  private deliveries = 0;

  /** `seen` gets every answer as it arrives (the session learns task ids in the order they appear). */
  constructor(
    readonly t: FakeTestApp,
    private readonly seen: (answer: Recorded) => void = () => {},
  ) {}

  async signIn(token = ADMIN_TOKEN): Promise<Recorded> {
    const res = await this.t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { host: RECORDED_HOST },
      payload: { token },
    });
    const answer = this.keep(res);
    if (res.statusCode === 200) {
      this.cookie = String(res.headers['set-cookie']).split(';')[0];
      this.csrf = (answer.body as { csrfToken: string }).csrfToken;
    }
    return answer;
  }

  /** Authenticate as a script does (no session: signing in would itself be an event). */
  useBearer(token = ADMIN_TOKEN): void {
    this.bearer = token;
  }

  forgetSession(): void {
    this.cookie = undefined;
    this.csrf = undefined;
  }

  async request(method: Method, url: string, body?: unknown, call: Call = {}): Promise<Recorded> {
    const headers: Record<string, string> = {
      host: RECORDED_HOST,
      ...(this.bearer && !call.anonymous ? { authorization: `Bearer ${this.bearer}` } : {}),
      ...call.headers,
    };
    if (this.cookie && !call.anonymous) {
      headers.cookie = this.cookie;
      if (method !== 'GET' && this.csrf && !call.noCsrf) headers['x-csrf-token'] = this.csrf;
    }
    const res = await this.t.app.inject({
      method,
      url,
      headers,
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    await drain();
    return this.keep(res);
  }

  get = (url: string, call?: Call): Promise<Recorded> => this.request('GET', url, undefined, call);
  post = (url: string, body?: unknown, call?: Call): Promise<Recorded> =>
    this.request('POST', url, body, call);
  patch = (url: string, body?: unknown, call?: Call): Promise<Recorded> =>
    this.request('PATCH', url, body, call);
  delete = (url: string, call?: Call): Promise<Recorded> => this.request('DELETE', url, undefined, call);

  /** A GitHub delivery: `payload` signed with the tests' secret (or `signature`), under a fresh delivery id. */
  async deliver(
    event: string,
    payload: Buffer,
    options: { url?: string; delivery?: string; signature?: string } = {},
  ): Promise<Recorded & { delivery: string }> {
    const delivery = options.delivery ?? recordedDelivery(++this.deliveries);
    const res = await this.t.app.inject({
      method: 'POST',
      url: options.url ?? '/webhooks/github',
      headers: {
        host: RECORDED_HOST,
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/0a1b2c3',
        'x-github-event': event,
        'x-github-delivery': delivery,
        'x-github-hook-id': '481516234',
        'x-hub-signature-256': options.signature ?? sign(payload),
      },
      payload,
    });
    await drain();
    return { ...this.keep(res), delivery };
  }

  private keep(res: Parameters<typeof toRecorded>[0]): Recorded {
    const answer = toRecorded(res);
    this.seen(answer);
    return answer;
  }
}

/** GitHub's delivery ids are UUIDs; these are numbered so a re-recording sends the same ones. */
export const recordedDelivery = (n: number): string =>
  `5e1f0c2a-${(0x4000 + n).toString(16)}-11ef-8a6b-${n.toString(16).padStart(12, '0')}`;

function toRecorded(res: {
  statusCode: number;
  headers: Record<string, string | number | string[] | undefined>;
  body: string;
}): Recorded {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = res.headers[name];
    if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  let body: unknown = null;
  if (res.body) {
    try {
      body = JSON.parse(res.body) as unknown;
    } catch {
      body = res.body;
    }
  }
  return { status: res.statusCode, headers, body };
}
