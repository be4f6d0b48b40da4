import type { AuditFields, RequestTrace } from '../use-cases/origin.js';
import type { AuthContext } from './admin-auth.js';

export type { AuditFields };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Log the request at debug instead of info (probes polled by monitoring). */
    quietLog?: boolean;
    /** Served under /api/v1 as well (http/api-paths.ts). */
    v1?: boolean;
  }

  interface FastifyRequest {
    /** The event-log trace of this request (its fields are `audit`). */
    trace: RequestTrace;
    audit: AuditFields;
    startedAt: number;
    /** Ends this request for the idle-exit count (hijacked streams call it when they close). */
    finishLifecycle: () => void;
    /** Set by the admin guard on admin routes. */
    auth: AuthContext;
  }
}
