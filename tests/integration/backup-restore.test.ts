/**
 * podup backup while podup serves webhooks, and podup restore: the copy is one consistent moment (SQLite's
 * online backup in another process), holds every event acknowledged before the backup began, and passes
 * PRAGMA integrity_check; restore is refused while podup has the database open and keeps the old one aside.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podupEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, githubHeaders, packagePublished } from '../helpers/github.js';
import { runPodup, startServer, type ServerProc } from '../helpers/server-process.js';

let stateDir: string;
let server: ServerProc;
let backup: string;
const env = () => podupEnv(stateDir, { PODUP_RATE_LIMIT_IMAGE: 'off' });
const digest = `sha256:${'b'.repeat(64)}`;

/** Deliveries GitHub would count as delivered: answered 202, in the order their answers came. */
const acknowledged: string[] = [];
let acknowledgedBeforeBackup: string[] = [];
let acknowledgedAfterBackup: string[] = [];

async function deliver(worker: number): Promise<void> {
  const body = packagePublished({ owner: 'acme-corp', name: `backup-load-${worker}`, tag: 'stable', digest });
  const headers = githubHeaders('package', body);
  const res = await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers, body });
  await res.arrayBuffer();
  if (res.status === 202) acknowledged.push(headers['x-github-delivery'] ?? '');
}

const deliveriesIn = (file: string, ids: string[]): Set<string> => {
  const db = new Database(file, { readonly: true });
  try {
    const found = new Set<string>();
    const q = db.prepare('SELECT 1 FROM events WHERE delivery = ?');
    for (const id of ids) if (q.get(id)) found.add(id);
    return found;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-backup-'));
  backup = join(stateDir, '..', `${stateDir.split('/').pop()}-backup.db`);
  server = await startServer(env());
});
afterAll(async () => {
  await server.stop();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(backup, { force: true });
});

describe('podup backup under webhook load', () => {
  it('holds every event acknowledged before it began, and passes integrity_check', async () => {
    let stop = false;
    const workers = Array.from({ length: 8 }, async (_, w) => {
      while (!stop) await deliver(w);
    });
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 20));

    acknowledgedBeforeBackup = [...acknowledged];
    const r = await runPodup(['backup', backup, '--json'], env());
    const afterCount = acknowledged.length;
    // Writes go on while the copy is made, and after it.
    while (acknowledged.length < afterCount + 50) await new Promise((res) => setTimeout(res, 20));
    stop = true;
    await Promise.all(workers);
    acknowledgedAfterBackup = acknowledged.slice(afterCount);

    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { integrity: string; events: number };
    expect(report.integrity).toBe('ok');

    const db = new Database(backup, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
    const found = deliveriesIn(backup, acknowledgedBeforeBackup);
    expect(acknowledgedBeforeBackup.filter((d) => !found.has(d))).toEqual([]);
    // A copy of one moment: what was acknowledged after it ended is not in it.
    expect(deliveriesIn(backup, acknowledgedAfterBackup).size).toBe(0);
  });
});

describe('podup restore', () => {
  it('is refused while podup has the database open', async () => {
    const r = await runPodup(['restore', backup], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/podup is running \(process \d+ has .*podup\.db open\)/);
    expect(r.stderr).toContain('fix: stop podup and its socket first');
  });

  it('with podup stopped, puts the backup in place and keeps the database it replaced', async () => {
    expect(await server.stop()).toBe(0);
    const r = await runPodup(['restore', backup], env());
    expect(r.code, r.stderr).toBe(0);
    const aside = /kept as (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(existsSync(aside)).toBe(true);
    expect(deliveriesIn(aside, acknowledgedAfterBackup).size).toBe(acknowledgedAfterBackup.length);

    server = await startServer(env());
    const events = async (delivery: string) =>
      (
        (await (
          await fetch(`${server.url}/api/events?delivery=${delivery}`, {
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          })
        ).json()) as { events: unknown[] }
      ).events.length;
    expect(await events(acknowledgedBeforeBackup.at(-1) ?? '')).toBe(1);
    expect(await events(acknowledgedAfterBackup.at(-1) ?? '')).toBe(0);
  });
});
