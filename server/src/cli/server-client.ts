/**
 * The running podup, seen from the CLI: commands that change things go through its API (one writer),
 * authenticated with the same PODUP_ADMIN_TOKEN; when no server answers, they run in-process.
 */
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

export interface ServerClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

const baseUrl = (config: Config): string => {
  const host =
    config.httpAddr.host === '0.0.0.0'
      ? '127.0.0.1'
      : config.httpAddr.host === '::'
        ? '[::1]'
        : config.httpAddr.host;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.httpAddr.port}`;
};

/** A client for the podup serving on PODUP_HTTP_ADDR, or undefined when none answers there. */
export async function connectToServer(config: Config): Promise<ServerClient | undefined> {
  const base = baseUrl(config);
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(700) });
    const body = (await res.json()) as { status?: string; version?: string };
    if (body.status !== 'ok' || !body.version) return undefined;
  } catch {
    return undefined;
  }
  if (!config.adminToken && !config.devOpenAdmin) {
    throw new AppError(
      'ADMIN_AUTH_NOT_CONFIGURED',
      `podup is serving on ${base}; the CLI needs its admin token to change things`,
      {
        hint: 'set PODUP_ADMIN_TOKEN (or PODUP_ADMIN_TOKEN_FILE) to the token the server uses',
      },
    );
  }
  const headers: Record<string, string> = config.adminToken
    ? { authorization: `Bearer ${config.adminToken}` }
    : {};
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const json = (await res.json()) as T & { error?: { code: string; message: string; hint?: string } };
    if (!res.ok) {
      const e = json.error;
      throw new AppError(
        'BAD_REQUEST',
        `server answered ${res.status}: ${e?.code ?? ''} ${e?.message ?? ''}`.trim(),
        {
          ...(e?.hint ? { hint: e.hint } : {}),
        },
      );
    }
    return json;
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}
