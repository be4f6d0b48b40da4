/**
 * Manifest digests from OCI registries (DigestResolver): HEAD /v2/<repo>/manifests/<tag> accepting OCI indexes,
 * Docker manifest lists and single manifests, through the endpoints registries.conf gives (mirrors first).
 * 401 challenges are answered with the anonymous bearer-token flow, or with auth.json credentials when the
 * host has some. Results are cached briefly: a burst of events asks the registry once.
 * Polite at scale: one request in flight per reference (concurrent lookups share it), the token that worked
 * for a repository is sent with the next request straight away (no 401 round trip), at most a few requests
 * per registry at once, and a 429 pauses that registry for its Retry-After (or a doubling backoff) before a
 * bounded number of retries; a lookup that still gets 429 fails as REGISTRY_UNAVAILABLE (unknown, never
 * "up to date"). HEAD is asked first (Docker Hub does not count it against the pull limit); GET only when
 * HEAD is not answered (405) or carries no digest. An image's created time (the minimum image age counts from
 * it) is read from its config blob by digest, only when asked: the digest lookups never fetch it.
 * @see https://github.com/opencontainers/distribution-spec/blob/main/spec.md
 * @see https://distribution.github.io/distribution/spec/auth/token/
 */
import { createHash } from 'node:crypto';
import type { Agent, Dispatcher } from 'undici';
import type { ContainersPaths } from '../../config.js';
import { parseImageRef, type ImageRef } from '../../domain/images/image-ref.js';
import type { DigestLookup, DigestResolver } from '../../domain/ports/index.js';
import {
  BlockedRegistry,
  endpointsFor,
  type Endpoint,
  type RegistriesConf,
} from '../../domain/registries/registries-conf.js';
import { AppError, errnoCode, errorMessage, type ErrorCode } from '../../errors.js';
import { credentialsFor, loadRegistriesConf, type Credentials } from './containers-config.js';
import { DEFAULT_HOST_LIMITS, HostGate, retryAfterMs, type HostLimits } from './host-limits.js';

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const REQUEST_TIMEOUT_MS = 10_000;
const CACHE_MS = 10_000;
/** Created times kept (one per image digest asked about; a check asks only for new digests). */
const CREATED_CACHE_SIZE = 1000;

/** Parses `Bearer realm="...",service="...",scope="..."` (and Basic). */
export function parseChallenge(
  header: string,
): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    if (p[1]) params[p[1].toLowerCase()] = p[2] ?? p[3] ?? '';
  }
  return { scheme: m[1].toLowerCase(), params };
}

/** "ECONNREFUSED", "ENOTFOUND", ... for transport failures; the message for HTTP answers. */
function describeFailure(e: unknown): string {
  if (e instanceof AppError) return e.message;
  return errnoCode(e) ?? errorMessage(e);
}

/**
 * The code of a lookup that no endpoint answered: a tag some endpoint does not have is not found (as for
 * Podman, a mirror's 404 counts), then refused credentials, then any other HTTP answer; only when no endpoint
 * answered at all is the registry unavailable.
 */
function lookupFailureCode(failures: readonly unknown[]): ErrorCode {
  const codes = new Set(failures.map((e) => (e instanceof AppError ? e.code : undefined)));
  for (const code of ['IMAGE_NOT_FOUND', 'REGISTRY_DENIED', 'REGISTRY_ERROR'] as const)
    if (codes.has(code)) return code;
  return 'REGISTRY_UNAVAILABLE';
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  IMAGE_NOT_FOUND:
    'check the image reference: the registry (and every mirror in registries.conf) has no such tag',
  REGISTRY_DENIED:
    'log in with podman login as the user podup runs as (podup reads the same auth.json), or check the access rights to the package',
  REGISTRY_UNAVAILABLE:
    'check that the registry (or the mirror in registries.conf) is reachable from this host, and podman login for private images',
};

interface Token {
  value: string;
  expires: number;
}

type Response = Dispatcher.ResponseData;

/** Node's process.arch in the OCI platform's (Go's) words. */
const GOARCH: Partial<Record<string, string>> = { x64: 'amd64', ia32: '386' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RegistryClient implements DigestResolver {
  private conf: { value: RegistriesConf; at: number } | undefined;
  private readonly cache = new Map<string, { digest: string; endpoint: string; at: number }>();
  private readonly tokens = new Map<string, Token>();
  /** The Authorization that last worked per host/repository, sent first next time. */
  private readonly authorized = new Map<string, Token>();
  private readonly inflight = new Map<string, Promise<{ digest: string; endpoint: string }>>();
  /** Created times by repository@digest: a digest names its content, so the answer never changes. */
  private readonly createdCache = new Map<string, number | null>();
  private readonly gates = new Map<string, HostGate>();
  private insecureAgent: Agent | undefined;
  /** Requests sent, per method (the benchmark's and the tests' count). */
  readonly sent = { HEAD: 0, GET: 0, token: 0 };

  constructor(
    private readonly paths: ContainersPaths,
    private readonly now: () => number = Date.now,
    private readonly limits: HostLimits = DEFAULT_HOST_LIMITS,
  ) {}

  private gate(host: string): HostGate {
    let g = this.gates.get(host);
    if (!g) {
      g = new HostGate(this.limits.concurrency);
      this.gates.set(host, g);
    }
    return g;
  }

  /** One request to a registry host within its limits: its concurrency, its pause after a 429, retries. */
  private async politely(
    host: string,
    send: () => Promise<Response>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const gate = this.gate(host);
    for (let attempt = 0; ; attempt++) {
      const pause = gate.pausedUntil - this.now();
      if (pause > 0) await sleep(pause);
      signal?.throwIfAborted();
      const release = await gate.acquire();
      let res: Response;
      try {
        res = await send();
      } finally {
        release();
      }
      if (res.statusCode !== 429) return res;
      await res.body.dump();
      const wait =
        retryAfterMs(res.headers['retry-after'], this.now()) ?? this.limits.backoffMs * 2 ** attempt;
      if (attempt >= this.limits.retries || wait > this.limits.maxWaitMs)
        throw new AppError(
          'REGISTRY_UNAVAILABLE',
          `${host} answered 429 Too Many Requests${attempt > 0 ? ` ${attempt + 1} times` : ''}; backing off (retry after ${Math.round(wait / 1000)} s)`,
        );
      gate.pausedUntil = Math.max(gate.pausedUntil, this.now() + wait);
    }
  }

  /** registries.conf is re-read at most every 30 s, so edits apply without a restart. */
  private registries(): RegistriesConf {
    if (!this.conf || this.now() - this.conf.at > 30_000)
      this.conf = { value: loadRegistriesConf(this.paths), at: this.now() };
    return this.conf.value;
  }

  private async dispatcher(insecure: boolean): Promise<Dispatcher | undefined> {
    if (!insecure) return undefined;
    if (!this.insecureAgent) {
      const { Agent } = await import('undici');
      this.insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });
    }
    return this.insecureAgent;
  }

  private async fetch(
    url: string,
    init: {
      method: 'HEAD' | 'GET';
      headers: Record<string, string>;
      insecure: boolean;
      signal?: AbortSignal | undefined;
    },
  ) {
    const { request } = await import('undici');
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const dispatcher = await this.dispatcher(init.insecure);
    return request(url, {
      method: init.method,
      headers: init.headers,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
      signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      ...(dispatcher ? { dispatcher } : {}),
    });
  }

  private async token(
    challenge: Record<string, string>,
    ep: Endpoint,
    creds: Credentials | undefined,
    signal?: AbortSignal,
  ): Promise<string> {
    const realm = challenge.realm;
    if (!realm) throw new Error('bearer challenge without realm');
    const scope = challenge.scope ?? `repository:${ep.repository}:pull`;
    const key = `${realm}|${challenge.service ?? ''}|${scope}|${creds?.username ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expires > this.now()) return cached.value;
    const url = new URL(realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (creds)
      headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    this.sent.token++;
    const res = await this.politely(
      url.host,
      () => this.fetch(url.toString(), { method: 'GET', headers, insecure: ep.insecure, signal }),
      signal,
    );
    const text = await res.body.text();
    if (res.statusCode === 401 || res.statusCode === 403)
      throw new AppError(
        'REGISTRY_DENIED',
        `token service ${url.host} refused the credentials (${res.statusCode})`,
      );
    if (res.statusCode !== 200) throw new Error(`token service ${url.host} answered ${res.statusCode}`);
    const body = JSON.parse(text) as { token?: string; access_token?: string; expires_in?: number };
    const value = body.token ?? body.access_token;
    if (!value) throw new Error(`token service ${url.host} sent no token`);
    this.tokens.set(key, { value, expires: this.now() + Math.max(30, (body.expires_in ?? 60) - 10) * 1000 });
    return value;
  }

  /** One endpoint: https (or http when insecure and https is not spoken), answering auth challenges. */
  private async headManifest(ep: Endpoint, tag: string, signal?: AbortSignal): Promise<string> {
    const schemes = ep.insecure ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const url = `${scheme}://${ep.host}/v2/${ep.repository}/manifests/${encodeURIComponent(tag)}`;
      try {
        return await this.headWithAuth(url, ep, signal);
      } catch (e) {
        lastError = e;
        // Only a transport failure (no TLS spoken, refused) moves on to plain http; an HTTP answer is final.
        if (e instanceof AppError) throw e;
      }
    }
    throw lastError;
  }

  private send(
    url: string,
    ep: Endpoint,
    method: 'HEAD' | 'GET',
    headers: Record<string, string>,
    signal?: AbortSignal,
  ) {
    return this.politely(
      ep.host,
      () => {
        this.sent[method]++;
        return this.fetch(url, { method, headers, insecure: ep.insecure, signal });
      },
      signal,
    );
  }

  /**
   * One request with the repository's credentials: the Authorization that worked last, or the 401 challenge
   * answered (bearer token or basic). Refusals, 404 and 5xx reject; any other answer is the caller's to read.
   */
  private async withAuth(
    url: string,
    ep: Endpoint,
    method: 'HEAD' | 'GET',
    accept: string,
    signal?: AbortSignal,
  ): Promise<{ res: Response; headers: Record<string, string> }> {
    const headers: Record<string, string> = { accept };
    const repoKey = `${ep.host}/${ep.repository}`;
    const known = this.authorized.get(repoKey);
    if (known && known.expires > this.now()) headers.authorization = known.value;
    let res = await this.send(url, ep, method, headers, signal);
    if (res.statusCode === 401) {
      await res.body.dump();
      const challenge = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
      const creds = credentialsFor(this.paths, ep.host, ep.repository);
      let expires = Infinity;
      if (challenge?.scheme === 'bearer') {
        headers.authorization = `Bearer ${await this.token(challenge.params, ep, creds, signal)}`;
        expires = this.tokenExpiry(challenge.params, ep, creds);
      } else if (challenge?.scheme === 'basic' && creds) {
        headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      } else
        throw new AppError(
          'REGISTRY_DENIED',
          `${ep.host} requires credentials; add them with podman login ${ep.host}`,
        );
      res = await this.send(url, ep, method, headers, signal);
      if (res.statusCode === 200) this.authorized.set(repoKey, { value: headers.authorization, expires });
    }
    if (res.statusCode === 401 || res.statusCode === 403) {
      await res.body.dump();
      this.authorized.delete(repoKey);
      throw new AppError(
        'REGISTRY_DENIED',
        `${ep.host} refused access to ${ep.repository} (${res.statusCode}); check podman login ${ep.host}`,
      );
    }
    if (res.statusCode === 404) {
      await res.body.dump();
      throw new AppError('IMAGE_NOT_FOUND', `${ep.host}/${ep.repository}: manifest unknown (404)`);
    }
    if (res.statusCode >= 500) {
      await res.body.dump();
      throw new AppError('REGISTRY_UNAVAILABLE', `${ep.host} answered ${res.statusCode}`);
    }
    return { res, headers };
  }

  private async headWithAuth(url: string, ep: Endpoint, signal?: AbortSignal): Promise<string> {
    const { res, headers } = await this.withAuth(url, ep, 'HEAD', MANIFEST_ACCEPT, signal);
    await res.body.dump();
    // 405: a registry that does not answer HEAD; the GET below reads the digest from the manifest.
    if (res.statusCode !== 200 && res.statusCode !== 405)
      throw new AppError('REGISTRY_ERROR', `${ep.host} answered ${res.statusCode}`);
    const digest = res.headers['docker-content-digest'];
    if (res.statusCode === 200 && typeof digest === 'string' && digest.startsWith('sha256:')) return digest;
    // Some registries omit the header on HEAD: the digest is the hash of the manifest bytes.
    const get = await this.send(url, ep, 'GET', headers, signal);
    const bytes = Buffer.from(await get.body.arrayBuffer());
    if (get.statusCode !== 200)
      throw new AppError('REGISTRY_ERROR', `${ep.host} answered ${get.statusCode} to GET of the manifest`);
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  /** GET of a manifest or blob by digest, as JSON; a blob's redirect (to storage or a CDN) is followed once. */
  private async getJson(
    ep: Endpoint,
    path: string,
    accept: string,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const schemes = ep.insecure ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      try {
        const url = `${scheme}://${ep.host}/v2/${ep.repository}/${path}`;
        let { res } = await this.withAuth(url, ep, 'GET', accept, signal);
        const location = res.headers.location;
        if (res.statusCode >= 301 && res.statusCode <= 308 && typeof location === 'string') {
          await res.body.dump();
          const next = new URL(location, url);
          // Storage behind a redirect authorizes by its signed URL: the registry's token stays with the registry.
          res = await this.politely(
            next.host,
            () => {
              this.sent.GET++;
              return this.fetch(next.toString(), {
                method: 'GET',
                headers: {},
                insecure: ep.insecure,
                signal,
              });
            },
            signal,
          );
        }
        const text = await res.body.text();
        if (res.statusCode !== 200)
          throw new AppError('REGISTRY_ERROR', `${ep.host} answered ${res.statusCode} to GET of ${path}`);
        return JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        lastError = e;
        if (e instanceof AppError) throw e;
      }
    }
    throw lastError;
  }

  /**
   * The image's created time: the config blob's `created` of the manifest `digest` names (for an index, the
   * manifest for this host's platform, or its first). Three requests at most, asked only for a digest podup
   * has not seen before when a minimum image age applies to it, and once per digest (podup check records
   * nothing, so it may ask again).
   */
  async created(reference: string, digest: string, options: DigestLookup = {}): Promise<number | null> {
    const key = `${reference.replace(/[:@][^/]*$/, '')}@${digest}`;
    if (this.createdCache.has(key)) return this.createdCache.get(key) ?? null;
    const created = await this.readCreated(reference, digest, options.signal);
    if (this.createdCache.size >= CREATED_CACHE_SIZE) {
      const oldest = this.createdCache.keys().next();
      if (!oldest.done) this.createdCache.delete(oldest.value);
    }
    this.createdCache.set(key, created);
    return created;
  }

  private async readCreated(
    reference: string,
    digest: string,
    signal: AbortSignal | undefined,
  ): Promise<number | null> {
    return this.fromFirstEndpoint(
      parseImageRef(reference),
      `no created time for ${reference}@${digest}`,
      (ep) => this.createdAt(ep, digest, signal),
    );
  }

  /**
   * `attempt` on each endpoint of `ref` in registries.conf's order (mirrors first) until one answers; when none
   * does, one error naming each endpoint's failure, its code from the failures (lookupFailureCode).
   */
  private async fromFirstEndpoint<T>(
    ref: ImageRef,
    what: string,
    attempt: (ep: Endpoint) => Promise<T>,
  ): Promise<T> {
    let endpoints: Endpoint[];
    try {
      endpoints = endpointsFor(ref, this.registries());
    } catch (e) {
      if (e instanceof BlockedRegistry) throw new AppError('REGISTRY_ERROR', e.message);
      throw e;
    }
    const errors: unknown[] = [];
    const failures: string[] = [];
    for (const ep of endpoints) {
      try {
        return await attempt(ep);
      } catch (e) {
        errors.push(e);
        failures.push(`${ep.host}${ep.mirror ? ' (mirror)' : ''}: ${describeFailure(e)}`);
      }
    }
    const code = lookupFailureCode(errors);
    throw new AppError(code, `${what}: ${failures.join('; ')}`, { hint: HINTS[code] });
  }

  private async createdAt(ep: Endpoint, digest: string, signal?: AbortSignal): Promise<number | null> {
    let manifest = await this.getJson(ep, `manifests/${digest}`, MANIFEST_ACCEPT, signal);
    const children = manifest.manifests;
    if (Array.isArray(children)) {
      const entries = children as Array<{
        digest?: string;
        platform?: { os?: string; architecture?: string };
      }>;
      const arch = GOARCH[process.arch] ?? process.arch;
      const pick =
        entries.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? entries[0];
      if (!pick?.digest) return null;
      manifest = await this.getJson(ep, `manifests/${pick.digest}`, MANIFEST_ACCEPT, signal);
    }
    const config = (manifest.config as { digest?: string } | undefined)?.digest;
    if (!config) return null;
    const blob = await this.getJson(ep, `blobs/${config}`, '*/*', signal);
    const created = typeof blob.created === 'string' ? Date.parse(blob.created) : NaN;
    return Number.isNaN(created) ? null : created;
  }

  /** When the token just fetched for this challenge expires. */
  private tokenExpiry(
    challenge: Record<string, string>,
    ep: Endpoint,
    creds: Credentials | undefined,
  ): number {
    const scope = challenge.scope ?? `repository:${ep.repository}:pull`;
    const key = `${challenge.realm ?? ''}|${challenge.service ?? ''}|${scope}|${creds?.username ?? ''}`;
    return this.tokens.get(key)?.expires ?? this.now();
  }

  async digest(reference: string, options: DigestLookup = {}): Promise<{ digest: string; endpoint: string }> {
    const cached = this.cache.get(reference);
    if (cached && this.now() - cached.at < (options.maxAgeMs ?? CACHE_MS)) {
      return { digest: cached.digest, endpoint: cached.endpoint };
    }
    // A lookup already on its way is as fresh as a new one: share it.
    const running = this.inflight.get(reference);
    if (running) return running;
    const p = this.lookup(reference, options.signal).finally(() => this.inflight.delete(reference));
    this.inflight.set(reference, p);
    return p;
  }

  private async lookup(
    reference: string,
    signal: AbortSignal | undefined,
  ): Promise<{ digest: string; endpoint: string }> {
    const ref = parseImageRef(reference);
    const tag = ref.tag;
    if (!tag) throw new AppError('REGISTRY_ERROR', `${reference} has no tag to look up`);
    return this.fromFirstEndpoint(ref, `no digest for ${reference}`, async (ep) => {
      const digest = await this.headManifest(ep, tag, signal);
      const endpoint = `${ep.host}/${ep.repository}`;
      this.cache.set(reference, { digest, endpoint, at: this.now() });
      return { digest, endpoint };
    });
  }

  async close(): Promise<void> {
    await this.insecureAgent?.close().catch(() => undefined);
  }
}
