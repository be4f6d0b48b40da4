/**
 * The task panel: the built web app from web/dist. Hashed assets are immutable; index.html is revalidated;
 * any other GET that accepts HTML gets index.html (client-side routes). Nothing outside web/dist is served
 * (@fastify/static resolves every path inside its root).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';

/** Routes that never fall back to the app: unknown paths under them are JSON 404s. */
const API_PREFIXES = ['/api/', '/webhooks/', '/github-package-update/', '/healthz', '/readyz'];

export function wantsApp(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (API_PREFIXES.some((p) => path.startsWith(p))) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export function staticRoutes(deps: Deps) {
  const root = deps.config.webDist;
  const indexPath = join(root, 'index.html');
  return async function plugin(app: FastifyInstance): Promise<void> {
    if (!existsSync(indexPath)) {
      deps.logger.warn({ root }, 'task panel not built (no web/dist/index.html): run npm run build');
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: false,
      wildcard: true,
      dotfiles: 'deny',
      // our own Cache-Control below: immutable hashed assets, revalidated everything else
      cacheControl: false,
      setHeaders: (res, path) => {
        res.setHeader(
          'cache-control',
          path.includes(`${root}/assets/`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
    app.get('/', (_request, reply) => sendIndex(reply));
  };

  function sendIndex(reply: FastifyReply): FastifyReply {
    // Read per request: a rebuilt panel is served without a restart (the file is small).
    return reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .type('text/html; charset=utf-8')
      .send(readFileSync(indexPath));
  }
}

export function appFallback(deps: Deps) {
  const indexPath = join(deps.config.webDist, 'index.html');
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    if (!wantsApp(request) || !existsSync(indexPath)) return undefined;
    return reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(readFileSync(indexPath));
  };
}
