/**
 * What podup relies on from a NotificationSender: a 2xx is delivered once, in the service's format; any other
 * status, a refused connection and a receiver that does not answer in time are failures it can retry; and its
 * errors never carry the channel URL (it holds the channel's secrets). Runs against the fake
 * (adapters/fakes/fake-notifier.test.ts) and the real sender over a local HTTP receiver (tests/app).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../../domain/notifications/message.js';
import { parseServiceUrl, type ChannelTarget } from '../../domain/notifications/service-url.js';
import type { NotificationSender } from '../../domain/ports/index.js';

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface SenderHarness {
  sender: NotificationSender;
  /** A json:// URL of a receiver that is up, with a secret-looking path. */
  receiverUrl: string;
  /** What that receiver got. */
  received(): Received[];
  /** Makes it answer `status`, refuse connections ('down') or never answer ('hang'). */
  answer(how: number | 'down' | 'hang'): Promise<void>;
  close(): Promise<void>;
}

export const MESSAGE: NotificationMessage = {
  event: 'failed',
  dedupKey: 'failed:tsk_CONTRACT',
  time: '2025-01-01T00:00:00.000Z',
  severity: 'error',
  title: 'web.service: update failed',
  text: 'web.service: update failed\nwhy: health gate',
  taskId: 'tsk_CONTRACT',
  link: null,
  units: [],
};

export function describeNotificationSender(name: string, make: () => Promise<SenderHarness>): void {
  describe(`${name} (NotificationSender contract)`, () => {
    let h: SenderHarness;
    let target: ChannelTarget;
    beforeEach(async () => {
      h = await make();
      const parsed = parseServiceUrl(h.receiverUrl);
      if (!parsed.ok) throw new Error(parsed.problem);
      target = parsed.target;
    });
    afterEach(async () => h.close());

    it('delivers once on a 2xx, as the JSON message with its event and dedup key', async () => {
      const r = await h.sender.send(target, MESSAGE, 2000);
      expect(r).toEqual({ ok: true, status: 200 });
      const got = h.received();
      expect(got).toHaveLength(1);
      expect(got[0]?.headers['x-podup-delivery']).toBe(MESSAGE.dedupKey);
      expect(got[0]?.headers['x-podup-event']).toBe('failed');
      expect(JSON.parse(got[0]?.body ?? '{}')).toMatchObject({ version: 1, dedupKey: MESSAGE.dedupKey });
    });

    it('reports another status as a failure with that status', async () => {
      await h.answer(503);
      const r = await h.sender.send(target, MESSAGE, 2000);
      expect(r).toMatchObject({ ok: false, status: 503 });
    });

    it('reports a receiver that is down or does not answer, never naming its URL', async () => {
      const path = new URL(`http://${h.receiverUrl.split('://')[1] ?? ''}`).pathname;
      await h.answer('down');
      const down = await h.sender.send(target, MESSAGE, 2000);
      expect(down).toMatchObject({ ok: false, status: null });
      await h.answer('hang');
      const slow = await h.sender.send(target, MESSAGE, 300);
      expect(slow).toMatchObject({ ok: false, status: null });
      for (const r of [down, slow]) {
        if (r.ok) continue;
        expect(r.error).not.toContain(path);
        expect(r.error).not.toContain('://');
      }
    });
  });
}
