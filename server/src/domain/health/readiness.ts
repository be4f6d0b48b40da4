/**
 * Readiness: every part podup needs, probed in parallel with a time bound, each failure with its fix.
 * Used by: GET /readyz, podup doctor
 */
import { AppError, errorMessage } from '../../errors.js';
import type { Probe } from '../ports/index.js';

export interface CheckResult {
  ok: boolean;
  detail: string;
  hint?: string | undefined;
  ms: number;
}

export async function runChecks<K extends string>(
  probes: Record<K, Probe>,
  timeoutMs: number,
): Promise<Record<K, CheckResult>> {
  const names = Object.keys(probes) as K[];
  const results = await Promise.all(
    names.map(async (name): Promise<CheckResult> => {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      try {
        const detail = await probes[name].check(timeoutMs);
        return { ok: true, detail, ms: ms() };
      } catch (e) {
        return {
          ok: false,
          detail: errorMessage(e),
          hint: e instanceof AppError ? e.hint : undefined,
          ms: ms(),
        };
      }
    }),
  );
  return Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<K, CheckResult>;
}
