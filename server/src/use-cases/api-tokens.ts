/**
 * API tokens for bots: create (the plain text is answered once), list, revoke (the next request with it is
 * refused: every request looks the token up), and the check of a presented token. A token that is unknown,
 * revoked or expired counts against the caller's address in the failed-attempt limiter; a valid one never does.
 * Long-lived responses opened with a token (task-log streams) hear of its revocation (`onRevoked`) and check
 * that it still grants (`current`) before they send more.
 * Used by: podup tokens [create|revoke], GET|POST /api/v1/tokens, DELETE /api/v1/tokens/:name, the admin guard,
 * the task-log stream
 */
import {
  EVERY_UNIT,
  SCOPES,
  tokenNameProblem,
  UNIT_PATTERN,
  type Grant,
  type Scope,
} from '../domain/auth/grant.js';
import type { ApiTokenRecord, Clock, Stores, UnitOfWork } from '../domain/ports/index.js';
import { AppError } from '../errors.js';
import type { FailureLimits } from './failure-limits.js';
import { decidedRow, recorded, type Origin } from './origin.js';

export interface CreateTokenInput {
  name: string;
  scopes: readonly string[];
  /** Unit patterns; none given: every unit. */
  units?: readonly string[] | undefined;
  /** Lifetime from now; none: until revoked. */
  expiresInMs?: number | undefined;
}

/** How often the last use of one token is written: a bot polling every second must not cost a write each. */
const LAST_USED_EVERY_MS = 60_000;

export class ApiTokenService {
  private readonly lastWritten = new Map<string, { at: number; from: string | null }>();
  private readonly revokedListeners = new Set<(name: string) => void>();

  constructor(
    private readonly deps: {
      stores: Pick<Stores, 'tokens'>;
      writes: UnitOfWork;
      clock: Clock;
      failures: FailureLimits;
    },
  ) {}

  async create(input: CreateTokenInput, origin: Origin): Promise<{ token: string; record: ApiTokenRecord }> {
    const problems: string[] = [];
    const nameProblem = tokenNameProblem(input.name);
    if (nameProblem) problems.push(`name: ${nameProblem}`);
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) problems.push(`scopes: name at least one of ${SCOPES.join(', ')}`);
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) problems.push(`scopes: ${unknown.join(', ')} unknown (${SCOPES.join(', ')})`);
    const units = input.units && input.units.length > 0 ? [...new Set(input.units)] : [...EVERY_UNIT];
    const badUnits = units.filter((u) => !UNIT_PATTERN.test(u));
    if (badUnits.length > 0)
      problems.push(`units: ${badUnits.join(', ')} (unit names with * as the wildcard, e.g. web-*)`);
    if (input.expiresInMs !== undefined && !(input.expiresInMs > 0))
      problems.push('expires: must be a duration such as 90d');
    if (problems.length > 0) throw new AppError('BAD_REQUEST', problems.join('; '));

    const now = this.deps.clock.now();
    const created = await this.deps.writes.run((s) => {
      const c = s.tokens.create(
        {
          name: input.name,
          scopes: scopes as Scope[],
          units,
          expiresAt: input.expiresInMs === undefined ? null : now + input.expiresInMs,
          createdBy: origin.actor,
        },
        now,
      );
      if (origin.request)
        s.events.insert(decidedRow(origin.request, { reason: `token ${input.name} created` }, 201, now));
      return c;
    });
    recorded(origin.request, { reason: `token ${input.name} created` });
    return created;
  }

  list(): ApiTokenRecord[] {
    return this.deps.stores.tokens.list();
  }

  async revoke(name: string, origin: Origin): Promise<void> {
    const now = this.deps.clock.now();
    const decided = { reason: `token ${name.slice(0, 64)} revoked` };
    const revoked = await this.deps.writes.run((s) => {
      if (!s.tokens.revoke(name)) return false;
      if (origin.request) s.events.insert(decidedRow(origin.request, decided, 204, now));
      return true;
    });
    if (!revoked) throw new AppError('NOT_FOUND', `no token named ${name.slice(0, 64)}`);
    this.lastWritten.delete(name);
    recorded(origin.request, decided);
    for (const listener of [...this.revokedListeners]) listener(name);
  }

  /** Calls `listener` with the name of each token revoked from now on (after the commit); returns its removal. */
  onRevoked(listener: (name: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** The token named `name` while it grants: undefined once revoked or expired. */
  current(name: string): ApiTokenRecord | undefined {
    const record = this.deps.stores.tokens.get(name);
    return record && (record.expiresAt === null || record.expiresAt > this.deps.clock.now())
      ? record
      : undefined;
  }

  /**
   * The grant of a presented API token. Unknown, revoked or expired: UNAUTHORIZED, counted against `source`
   * (RATE_LIMITED once it failed too often).
   */
  async authenticate(plain: string, source: string): Promise<Grant> {
    const record = this.deps.stores.tokens.find(plain);
    const now = this.deps.clock.now();
    if (!record || (record.expiresAt !== null && record.expiresAt <= now)) {
      const why = record ? `API token ${record.name} expired` : 'unknown or revoked API token';
      throw await this.deps.failures.fail(
        'bad-api-token',
        source,
        new AppError('UNAUTHORIZED', why, { headers: { 'www-authenticate': 'Bearer realm="podup"' } }),
      );
    }
    this.noteUse(record.name, now, source);
    return { name: record.name, scopes: record.scopes, units: record.units };
  }

  /** Last use, at most once a minute per token and address; a failed write only loses that note. */
  private noteUse(name: string, now: number, from: string): void {
    const last = this.lastWritten.get(name);
    if (last && last.from === from && now - last.at < LAST_USED_EVERY_MS) return;
    if (this.lastWritten.size > 10_000) this.lastWritten.clear();
    this.lastWritten.set(name, { at: now, from });
    this.deps.writes.run((s) => s.tokens.used(name, now, from)).catch(() => undefined);
  }
}
