/**
 * Podman's own configuration files, read the way Podman reads them, so podup resolves the same registries
 * (mirrors, insecure, blocked) and uses the same credentials.
 * @see https://github.com/containers/image/blob/main/docs/containers-registries.conf.5.md
 * @see https://github.com/containers/image/blob/main/docs/containers-auth.json.5.md
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { ContainersPaths } from '../../config.js';
import { mergeRegistriesConf, type RegistriesConf } from '../../domain/registries/registries-conf.js';
import { AppError, errorMessage } from '../../errors.js';

function readToml(path: string): Record<string, unknown> {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `cannot read ${path}: ${errorMessage(e)}`, {
      hint: 'fix the file (podman info shows the same error) or point CONTAINERS_REGISTRIES_CONF elsewhere',
    });
  }
}

const dropIns = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.conf'))
        .sort()
        .map((f) => join(dir, f))
    : [];

/** The registries.conf files in load order. */
export function registriesConfFiles(paths: ContainersPaths): string[] {
  if (paths.registriesConf) return [paths.registriesConf];
  const user = join(paths.configHome, 'containers', 'registries.conf');
  const useUser = paths.uid !== 0 && existsSync(user);
  const main = useUser ? user : '/etc/containers/registries.conf';
  return [
    ...(existsSync(main) ? [main] : []),
    ...dropIns('/etc/containers/registries.conf.d'),
    ...(useUser ? dropIns(join(paths.configHome, 'containers', 'registries.conf.d')) : []),
  ];
}

export function loadRegistriesConf(paths: ContainersPaths): RegistriesConf {
  return mergeRegistriesConf(registriesConfFiles(paths).map(readToml));
}

export interface Credentials {
  username: string;
  password: string;
}

/** auth.json lookup: REGISTRY_AUTH_FILE, then the runtime dir, then ~/.config, then Docker's config. */
export function authFiles(paths: ContainersPaths): string[] {
  if (paths.authFile) return [paths.authFile];
  return [
    join(paths.runtimeDir, 'containers', 'auth.json'),
    join(paths.configHome, 'containers', 'auth.json'),
    join(paths.home, '.docker', 'config.json'),
  ];
}

/** Credentials for host/repository: the most specific key wins (host/namespace/repo, ..., host). */
export function credentialsFor(
  paths: ContainersPaths,
  host: string,
  repository: string,
): Credentials | undefined {
  const keys: string[] = [];
  const parts = repository.split('/');
  for (let i = parts.length; i >= 1; i--) keys.push(`${host}/${parts.slice(0, i).join('/')}`);
  keys.push(host, `https://${host}`);
  for (const file of authFiles(paths)) {
    if (!existsSync(file)) continue;
    let auths: Record<string, { auth?: string; username?: string; password?: string }>;
    try {
      auths = (JSON.parse(readFileSync(file, 'utf8')) as { auths?: typeof auths }).auths ?? {};
    } catch {
      continue;
    }
    for (const key of keys) {
      const entry = auths[key];
      if (!entry) continue;
      if (entry.username && entry.password) return { username: entry.username, password: entry.password };
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
    }
  }
  return undefined;
}
