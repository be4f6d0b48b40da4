/**
 * Task-panel sessions: signing in with the admin token opens one (only a hash of its id is stored), signing
 * out ends it, and a changed admin token ends them all.
 * Used by: POST|DELETE /api/session and the admin guard
 */
import type { Clock, SessionRow, Stores, UnitOfWork } from '../domain/ports/index.js';

export class SessionService {
  constructor(
    private readonly deps: {
      stores: Pick<Stores, 'sessions' | 'meta'>;
      writes: UnitOfWork;
      clock: Clock;
      ttlMs: number;
    },
  ) {}

  open(adminToken: string, user: string): Promise<{ id: string; csrfToken: string }> {
    return this.deps.writes.run((s) =>
      s.sessions.create(adminToken, user, this.deps.clock.now(), this.deps.ttlMs),
    );
  }

  find(id: string, adminToken: string): SessionRow | undefined {
    return this.deps.stores.sessions.find(id, adminToken, this.deps.clock.now());
  }

  close(id: string): Promise<void> {
    return this.deps.writes.run((s) => s.sessions.delete(id));
  }

  /** The key CSRF tokens of cookie-less browser modes are derived from (stable across restarts). */
  csrfKey(): string {
    return this.deps.stores.meta.secret('csrf-key');
  }
}
