/**
 * The panel's assets go out compressed: the build writes `.br` and `.gz` next to each text file
 * (web/vite.config.ts) and `podup serve` sends the best one the client accepts, with `content-encoding` and
 * `vary`; the variants are never served under their own names. Against the built web/dist too, if there is one:
 * the first load (index.html, its scripts and styles) stays under 150 KB gzipped.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accepts } from '../../server/src/http/routes/static.js';
import { buildFakeApp, type TestApp } from '../helpers/app.js';

const repoRoot = join(import.meta.dirname, '../..');
const script = `console.log(${JSON.stringify('the panel '.repeat(200))})`;
const html = `<!doctype html><title>podup</title><script type="module" src="/assets/index-abc123.js"></script><div id="root"></div>${'<!-- padding -->'.repeat(40)}`;

let t: TestApp | undefined;
let dist: string;

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'podup-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), html);
  writeFileSync(join(dist, 'index.html.br'), brotliCompressSync(html));
  writeFileSync(join(dist, 'index.html.gz'), gzipSync(html));
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), script);
  writeFileSync(join(dist, 'assets', 'index-abc123.js.br'), brotliCompressSync(script));
  writeFileSync(join(dist, 'assets', 'index-abc123.js.gz'), gzipSync(script));
  writeFileSync(join(dist, 'assets', 'plain-abc123.css'), 'body{}');
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const app = async () => {
  t = await buildFakeApp({ PODUP_WEB_DIST: dist });
  return t.app;
};

describe('compressed panel assets', () => {
  it('sends brotli to a browser that accepts it, with vary and the original type and caching', async () => {
    const a = await app();
    const res = await a.inject({
      method: 'GET',
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(script);
    expect(res.rawPayload.length).toBeLessThan(script.length / 4);
  });

  it('sends gzip when brotli is not accepted, and the plain file when nothing is', async () => {
    const a = await app();
    const gz = await a.inject({
      method: 'GET',
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, br;q=0' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);
    const plain = await a.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body).toBe(script);
  });

  it('compresses index.html on / and on the client-side routes, keeping its CSP', async () => {
    const a = await app();
    for (const url of ['/', '/units/web-app.service']) {
      const res = await a.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html', 'accept-encoding': 'br' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-security-policy']).toBeTruthy();
      expect(brotliDecompressSync(res.rawPayload).toString()).toBe(html);
    }
  });

  it('sends a file without a variant as it is', async () => {
    const a = await app();
    const res = await a.inject({
      method: 'GET',
      url: '/assets/plain-abc123.css',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toBe('body{}');
  });

  it('never serves a variant under its own name', async () => {
    const a = await app();
    for (const url of ['/assets/index-abc123.js.br', '/assets/index-abc123.js.gz', '/index.html.gz']) {
      const res = await a.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
    }
  });

  it('reads Accept-Encoding with q-values and wildcards', () => {
    expect(accepts('gzip, deflate, br', 'br')).toBe(true);
    expect(accepts('gzip;q=1.0, br;q=0', 'br')).toBe(false);
    expect(accepts('*', 'gzip')).toBe(true);
    expect(accepts('identity', 'gzip')).toBe(false);
    expect(accepts(undefined, 'br')).toBe(false);
  });
});

describe.skipIf(!existsSync(join(repoRoot, 'web/dist/index.html.br')))('the built panel (web/dist)', () => {
  it('has a brotli and a gzip copy of index.html and of its entry script, and loads under 150 KB gzipped', () => {
    const root = join(repoRoot, 'web/dist');
    const index = readFileSync(join(root, 'index.html'), 'utf8');
    const first = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(first.length).toBeGreaterThan(0);
    let total = readFileSync(join(root, 'index.html.gz')).length;
    for (const asset of first) {
      expect(existsSync(join(root, `${asset}.br`))).toBe(true);
      total += readFileSync(join(root, `${asset}.gz`)).length;
    }
    expect(total).toBeLessThan(150 * 1024);
  });

  it('loads each page under 150 KB gzipped when opened directly: the entry, its page chunk and their imports', () => {
    const assets = join(repoRoot, 'web/dist/assets');
    const root = join(repoRoot, 'web/dist');
    const index = readFileSync(join(root, 'index.html'), 'utf8');
    const first = [...index.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    const entry = first.find((f) => f.endsWith('.js'))!;
    // Static imports, as the minified chunks write them: from"./x.js" or import"./x.js".
    const closure = (file: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      const text = readFileSync(join(assets, file), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)) closure(m[1]!, seen);
      return seen;
    };
    const pages = [
      ...readFileSync(join(assets, entry), 'utf8').matchAll(/import\(`\.\/([\w.-]+\.js)`\)/g),
    ].map((m) => m[1]!);
    expect(pages.length).toBeGreaterThan(5);
    // Small files are not precompressed (served as they are): gzip them here to count them alike.
    const gz = (file: string) =>
      existsSync(join(assets, `${file}.gz`))
        ? readFileSync(join(assets, `${file}.gz`)).length
        : gzipSync(readFileSync(join(assets, file))).length;
    const base = readFileSync(join(root, 'index.html.gz')).length;
    const sizes = pages.map((page) => {
      const files = new Set([...first, ...closure(entry), ...closure(page)]);
      return [page, base + [...files].reduce((n, f) => n + gz(f), 0)] as const;
    });
    for (const [page, bytes] of sizes) expect(bytes, page).toBeLessThan(150 * 1024);
  });
});
