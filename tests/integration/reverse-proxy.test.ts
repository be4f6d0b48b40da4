/**
 * Behind a reverse proxy podup must be told to trust it (PODUP_TRUST_PROXY); `podup doctor` says so when a peer
 * it does not trust forwards requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { podupEnv } from '../helpers/app.js';
import { runPodup, startServer } from '../helpers/server-process.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-proxy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => podupEnv(dir, extra);

async function proxyLine(): Promise<{ level: string; detail: string; fix?: string } | undefined> {
  const r = await runPodup(['doctor', '--json'], env());
  const report = JSON.parse(r.stdout) as { checks: Array<{ check: string; level: string; detail: string }> };
  return report.checks.find((c) => c.check === 'reverse proxy');
}

async function forwardOnce(extra: Record<string, string> = {}): Promise<void> {
  const server = await startServer(env(extra));
  try {
    const res = await fetch(`${server.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(res.status).toBe(200);
    // The notice is written in the background; the next request's batch commits it at the latest.
    await fetch(`${server.url}/healthz`);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

describe('podup doctor: reverse proxy', () => {
  it('warns when a peer podup does not trust forwards requests, naming the fix', async () => {
    expect((await proxyLine())?.level).toBe('ok');
    await forwardOnce();
    const line = await proxyLine();
    expect(line).toMatchObject({ level: 'warn' });
    expect(line?.detail).toMatch(/127\.0\.0\.1 carried X-Forwarded-For/);
    expect(line?.fix).toBe("set PODUP_TRUST_PROXY=127.0.0.1 (the proxy's address or network)");
  });

  it('stays quiet when the proxy is trusted', async () => {
    await forwardOnce({ PODUP_TRUST_PROXY: '127.0.0.1' });
    expect((await proxyLine())?.level).toBe('ok');
  });
});
