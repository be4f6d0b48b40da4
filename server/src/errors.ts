/**
 * One error type for the whole server. Domain and adapters throw AppError with a stable code; the HTTP layer
 * maps the code to a status through STATUS_BY_CODE, which is the only place that knows about HTTP statuses.
 */
export const STATUS_BY_CODE = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  INVALID_PAYLOAD: 400,
  MISSING_HEADER: 400,
  INVALID_UNIT: 400,
  INVALID_QUERY: 400,
  UNAUTHORIZED: 401,
  CSRF_FAILED: 403,
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  NOT_FOUND: 404,
  UNKNOWN_UNIT: 404,
  TASK_FAILED: 500,
  CONFLICT: 409,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  WEBHOOK_SECRET_MISSING: 503,
  ADMIN_AUTH_NOT_CONFIGURED: 503,
  NOT_READY: 503,
  SHUTTING_DOWN: 503,
  CONFIG_INVALID: 500,
  STATE_DIR_UNUSABLE: 500,
  DATABASE_ERROR: 500,
  PODMAN_UNAVAILABLE: 503,
  PODMAN_ERROR: 502,
  SYSTEMD_ERROR: 502,
  REGISTRY_ERROR: 502,
  DBUS_UNAVAILABLE: 503,
  REGISTRY_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface AppErrorOptions {
  cause?: unknown;
  /** Operator-facing fix, shown by doctor, /readyz and logs. */
  hint?: string;
  /** Seconds until a rate-limited caller may try again (sets Retry-After). */
  retryAfterSec?: number;
  /** Extra response headers, e.g. Allow for 405. */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retryAfterSec: number | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = options.hint;
    this.retryAfterSec = options.retryAfterSec;
    this.headers = options.headers;
  }
}

/** Every problem found in the configuration, reported together. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const statusFor = (code: ErrorCode): number => STATUS_BY_CODE[code];

/** Exit status for configuration problems (sysexits EX_CONFIG); the unit file stops restarting on it. */
export const EXIT_CONFIG = 78;

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
