/**
 * axe-core over every page of the built panel in Debian's Chromium against the real `podup serve` on the test
 * host: light and dark, 1440 and 375 px wide, failing on any violation (colour contrast included, which jsdom
 * cannot judge); at 375 px no page scrolls sideways. Needs `npm run build` first.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN } from '../helpers/github.js';
import { repoRoot } from '../helpers/paths.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';
import { pushImage, removeUnits, startUnits, writeUnit } from '../helpers/units.js';

const run = randomBytes(3).toString('hex');
const repo = `acme-corp/a11y-${run}`;
const axeSource = readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
let stateDir: string;
let server: ServerProc;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let unit: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-a11y-'));
  mkdirSync(join(stateDir, 'no-quadlets'));
  pushImage(repo, 'stable', 'a11y-1');
  unit = writeUnit(`a11y-${run}`, `ghcr.io/${repo}:stable`);
  startUnits(unit);
  server = await startServer({
    ...hostEnv(),
    PODUP_STATE_DIR: stateDir,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    PODUP_HEALTH_WINDOW: '2s',
    PODUP_QUADLET_DIRS: join(stateDir, 'no-quadlets'),
    PODUP_WEB_DIST: join(repoRoot, 'web/dist'),
  });
  // One real update, so the pages show a finished task, its badges and the unit's history.
  pushImage(repo, 'stable', 'a11y-2');
  const queued = await fetch(`${server.url}/api/units/${encodeURIComponent(unit)}/update`, {
    method: 'POST',
    headers: { ...adminHeaders, 'content-type': 'application/json' },
    body: '{}',
  });
  const { taskId } = (await queued.json()) as { taskId: string };
  for (let i = 0; i < 120; i++) {
    const t = (await (
      await fetch(`${server.url}/api/tasks/${taskId}`, { headers: adminHeaders })
    ).json()) as {
      finishedAt: string | null;
    };
    if (t.finishedAt) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  // axe is injected by evaluate; the panel's CSP (script-src 'self') stays as it is for the app itself.
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  page = await context.newPage();
  await page.goto(server.url);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Units' }).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (unit) removeUnits(unit);
  rmSync(stateDir, { recursive: true, force: true });
});

const pages = () => [
  '/',
  '/tasks',
  '/units',
  `/units/${encodeURIComponent(unit)}`,
  '/schedules',
  '/events',
  '/notifications',
  '/tokens',
  '/settings',
];

async function violations(): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  return page.evaluate<string[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) =>
      v.id + ': ' + v.help + ' | ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + (n.any[0]?.message ?? '')).join(' || ')))`,
  );
}

describe('on a phone (375 px)', { timeout: 60_000 }, () => {
  it('shows each task and each event as a card, not as a row of a wide table', async () => {
    await page.setViewportSize({ width: 375, height: 900 });
    for (const path of ['/tasks', '/events?traffic=all']) {
      await page.goto(`${server.url}${path}`);
      await page.locator('tbody tr').first().waitFor();
      const shape = await page.evaluate<{ row: string; head: number; table: number }>(`(() => ({
        row: getComputedStyle(document.querySelector('tbody tr')).display,
        head: document.querySelector('thead').getBoundingClientRect().height,
        table: document.querySelector('table').getBoundingClientRect().width,
      }))()`);
      // Rows are blocks, the header row is only for screen readers, and nothing is wider than the screen.
      expect(shape.row, path).toBe('block');
      expect(shape.head, path).toBeLessThanOrEqual(1);
      expect(shape.table, path).toBeLessThanOrEqual(375);
    }
  });
});

describe('axe-core in Chromium', { timeout: 180_000 }, () => {
  for (const theme of ['light', 'dark'] as const) {
    for (const width of [1440, 375]) {
      it(`${theme}, ${width} px: no violations on any page, nothing scrolls sideways`, async () => {
        await page.setViewportSize({ width, height: 900 });
        await page.evaluate(`localStorage.setItem('podup:theme', '${theme}')`);
        const problems: Record<string, string[]> = {};
        for (const path of pages()) {
          await page.goto(`${server.url}${path}`);
          await page.locator('h1').first().waitFor();
          expect(await page.evaluate<string | undefined>('document.documentElement.dataset.theme')).toBe(
            theme,
          );
          await page.waitForLoadState('networkidle').catch(() => undefined);
          await page.waitForTimeout(300);
          const found = await violations();
          if (width === 375) {
            const overflow = await page.evaluate<number>(
              'document.documentElement.scrollWidth - window.innerWidth',
            );
            if (overflow > 0) found.push(`scrolls sideways by ${overflow} px`);
          }
          if (found.length > 0) problems[path] = found;
        }
        expect(problems).toEqual({});
      });
    }
  }
});
