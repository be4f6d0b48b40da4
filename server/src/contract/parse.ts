import type { z } from 'zod';
import { AppError, type ErrorCode } from '../errors.js';

/**
 * zod parse that fails with one AppError listing every problem. `label` names a field the way the caller knows
 * it: "limit" for the API, "--limit" for the CLI; a problem with the input as a whole (an unknown key) is
 * named by `whole`: the body, or the query string.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode,
  label: (field: string) => string = (f) => f,
  whole: 'body' | 'query' = 'body',
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError(
    code,
    parsed.error.issues
      .map((i) => `${i.path.length > 0 ? label(i.path.join('.')) : whole}: ${i.message}`)
      .join('; '),
  );
}
