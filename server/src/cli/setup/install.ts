/**
 * `podup setup --user | --system`: makes this host run the podup it is called from, under systemd socket
 * activation. In order: the config directory, the env file, the webhook secret and admin token (credential
 * files, 0600), the shipped units pointing at this podup, the startup snapshot for this node, daemon-reload,
 * podup.service enabled for boot and podup.socket enabled and listening, lingering (user scope). Each step
 * looks before it acts, so running it again changes nothing; flags given again change only what they name.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemdScope } from '../../config.js';
import { AppError } from '../../errors.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { snapshotState } from '../../snapshot/stamp.js';
import { parseEnvFile, type InstallPaths } from '../installed.js';
import {
  ensureDir,
  ensureFile,
  readText,
  removeFromReadOnlyDir,
  removePath,
  type SetupHost,
  type SetupLog,
} from './actions.js';
import { newEnvFile, setEnvValues } from './env-file.js';
import { refuseHiddenPaths } from './protect-home.js';
import { renderService, renderSocket } from './unit-text.js';

export const DEFAULT_ADDRESS = '127.0.0.1';
export const DEFAULT_PORT = 25111;

export interface InstallOptions {
  paths: InstallPaths;
  host: SetupHost;
  /** The podup package (or checkout) to run: its bin/podup-serve, systemd/ and server/dist. */
  root: string;
  /** The node binary that runs podup and builds its snapshot. */
  node: string;
  address?: string | undefined;
  port?: number | undefined;
  publicUrl?: string | undefined;
  /** More variables for the env file (--set KEY=VALUE). */
  set: Record<string, string>;
  /** Secrets given as files; otherwise generated once. */
  webhookSecretFile?: string | undefined;
  adminTokenFile?: string | undefined;
  /** false: no admin token (--no-admin-token): none is made, and one that is there is removed. */
  adminToken: boolean;
  rotateWebhookSecret: boolean;
  rotateAdminToken: boolean;
  linger: 'yes' | 'no' | 'ask';
  ask: (question: string) => Promise<boolean>;
}

export interface Installed {
  /** host:port podup.socket listens on. */
  listen: string;
  publicUrl: string | undefined;
  secretFile: string;
  tokenFile: string | undefined;
}

const ENV_HEADER = `# podup's settings, read by podup.service (EnvironmentFile=) and by the podup CLI. \`podup setup\` made this
# file and sets only what it is told to (--address, --port, --public-url, --set); your edits stay. Every
# variable, with its default: .env.example in the podup package. Restart podup.service after a change.`;

const secret = (): string => randomBytes(32).toString('hex');

/** host:port as systemd's ListenStream= and PODUP_HTTP_ADDR read it. */
export function listenAddress(address: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new AppError('BAD_REQUEST', `--port must be 1-65535 (got ${port})`);
  const host = address.replace(/^\[(.*)\]$/, '$1');
  if (host === '' || /[\s/]/.test(host))
    throw new AppError('BAD_REQUEST', `--address: not an address: ${address}`);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The address and port the env file names (from an earlier setup), so a run without flags keeps them. */
function earlierListen(env: Record<string, string>): { address?: string; port?: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(env.PODUP_HTTP_ADDR ?? '');
  if (!m) return {};
  const address = m[1] ?? m[2];
  return { ...(address === undefined ? {} : { address }), port: Number(m[3]) };
}

function readGiven(path: string, what: string): string {
  let value: string;
  try {
    value = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new AppError('BAD_REQUEST', `cannot read the ${what} from ${path}`, { cause: e });
  }
  if (value === '') throw new AppError('BAD_REQUEST', `${path} is empty: it should hold the ${what}`);
  return value;
}

interface SecretSpec {
  file: string;
  what: string;
  given: string | undefined;
  rotate: boolean;
  minLength: number;
}

/** A credential file: the given value, else the one already there, else a new one (also when rotating). */
function ensureSecret(log: SetupLog, spec: SecretSpec): boolean {
  const given = spec.given === undefined ? undefined : readGiven(spec.given, spec.what);
  if (given !== undefined && given.length < spec.minLength)
    throw new AppError(
      'BAD_REQUEST',
      `the ${spec.what} in ${spec.given} must be at least ${spec.minLength} characters`,
    );
  const current = readText(spec.file)?.trim();
  const value = given ?? (spec.rotate || !current ? secret() : current);
  return ensureFile(log, spec.file, `${value}\n`, {
    mode: 0o600,
    what: spec.what,
    createVerb: given === undefined ? 'generated' : 'created',
  });
}

export async function install(log: SetupLog, o: InstallOptions): Promise<Installed> {
  const { paths } = o;
  const scope: SystemdScope = paths.scope;
  const { systemctl } = o.host;

  const shipped = join(o.root, 'systemd', ...(scope === 'user' ? ['user'] : []));
  const serviceText = readFileSync(join(shipped, 'podup.service'), 'utf8');
  const socketText = readFileSync(join(shipped, 'podup.socket'), 'utf8');
  // The target that starts podup.service at boot, as the shipped unit says.
  const bootTarget = /^WantedBy=(.+)$/m.exec(serviceText)?.[1];
  if (scope === 'system') refuseHiddenPaths(serviceText, { podup: o.root, node: o.set.PODUP_NODE ?? o.node });

  // The config directory holds the credentials: only its owner may look inside.
  ensureDir(log, paths.credentialDir, 0o700);

  const envText = readText(paths.envFile);
  const earlierEnv = parseEnvFile(envText ?? '');
  const earlier = earlierListen(earlierEnv);
  const stateDir = o.set.PODUP_STATE_DIR ?? earlierEnv.PODUP_STATE_DIR ?? paths.stateDir;
  const listen = listenAddress(
    o.address ?? earlier.address ?? DEFAULT_ADDRESS,
    o.port ?? earlier.port ?? DEFAULT_PORT,
  );
  const values: Record<string, string> = {
    PODUP_HTTP_ADDR: listen,
    // Said here, not only in the unit: the CLI reads it too, and a user unit's %S differs between systemd versions.
    PODUP_STATE_DIR: stateDir,
    // The node that built the snapshot is the one podup-serve must start (it may not be on systemd's PATH).
    PODUP_NODE: o.node,
    ...(o.publicUrl === undefined ? {} : { PODUP_PUBLIC_URL: o.publicUrl.replace(/\/+$/, '') }),
    ...o.set,
  };
  const envContent = envText === undefined ? newEnvFile(values, ENV_HEADER) : setEnvValues(envText, values);
  const envChanged = ensureFile(log, paths.envFile, envContent, { mode: 0o600, what: 'env file' });
  const env = parseEnvFile(envContent);

  // podup creates only the last level itself (a missing parent usually means a typo).
  ensureDir(log, stateDir, 0o700);

  const secretFile = join(paths.credentialDir, 'github-webhook-secret');
  const tokenFile = join(paths.credentialDir, 'admin-token');
  let secretsChanged = ensureSecret(log, {
    file: secretFile,
    what: 'webhook secret',
    given: o.webhookSecretFile,
    rotate: o.rotateWebhookSecret,
    minLength: 1,
  });
  const withToken = o.adminToken || o.adminTokenFile !== undefined;
  if (withToken) {
    secretsChanged =
      ensureSecret(log, {
        file: tokenFile,
        what: 'admin token',
        given: o.adminTokenFile,
        rotate: o.rotateAdminToken,
        minLength: 16,
      }) || secretsChanged;
  } else {
    // The unit loads the file whenever it is there: kept, it would leave the admin API on against the flag.
    secretsChanged =
      removePath(log, tokenFile, 'admin token', { detail: '--no-admin-token: podup runs without one' }) ||
      secretsChanged;
    secretsChanged = removeStaleCopy(log, o.host, 'admin-token', 'admin token') || secretsChanged;
  }

  const socketChanged = ensureFile(
    log,
    join(paths.unitDir, 'podup.socket'),
    renderSocket(socketText, listen),
    {
      mode: 0o644,
      what: 'socket unit',
      createVerb: 'installed',
      show: true,
    },
  );
  const serviceChanged = ensureFile(
    log,
    join(paths.unitDir, 'podup.service'),
    renderService(serviceText, o.root),
    { mode: 0o644, what: 'service unit', createVerb: 'installed', show: true },
  );

  ensureSnapshot(log, o, env);

  const loaded = systemctl.query('show', '-p', 'LoadState', '--value', 'podup.socket');
  if (socketChanged || serviceChanged || loaded !== 'loaded')
    systemctl.change(log, 'reloaded', `the ${scope} manager`, 'daemon-reload');
  // podup.service for boot (see its [Install]: what was due while the host was down runs then), the socket for
  // requests. A unit of an earlier podup that had no WantedBy= says "indirect" or "disabled" here.
  const disabled = ['podup.service', 'podup.socket'].filter(
    (unit) => systemctl.query('is-enabled', unit) !== 'enabled',
  );
  if (disabled.length > 0)
    systemctl.change(
      log,
      'enabled',
      disabled
        .map((u) => (u === 'podup.service' && bootTarget ? `podup.service (at boot: ${bootTarget})` : u))
        .join(', '),
      'enable',
      ...disabled,
    );
  const serviceActive = systemctl.query('is-active', 'podup.service') === 'active';
  if (systemctl.query('is-active', 'podup.socket') !== 'active') {
    systemctl.change(log, 'started', `podup.socket (listening on ${listen})`, 'start', 'podup.socket');
  } else if (socketChanged) {
    // A socket cannot be restarted while its service holds it.
    if (serviceActive) systemctl.change(log, 'stopped', 'podup.service', 'stop', 'podup.service');
    systemctl.change(log, 'restarted', `podup.socket (listening on ${listen})`, 'restart', 'podup.socket');
  } else {
    log.add('unchanged', `podup.socket (listening on ${listen})`, false);
  }
  if (serviceActive && !socketChanged && (serviceChanged || envChanged || secretsChanged))
    systemctl.change(log, 'restarted', 'podup.service (new settings)', 'try-restart', 'podup.service');

  if (scope === 'user') await ensureLinger(log, o);

  return {
    listen,
    publicUrl: env.PODUP_PUBLIC_URL || undefined,
    secretFile,
    tokenFile: withToken ? tokenFile : undefined,
  };
}

/** The manager's old copy of a credential whose file is gone (see SetupHost.credentialCopies); blank is right. */
function removeStaleCopy(log: SetupLog, host: SetupHost, name: string, what: string): boolean {
  if (host.credentialCopies === undefined) return false;
  const copy = join(host.credentialCopies, name);
  if ((readText(copy) ?? '').trim() === '') return false;
  return removeFromReadOnlyDir(
    log,
    host.credentialCopies,
    copy,
    `systemd's copy of the ${what}`,
    'systemd 252 keeps it after its file is gone, and podup would still start with it',
  );
}

/** A snapshot podup-serve will use, for this node: kept when there is one, else built into the cache. */
function ensureSnapshot(log: SetupLog, o: InstallOptions, env: Record<string, string>): void {
  const distDir = join(o.root, 'server', 'dist');
  const state = snapshotState({ env, nodePath: o.node, distDir, cacheDir: o.paths.cacheDir });
  if (state.status !== 'unused') {
    log.add('unchanged', `startup snapshot`, false, state.detail);
    return;
  }
  if (log.dryRun) {
    log.add('built', `startup snapshot ${join(o.paths.cacheDir, 'serve.blob')}`, true, `for ${o.node}`);
    return;
  }
  const r = buildSnapshot({ distDir, outDir: o.paths.cacheDir, nodePath: o.node });
  if (r.ok)
    log.add('built', `startup snapshot ${r.blob}`, true, `${(r.bytes / 1e6).toFixed(1)} MB, for ${o.node}`);
  // Not fatal: podup starts from the bundle, only slower.
  else log.add('failed', 'startup snapshot', false, `podup starts without it: ${r.problem}`);
}

async function ensureLinger(log: SetupLog, o: InstallOptions): Promise<void> {
  const { user } = o.host;
  if (o.host.lingering(user)) {
    log.add('unchanged', `lingering of ${user}`, false, 'on');
    return;
  }
  const enable =
    o.linger === 'yes' ||
    (o.linger === 'ask' &&
      (await o.ask(
        `Enable lingering for ${user}, so that podup keeps listening when ${user} is not logged in (loginctl enable-linger)?`,
      )));
  if (!enable) {
    log.add(
      'skipped',
      `lingering of ${user}`,
      false,
      `podup stops with ${user}'s last session; later: loginctl enable-linger ${user}`,
    );
    return;
  }
  if (!log.dryRun) {
    const r = o.host.enableLinger(user);
    if (r.status !== 0) {
      log.add(
        'failed',
        `lingering of ${user}`,
        false,
        `loginctl enable-linger ${user}: ${r.stderr || `exit ${r.status}`}`,
      );
      return;
    }
  }
  log.add('enabled', `lingering of ${user}`, true, `loginctl enable-linger ${user}`);
}
