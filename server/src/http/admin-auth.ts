/**
 * Who may use the admin API, and with which scope, fail-closed. In order: `Authorization: Bearer pdp_...` (an
 * API token: its scopes and unit patterns), `Authorization: Bearer <PODUP_ADMIN_TOKEN>` (the root credential:
 * CLI, bots of old), the task panel's session cookie (opened by signing in with the admin token), a ForwardAuth
 * header set by a reverse proxy, or PODUP_DEV_OPEN_ADMIN=1 for development; all but API tokens hold every
 * scope. Nothing configured: 503 with a hint. Wrong credentials (a token, a ForwardAuth value): 401, and they
 * count against the caller's address; a credential without the route's scope: 403. ForwardAuth headers count
 * only on requests straight from a PODUP_TRUST_PROXY peer: anyone else can send them too. Browser-borne
 * requests (cookie, ForwardAuth, open) that change something must carry X-CSRF-Token.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { allows, rootGrant, TOKEN_PREFIX, type Grant, type Scope } from '../domain/auth/grant.js';
import { AppError } from '../errors.js';
import { routeName } from './api-paths.js';
import type { Deps } from './deps.js';
import { forwardedUser } from './forwarded-user.js';
import { fromTrustedProxy, type TrustFn } from './trusted-peer.js';

export const SESSION_COOKIE = 'podup_session';
export const CSRF_HEADER = 'x-csrf-token';

export type AuthMethod = 'cookie' | 'bearer' | 'token' | 'forward-auth' | 'open' | 'none';

export interface AuthContext {
  method: AuthMethod;
  user: string | null;
  /** What it may do; null when nobody is signed in. */
  grant: Grant | null;
  /** Expected X-CSRF-Token for state-changing requests; null when none is needed (bearer) or possible. */
  csrfToken: string | null;
  /** The session of a cookie, for what must end with it (task-log streams). */
  session?: { id: string; expiresAt: number };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function tokenMatches(expected: string, given: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the token length.
  return timingSafeEqual(digest(expected), digest(given));
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const NOBODY: AuthContext = { method: 'none', user: null, grant: null, csrfToken: null };

/** A credential that holds every scope; `user ?? method` is who acts, as before API tokens. */
const root = (method: AuthMethod, user: string | null, csrfToken: string | null): AuthContext => ({
  method,
  user,
  grant: rootGrant(user ?? method),
  csrfToken,
});

/** Who acts, as written on tasks and event rows. */
export const actorOf = (ctx: AuthContext): string => ctx.grant?.name ?? ctx.user ?? ctx.method;

export interface Identified {
  ctx: AuthContext;
  /** Why presented credentials were not admitted (already counted as a failure where they count). */
  refusal?: AppError | undefined;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class AdminAuth {
  constructor(
    private readonly deps: Pick<Deps, 'config' | 'services'>,
    private readonly trust: TrustFn | undefined,
  ) {}

  /** CSRF token for modes without a session row: stable across restarts, different per mode. */
  private serverCsrf(method: AuthMethod): string {
    return createHmac('sha256', this.deps.services.sessions.csrfKey())
      .update(`csrf:${method}`)
      .digest('base64url');
  }

  private get configured(): boolean {
    const { adminToken, forwardAuth, devOpenAdmin } = this.deps.config;
    return Boolean(adminToken || forwardAuth || devOpenAdmin);
  }

  /**
   * Who the request is. Refuses nothing itself (GET /api/session answers "signed out"), but a wrong
   * ForwardAuth value counts against the client's address, and `refusal` says why it was not admitted.
   */
  async identify(request: FastifyRequest): Promise<Identified> {
    const { adminToken, devOpenAdmin } = this.deps.config;
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie && adminToken) {
      const s = this.deps.services.sessions.find(cookie, adminToken);
      if (s)
        return {
          ctx: {
            ...root('cookie', s.user, s.csrfToken),
            session: { id: cookie, expiresAt: s.expiresAt },
          },
        };
    }
    const forwarded = await this.forwardAuth(request);
    if (forwarded) return forwarded;
    if (devOpenAdmin && !adminToken) return { ctx: root('open', null, this.serverCsrf('open')) };
    return { ctx: NOBODY };
  }

  /** The ForwardAuth headers of a request from the trusted proxy; undefined when there are none to judge. */
  private async forwardAuth(request: FastifyRequest): Promise<Identified | undefined> {
    const { forwardAuth } = this.deps.config;
    if (!forwardAuth || !fromTrustedProxy(request, this.trust)) return undefined;
    const given = header(request, forwardAuth.header);
    if (given === undefined) return undefined;
    if (!tokenMatches(forwardAuth.value, given)) {
      const refusal = await this.deps.services.failures.fail(
        'bad-forward-auth',
        request.ip,
        new AppError('UNAUTHORIZED', 'the reverse proxy did not name this user as an admin'),
      );
      return { ctx: NOBODY, refusal };
    }
    const raw = forwardAuth.userHeader ? header(request, forwardAuth.userHeader) : undefined;
    const user = raw === undefined ? null : forwardedUser(raw);
    if (user === undefined) {
      // Not counted: the admin value was right; the proxy sent a name podup will not write anywhere.
      const refusal = new AppError(
        'UNAUTHORIZED',
        `the user name in ${forwardAuth.userHeader} is not printable text of at most 128 characters`,
      );
      return { ctx: NOBODY, refusal };
    }
    return { ctx: root('forward-auth', user, this.serverCsrf('forward-auth')) };
  }

  private notConfigured(): AppError {
    return new AppError('ADMIN_AUTH_NOT_CONFIGURED', 'admin API is disabled: no admin token is configured', {
      hint:
        'set PODUP_ADMIN_TOKEN (or PODUP_ADMIN_TOKEN_FILE / the systemd credential admin-token), or ForwardAuth with ' +
        'PODUP_FORWARD_AUTH_HEADER and PODUP_FORWARD_AUTH_VALUE; for local development only, PODUP_DEV_OPEN_ADMIN=1',
    });
  }

  /**
   * Checks a presented admin token (bearer or sign-in). A right one always passes; a wrong one counts as a
   * failure of the address, which is answered 429 once it has failed too often.
   */
  async checkToken(request: FastifyRequest, given: string): Promise<void> {
    const { adminToken } = this.deps.config;
    if (!adminToken) throw this.notConfigured();
    if (tokenMatches(adminToken, given)) return;
    throw await this.deps.services.failures.fail(
      'bad-admin-token',
      request.ip,
      new AppError('UNAUTHORIZED', 'wrong admin token', {
        headers: { 'www-authenticate': 'Bearer realm="podup"' },
      }),
    );
  }

  /**
   * The context of a presented token: an API token (pdp_...) with its grant, else the admin token. Wrong ones
   * are counted by the failed-attempt limiter and refused (401, or 429 once the address failed too often).
   */
  async bearer(request: FastifyRequest, token: string): Promise<AuthContext> {
    if (token.startsWith(TOKEN_PREFIX)) {
      const grant = await this.deps.services.tokens.authenticate(token, request.ip);
      return { method: 'token', user: grant.name, grant, csrfToken: null };
    }
    if (!this.deps.config.adminToken && this.deps.config.devOpenAdmin) return root('open', null, null);
    await this.checkToken(request, token);
    return root('bearer', null, null);
  }

  /** Admits `ctx` to a route that needs `scope` (403 otherwise) and records who acts. */
  admit(request: FastifyRequest, ctx: AuthContext, scope: Scope): void {
    if (!ctx.grant || !allows(ctx.grant, scope)) {
      throw new AppError(
        'FORBIDDEN',
        `token ${ctx.user ?? ctx.method} has scope ${ctx.grant?.scopes.join(', ') ?? 'none'}; ${request.method} ${routeName(request) ?? request.originalUrl} needs ${scope}`,
      );
    }
    request.auth = ctx;
    request.audit.actor = actorOf(ctx);
  }

  /** preHandler of a route that needs `scope`. */
  require(scope: Scope): (request: FastifyRequest) => Promise<void> {
    return async (request) => {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '');
      if (bearer?.[1]) {
        this.admit(request, await this.bearer(request, bearer[1]), scope);
        return;
      }
      if (!this.configured) throw this.notConfigured();
      const { ctx, refusal } = await this.identify(request);
      if (ctx.method === 'none') {
        throw (
          refusal ??
          new AppError('UNAUTHORIZED', 'sign in, or send Authorization: Bearer <token>', {
            headers: { 'www-authenticate': 'Bearer realm="podup"' },
          })
        );
      }
      if (UNSAFE.has(request.method)) {
        const given = header(request, CSRF_HEADER);
        if (!given || !ctx.csrfToken || !tokenMatches(ctx.csrfToken, given)) {
          throw new AppError(
            'CSRF_FAILED',
            `state-changing requests from the browser need the ${CSRF_HEADER} header of GET /api/session`,
          );
        }
      }
      this.admit(request, ctx, scope);
    };
  }

  /** preHandler of a route only the admin may use (tokens, settings, maintenance). */
  guard = this.require('admin');

  /** preHandler of GET /metrics: PODUP_METRICS_TOKEN (it may read the metrics and nothing else), or read. */
  metrics = async (request: FastifyRequest): Promise<void> => {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '')?.[1];
    const { metricsToken } = this.deps.config;
    if (given && metricsToken && tokenMatches(metricsToken, given)) {
      const grant = { name: 'metrics', scopes: ['read' as const], units: [] };
      this.admit(request, { method: 'bearer', user: 'metrics', grant, csrfToken: null }, 'read');
      return;
    }
    await this.require('read')(request);
  };
}
