/**
 * One error type for the whole server. Domain, use cases and adapters throw AppError with a stable code; this
 * table is the only place that knows which HTTP status and which CLI exit status each code means.
 * Exit statuses follow sysexits(3): 2 usage, 69 unavailable, 75 try again later, 77 not allowed, 78 config.
 */
const EX_USAGE = 2;
const EX_FAILURE = 1;
const EX_UNAVAILABLE = 69;
const EX_TEMPFAIL = 75;
const EX_NOPERM = 77;
/** Exit status for configuration problems (sysexits EX_CONFIG); the unit file stops restarting on it. */
export const EXIT_CONFIG = 78;

export const ERROR_TABLE = {
  BAD_REQUEST: { status: 400, exit: EX_USAGE },
  INVALID_JSON: { status: 400, exit: EX_USAGE },
  INVALID_PAYLOAD: { status: 400, exit: EX_USAGE },
  MISSING_HEADER: { status: 400, exit: EX_USAGE },
  INVALID_UNIT: { status: 400, exit: EX_USAGE },
  INVALID_QUERY: { status: 400, exit: EX_USAGE },
  UNAUTHORIZED: { status: 401, exit: EX_NOPERM },
  SIGNATURE_MISSING: { status: 401, exit: EX_NOPERM },
  SIGNATURE_INVALID: { status: 401, exit: EX_NOPERM },
  CSRF_FAILED: { status: 403, exit: EX_NOPERM },
  /** A credential without the scope or the units a request needs. */
  FORBIDDEN: { status: 403, exit: EX_NOPERM },
  NOT_OPTED_IN: { status: 403, exit: EX_FAILURE },
  NOT_FOUND: { status: 404, exit: EX_FAILURE },
  UNKNOWN_UNIT: { status: 404, exit: EX_FAILURE },
  METHOD_NOT_ALLOWED: { status: 405, exit: EX_USAGE },
  REQUEST_TIMEOUT: { status: 408, exit: EX_TEMPFAIL },
  CONFLICT: { status: 409, exit: EX_FAILURE },
  PAYLOAD_TOO_LARGE: { status: 413, exit: EX_USAGE },
  /** An Idempotency-Key used again with another request. */
  IDEMPOTENCY_MISMATCH: { status: 422, exit: EX_USAGE },
  URI_TOO_LONG: { status: 414, exit: EX_USAGE },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: EX_USAGE },
  RATE_LIMITED: { status: 429, exit: EX_TEMPFAIL },
  HEADERS_TOO_LARGE: { status: 431, exit: EX_USAGE },
  INTERNAL: { status: 500, exit: EX_FAILURE },
  TASK_FAILED: { status: 500, exit: EX_FAILURE },
  DATABASE_ERROR: { status: 500, exit: EX_FAILURE },
  CONFIG_INVALID: { status: 500, exit: EXIT_CONFIG },
  STATE_DIR_UNUSABLE: { status: 500, exit: EXIT_CONFIG },
  PODMAN_ERROR: { status: 502, exit: EX_FAILURE },
  SYSTEMD_ERROR: { status: 502, exit: EX_FAILURE },
  REGISTRY_ERROR: { status: 502, exit: EX_FAILURE },
  IMAGE_NOT_FOUND: { status: 502, exit: EX_FAILURE },
  REGISTRY_DENIED: { status: 502, exit: EX_FAILURE },
  WEBHOOK_SECRET_MISSING: { status: 503, exit: EXIT_CONFIG },
  ADMIN_AUTH_NOT_CONFIGURED: { status: 503, exit: EXIT_CONFIG },
  NOT_READY: { status: 503, exit: EX_UNAVAILABLE },
  WAKE_UNSUPPORTED: { status: 503, exit: EX_UNAVAILABLE },
  SHUTTING_DOWN: { status: 503, exit: EX_UNAVAILABLE },
  /** Written by http/connection-limits.ts before any request is read. */
  TOO_MANY_CONNECTIONS: { status: 503, exit: EX_TEMPFAIL },
  PODMAN_UNAVAILABLE: { status: 503, exit: EX_UNAVAILABLE },
  DBUS_UNAVAILABLE: { status: 503, exit: EX_UNAVAILABLE },
  REGISTRY_UNAVAILABLE: { status: 503, exit: EX_UNAVAILABLE },
  // The state disk: nothing is acknowledged that was not committed, so writes are refused until it recovers.
  STORAGE_FULL: { status: 503, exit: EX_TEMPFAIL },
  STORAGE_READ_ONLY: { status: 503, exit: EX_UNAVAILABLE },
  STORAGE_FAILED: { status: 503, exit: EX_UNAVAILABLE },
  STORAGE_DELETED: { status: 503, exit: EX_UNAVAILABLE },
} as const satisfies Record<string, { status: number; exit: number }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);

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

const STORAGE_CODES = ['STORAGE_FULL', 'STORAGE_READ_ONLY', 'STORAGE_FAILED', 'STORAGE_DELETED'] as const;

/** The state disk refused a write; db/storage-health.ts logs it once per interval, so callers need not. */
export const isStorageFault = (
  e: unknown,
): e is AppError & { readonly code: (typeof STORAGE_CODES)[number] } =>
  isAppError(e) && (STORAGE_CODES as readonly string[]).includes(e.code);

export const statusFor = (code: ErrorCode): number => ERROR_TABLE[code].status;

export const exitStatusFor = (code: ErrorCode): number => ERROR_TABLE[code].exit;

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The errno code of a system error ("ENOENT", "ECONNREFUSED"), also when it is the cause of another error. */
export function errnoCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
