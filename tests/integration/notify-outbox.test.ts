/**
 * The notification outbox of a real podup process: a message queued while its receiver is down survives
 * kill -9 of podup and arrives once, signed, after both come back. (The same story in-process, the formats and
 * the backoff: tests/app/notifications.test.ts.)
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelsReply } from '../../server/src/contract/api.js';
import { podupEnv } from '../helpers/app.js';
import { ADMIN_TOKEN } from '../helpers/github.js';
import { Receiver } from '../helpers/receiver.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';

const NOTIFY_SECRET = 'it-notify-secret-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

let stateDir: string;
let receiver: Receiver;
const servers: ServerProc[] = [];

beforeEach(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-notify-it-'));
  receiver = await Receiver.start();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
  await receiver.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const channelsOf = async (server: ServerProc) =>
  ChannelsReply.parse(
    await (await fetch(`${server.url}/api/v1/notifications/channels`, { headers: auth })).json(),
  );

describe('kill -9 with the receiver down', () => {
  it('delivers the queued message once after podup and the receiver both come back', async () => {
    const env = podupEnv(stateDir, {
      PODUP_NOTIFY: receiver.url('json', '/hooks/podup'),
      PODUP_NOTIFY_SECRET: NOTIFY_SECRET,
      PODUP_NOTIFY_BACKOFF: '100ms',
      PODUP_NOTIFY_BACKOFF_MAX: '300ms',
    });
    await receiver.down();
    const first = await startServer(env);
    servers.push(first);
    const channel = (await channelsOf(first)).channels[0];
    expect(channel?.source).toBe('env');
    const res = await fetch(`${first.url}/api/v1/notifications/channels/${channel?.id}/test`, {
      method: 'POST',
      headers: auth,
    });
    expect(res.status).toBe(202);
    const { dedupKey } = (await res.json()) as { dedupKey: string };

    await until('two failed attempts', async () => {
      const d = (await channelsOf(first)).channels[0]?.recent[0];
      return d && d.attempts >= 2 ? d : undefined;
    });
    servers.splice(servers.indexOf(first), 1);
    expect(await first.stop('SIGKILL')).toBe(-1);

    await receiver.up();
    const second = await startServer(env);
    servers.push(second);
    const got = await until('the delivery', async () => receiver.requests[0]);
    // Long enough for a second delivery to show, were there one.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.requests.map((r) => r.headers['x-podup-delivery'])).toEqual([dedupKey]);
    const expected = createHmac('sha256', NOTIFY_SECRET).update(got.body).digest('hex');
    expect(got.headers['x-podup-signature-256']).toBe(`sha256=${expected}`);
    expect((await channelsOf(second)).channels[0]?.recent[0]).toMatchObject({
      status: 'delivered',
      dedupKey,
    });
  });
});
