/**
 * A registry that answers 429, on the real test host: podup (real adapters, a real systemd unit) backs off as
 * the registry asks, then gives up, and its check says "unknown" for the unit, never "up to date".
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckReply } from '../../server/src/contract/api.js';
import { adminHeaders, buildTestApp, type TestApp } from '../helpers/app.js';
import { removeUnits, systemctl, writeUnit } from '../helpers/units.js';

const run = randomBytes(3).toString('hex');
let server: Server;
let t: TestApp;
let unit: string;
let confDir: string;
const hits: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.includes('/manifests/')) hits.push(Date.now());
    res.writeHead(429, { 'retry-after': '1' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const image = `${host}/acme-corp/limited:1`;
  unit = writeUnit(`limited-${run}`, image);
  systemctl('daemon-reload');
  confDir = mkdtempSync(join(tmpdir(), 'podup-429-'));
  const conf = join(confDir, 'registries.conf');
  writeFileSync(conf, `[[registry]]\nlocation = "${host}"\ninsecure = true\n`);
  t = await buildTestApp({ PODUP_UNITS: `${unit}=${image}`, CONTAINERS_REGISTRIES_CONF: conf });
});
afterAll(async () => {
  await t.close();
  removeUnits(unit);
  rmSync(confDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
});

describe('a registry that answers 429', () => {
  it('is backed off as it asks, and the check says unknown', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/check', headers: adminHeaders });
    const report = CheckReply.parse(res.json());
    expect(report.units).toEqual([
      expect.objectContaining({
        unit,
        status: 'unknown',
        reason: expect.stringMatching(/429 Too Many Requests/),
      }),
    ]);
    // The first answer, then two retries, each after the Retry-After of 1 s.
    expect(hits).toHaveLength(3);
    expect((hits[1] ?? 0) - (hits[0] ?? 0)).toBeGreaterThanOrEqual(950);
    expect((hits[2] ?? 0) - (hits[1] ?? 0)).toBeGreaterThanOrEqual(950);
  });
});
