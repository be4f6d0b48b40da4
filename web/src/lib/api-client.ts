/**
 * The one way the panel talks to podup: same-origin fetch with the session cookie, JSON in and out, the
 * CSRF token on every state-changing request, and every failure as an ApiError built from the server's
 * ErrorBody ({ error: { code, message, requestId, hint? } }).
 */
import type { ErrorBody } from '@contract';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly hint: string | undefined;
  /** From Retry-After on 429 and 503 answers. */
  readonly retryAfterSec: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId?: string | undefined;
    hint?: string | undefined;
    retryAfterSec?: number | undefined;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.hint = init.hint;
    this.retryAfterSec = init.retryAfterSec;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** True when the answer means "sign in first". */
export const isUnauthorized = (e: unknown): boolean => isApiError(e) && e.status === 401;

let csrfToken: string | null = null;
/** Remembered from GET/POST /api/session; sent as X-CSRF-Token with POST, PUT, PATCH and DELETE. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type UnauthorizedListener = (error: ApiError) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();
/** Called on every 401 (except where the caller handles it, like the sign-in form). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Statuses whose JSON body is the answer rather than an error (GET /readyz answers 503 with Readiness). */
  okStatuses?: readonly number[];
  /** 401 is the caller's business (the sign-in form): do not tell the unauthorized listeners. */
  quiet401?: boolean;
}

/** `/api/tasks` + { status: 'running', unit: '' } -> `/api/tasks?status=running` (empty values dropped). */
export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function retryAfter(res: Response): number | undefined {
  const h = res.headers.get('retry-after');
  if (!h) return undefined;
  const sec = Number(h);
  if (Number.isFinite(sec)) return Math.max(0, sec);
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function isErrorBody(v: unknown): v is ErrorBody {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = v.error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (MUTATING.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: 'NETWORK',
      message: 'podup is not reachable',
      hint: 'check that the podup service is running and that this page is served by it',
    });
  }

  const body = await readJson(res);
  if (res.ok || options.okStatuses?.includes(res.status)) return body as T;

  const error = isErrorBody(body)
    ? new ApiError({
        status: res.status,
        code: body.error.code,
        message: body.error.message,
        requestId: body.error.requestId,
        hint: body.error.hint,
        retryAfterSec: retryAfter(res),
      })
    : new ApiError({
        status: res.status,
        code: `HTTP_${res.status}`,
        message: `${method} ${path} answered ${res.status} ${res.statusText}`.trim(),
        retryAfterSec: retryAfter(res),
      });
  if (res.status === 401 && !options.quiet401) for (const l of unauthorizedListeners) l(error);
  throw error;
}

/** One line for a toast or an inline error: the message, and how long to wait when rate limited. */
export function describeError(e: unknown): { title: string; hint?: string | undefined; requestId?: string } {
  if (isApiError(e)) {
    const wait = e.status === 429 && e.retryAfterSec !== undefined ? ` Retry in ${e.retryAfterSec} s.` : '';
    const stop = wait && !/[.!?]$/.test(e.message) ? '.' : '';
    return {
      title: `${e.message}${stop}${wait}`,
      hint: e.hint,
      ...(e.requestId ? { requestId: e.requestId } : {}),
    };
  }
  return { title: e instanceof Error ? e.message : String(e) };
}
