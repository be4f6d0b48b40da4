/**
 * What podup relies on from a WebClient: the request goes out as given; the answer comes back with its status and
 * its JSON body (null when it is not JSON); a closed port and a server that does not answer in time come back
 * as answers without a status, never as a rejection. Runs against the fake (adapters/fakes/fake-web-client.test.ts)
 * and the real client over a local HTTP server (tests/app/web-client.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebClient } from '../../domain/ports/index.js';

export interface WebClientHarness {
  client: WebClient;
  /** A URL on a server that is up. */
  url: string;
  /** What that server got. */
  received(): Array<{ headers: Record<string, string>; body: string }>;
  /** Makes it answer this way from now on, refuse connections ('down') or never answer ('hang'). */
  answer(how: { status: number; body: string; contentType: string } | 'down' | 'hang'): Promise<void>;
  close(): Promise<void>;
}

export function describeWebClient(name: string, make: () => Promise<WebClientHarness>): void {
  describe(`${name} (WebClient contract)`, () => {
    let h: WebClientHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => h.close());

    it('sends the headers and body as given; a JSON answer comes back parsed with its status', async () => {
      await h.answer({ status: 202, body: '{"status":"pong","n":1}', contentType: 'application/json' });
      const a = await h.client.post(
        h.url,
        { 'x-github-event': 'ping', 'content-type': 'application/json' },
        '{"zen":"z"}',
        2000,
      );
      expect(a).toMatchObject({ status: 202, body: { status: 'pong', n: 1 } });
      const got = h.received();
      expect(got).toHaveLength(1);
      expect(got[0]?.headers['x-github-event']).toBe('ping');
      expect(got[0]?.body).toBe('{"zen":"z"}');
    });

    it('an answer that is not JSON, or not valid JSON, has its status and a null body', async () => {
      await h.answer({ status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
      expect(await h.client.post(h.url, {}, '{}', 2000)).toMatchObject({ status: 502, body: null });
      await h.answer({ status: 200, body: '{"cut', contentType: 'application/json' });
      expect(await h.client.post(h.url, {}, '{}', 2000)).toMatchObject({ status: 200, body: null });
    });

    it('a closed port is an answer without a status that names the refusal', async () => {
      await h.answer('down');
      const a = await h.client.post(h.url, {}, '{}', 2000);
      expect(a).toMatchObject({ status: null, error: 'ECONNREFUSED' });
    });

    it('a server that does not answer in time is an answer without a status, after the timeout', async () => {
      await h.answer('hang');
      const a = await h.client.post(h.url, {}, '{}', 200);
      expect(a).toMatchObject({ status: null, error: 'no answer within 200 ms' });
    });
  });
}
