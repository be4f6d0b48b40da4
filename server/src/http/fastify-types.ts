import type { Outcome } from '../domain/events/event.js';
import type { AuthContext } from './admin-auth.js';

/** What the event log row of a request says beyond method, route and status. */
export interface AuditFields {
  delivery?: string | undefined;
  event?: string | undefined;
  action?: string | undefined;
  image?: string | undefined;
  outcome?: Outcome | undefined;
  reason?: string | undefined;
  taskId?: string | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Log the request at debug instead of info (probes polled by monitoring). */
    quietLog?: boolean;
  }

  interface FastifyRequest {
    audit: AuditFields;
    /** True once the handler wrote the event row itself (inside its own transaction). */
    audited: boolean;
    startedAt: number;
    /** Ends this request for the idle-exit count (hijacked streams call it when they close). */
    finishLifecycle: () => void;
    /** Set by the admin guard on admin routes. */
    auth: AuthContext;
  }
}
