/**
 * Finds the podup an operator installed (`podup setup`), so the CLI talks to it without being told: the env
 * file and the credential files the shipped units read (systemd/*.service), and the state directory they set.
 * Only fills in what the environment (or --state-dir) does not say. The scope is PODUP_SYSTEMD_SCOPE, else
 * system when run as root and user otherwise, as the server itself decides.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemdScope } from '../config.js';

type Env = Record<string, string | undefined>;

export interface InstalledPaths {
  envFile: string;
  credentialDir: string;
  stateDir: string;
}

/** Everything `podup setup` puts somewhere: the paths above, the units' directory and the snapshot's cache. */
export interface InstallPaths extends InstalledPaths {
  scope: SystemdScope;
  unitDir: string;
  /** The units' CacheDirectory=podup: where the startup snapshot of an installed podup is built. */
  cacheDir: string;
}

export function scopeOf(env: Env, uid: number): SystemdScope {
  const named = env.PODUP_SYSTEMD_SCOPE?.trim();
  if (named === 'user' || named === 'system') return named;
  return uid === 0 ? 'system' : 'user';
}

/** %E, %S, %C and the unit directory of the manager of `scope`, as systemd resolves them for this user. */
export function installPaths(env: Env, scope: SystemdScope): InstallPaths {
  if (scope === 'system') {
    return {
      scope,
      envFile: '/etc/podup/env',
      credentialDir: '/etc/podup',
      stateDir: '/var/lib/podup',
      unitDir: '/etc/systemd/system',
      cacheDir: '/var/cache/podup',
    };
  }
  const home = env.HOME?.trim() || '/root';
  const config = env.XDG_CONFIG_HOME?.trim() || join(home, '.config');
  const state = env.XDG_STATE_HOME?.trim() || join(home, '.local', 'state');
  const cache = env.XDG_CACHE_HOME?.trim() || join(home, '.cache');
  return {
    scope,
    envFile: join(config, 'podup', 'env'),
    credentialDir: join(config, 'podup'),
    stateDir: join(state, 'podup'),
    unitDir: join(config, 'systemd', 'user'),
    cacheDir: join(cache, 'podup'),
  };
}

export function installedPaths(env: Env, uid: number): InstalledPaths {
  const { envFile, credentialDir, stateDir } = installPaths(env, scopeOf(env, uid));
  return { envFile, credentialDir, stateDir };
}

/** KEY=value lines as systemd's EnvironmentFile= reads them: # comments, optional quotes, export is not used. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

const unset = (env: Env, key: string): boolean => (env[key]?.trim() ?? '') === '';

/**
 * The environment the CLI runs with: `env`, then the installed env file for what it leaves unset, then the
 * installed credentials and state directory when they exist and nothing else names them.
 */
export function withInstalledInstance(env: Env, uid: number, paths = installedPaths(env, uid)): Env {
  const out: Env = { ...env };
  if (existsSync(paths.envFile)) {
    for (const [k, v] of Object.entries(parseEnvFile(readFileSync(paths.envFile, 'utf8'))))
      if (unset(out, k)) out[k] = v;
  }
  const credentials: Array<[string, string]> = [
    ['PODUP_ADMIN_TOKEN', 'admin-token'],
    ['PODUP_GITHUB_WEBHOOK_SECRET', 'github-webhook-secret'],
  ];
  for (const [name, file] of credentials) {
    const path = join(paths.credentialDir, file);
    if (
      unset(out, name) &&
      unset(out, `${name}_FILE`) &&
      unset(out, 'CREDENTIALS_DIRECTORY') &&
      readable(path)
    )
      out[`${name}_FILE`] = path;
  }
  // Installed (its env file exists) or has run there: before its first start, too, the state is there.
  if (
    unset(out, 'PODUP_STATE_DIR') &&
    (existsSync(join(paths.stateDir, 'podup.db')) || existsSync(paths.envFile))
  )
    out.PODUP_STATE_DIR = paths.stateDir;
  return out;
}

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
