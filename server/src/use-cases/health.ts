/**
 * Readiness: every part podup needs, probed in parallel with a time bound, each failure with its fix.
 * Used by: GET /readyz, GET /api/overview
 */
import { runChecks, type CheckResult } from '../domain/health/readiness.js';
import type { Probes } from '../domain/ports/index.js';

export class HealthService {
  constructor(private readonly probes: Probes) {}

  readiness(timeoutMs: number): Promise<Record<keyof Probes, CheckResult>> {
    return runChecks(this.probes, timeoutMs);
  }
}
