/**
 * `podup tokens` as operators run it (bin/podup.js in a child process): create prints the token once, the list
 * shows scopes, unit patterns, created, expires and the last use (time and address) once a request used it,
 * revoke refuses the next request, and bad flags exit with the usage status. Both data paths: in-process
 * before the server runs, through the server's API while it runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiToken, CreatedToken } from '../../server/src/contract/api.js';
import { podupEnv } from '../helpers/app.js';
import { runPodup, startServer, type ServerProc } from '../helpers/server-process.js';

let dir: string;
let server: ServerProc | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-tokens-cli-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;

async function listJson(env: Record<string, string>): Promise<ApiToken[]> {
  const r = await runPodup(['tokens', '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { tokens: ApiToken[] }).tokens;
}

/** Every file under the state directory, as text, for "the plain token appears nowhere". */
function stateText(root: string): string {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe('podup tokens', () => {
  it('create prints the token once; the list shows it with its expiry and, once used, when and from where; revoke refuses the next request', async () => {
    const env = podupEnv(dir);

    // In-process: no server runs yet.
    const created = await runPodup(
      ['tokens', 'create', '--name', 'ci-bot', '--scope', 'trigger', '--units', 'web-*', '--expires', '90d'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^pdp_[A-Za-z0-9_-]{43,}$/);
    expect(created.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(created.stderr).toMatch(
      /token ci-bot \(trigger on web-\*, expires \d{4}-\d\d-\d\d .*\): shown once/,
    );

    const [listed] = await listJson(env);
    expect(listed).toMatchObject({
      name: 'ci-bot',
      scopes: ['trigger'],
      units: ['web-*'],
      lastUsedAt: null,
      lastUsedFrom: null,
    });
    expect(Date.parse(listed!.expiresAt!) - Date.parse(listed!.createdAt)).toBe(90 * DAY);
    // The list never shows the token again.
    expect(JSON.stringify(listed)).not.toContain(token);

    server = await startServer(env);
    // Trigger scope only: reading tasks is refused, but the token was recognised, so its use is noted.
    const refused = await fetch(`${server.url}/api/v1/tasks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(403);

    // Through the server's API now.
    const [used] = await listJson(env);
    expect(used!.lastUsedFrom).toBe('127.0.0.1');
    expect(Date.parse(used!.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(used!.createdAt));

    const table = await runPodup(['tokens'], env);
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      'NAME',
      'SCOPES',
      'UNITS',
      'CREATED',
      'EXPIRES',
      'LAST USED',
      'FROM',
    ]);
    const short = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    expect(row!.split(/\s{2,}/)).toEqual([
      'ci-bot',
      'trigger',
      'web-*',
      short(used!.createdAt),
      short(used!.expiresAt!),
      short(used!.lastUsedAt!),
      '127.0.0.1',
    ]);
    expect(table.stdout).not.toContain(token);

    const revoked = await runPodup(['tokens', 'revoke', 'ci-bot'], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe('token ci-bot revoked\n');
    const after = await fetch(`${server.url}/api/v1/tasks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    expect(await listJson(env)).toEqual([]);

    await server.stop();
    server = undefined;
    expect(stateText(dir)).not.toContain(token);
  });

  it('--json answers the token once with its record, through the server', async () => {
    const env = podupEnv(dir);
    server = await startServer(env);
    const r = await runPodup(
      ['tokens', 'create', '--name', 'reader', '--scope', 'read,trigger', '--json'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const created = JSON.parse(r.stdout) as CreatedToken;
    expect(created).toMatchObject({
      name: 'reader',
      scopes: ['read', 'trigger'],
      units: ['*'],
      expiresAt: null,
    });
    const ok = await fetch(`${server.url}/api/v1/tasks`, {
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(ok.status).toBe(200);
  });

  it('a bad scope, duration or unit pattern exits 2 naming the flag; an unknown token to revoke exits 1', async () => {
    const env = podupEnv(dir);
    const badScope = await runPodup(['tokens', 'create', '--name', 'x', '--scope', 'deploy'], env);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/--scope/);
    expect(badScope.stderr).toMatch(/"read"\|"trigger"\|"control"\|"approve"\|"admin"/);

    const badExpiry = await runPodup(
      ['tokens', 'create', '--name', 'x', '--scope', 'read', '--expires', 'soon'],
      env,
    );
    expect(badExpiry.code).toBe(2);
    expect(badExpiry.stderr).toMatch(/--expires.*duration such as/);

    const badUnits = await runPodup(
      ['tokens', 'create', '--name', 'x', '--scope', 'read', '--units', 'web/*'],
      env,
    );
    expect(badUnits.code).toBe(2);
    expect(badUnits.stderr).toMatch(/web\/\*/);

    const missing = await runPodup(['tokens', 'create', '--scope', 'read'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--name/);

    // Nothing was made by the refused calls.
    expect(await listJson(env)).toEqual([]);

    const unknown = await runPodup(['tokens', 'revoke', 'nobody'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no token named nobody/);
  });
});
