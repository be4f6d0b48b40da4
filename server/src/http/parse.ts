import type { z } from 'zod';
import { AppError, type ErrorCode } from '../errors.js';

/** zod parse that fails with one AppError listing every problem. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown, code: ErrorCode): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError(
    code,
    parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
  );
}
