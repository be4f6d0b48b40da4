/**
 * The libpod REST API over its unix socket. Paths carry an explicit /v4.0.0 prefix: Podman 4.3 answers 404
 * to unversioned /libpod/... paths.
 * @see https://docs.podman.io/en/latest/_static/api.html
 */
import type { Client } from 'undici';
import { AppError, errorMessage } from '../../errors.js';

export const LIBPOD = '/v4.0.0/libpod';

export class PodmanApi {
  private client: Client | undefined;

  constructor(readonly socketPath: string) {}

  /** undici loads on first use: it is the largest dependency, and cold starts stay short without it. */
  private async http(): Promise<Client> {
    if (!this.client) {
      const { Client } = await import('undici');
      this.client ??= new Client('http://podman', { socketPath: this.socketPath, pipelining: 0 });
    }
    return this.client;
  }

  private unavailable(e: unknown): AppError {
    const code = (e as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' ? 'no socket' : code === 'ECONNREFUSED' ? 'connection refused' : errorMessage(e);
    return new AppError('PODMAN_UNAVAILABLE', `Podman API at ${this.socketPath}: ${what}`, {
      cause: e,
      hint:
        'start the Podman API socket (user scope: systemctl --user enable --now podman.socket; system scope: ' +
        'systemctl enable --now podman.socket) or set PODUP_PODMAN_SOCKET to its path',
    });
  }

  /** GET /_ping; resolves with the libpod API version. */
  async ping(timeoutMs: number): Promise<string> {
    try {
      const res = await (
        await this.http()
      ).request({
        path: `${LIBPOD}/_ping`,
        method: 'GET',
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await res.body.text();
      if (res.statusCode !== 200) {
        throw new AppError(
          'PODMAN_UNAVAILABLE',
          `Podman API answered ${res.statusCode}: ${body.slice(0, 200)}`,
        );
      }
      const version = res.headers['libpod-api-version'];
      return `libpod API ${typeof version === 'string' ? version : 'unknown version'}`;
    } catch (e) {
      if (e instanceof AppError) throw e;
      // A failed connection can leave the client unusable; start fresh next time.
      await this.close();
      throw this.unavailable(e);
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.destroy().catch(() => undefined);
  }
}
