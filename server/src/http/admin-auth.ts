/**
 * Admin routes fail closed: without PODUP_ADMIN_TOKEN they answer 503 (unless PODUP_DEV_OPEN_ADMIN=1), and a
 * wrong token is 401. Failed attempts count against the caller's address like bad webhook signatures.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import type { FailureLimiter } from './failure-limiter.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function tokenMatches(expected: string, given: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the token length.
  return timingSafeEqual(digest(expected), digest(given));
}

export function adminGuard(deps: Pick<Deps, 'config'>, failures: FailureLimiter) {
  const { adminToken, devOpenAdmin } = deps.config;
  return async (request: FastifyRequest): Promise<void> => {
    if (!adminToken) {
      if (devOpenAdmin) return;
      throw new AppError('ADMIN_AUTH_NOT_CONFIGURED', 'admin API is disabled: no admin token is configured', {
        hint: 'set PODUP_ADMIN_TOKEN (or PODUP_ADMIN_TOKEN_FILE / the systemd credential admin-token); for local development only, PODUP_DEV_OPEN_ADMIN=1',
      });
    }
    failures.assertNotBlocked(request.ip);
    const header = request.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1] || !tokenMatches(adminToken, m[1])) {
      await failures.recordFailure(request.ip);
      throw new AppError(
        'UNAUTHORIZED',
        m ? 'wrong admin token' : 'admin token required (Authorization: Bearer <token>)',
        {
          headers: { 'www-authenticate': 'Bearer realm="podup"' },
        },
      );
    }
  };
}
