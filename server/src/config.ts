/**
 * Configuration comes from the environment (plus an optional .env, and for the CLI the installed instance's env
 * file: entry.ts), is validated once here, and every bad variable is reported together. Beyond this file only
 * the entry points read the environment: systemd's LISTEN_* (entry.ts, main.ts) and where the installed podup
 * lives (cli/installed.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import proxyAddr from '@fastify/proxy-addr';
import ms from 'ms';
import { z } from 'zod';
import { tryParseImageRef } from './domain/images/image-ref.js';
import type { ConfiguredChannel } from './domain/notifications/routing.js';
import {
  defaultChannelName,
  parseServiceUrl,
  redactServiceUrl,
  splitServiceUrls,
} from './domain/notifications/service-url.js';
import { toServiceUnit } from './domain/units/unit-name.js';
import {
  parseAge,
  parsePolicy,
  parsePolicyOptions,
  type DefaultPolicy,
  type PolicyOptions,
  type RawPolicyOptions,
} from './domain/policies/unit-policy.js';
import { parseWindows } from './domain/policies/windows.js';
import { ConfigError, errnoCode, errorMessage } from './errors.js';

export type SystemdScope = 'user' | 'system';
export type LogFormat = 'json' | 'journal';

export interface RatePolicy {
  /** Events allowed per window; 0 disables the limit. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface HttpAddr {
  readonly host: string;
  readonly port: number;
}

export interface Config {
  readonly httpAddr: HttpAddr;
  readonly stateDir: string;
  readonly dbPath: string;
  readonly webhookSecret: string | undefined;
  readonly adminToken: string | undefined;
  readonly devOpenAdmin: boolean;
  readonly podmanSocket: string;
  readonly systemdScope: SystemdScope;
  /** From the standard D-Bus environment for the chosen scope. */
  readonly dbusAddress: string;
  readonly idleExitMs: number | undefined;
  readonly logLevel: string;
  readonly logFormat: LogFormat;
  readonly webhookBodyLimit: number;
  readonly imageRateLimit: RatePolicy;
  readonly badSignatureRateLimit: RatePolicy;
  readonly trustProxy: string[] | false;
  readonly dbSync: 'full' | 'normal';
  readonly registryCheck: string[];
  /** Events for one image inside this window become one task. */
  readonly coalesceWindowMs: number;
  /** How long a restarted unit must stay active. */
  readonly healthWindowMs: number;
  readonly restartTimeoutMs: number;
  /** Units of one image moved at once after the canary. */
  readonly rolloutBatch: number;
  /** After a failed unit: roll back the units already moved, or keep them. */
  readonly rolloutOnFailure: 'rollback-all' | 'keep';
  /** Units named explicitly (PODUP_UNITS): unit -> image reference. */
  readonly units: ReadonlyMap<string, string>;
  /** The update-policy options PODUP_UNITS gives per unit. */
  readonly unitPolicies: ReadonlyMap<string, PolicyOptions>;
  /** PODUP_DEFAULT_POLICY, PODUP_MIN_IMAGE_AGE, PODUP_MAINTENANCE_WINDOW. */
  readonly defaultPolicy: DefaultPolicy;
  /** How long a task awaits approval before it is cancelled. */
  readonly approvalTtlMs: number;
  /** Quadlet directories to scan; empty = the standard ones for the scope. */
  readonly quadletDirs: string[];
  /** Tasks that may run at once (on disjoint units). */
  readonly taskConcurrency: number;
  /** ForwardAuth: a reverse proxy (Authelia, oauth2-proxy) proves the admin with this header and value. */
  readonly forwardAuth: { header: string; value: string; userHeader: string | undefined } | undefined;
  /** How GitHub reaches podup (shown as the webhook URL to paste); undefined = derived from the request. */
  readonly publicUrl: string | undefined;
  /** Lifetime of a task-panel session. */
  readonly sessionTtlMs: number;
  /** Where podup serves the task panel from (built web/dist). */
  readonly webDist: string;
  /** Where Podman's own configuration lives for the user podup runs as (registries.conf, auth.json). */
  readonly containers: ContainersPaths;
  /** Past this many used bytes the server drops noise, then old events (deliveries are still accepted). */
  readonly maxDbBytes: number;
  /** Open HTTP connections beyond which new ones are refused (503 and close). */
  readonly maxConnections: number;
  /** The same per source address (IPv6 per /64); trusted proxies (PODUP_TRUST_PROXY) count only in the total. */
  readonly maxConnectionsPerSource: number;
  /** Open task-log streams per credential (session, bearer token, ForwardAuth user, or address when open). */
  readonly maxStreamsPerCredential: number;
  readonly notify: NotifyConfig;
  /** A bearer token that may read /metrics only (PODUP_METRICS_TOKEN), besides read-scoped API tokens. */
  readonly metricsToken: string | undefined;
}

export interface NotifyConfig {
  /** The channels of PODUP_NOTIFY (their URLs are secrets: describeConfig shows hints only). */
  readonly channels: readonly ConfiguredChannel[];
  /** Signs the JSON webhook and seals the URLs of channels added from the API. */
  readonly secret: string | undefined;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  readonly giveUpAfterMs: number;
  /** A /readyz part failing this long is notified as "degraded". */
  readonly degradedAfterMs: number;
}

export interface ContainersPaths {
  /** CONTAINERS_REGISTRIES_CONF: when set, the only registries.conf (as for Podman). */
  registriesConf: string | undefined;
  /** REGISTRY_AUTH_FILE */
  authFile: string | undefined;
  home: string;
  configHome: string;
  runtimeDir: string;
  uid: number;
}

type Env = Record<string, string | undefined>;

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

const bool = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const s = (v ?? '').trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
    ctx.addIssue({ code: 'custom', message: `must be one of 1/0, true/false, yes/no, on/off (got "${v}")` });
    return z.NEVER;
  });

const duration = (what: string) =>
  z.string().transform((v, ctx) => {
    const parsed = ms(v.trim() as ms.StringValue);
    if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be a duration such as 30s, 10m, 2h (got "${v}")`,
      });
      return z.NEVER;
    }
    return parsed;
  });

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1 << 20,
  mb: 1 << 20,
  mib: 1 << 20,
  g: 2 ** 30,
  gb: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tb: 2 ** 40,
  tib: 2 ** 40,
};
/** Bytes, or a number with a binary unit (KiB, MiB, GiB, TiB; K, KB, ... mean the same), within a range. */
const sizeBetween = (min: number, max: number, range: string) =>
  z.string().transform((v, ctx) => {
    const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(v);
    const unit = SIZE_UNITS[(m?.[2] ?? 'x').toLowerCase()];
    const n = m && unit !== undefined ? Number(m[1]) * unit : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a size between ${range} (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });
const byteSize = sizeBetween(1024, 64 << 20, '1KiB and 64MiB such as 1MiB or 524288');

/** "60/1h" = 60 events per hour; "0" or "off" disables the limit. */
const ratePolicy = z.string().transform((v, ctx): RatePolicy => {
  const s = v.trim().toLowerCase();
  if (s === '0' || s === 'off') return { limit: 0, windowMs: 1 };
  const m = /^(\d+)\s*\/\s*(\S+)$/.exec(s);
  const limit = m ? Number(m[1]) : NaN;
  const windowMs = m ? ms((m[2] ?? '') as ms.StringValue) : NaN;
  if (!Number.isSafeInteger(limit) || limit < 1 || typeof windowMs !== 'number' || !(windowMs > 0)) {
    ctx.addIssue({ code: 'custom', message: `must look like 60/1h (count/window) or off (got "${v}")` });
    return z.NEVER;
  }
  return { limit, windowMs };
});

const httpAddr = z.string().transform((v, ctx): HttpAddr => {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/i.exec(v.trim());
  const port = m ? Number(m[3]) : NaN;
  const host = m ? (m[1] ?? m[2] ?? '') : '';
  if (!m || !(port >= 0 && port <= 65535) || host === '') {
    ctx.addIssue({
      code: 'custom',
      message: `must be host:port such as 127.0.0.1:25111 or [::1]:25111 (got "${v}")`,
    });
    return z.NEVER;
  }
  return { host, port };
});

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * PODUP_UNITS entries: one per line, or comma-separated; a comma followed by something that is not a new
 * unit=... (the "Sat,Sun" of a window) stays inside its entry.
 */
function unitEntries(v: string): string[] {
  return v
    .split(/\n|,(?=\s*[^\s=,;]*=)/)
    .map((e) => e.trim())
    .filter(Boolean);
}

const OPTION_KEYS: Record<string, keyof RawPolicyOptions> = {
  policy: 'policy',
  'min-age': 'minAge',
  window: 'window',
};

/** `policy=approve;min-age=3d;window=Sat 02:00-05:00 UTC;Sun 02:00-04:00 UTC`: a part without a key continues the window. */
function unitOptions(parts: readonly string[]): RawPolicyOptions | string {
  const raw: RawPolicyOptions = {};
  let last: keyof RawPolicyOptions | undefined;
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)\s*=(.*)$/.exec(part);
    const key = m ? OPTION_KEYS[m[1] ?? ''] : undefined;
    if (m && key) {
      raw[key] = key === 'window' && raw.window ? `${raw.window};${m[2] ?? ''}` : (m[2] ?? '').trim();
      last = key;
    } else if (last === 'window') raw.window = `${raw.window ?? ''};${part}`;
    else return `"${part}" is not an option: policy=, min-age= or window=`;
  }
  return raw;
}

/** Addresses, CIDRs or loopback/linklocal/uniquelocal, as Fastify will read them (so a typo stops the start). */
const proxyList = list.transform((addresses, ctx) => {
  try {
    proxyAddr.compile(addresses);
  } catch (e) {
    ctx.addIssue({
      code: 'custom',
      message: `must be IP addresses or CIDRs such as 127.0.0.1 or 10.0.0.0/8, comma-separated (${errorMessage(e)})`,
    });
    return z.NEVER;
  }
  return addresses;
});

/** Secrets, read by readSecret (inline, *_FILE or systemd credential), with their credential names. */
const SECRETS = {
  PODUP_GITHUB_WEBHOOK_SECRET: 'github-webhook-secret',
  PODUP_ADMIN_TOKEN: 'admin-token',
  PODUP_FORWARD_AUTH_VALUE: 'forward-auth-value',
  PODUP_NOTIFY: 'notify',
  PODUP_NOTIFY_SECRET: 'notify-secret',
  PODUP_METRICS_TOKEN: 'metrics-token',
} as const;

/**
 * PODUP_NOTIFY's channels. An id is a hash of the URL without its event selection: the same channel keeps its
 * queued deliveries across restarts and a reordered list, and the state database never holds the URL.
 */
const notifyChannels = z.string().transform((v, ctx): ConfiguredChannel[] => {
  const channels: ConfiguredChannel[] = [];
  splitServiceUrls(v).forEach((url, i) => {
    const parsed = parseServiceUrl(url);
    if (!parsed.ok) {
      // The URL itself holds secrets: name the channel by its position and service only.
      ctx.addIssue({
        code: 'custom',
        message: `channel ${i + 1} (${redactServiceUrl(url)}): ${parsed.problem}`,
      });
      return;
    }
    const identity = url.replace(/([?&])events=[^&]*&?/, '$1').replace(/[?&]$/, '');
    const id = `env-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
    channels.push({
      id,
      name: defaultChannelName(parsed.target.kind, url),
      urlHint: redactServiceUrl(url),
      target: parsed.target,
    });
  });
  return channels;
});

/** One entry per variable; secrets get the value readSecret found. */
const schema = z.object({
  PODUP_HTTP_ADDR: httpAddr.prefault('127.0.0.1:25111'),
  PODUP_STATE_DIR: z.string().default('./state'),
  PODUP_GITHUB_WEBHOOK_SECRET: z.string().optional(),
  PODUP_ADMIN_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (use e.g. `openssl rand -hex 32`)')
    .optional(),
  PODUP_DEV_OPEN_ADMIN: bool,
  PODUP_PODMAN_SOCKET: z.string().optional(),
  PODUP_SYSTEMD_SCOPE: z.enum(['user', 'system'], { message: 'must be "user" or "system"' }).optional(),
  PODUP_IDLE_EXIT: duration('PODUP_IDLE_EXIT').optional(),
  PODUP_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
      message: 'must be one of fatal, error, warn, info, debug, trace',
    })
    .default('info'),
  PODUP_LOG_FORMAT: z.enum(['json', 'journal'], { message: 'must be "json" or "journal"' }).optional(),
  PODUP_WEBHOOK_BODY_LIMIT: byteSize.prefault('1MiB'),
  PODUP_RATE_LIMIT_IMAGE: ratePolicy.prefault('60/1h'),
  PODUP_RATE_LIMIT_BAD_SIGNATURE: ratePolicy.prefault('10/10m'),
  PODUP_TRUST_PROXY: proxyList.prefault(''),
  PODUP_DB_SYNC: z.enum(['full', 'normal'], { message: 'must be "full" or "normal"' }).default('full'),
  PODUP_REGISTRY_CHECK: list.prefault('ghcr.io'),
  PODUP_COALESCE_WINDOW: z
    .string()
    .transform((v, ctx) => {
      const parsed = v.trim() === '0' ? 0 : ms(v.trim() as ms.StringValue);
      if (typeof parsed !== 'number' || !(parsed >= 0) || parsed > 60_000) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration up to 60s such as 2s, or 0 (got "${v}")`,
        });
        return z.NEVER;
      }
      return parsed;
    })
    .prefault('2s'),
  PODUP_HEALTH_WINDOW: duration('PODUP_HEALTH_WINDOW').prefault('10s'),
  PODUP_RESTART_TIMEOUT: duration('PODUP_RESTART_TIMEOUT').prefault('5m'),
  PODUP_ROLLOUT_BATCH: z.coerce.number().int().min(1).max(32).prefault('4'),
  PODUP_ROLLOUT_ON_FAILURE: z
    .enum(['rollback-all', 'keep'], { message: 'must be "rollback-all" or "keep"' })
    .default('rollback-all'),
  PODUP_UNITS: z
    .string()
    .transform((v, ctx) => {
      const units = new Map<string, string>();
      const policies = new Map<string, PolicyOptions>();
      for (const entry of unitEntries(v)) {
        const [head = '', ...rest] = entry.split(';');
        const eq = head.indexOf('=');
        const unit = toServiceUnit(eq > 0 ? head.slice(0, eq).trim() : '');
        const image = eq > 0 ? head.slice(eq + 1).trim() : '';
        if (!unit || !tryParseImageRef(image)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${entry}" must be unit=image, e.g. app.service=ghcr.io/acme/app:stable`,
          });
          continue;
        }
        units.set(unit, image);
        const options = unitOptions(rest);
        if (typeof options === 'string') {
          ctx.addIssue({ code: 'custom', message: `"${entry}": ${options}` });
          continue;
        }
        const parsed = parsePolicyOptions(options);
        for (const problem of parsed.problems)
          ctx.addIssue({ code: 'custom', message: `${unit}: ${problem}` });
        if (Object.keys(parsed.options).length > 0) policies.set(unit, parsed.options);
      }
      return { units, policies };
    })
    .prefault(''),
  PODUP_DEFAULT_POLICY: z
    .string()
    .transform((v, ctx) => {
      try {
        return parsePolicy(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: errorMessage(e) });
        return z.NEVER;
      }
    })
    .prefault('auto'),
  PODUP_MIN_IMAGE_AGE: z
    .string()
    .transform((v, ctx) => {
      try {
        return parseAge(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: errorMessage(e) });
        return z.NEVER;
      }
    })
    .prefault('0'),
  PODUP_MAINTENANCE_WINDOW: z
    .string()
    .transform((v, ctx) => {
      try {
        return parseWindows(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: errorMessage(e) });
        return z.NEVER;
      }
    })
    .prefault(''),
  PODUP_APPROVAL_TTL: duration('PODUP_APPROVAL_TTL').prefault('7d'),
  PODUP_QUADLET_DIRS: list.prefault(''),
  PODUP_TASK_CONCURRENCY: z.coerce.number().int().min(1).max(16).prefault('2'),
  PODUP_FORWARD_AUTH_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name such as Remote-Groups')
    .optional(),
  PODUP_FORWARD_AUTH_VALUE: z.string().optional(),
  PODUP_FORWARD_AUTH_USER_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name such as Remote-User')
    .optional(),
  PODUP_PUBLIC_URL: z
    .string()
    .url('must be a URL such as https://podup.example.com')
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .optional(),
  PODUP_SESSION_TTL: duration('PODUP_SESSION_TTL').prefault('7d'),
  PODUP_WEB_DIST: z.string().optional(),
  PODUP_MAX_DB_SIZE: sizeBetween(16 << 20, 2 ** 40, '16MiB and 1TiB such as 256MiB or 2GiB').prefault(
    '256MiB',
  ),
  PODUP_MAX_CONNECTIONS: z.coerce.number().int().min(8).max(65_536).prefault('512'),
  PODUP_MAX_CONNECTIONS_PER_SOURCE: z.coerce.number().int().min(1).max(65_536).prefault('64'),
  PODUP_MAX_STREAMS_PER_CREDENTIAL: z.coerce.number().int().min(1).max(10_000).prefault('16'),
  PODUP_NOTIFY: notifyChannels.prefault(''),
  PODUP_NOTIFY_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters (use e.g. `openssl rand -hex 32`)')
    .optional(),
  PODUP_NOTIFY_BACKOFF: duration('PODUP_NOTIFY_BACKOFF').prefault('10s'),
  PODUP_NOTIFY_BACKOFF_MAX: duration('PODUP_NOTIFY_BACKOFF_MAX').prefault('30m'),
  PODUP_NOTIFY_GIVE_UP: duration('PODUP_NOTIFY_GIVE_UP').prefault('3d'),
  PODUP_NOTIFY_DEGRADED_AFTER: duration('PODUP_NOTIFY_DEGRADED_AFTER').prefault('5m'),
  PODUP_METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (use e.g. `openssl rand -hex 32`)')
    .optional(),
});

/** Every variable of podup's own that loadConfig reads (.env.example lists them all). */
export const CONFIG_VARIABLES: readonly string[] = [
  ...Object.keys(schema.shape),
  ...Object.keys(SECRETS).map((name) => `${name}_FILE`),
];

/** An empty (or blank) variable means unset, as if the line were not there. */
const withoutEmpty = (env: Env): Env =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));

/**
 * Each variable on its own, so that every bad one is reported and a parser that throws (as ms('') did) becomes a
 * problem naming its variable instead of a crash. Returns undefined when any variable is bad.
 */
function parseVariables(input: Env, problems: string[]): z.output<typeof schema> | undefined {
  const out: Record<string, unknown> = {};
  let ok = true;
  for (const [name, field] of Object.entries(schema.shape)) {
    try {
      const r = (field as z.ZodType).safeParse(input[name]);
      if (r.success) out[name] = r.data;
      else problems.push(...r.error.issues.map((issue) => `${name}: ${issue.message}`));
      ok &&= r.success;
    } catch (e) {
      problems.push(`${name}: ${errorMessage(e)}`);
      ok = false;
    }
  }
  return ok ? (out as z.output<typeof schema>) : undefined;
}

/** A secret given inline, as a *_FILE path, or as a systemd credential; more than one source is an error. */
function readSecret(env: Env, name: string, credentialName: string, problems: string[]): string | undefined {
  const inline = env[name]?.trim();
  const filePath = env[`${name}_FILE`]?.trim();
  const credDir = env.CREDENTIALS_DIRECTORY?.trim();
  if (inline && filePath) {
    problems.push(`${name} and ${name}_FILE are both set; keep one`);
    return undefined;
  }
  if (inline) return inline;
  // A systemd credential may be missing or blank: the shipped units default each one to a blank value
  // (SetCredential=, for when LoadCredential='s file does not exist), which means not set. A *_FILE is named on
  // purpose, so it must be there and hold the secret.
  const readFrom = (path: string, label: string, optional: boolean): string | undefined => {
    try {
      const value = readFileSync(path, 'utf8').trim();
      if (value === '' && !optional) problems.push(`${label} (${path}) is empty`);
      return value || undefined;
    } catch (e) {
      const code = errnoCode(e);
      if (optional && code === 'ENOENT') return undefined;
      problems.push(`${label} cannot be read (${path}: ${code ?? String(e)})`);
      return undefined;
    }
  };
  if (filePath) return readFrom(filePath, `${name}_FILE`, false);
  if (credDir) return readFrom(join(credDir, credentialName), `systemd credential ${credentialName}`, true);
  return undefined;
}

const runtimeDir = (env: Env, uid: number): string => env.XDG_RUNTIME_DIR?.trim() || `/run/user/${uid}`;

function defaultPodmanSocket(scope: SystemdScope, env: Env, uid: number): string {
  if (scope === 'system') return '/run/podman/podman.sock';
  return join(runtimeDir(env, uid), 'podman', 'podman.sock');
}

function busAddress(scope: SystemdScope, env: Env, uid: number): string {
  if (scope === 'system')
    return env.DBUS_SYSTEM_BUS_ADDRESS?.trim() || 'unix:path=/run/dbus/system_bus_socket';
  return env.DBUS_SESSION_BUS_ADDRESS?.trim() || `unix:path=${join(runtimeDir(env, uid), 'bus')}`;
}

export interface LoadConfigOptions {
  cwd?: string;
  uid?: number;
}

/** Pure over its inputs: reads only `env` and the secret files it names. Throws ConfigError listing every problem. */
export function loadConfig(rawEnv: Env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const uid = options.uid ?? process.getuid?.() ?? 1000;
  const env = withoutEmpty(rawEnv);
  const problems: string[] = [];

  const input: Env = { ...env };
  for (const [name, credential] of Object.entries(SECRETS))
    input[name] = readSecret(env, name, credential, problems);
  const c = parseVariables(input, problems);
  if (c && Boolean(c.PODUP_FORWARD_AUTH_HEADER) !== Boolean(c.PODUP_FORWARD_AUTH_VALUE)) {
    problems.push('PODUP_FORWARD_AUTH_HEADER and PODUP_FORWARD_AUTH_VALUE go together: set both or neither');
  }
  // Checked on the raw values, so that it is reported together with any other problem.
  const forwardAuthSet = ['PODUP_FORWARD_AUTH_HEADER', 'PODUP_FORWARD_AUTH_VALUE'].some((n) => input[n]);
  if (forwardAuthSet && !(input.PODUP_TRUST_PROXY ?? '').split(',').some((s) => s.trim())) {
    problems.push(
      'PODUP_FORWARD_AUTH_HEADER needs PODUP_TRUST_PROXY: ForwardAuth headers are believed only from the ' +
        "reverse proxy that sets them, and any client could send them too; set PODUP_TRUST_PROXY to the proxy's address",
    );
  }
  if (c && c.PODUP_MAX_CONNECTIONS_PER_SOURCE > c.PODUP_MAX_CONNECTIONS) {
    problems.push('PODUP_MAX_CONNECTIONS_PER_SOURCE must not exceed PODUP_MAX_CONNECTIONS');
  }
  if (!c || problems.length > 0) throw new ConfigError(problems);

  const systemdScope: SystemdScope = c.PODUP_SYSTEMD_SCOPE ?? (uid === 0 ? 'system' : 'user');
  const podmanSocket = (c.PODUP_PODMAN_SOCKET ?? defaultPodmanSocket(systemdScope, env, uid)).replace(
    /^unix:\/\//,
    '',
  );
  const stateDir = resolve(cwd, c.PODUP_STATE_DIR);
  const journal = Boolean(env.JOURNAL_STREAM);

  return Object.freeze({
    httpAddr: c.PODUP_HTTP_ADDR,
    stateDir,
    dbPath: join(stateDir, 'podup.db'),
    webhookSecret: c.PODUP_GITHUB_WEBHOOK_SECRET,
    adminToken: c.PODUP_ADMIN_TOKEN,
    devOpenAdmin: c.PODUP_DEV_OPEN_ADMIN,
    podmanSocket,
    systemdScope,
    dbusAddress: busAddress(systemdScope, env, uid),
    idleExitMs: c.PODUP_IDLE_EXIT,
    logLevel: c.PODUP_LOG_LEVEL,
    logFormat: c.PODUP_LOG_FORMAT ?? (journal ? 'journal' : 'json'),
    webhookBodyLimit: c.PODUP_WEBHOOK_BODY_LIMIT,
    imageRateLimit: c.PODUP_RATE_LIMIT_IMAGE,
    badSignatureRateLimit: c.PODUP_RATE_LIMIT_BAD_SIGNATURE,
    trustProxy: c.PODUP_TRUST_PROXY.length > 0 ? c.PODUP_TRUST_PROXY : false,
    dbSync: c.PODUP_DB_SYNC,
    registryCheck: c.PODUP_REGISTRY_CHECK,
    coalesceWindowMs: c.PODUP_COALESCE_WINDOW,
    healthWindowMs: c.PODUP_HEALTH_WINDOW,
    restartTimeoutMs: c.PODUP_RESTART_TIMEOUT,
    rolloutBatch: c.PODUP_ROLLOUT_BATCH,
    rolloutOnFailure: c.PODUP_ROLLOUT_ON_FAILURE,
    units: c.PODUP_UNITS.units,
    unitPolicies: c.PODUP_UNITS.policies,
    defaultPolicy: {
      policy: c.PODUP_DEFAULT_POLICY,
      minAgeMs: c.PODUP_MIN_IMAGE_AGE,
      windows: c.PODUP_MAINTENANCE_WINDOW,
    },
    approvalTtlMs: c.PODUP_APPROVAL_TTL,
    quadletDirs: c.PODUP_QUADLET_DIRS,
    taskConcurrency: c.PODUP_TASK_CONCURRENCY,
    forwardAuth:
      c.PODUP_FORWARD_AUTH_HEADER && c.PODUP_FORWARD_AUTH_VALUE
        ? {
            header: c.PODUP_FORWARD_AUTH_HEADER.toLowerCase(),
            value: c.PODUP_FORWARD_AUTH_VALUE,
            userHeader: c.PODUP_FORWARD_AUTH_USER_HEADER?.toLowerCase(),
          }
        : undefined,
    publicUrl: c.PODUP_PUBLIC_URL?.replace(/\/+$/, ''),
    sessionTtlMs: c.PODUP_SESSION_TTL,
    webDist: c.PODUP_WEB_DIST
      ? resolve(cwd, c.PODUP_WEB_DIST)
      : join(dirname(fileURLToPath(import.meta.url)), '../../web/dist'),
    maxDbBytes: c.PODUP_MAX_DB_SIZE,
    containers: {
      registriesConf: env.CONTAINERS_REGISTRIES_CONF?.trim() || undefined,
      authFile: env.REGISTRY_AUTH_FILE?.trim() || undefined,
      home: env.HOME?.trim() || '/root',
      configHome: env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || '/root', '.config'),
      runtimeDir: runtimeDir(env, uid),
      uid,
    },
    maxConnections: c.PODUP_MAX_CONNECTIONS,
    maxConnectionsPerSource: c.PODUP_MAX_CONNECTIONS_PER_SOURCE,
    maxStreamsPerCredential: c.PODUP_MAX_STREAMS_PER_CREDENTIAL,
    notify: {
      channels: c.PODUP_NOTIFY,
      secret: c.PODUP_NOTIFY_SECRET,
      backoffMs: c.PODUP_NOTIFY_BACKOFF,
      backoffMaxMs: c.PODUP_NOTIFY_BACKOFF_MAX,
      giveUpAfterMs: c.PODUP_NOTIFY_GIVE_UP,
      degradedAfterMs: c.PODUP_NOTIFY_DEGRADED_AFTER,
    },
    metricsToken: c.PODUP_METRICS_TOKEN,
  });
}

/** What is safe to show about the configuration: secrets only as set/unset. */
export function describeConfig(config: Config): Record<string, unknown> {
  const {
    webhookSecret,
    adminToken,
    units,
    unitPolicies,
    defaultPolicy,
    forwardAuth,
    notify,
    metricsToken,
    ...rest
  } = config;
  const describePolicy = (p: PolicyOptions) => ({
    ...(p.policy ? { policy: p.policy } : {}),
    ...(p.minAgeMs !== undefined ? { minAgeMs: p.minAgeMs } : {}),
    ...(p.windows ? { windows: p.windows.map((w) => w.text) } : {}),
  });
  return {
    ...rest,
    notify: {
      channels: notify.channels.map((c) => ({
        id: c.id,
        name: c.name,
        url: c.urlHint,
        events: c.target.events,
      })),
      secret: notify.secret ? 'set' : 'unset',
      backoffMs: notify.backoffMs,
      backoffMaxMs: notify.backoffMaxMs,
      giveUpAfterMs: notify.giveUpAfterMs,
      degradedAfterMs: notify.degradedAfterMs,
    },
    metricsToken: metricsToken ? 'set' : 'unset',
    units: Object.fromEntries(units),
    unitPolicies: Object.fromEntries([...unitPolicies].map(([u, p]) => [u, describePolicy(p)])),
    defaultPolicy: describePolicy(defaultPolicy),
    forwardAuth: forwardAuth
      ? { header: forwardAuth.header, value: 'set', userHeader: forwardAuth.userHeader ?? null }
      : 'unset',
    webhookSecret: webhookSecret ? 'set' : 'unset',
    adminToken: adminToken ? 'set' : 'unset',
  };
}
