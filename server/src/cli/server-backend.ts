/**
 * The running podup, seen from the CLI: the admin API with the same admin token the server uses (the CLI
 * reads the installed instance's credential). The server's errors keep their code, so they keep their meaning
 * and exit status here.
 */
import type { Config } from '../config.js';
import { AppError, isErrorCode } from '../errors.js';
import type { Backend } from './backend.js';

export function serverUrl(config: Config): string {
  const host =
    config.httpAddr.host === '0.0.0.0'
      ? '127.0.0.1'
      : config.httpAddr.host === '::'
        ? '[::1]'
        : config.httpAddr.host;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.httpAddr.port}`;
}

interface ErrorReply {
  error?: { code?: string; message?: string; hint?: string };
}

/** A backend over the podup serving on PODUP_HTTP_ADDR, or undefined when none answers there. */
export async function serverBackend(config: Config): Promise<Backend | undefined> {
  const base = serverUrl(config);
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
      `podup is serving on ${base}; the CLI needs its admin token`,
      {
        hint: 'set PODUP_ADMIN_TOKEN (or PODUP_ADMIN_TOKEN_FILE) to the token the server uses, or run the CLI as the user podup runs as so it reads the installed credential',
      },
    );
  }
  const headers: Record<string, string> = config.adminToken
    ? { authorization: `Bearer ${config.adminToken}` }
    : {};

  const call = async <T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const json = (res.status === 204 ? {} : await res.json().catch(() => ({}))) as T & ErrorReply;
    if (res.ok) return json;
    const e = json.error;
    const code = isErrorCode(e?.code) ? e.code : res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
    throw new AppError(code, `${e?.message ?? `server answered ${res.status}`} (server at ${base})`, {
      ...(e?.hint ? { hint: e.hint } : {}),
    });
  };
  const query = (q: Record<string, string>) => {
    const s = new URLSearchParams(q).toString();
    return s ? `?${s}` : '';
  };
  const id = encodeURIComponent;

  return {
    via: `via the running server at ${base}`,
    kind: 'server',
    units: () => call('GET', '/api/units'),
    trigger: (body) => call('POST', '/api/tasks', body),
    tasks: (q) => call('GET', `/api/tasks${query(q)}`),
    task: (taskId, after = 0) => call('GET', `/api/tasks/${id(taskId)}?after=${after}`),
    stop: (taskId, kind) =>
      call('POST', `/api/tasks/${id(taskId)}/${kind === 'force' ? 'force-stop' : 'stop'}`),
    retry: (taskId) => call('POST', `/api/tasks/${id(taskId)}/retry`),
    events: (q) => call('GET', `/api/events${query(q)}`),
    prune: (body) => call('POST', '/api/maintenance/prune', body),
    check: () => call('GET', '/api/check'),
    setPolicy: (unit, body) => call('PUT', `/api/units/${id(unit)}/policy`, body),
    skip: (unit, digest) => call('POST', `/api/units/${id(unit)}/skip`, { digest }),
    snooze: (unit, until) => call('POST', `/api/units/${id(unit)}/snooze`, { until }),
    approve: (taskId) => call('POST', `/api/tasks/${id(taskId)}/approve`),
    schedules: () => call('GET', '/api/schedules'),
    addSchedule: (body) => call('POST', '/api/schedules', body),
    editSchedule: (name, body) => call('PUT', `/api/schedules/${id(name)}`, body),
    removeSchedule: (name) => call('DELETE', `/api/schedules/${id(name)}`),
    scheduleAction: (name, action) => call('POST', `/api/schedules/${id(name)}/${action}`),
    runSchedule: (name) => call('POST', `/api/schedules/${id(name)}/run`),
    reject: (taskId) => call('POST', `/api/tasks/${id(taskId)}/reject`),
    tokens: () => call('GET', '/api/v1/tokens'),
    createToken: (body) => call('POST', '/api/v1/tokens', body),
    revokeToken: (name) => call('DELETE', `/api/v1/tokens/${id(name)}`),
    close: async () => undefined,
  };
}
