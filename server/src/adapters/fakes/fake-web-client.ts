/**
 * WebClient in memory: each origin (scheme://host:port) answers from a handler a test sets, or is down; an
 * origin nobody set refuses the connection like a closed port. `requests` is what was sent.
 */
import type { WebAnswer, WebClient } from '../../domain/ports/index.js';

export interface FakeWebRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeWebReply {
  status: number;
  contentType?: string;
  body: string;
}

export type FakeWebHandler = (req: FakeWebRequest) => FakeWebReply | Promise<FakeWebReply>;

export class FakeWebClient implements WebClient {
  readonly requests: FakeWebRequest[] = [];
  private readonly origins = new Map<string, FakeWebHandler | 'hang'>();

  /** `origin` answers with `handler`, never answers ('hang'), or is down again (undefined). */
  serve(origin: string, handler: FakeWebHandler | 'hang' | undefined): void {
    const key = new URL(origin).origin;
    if (handler === undefined) this.origins.delete(key);
    else this.origins.set(key, handler);
  }

  async post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<WebAnswer> {
    this.requests.push({ url, headers, body });
    const handler = this.origins.get(new URL(url).origin);
    if (handler === undefined) return { status: null, ms: 0, error: 'ECONNREFUSED' };
    if (handler === 'hang') return { status: null, ms: timeoutMs, error: `no answer within ${timeoutMs} ms` };
    const reply = await handler({ url, headers, body });
    let parsed: unknown = null;
    if ((reply.contentType ?? 'application/json').includes('json')) {
      try {
        parsed = JSON.parse(reply.body.slice(0, 64 * 1024)) as unknown;
      } catch {
        parsed = null;
      }
    }
    return { status: reply.status, ms: 0, body: parsed };
  }
}
