/**
 * Is a registry reachable? GET /v2/ answers 200 or 401 (auth required) on every OCI distribution registry.
 * @see https://github.com/opencontainers/distribution-spec/blob/main/spec.md#determining-support
 */
import { AppError, errnoCode, errorMessage } from '../../errors.js';

/** "ghcr.io" -> https://ghcr.io; a full URL ("http://127.0.0.1:5000") is used as given. */
export function registryBaseUrl(entry: string): string {
  return /^https?:\/\//.test(entry) ? entry.replace(/\/+$/, '') : `https://${entry}`;
}

export async function pingRegistry(entry: string, timeoutMs: number): Promise<string> {
  const url = `${registryBaseUrl(entry)}/v2/`;
  try {
    const { request } = await import('undici');
    const res = await request(url, {
      method: 'GET',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    if (res.statusCode === 200 || res.statusCode === 401) return `${url} answered ${res.statusCode}`;
    throw new AppError('REGISTRY_UNAVAILABLE', `${url} answered ${res.statusCode}`);
  } catch (e) {
    if (e instanceof AppError) throw e;
    const cause = errnoCode(e);
    throw new AppError('REGISTRY_UNAVAILABLE', `${url} unreachable (${cause ?? errorMessage(e)})`, {
      cause: e,
      hint: 'check DNS, proxy and firewall for this host, or set PODUP_REGISTRY_CHECK to the registries (or mirrors) podup should reach',
    });
  }
}
