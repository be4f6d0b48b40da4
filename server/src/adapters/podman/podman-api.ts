/**
 * The libpod REST API over its unix socket (ContainerRuntime). Paths carry an explicit /v4.0.0 prefix:
 * Podman 4.3 answers 404 to unversioned /libpod/... paths. Every call is bounded in time.
 * @see https://docs.podman.io/en/latest/_static/api.html
 */
import type { Client, Dispatcher } from 'undici';
import type {
  ContainerHealth,
  ContainerInfo,
  ContainerRuntime,
  ImageInfo,
} from '../../domain/ports/index.js';
import { AppError, errnoCode, errorMessage } from '../../errors.js';
import { readNdjson } from './ndjson.js';
import { pullErrorCode } from './pull-errors.js';

export const LIBPOD = '/v4.0.0/libpod';

const CALL_TIMEOUT_MS = 30_000;
/** A pull may take long, but never this long without a progress line. */
const PULL_IDLE_TIMEOUT_MS = 120_000;

interface LibpodError {
  cause?: string;
  message?: string;
}

const enc = encodeURIComponent;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function epochMs(v: unknown): number {
  if (typeof v === 'number') return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? 0 : t;
  }
  return 0;
}

export class PodmanApi implements ContainerRuntime {
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
    const code = errnoCode(e);
    const what =
      code === 'ENOENT' ? 'no socket' : code === 'ECONNREFUSED' ? 'connection refused' : errorMessage(e);
    return new AppError('PODMAN_UNAVAILABLE', `Podman API at ${this.socketPath}: ${what}`, {
      cause: e,
      hint:
        'start the Podman API socket (user scope: systemctl --user enable --now podman.socket; system scope: ' +
        'systemctl enable --now podman.socket) or set PODUP_PODMAN_SOCKET to its path',
    });
  }

  private async request(
    method: Dispatcher.HttpMethod,
    path: string,
    timeoutMs = CALL_TIMEOUT_MS,
    signal?: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      return await (
        await this.http()
      ).request({
        path: `${LIBPOD}${path}`,
        method,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      // A failed connection can leave the client unusable; start fresh next time.
      await this.close();
      throw this.unavailable(e);
    }
  }

  private async json<T>(
    method: Dispatcher.HttpMethod,
    path: string,
    okStatuses = [200],
  ): Promise<{ status: number; body: T }> {
    const res = await this.request(method, path);
    const text = await res.body.text();
    if (!okStatuses.includes(res.statusCode)) {
      let detail = text.slice(0, 300);
      try {
        const err = JSON.parse(text) as LibpodError;
        detail = err.message ?? err.cause ?? detail;
      } catch {
        /* not JSON */
      }
      throw new AppError(
        'PODMAN_ERROR',
        `Podman ${method} ${path.split('?')[0] ?? ''}: ${res.statusCode} ${detail}`,
      );
    }
    // Some answers (tag: 201 with a lone newline) carry no JSON at all.
    const trimmed = text.trim();
    return {
      status: res.statusCode,
      body: (trimmed.startsWith('{') || trimmed.startsWith('[') ? JSON.parse(trimmed) : undefined) as T,
    };
  }

  /** GET /_ping; resolves with the libpod API version. */
  async ping(timeoutMs: number): Promise<string> {
    const res = await this.request('GET', '/_ping', timeoutMs);
    const body = await res.body.text();
    if (res.statusCode !== 200) {
      throw new AppError(
        'PODMAN_UNAVAILABLE',
        `Podman API answered ${res.statusCode}: ${body.slice(0, 200)}`,
      );
    }
    const version = res.headers['libpod-api-version'];
    return `libpod API ${typeof version === 'string' ? version : 'unknown version'}`;
  }

  async listContainers(): Promise<ContainerInfo[]> {
    const { body } = await this.json<Array<Record<string, unknown>>>('GET', '/containers/json?all=true');
    return body.map((c) => ({
      id: text(c.Id),
      names: (c.Names as string[] | undefined) ?? [],
      image: text(c.Image),
      imageId: text(c.ImageID),
      state: text(c.State),
      labels: (c.Labels as Record<string, string> | null) ?? {},
      startedAt: epochMs(c.StartedAt),
    }));
  }

  private static image(i: Record<string, unknown>): ImageInfo {
    return {
      id: text(i.Id),
      digest: typeof i.Digest === 'string' && i.Digest ? i.Digest : null,
      repoDigests: (i.RepoDigests as string[] | null) ?? [],
      repoTags: (i.RepoTags as string[] | null) ?? [],
      created: epochMs(i.Created),
    };
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    const { status, body } = await this.json<Record<string, unknown>>(
      'GET',
      `/images/${enc(ref)}/json`,
      [200, 404],
    );
    return status === 404 ? undefined : PodmanApi.image(body);
  }

  async listImages(): Promise<ImageInfo[]> {
    const { body } = await this.json<Array<Record<string, unknown>>>('GET', '/images/json');
    return body.map((i) => PodmanApi.image(i));
  }

  /** Podman answers 200 even when the pull fails: the error is the last NDJSON line, so read to the end. */
  async pull(ref: string, onProgress: (line: string) => void, signal?: AbortSignal): Promise<string> {
    const q = new URLSearchParams({ reference: ref, policy: 'always' });
    const res = await this.request('POST', `/images/pull?${q.toString()}`, PULL_IDLE_TIMEOUT_MS, signal);
    if (res.statusCode !== 200) {
      const text = (await res.body.text()).slice(0, 300);
      throw new AppError(pullErrorCode(text), `pull of ${ref}: ${res.statusCode} ${text}`);
    }
    let id: string | undefined;
    let error: string | undefined;
    try {
      for await (const msg of readNdjson(res.body)) {
        if (typeof msg.error === 'string') error = msg.error;
        else if (typeof msg.id === 'string') id = msg.id;
        else if (typeof msg.stream === 'string' && msg.stream.trim()) onProgress(msg.stream.trim());
      }
    } catch (e) {
      throw new AppError('PODMAN_ERROR', `pull of ${ref} interrupted: ${errorMessage(e)}`, { cause: e });
    }
    if (error) throw new AppError(pullErrorCode(error), `pull of ${ref}: ${error}`);
    if (!id) throw new AppError('PODMAN_ERROR', `pull of ${ref} ended without an image id`);
    return id;
  }

  async tag(imageId: string, ref: string): Promise<void> {
    const colon = ref.lastIndexOf(':');
    const slash = ref.lastIndexOf('/');
    const [repo, tag] = colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
    const { status } = await this.json(
      'POST',
      `/images/${enc(imageId)}/tag?${new URLSearchParams({ repo, tag }).toString()}`,
      [200, 201, 404],
    );
    if (status === 404) throw new AppError('IMAGE_NOT_FOUND', `tag of ${imageId} as ${ref}: image not known`);
  }

  async removeImage(id: string): Promise<'removed' | 'in-use' | 'missing'> {
    const { status } = await this.json('DELETE', `/images/${enc(id)}`, [200, 404, 409]);
    return status === 200 ? 'removed' : status === 404 ? 'missing' : 'in-use';
  }

  async containerLogs(id: string, tail: number): Promise<string[]> {
    const res = await this.request('GET', `/containers/${enc(id)}/logs?stdout=true&stderr=true&tail=${tail}`);
    const buf = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200) return [];
    return demultiplex(buf)
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean)
      .slice(-tail);
  }

  async containerHealth(id: string): Promise<ContainerHealth | undefined> {
    const { status, body } = await this.json<{
      State?: {
        Health?: { Status?: string; FailingStreak?: number; Log?: Array<{ Output?: string }> | null };
      };
      Config?: { Healthcheck?: { Test?: string[] } | null; HealthcheckOnFailureAction?: string };
    }>('GET', `/containers/${enc(id)}/json`, [200, 404]);
    if (status === 404) return undefined;
    const test = body.Config?.Healthcheck?.Test ?? null;
    // ["NONE"] is how an image's HEALTHCHECK is switched off (--no-healthcheck).
    const check = test && test.length > 0 && test[0] !== 'NONE' ? test : null;
    const health = body.State?.Health;
    const last = health?.Log?.at(-1)?.Output?.trim();
    return {
      check,
      status: check ? (health?.Status ?? 'starting') : '',
      failingStreak: health?.FailingStreak ?? 0,
      onFailure: body.Config?.HealthcheckOnFailureAction || 'none',
      lastOutput: last ? last.slice(0, 500) : null,
    };
  }

  /** Podman 4.3 answers a vanished container with 500 "no such container", one without a check with 409. */
  async runHealthcheck(id: string): Promise<'healthy' | 'unhealthy' | 'gone' | 'no-check'> {
    const { status, body } = await this.json<{ Status?: string; cause?: string; message?: string }>(
      'GET',
      `/containers/${enc(id)}/healthcheck`,
      [200, 404, 409, 500],
    );
    if (status === 200) return body.Status === 'healthy' ? 'healthy' : 'unhealthy';
    const why = `${body?.cause ?? ''} ${body?.message ?? ''}`;
    if (status === 404 || /no such container/i.test(why)) return 'gone';
    if (status === 409 || /no (defined )?healthcheck/i.test(why)) return 'no-check';
    throw new AppError('PODMAN_ERROR', `health check of ${id}: ${status} ${why.trim()}`);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.destroy().catch(() => undefined);
  }
}

/** Docker's stream framing (8-byte headers: stream, 0,0,0, big-endian length); raw text when not framed. */
export function demultiplex(buf: Buffer): string {
  const framed = buf.length >= 8 && buf[0]! <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
  if (!framed) return buf.toString('utf8');
  let out = '';
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    out += buf.subarray(off + 8, off + 8 + len).toString('utf8');
    off += 8 + len;
  }
  return out;
}
