/**
 * Finds the podup an operator installed, so the CLI talks to it without being told: the env file and the
 * credential files the shipped units read (systemd/*.service), and the state directory they set. Only fills in
 * what the environment (or --state-dir) does not say. System scope when run as root, else user scope, as the
 * server itself decides.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

export interface InstalledPaths {
  envFile: string;
  credentialDir: string;
  stateDir: string;
}

export function installedPaths(env: Env, uid: number): InstalledPaths {
  if (uid === 0)
    return { envFile: '/etc/podup/env', credentialDir: '/etc/podup', stateDir: '/var/lib/podup' };
  const home = env.HOME?.trim() || '/root';
  const config = env.XDG_CONFIG_HOME?.trim() || join(home, '.config');
  const state = env.XDG_STATE_HOME?.trim() || join(home, '.local', 'state');
  return {
    envFile: join(config, 'podup', 'env'),
    credentialDir: join(config, 'podup'),
    stateDir: join(state, 'podup'),
  };
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
  if (unset(out, 'PODUP_STATE_DIR') && existsSync(join(paths.stateDir, 'podup.db')))
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
