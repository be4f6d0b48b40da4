/**
 * The task panel end to end: Debian's Chromium (headless, driven by playwright-core) against the real
 * `podup serve` on the real test host. Sign in, update a real unit and watch its log stream live to
 * "succeeded", retry it, stop a running task. Screenshots go to tests/.artifacts/e2e/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, githubHeaders, packagePublished, SECRET } from '../helpers/github.js';
import { repoRoot } from '../helpers/paths.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';
import { containerOf, pushImage, removeUnits, startUnits, writeUnit } from '../helpers/units.js';

const run = randomBytes(3).toString('hex');
const repo = `acme-corp/e2e-${run}`;
const artifacts = join(repoRoot, 'tests/.artifacts/e2e');
let stateDir: string;
let server: ServerProc;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let a: string;
let b: string;

const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  stateDir = mkdtempSync(join(tmpdir(), 'podup-e2e-'));
  mkdirSync(join(stateDir, 'no-quadlets'));
  pushImage(repo, 'stable', 'e2e-1');
  a = writeUnit(`e2e-a-${run}`, `ghcr.io/${repo}:stable`);
  b = writeUnit(`e2e-b-${run}`, `ghcr.io/${repo}:stable`);
  startUnits(a, b);
  server = await startServer({
    ...hostEnv(),
    PODUP_STATE_DIR: stateDir,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_HEALTH_WINDOW: '4s',
    PODUP_QUADLET_DIRS: join(stateDir, 'no-quadlets'),
    PODUP_WEB_DIST: join(repoRoot, 'web/dist'),
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeUnits(a, b);
  rmSync(stateDir, { recursive: true, force: true });
});

/** The status badge of the task open in the drawer (shown capitalised). */
async function waitForStatus(status: string, timeoutMs = 60_000): Promise<void> {
  await page
    .getByRole('dialog')
    .getByText(new RegExp(`^${status}$`, 'i'))
    .first()
    .waitFor({ timeout: timeoutMs });
}

describe('task panel in Chromium', { timeout: 90_000 }, () => {
  it('asks for the token, then shows the overview', async () => {
    await page.goto(server.url);
    await page.getByLabel('Admin token').waitFor();
    await shot('01-sign-in');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /token/i }).waitFor();
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Units' }).waitFor();
    await shot('02-overview');
    expect(pageErrors).toEqual([]);
  });

  it('updates a real unit and streams its log live to succeeded', async () => {
    pushImage(repo, 'stable', 'e2e-2');
    await page.getByRole('navigation').getByRole('link', { name: 'Units' }).click();
    await page.getByRole('button', { name: `Update now: ${a}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Update now', exact: true }).click();
    // The new task's drawer opens by itself.
    const log = page.getByRole('dialog').getByLabel('Log lines');
    await log.getByText(`restarted ${a}`).waitFor({ timeout: 30_000 });
    // The health window is still running: the log is live, not loaded after the fact.
    await expect(
      page
        .getByRole('dialog')
        .getByText(/^succeeded$/i)
        .count(),
    ).resolves.toBe(0);
    // The unit's card follows the stream: it leaves "pending" while the health window still runs, before the
    // log's last line (the digest check) arrives.
    const card = page
      .getByRole('dialog')
      .getByRole('region', { name: 'Result per unit' })
      .getByRole('listitem');
    await expect
      .poll(
        () =>
          card
            .filter({ hasText: a })
            .getByText(/^pending$/i)
            .count(),
        { timeout: 3_000 },
      )
      .toBe(0);
    // ... to its live state, not to nothing: the card is there and says the unit is running.
    await card
      .filter({ hasText: a })
      .getByText(/^running$/i)
      .waitFor({ timeout: 3_000 });
    await expect(log.getByText(new RegExp(`${a} runs sha256:`)).count()).resolves.toBe(0);
    await shot('03-task-running');
    await waitForStatus('succeeded');
    await card
      .filter({ hasText: a })
      .getByText(/^succeeded$/i)
      .waitFor();
    await log.getByText(new RegExp(`${a} runs sha256:`)).waitFor();
    await shot('04-task-succeeded');
    expect(containerOf(a)?.version).toBe('e2e-2');
  });

  it('retries it as a new task that really runs', async () => {
    const dialog = page.getByRole('dialog');
    const firstId = await dialog.getByRole('heading').first().textContent();
    await dialog.getByRole('button', { name: 'Retry', exact: true }).click();
    await page
      .getByRole('dialog', { name: /Retry this task/ })
      .getByRole('button', { name: 'Retry', exact: true })
      .click();
    await page.getByRole('dialog').getByText('Retry of').first().waitFor();
    expect(await page.getByRole('dialog').getByRole('heading').first().textContent()).not.toBe(firstId);
    // Nothing newer in the registry: the retry plans, finds the unit current and says so.
    await waitForStatus('skipped');
    await page
      .getByRole('dialog')
      .getByText(/already up to date/)
      .first()
      .waitFor();
    await shot('05-retry');
  });

  it('stops a running task: the current unit finishes, the next is skipped', async () => {
    pushImage(repo, 'stable', 'e2e-3');
    const res = await fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ units: [a, b], reason: 'e2e stop' }),
    });
    const { taskId } = (await res.json()) as { taskId: string };
    await page.goto(`${server.url}/tasks?task=${taskId}`);
    const dialog = page.getByRole('dialog');
    await dialog
      .getByLabel('Log lines')
      .getByText(/^restarted /)
      .first()
      .waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Stop', exact: true }).click();
    await page
      .getByRole('dialog', { name: /Stop this task/ })
      .getByRole('button', { name: 'Stop', exact: true })
      .click();
    await page
      .getByText(/stopping after the current unit/)
      .first()
      .waitFor();
    try {
      await waitForStatus('cancelled');
    } finally {
      await shot('06-stopped');
    }
    const detail = (await (
      await fetch(`${server.url}/api/tasks/${taskId}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as {
      unitResults: Array<{ unit: string; status: string }>;
    };
    expect(detail.unitResults.map((u) => u.status).sort()).toEqual(['cancelled', 'succeeded']);
    expect(pageErrors).toEqual([]);
  });

  it('shows a webhook task in the open task list within 3 s', async () => {
    await page.goto(`${server.url}/tasks`);
    await page.getByRole('table').waitFor();
    const digest = pushImage(repo, 'stable', 'e2e-hook');
    const body = packagePublished({ owner: 'acme-corp', name: `e2e-${run}`, tag: 'stable', digest });
    const res = await fetch(`${server.url}/webhooks/github`, {
      method: 'POST',
      headers: githubHeaders('package', body),
      body,
    });
    expect(res.status).toBe(202);
    const acknowledged = Date.now();
    const { taskId } = (await res.json()) as { taskId: string };
    // Nothing is clicked or reloaded: the open list finds the task by itself.
    await page.getByRole('link', { name: new RegExp(`open task ${taskId}`) }).waitFor({ timeout: 3_000 });
    expect(Date.now() - acknowledged).toBeLessThan(3_000);
    await shot('07-webhook-task-listed');
    for (let i = 0; i < 120; i++) {
      const t = (await (
        await fetch(`${server.url}/api/tasks/${taskId}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).json()) as { status: string };
      if (!['queued', 'running'].includes(t.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(pageErrors).toEqual([]);
  });

  it('is usable 375 px wide: no sideways scrolling, the navigation reachable', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const path of ['/', '/tasks', '/units', '/events', '/settings']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('navigation').waitFor();
      // runs in the page: the browser's globals, not this file's
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await shot('08-narrow-settings');
    expect(pageErrors).toEqual([]);
  });
});
