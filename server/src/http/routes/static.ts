/**
 * The task panel: the built web app from web/dist. Files are served only from the list of files the build
 * wrote (read from the directory, never derived from the request path), so no request can reach outside
 * web/dist whatever its encoding. Hashed assets are immutable; index.html is revalidated; any other GET that
 * accepts HTML gets index.html (client-side routes). Source maps are never served, should a build leave some:
 * they hold the panel's whole source to anyone who asks.
 *
 * Hand-written rather than @fastify/static: with its dependencies (glob, send, mime-db) it doubled the module
 * code evaluated on every socket-activated cold start, for a directory of a dozen files (docs/benchmarks.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** URL path ("/assets/x.js") -> absolute file, for every regular file under root but dotfiles and source maps. */
function listFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.endsWith('.map')) continue;
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
  private files: Map<string, string>;
  private scannedAt = 0;

  constructor(readonly root: string) {
    this.files = listFiles(root);
  }

  get built(): boolean {
    return this.files.has('/index.html');
  }

  /** The file for a request path; a miss re-reads the directory at most once a second (a rebuilt panel). */
  find(urlPath: string): string | undefined {
    const hit = this.files.get(urlPath);
    if (hit || Date.now() - this.scannedAt < 1000) return hit;
    this.scannedAt = Date.now();
    this.files = listFiles(this.root);
    return this.files.get(urlPath);
  }

  send(reply: FastifyReply, file: string, urlPath: string): FastifyReply {
    const immutable = urlPath.startsWith('/assets/');
    return reply
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('last-modified', statSync(file).mtime.toUTCString())
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .send(readFileSync(file));
  }

  /** index.html, read per request so a rebuilt panel is served without a restart. */
  sendIndex(reply: FastifyReply): FastifyReply {
    return this.send(
      reply.header('content-security-policy', PANEL_CSP),
      join(this.root, 'index.html'),
      '/index.html',
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
    app.get('/', (_request, reply) => dist.sendIndex(reply));
    // Only exact names of built files; everything else falls through to the not-found handler (SPA fallback).
    app.get('/*', (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const file = path === '/index.html' ? undefined : dist.find(path);
      if (file) return dist.send(reply, file, path);
      return reply.callNotFound();
    });
  };
}

export function appFallback(dist: WebDist) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined =>
    wantsApp(request) && dist.built ? dist.sendIndex(reply) : undefined;
}
