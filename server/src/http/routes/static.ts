/**
 * The task panel: the built web app from web/dist. Files are served only from the list of files the build
 * wrote (read from the directory, never derived from the request path), so no request can reach outside
 * web/dist whatever its encoding. Hashed assets are immutable; index.html is revalidated; any other GET that
 * accepts HTML gets index.html (client-side routes). Source maps are never served, should a build leave some:
 * they hold the panel's whole source to anyone who asks.
 *
 * Hand-written rather than @fastify/static: with its dependencies (glob, send, mime-db) it doubled the module
 * code evaluated on every socket-activated cold start, for a directory of a dozen files (docs/benchmarks.md).
 *
 * Compression: the build writes `<file>.br` and `<file>.gz` next to each text asset (web/vite.config.ts,
 * node:zlib at brotli quality 11 / gzip level 9, once); this route sends the best variant the client accepts
 * (`content-encoding`, `vary: accept-encoding`). Not @fastify/compress: it compresses on every request (CPU on
 * a small host, at a lower ratio than a build can afford) and adds its dependencies to every cold start.
 * The variants are never served under their own names.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { PANEL_CSP } from '../security-headers.js';

/** Routes that never fall back to the app: unknown paths under them are JSON 404s. */
const API_PREFIXES = ['/api/', '/webhooks/', '/github-package-update/', '/healthz', '/readyz'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function wantsApp(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (API_PREFIXES.some((p) => path.startsWith(p))) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** Precompressed variants the build writes next to a file, best first. */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

/** Whether an Accept-Encoding header accepts `encoding` (a `q=0` refuses it). */
export function accepts(header: string | undefined, encoding: string): boolean {
  if (!header) return false;
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (name?.trim() !== encoding && name?.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}

/** URL path ("/assets/x.js") -> absolute file, for every regular file under root but dotfiles, source maps and
 * the precompressed variants (.br, .gz), which are only sent in place of their original. */
function listFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.endsWith('.map')) continue;
      if (ENCODINGS.some((enc) => e.name.endsWith(enc.ext))) continue;
      const abs = join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) files.set(`/${relative(root, abs).split(sep).join('/')}`, abs);
    }
  };
  try {
    walk(root);
  } catch {
    /* not built: the map stays empty */
  }
  return files;
}

export class WebDist {
  // Listed on the first request for a file, not at start: a cold start is for the request that caused it.
  private files: Map<string, string> | undefined;
  private scannedAt = 0;

  constructor(readonly root: string) {}

  get built(): boolean {
    return existsSync(join(this.root, 'index.html'));
  }

  /** The file for a request path; a miss re-reads the directory at most once a second (a rebuilt panel). */
  find(urlPath: string): string | undefined {
    const hit = this.files?.get(urlPath);
    if (hit || (this.files && Date.now() - this.scannedAt < 1000)) return hit;
    this.scannedAt = Date.now();
    this.files = listFiles(this.root);
    return this.files.get(urlPath);
  }

  send(reply: FastifyReply, file: string, urlPath: string, acceptEncoding?: string): FastifyReply {
    const immutable = urlPath.startsWith('/assets/');
    const mtime = statSync(file).mtime;
    reply
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('last-modified', mtime.toUTCString())
      .type(TYPES[extname(file)] ?? 'application/octet-stream');
    const variant = this.variant(file, mtime, acceptEncoding);
    if (variant) {
      return reply
        .header('vary', 'accept-encoding')
        .header('content-encoding', variant.encoding)
        .send(readFileSync(variant.file));
    }
    if (ENCODINGS.some((enc) => existsSync(file + enc.ext))) reply.header('vary', 'accept-encoding');
    return reply.send(readFileSync(file));
  }

  /** The best precompressed copy the client accepts, if the build wrote one at least as new as the file. */
  private variant(
    file: string,
    mtime: Date,
    acceptEncoding: string | undefined,
  ): { file: string; encoding: string } | undefined {
    for (const enc of ENCODINGS) {
      if (!accepts(acceptEncoding, enc.name)) continue;
      const candidate = file + enc.ext;
      try {
        if (statSync(candidate).mtimeMs >= mtime.getTime() - 1000)
          return { file: candidate, encoding: enc.name };
      } catch {
        /* no such variant */
      }
    }
    return undefined;
  }

  /** index.html, read per request so a rebuilt panel is served without a restart. */
  sendIndex(reply: FastifyReply, acceptEncoding?: string): FastifyReply {
    return this.send(
      reply.header('content-security-policy', PANEL_CSP),
      join(this.root, 'index.html'),
      '/index.html',
      acceptEncoding,
    );
  }
}

export function staticRoutes(deps: Deps, dist: WebDist) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    if (!dist.built) {
      deps.logger.warn(
        { root: dist.root },
        'task panel not built (no web/dist/index.html): run npm run build',
      );
      return;
    }
    app.get('/', (request, reply) => dist.sendIndex(reply, request.headers['accept-encoding']));
    // Only exact names of built files; everything else falls through to the not-found handler (SPA fallback).
    app.get('/*', (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const file = path === '/index.html' ? undefined : dist.find(path);
      if (file) return dist.send(reply, file, path, request.headers['accept-encoding']);
      return reply.callNotFound();
    });
  };
}

export function appFallback(dist: WebDist) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined =>
    wantsApp(request) && dist.built ? dist.sendIndex(reply, request.headers['accept-encoding']) : undefined;
}
