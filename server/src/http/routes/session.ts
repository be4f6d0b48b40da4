/**
 * GET /api/session (who am I, and the CSRF token), POST /api/session {token} (sign in: sets the HttpOnly,
 * SameSite=Strict session cookie), DELETE /api/session (sign out: the session's task-log streams end too).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { SESSION_COOKIE, type AdminAuth, type AuthContext } from '../admin-auth.js';
import { sessionCredential, type StreamRegistry } from '../stream-registry.js';
import { SignInBody, type Session } from '../../contract/api.js';
import { parseInput } from '../../contract/parse.js';

const toSession = (ctx: AuthContext): Session => ({
  authenticated: ctx.method !== 'none',
  method: ctx.method,
  user: ctx.user,
  csrfToken: ctx.csrfToken,
});

export function sessionRoutes(deps: Deps, auth: AdminAuth, streams: StreamRegistry) {
  const httpsPublicUrl = deps.config.publicUrl?.startsWith('https://') ?? false;
  const cookieOptions = (request: FastifyRequest) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    // Secure when the browser talks TLS: to podup itself, to a trusted proxy that says so in
    // X-Forwarded-Proto (request.protocol believes only PODUP_TRUST_PROXY peers), or to the public URL.
    secure: request.protocol === 'https' || httpsPublicUrl,
  });

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/session', async (request): Promise<Session> => {
      const { ctx, refusal } = await auth.identify(request);
      // Signed out, with the reason in the event log; only a caller that keeps failing is refused.
      if (refusal?.code === 'RATE_LIMITED') throw refusal;
      if (refusal) request.audit.reason = `${refusal.code}: ${refusal.message}`;
      return toSession(ctx);
    });

    app.post('/api/session', async (request, reply: FastifyReply): Promise<Session> => {
      const { token } = parseInput(SignInBody, request.body ?? {}, 'BAD_REQUEST');
      await auth.checkToken(request, token);
      const user = 'admin';
      const s = await deps.services.sessions.open(token, user);
      reply.setCookie(SESSION_COOKIE, s.id, {
        ...cookieOptions(request),
        maxAge: Math.floor(deps.config.sessionTtlMs / 1000),
      });
      request.audit.outcome = 'ok';
      request.audit.reason = 'signed in';
      return { authenticated: true, method: 'cookie', user, csrfToken: s.csrfToken };
    });

    app.delete('/api/session', async (request, reply) => {
      const id = request.cookies[SESSION_COOKIE];
      if (id) {
        await deps.services.sessions.close(id);
        streams.endAll(sessionCredential(id), 'signed out');
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return reply.code(204).send();
    });
  };
}
