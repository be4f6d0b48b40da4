import { describe, expect, it } from 'vitest';
import { judgeTestDelivery, testPing } from './test-delivery.js';

const URL = 'https://podup.example.org/webhooks/github';
const D = 'podup-test-abc';
const json = (status: number, body: unknown) => judgeTestDelivery(URL, D, { status, ms: 12, body });

describe('what a test delivery answer means', () => {
  it("only podup's pong for this very delivery is a success", () => {
    expect(json(200, { status: 'pong', delivery: D }).ok).toBe(true);
    expect(json(200, { status: 'pong', delivery: 'another' }).ok).toBe(false);
    expect(json(200, null).ok).toBe(false);
  });

  it("podup's own refusal is quoted with its code and hint", () => {
    const v = json(503, {
      error: { code: 'STORAGE_FULL', message: 'disk full: /var/lib/podup', hint: 'free space' },
    });
    expect(v).toEqual({
      ok: false,
      message: `podup answered HTTP 503 STORAGE_FULL at ${URL}: disk full: /var/lib/podup`,
      hint: 'free space',
    });
  });

  it('a redirect, a missing route and a gateway error each name their fix', () => {
    expect(json(301, null).hint).toContain('GitHub does not follow redirects');
    expect(json(404, null).message).toContain("does not reach podup's webhook route");
    expect(json(504, null).hint).toContain('podup.socket');
    expect(json(418, null)).toMatchObject({ ok: false, message: `HTTP 418 at ${URL}` });
  });

  it("the ping has GitHub's shape and names the URL it was sent to", () => {
    const ping = JSON.parse(testPing(URL)) as { zen: string; hook: { config: { url: string } } };
    expect(ping.zen).toMatch(/^podup test delivery/);
    expect(ping.hook.config.url).toBe(URL);
  });
});
