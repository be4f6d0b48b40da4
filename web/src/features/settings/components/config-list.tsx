import type { Settings } from '@contract';
import { EmptyState } from '@/components/empty-state';

type Kind = 'duration' | 'size' | 'rate' | 'secret' | 'plain';

/** What each key of the effective configuration is set by, and how to read its value. */
const NAMES: Record<string, [env: string, kind: Kind]> = {
  httpAddr: ['PODUP_HTTP_ADDR', 'plain'],
  stateDir: ['PODUP_STATE_DIR', 'plain'],
  dbPath: ['PODUP_STATE_DIR (database)', 'plain'],
  webhookSecret: ['PODUP_GITHUB_WEBHOOK_SECRET', 'secret'],
  adminToken: ['PODUP_ADMIN_TOKEN', 'secret'],
  devOpenAdmin: ['PODUP_DEV_OPEN_ADMIN', 'plain'],
  podmanSocket: ['PODUP_PODMAN_SOCKET', 'plain'],
  systemdScope: ['PODUP_SYSTEMD_SCOPE', 'plain'],
  dbusAddress: ['PODUP_SYSTEMD_SCOPE (D-Bus)', 'plain'],
  idleExitMs: ['PODUP_IDLE_EXIT', 'duration'],
  logLevel: ['PODUP_LOG_LEVEL', 'plain'],
  logFormat: ['PODUP_LOG_FORMAT', 'plain'],
  webhookBodyLimit: ['PODUP_WEBHOOK_BODY_LIMIT', 'size'],
  imageRateLimit: ['PODUP_RATE_LIMIT_IMAGE', 'rate'],
  badSignatureRateLimit: ['PODUP_RATE_LIMIT_BAD_SIGNATURE', 'rate'],
  trustProxy: ['PODUP_TRUST_PROXY', 'plain'],
  dbSync: ['PODUP_DB_SYNC', 'plain'],
  registryCheck: ['PODUP_REGISTRY_CHECK', 'plain'],
  coalesceWindowMs: ['PODUP_COALESCE_WINDOW', 'duration'],
  healthWindowMs: ['PODUP_HEALTH_WINDOW', 'duration'],
  restartTimeoutMs: ['PODUP_RESTART_TIMEOUT', 'duration'],
  rolloutBatch: ['PODUP_ROLLOUT_BATCH', 'plain'],
  rolloutOnFailure: ['PODUP_ROLLOUT_ON_FAILURE', 'plain'],
  approvalTtlMs: ['PODUP_APPROVAL_TTL', 'duration'],
  quadletDirs: ['PODUP_QUADLET_DIRS', 'plain'],
  taskConcurrency: ['PODUP_TASK_CONCURRENCY', 'plain'],
  forwardAuth: ['PODUP_FORWARD_AUTH_HEADER / _VALUE', 'secret'],
  publicUrl: ['PODUP_PUBLIC_URL', 'plain'],
  sessionTtlMs: ['PODUP_SESSION_TTL', 'duration'],
  webDist: ['PODUP_WEB_DIST', 'plain'],
  maxDbBytes: ['PODUP_MAX_DB_SIZE', 'size'],
  maxConnections: ['PODUP_MAX_CONNECTIONS', 'plain'],
  maxConnectionsPerSource: ['PODUP_MAX_CONNECTIONS_PER_SOURCE', 'plain'],
  maxStreamsPerCredential: ['PODUP_MAX_STREAMS_PER_CREDENTIAL', 'plain'],
  metricsToken: ['PODUP_METRICS_TOKEN', 'secret'],
  units: ['PODUP_UNITS', 'plain'],
  unitPolicies: ['PODUP_UNITS (policies)', 'plain'],
  'defaultPolicy.policy': ['PODUP_DEFAULT_POLICY', 'plain'],
  'defaultPolicy.minAgeMs': ['PODUP_MIN_IMAGE_AGE', 'duration'],
  'defaultPolicy.windows': ['PODUP_MAINTENANCE_WINDOW', 'plain'],
  'notify.channels': ['PODUP_NOTIFY', 'plain'],
  'notify.secret': ['PODUP_NOTIFY_SECRET', 'secret'],
  'notify.backoffMs': ['PODUP_NOTIFY_BACKOFF', 'duration'],
  'notify.backoffMaxMs': ['PODUP_NOTIFY_BACKOFF_MAX', 'duration'],
  'notify.giveUpAfterMs': ['PODUP_NOTIFY_GIVE_UP', 'duration'],
  'notify.degradedAfterMs': ['PODUP_NOTIFY_DEGRADED_AFTER', 'duration'],
};

/** 604800000 -> "7 d", 90000 -> "1 min 30 s", 0 -> "0". */
export function readableDuration(ms: number): string {
  if (ms === 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 864e5],
    ['h', 36e5],
    ['min', 6e4],
    ['s', 1e3],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** 1048576 -> "1 MiB", 268435456 -> "256 MiB". */
export function readableSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

function plain(value: unknown): string {
  if (value === null || value === undefined || value === false) return value === false ? 'off' : '—';
  if (value === true) return 'on';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(plain).join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.host === 'string' && typeof o.port === 'number') return `${o.host}:${o.port}`;
    if (typeof o.name === 'string') return o.name;
    const entries = Object.entries(o);
    return entries.length === 0 ? '—' : entries.map(([k, v]) => `${k}=${plain(v)}`).join(', ');
  }
  return JSON.stringify(value);
}

export function readable(kind: Kind, value: unknown): string {
  if (kind === 'duration' && typeof value === 'number') return readableDuration(value);
  if (kind === 'size' && typeof value === 'number') return readableSize(value);
  if (kind === 'rate' && value && typeof value === 'object') {
    const { limit, windowMs } = value as { limit?: number; windowMs?: number };
    if (typeof limit === 'number' && typeof windowMs === 'number')
      return `${limit} per ${readableDuration(windowMs)}`;
  }
  return plain(value);
}

interface Row {
  key: string;
  env: string | null;
  kind: Kind;
  value: unknown;
}

/** The configuration as rows: nested objects podup reports per part (notify, default policy) are spread out. */
export function configRows(config: Settings['config']): Row[] {
  const rows: Row[] = [];
  for (const [key, value] of Object.entries(config)) {
    if ((key === 'notify' || key === 'defaultPolicy') && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const name = NAMES[`${key}.${k}`];
        rows.push({ key: `${key}.${k}`, env: name?.[0] ?? null, kind: name?.[1] ?? 'plain', value: v });
      }
      continue;
    }
    const name = NAMES[key];
    rows.push({ key, env: name?.[0] ?? null, kind: name?.[1] ?? 'plain', value });
  }
  // PODUP_* names first, alphabetically; what no variable sets (derived from the host) after them.
  return rows.sort(
    (a, b) =>
      Number(a.env === null) - Number(b.env === null) || (a.env ?? a.key).localeCompare(b.env ?? b.key),
  );
}

/** Every setting by the variable that sets it, its value readable (durations, sizes, rates), secrets set/unset. */
export function ConfigTable({ config }: { config: Settings['config'] }) {
  const rows = configRows(config);
  return (
    <section className="card" aria-labelledby="config-heading">
      <h2 id="config-heading">Effective configuration</h2>
      <p className="muted small">
        Set in the environment of <code>podup serve</code> (the unit&apos;s <code>Environment=</code> or its
        environment file). Secrets show only whether they are set.
      </p>
      {rows.length === 0 ? (
        <EmptyState title="No configuration reported" />
      ) : (
        <dl className="config-list">
          {rows.map((r) => (
            <div key={r.key} className="config-row">
              <dt>
                <code className="wrap">{r.env ?? r.key}</code>
                {r.env && <span className="muted small config-key"> {r.key}</span>}
              </dt>
              <dd className="wrap small">
                {r.value === 'set' || r.value === 'unset' ? (
                  <span className={`badge tone-${r.value === 'set' ? 'ok' : 'warn'}`}>{r.value}</span>
                ) : (
                  readable(r.kind, r.value)
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** What an operator should fix first: a missing secret, no unit found, a proxy podup does not trust. */
export function settingsWarnings(settings: Settings, here: { host: string }): string[] {
  const c = settings.config;
  const warnings: string[] = [];
  if (c.webhookSecret === 'unset')
    warnings.push(
      'PODUP_GITHUB_WEBHOOK_SECRET is not set: podup refuses every GitHub delivery. Set it to the secret of the GitHub webhook.',
    );
  if (c.devOpenAdmin === true)
    warnings.push(
      'PODUP_DEV_OPEN_ADMIN is on: anyone who reaches podup is an admin. Never on a shared host.',
    );
  if (settings.units.discoveryError)
    warnings.push(
      `Discovery failed: ${settings.units.discoveryError}. The units below are the last ones found; updates fail until this is fixed.`,
    );
  else if (settings.units.discovered.length === 0)
    warnings.push(
      'Discovery found no unit: check PODUP_QUADLET_DIRS, the Podman socket (PODUP_PODMAN_SOCKET) and that containers carry io.containers.autoupdate=registry.',
    );
  const addr = c.httpAddr as { host?: string; port?: number } | undefined;
  const direct = addr?.host && addr.port ? [`${addr.host}:${addr.port}`, `localhost:${addr.port}`] : [];
  if (c.trustProxy === false && direct.length > 0 && !direct.includes(here.host))
    warnings.push(
      `You reach podup at ${here.host}, not at ${direct[0]}: if a reverse proxy stands in between, set PODUP_TRUST_PROXY to its address, or the event log and the rate limits see the proxy instead of the clients.`,
    );
  return warnings;
}

export function SettingsWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <section className="alert alert-warn" aria-label="Warnings">
      <p className="alert-title">
        {warnings.length === 1 ? 'One thing to fix' : `${warnings.length} things to fix`}
      </p>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </section>
  );
}
