import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installPaths,
  installedPaths,
  parseEnvFile,
  scopeOf,
  withInstalledInstance,
  type InstalledPaths,
} from './installed.js';

describe('installedPaths', () => {
  it('system scope as root: what systemd/podup.service reads', () => {
    expect(installedPaths({}, 0)).toEqual({
      envFile: '/etc/podup/env',
      credentialDir: '/etc/podup',
      stateDir: '/var/lib/podup',
    });
  });

  it('user scope: %E/podup and %S/podup of the user manager', () => {
    expect(installedPaths({ HOME: '/home/alice' }, 1000)).toEqual({
      envFile: '/home/alice/.config/podup/env',
      credentialDir: '/home/alice/.config/podup',
      stateDir: '/home/alice/.local/state/podup',
    });
    expect(installedPaths({ HOME: '/h', XDG_CONFIG_HOME: '/c', XDG_STATE_HOME: '/s' }, 1000).stateDir).toBe(
      '/s/podup',
    );
  });
});

describe('installPaths (podup setup)', () => {
  it('adds the unit directory and the cache of each scope', () => {
    expect(installPaths({}, 'system')).toMatchObject({
      unitDir: '/etc/systemd/system',
      cacheDir: '/var/cache/podup',
    });
    expect(installPaths({ HOME: '/home/alice', XDG_CACHE_HOME: '/k' }, 'user')).toMatchObject({
      unitDir: '/home/alice/.config/systemd/user',
      cacheDir: '/k/podup',
    });
  });

  it('takes the scope from PODUP_SYSTEMD_SCOPE, else from the user, like the server', () => {
    expect(scopeOf({}, 0)).toBe('system');
    expect(scopeOf({}, 1000)).toBe('user');
    expect(scopeOf({ PODUP_SYSTEMD_SCOPE: 'user' }, 0)).toBe('user');
    expect(installedPaths({ PODUP_SYSTEMD_SCOPE: 'user', HOME: '/root' }, 0).envFile).toBe(
      '/root/.config/podup/env',
    );
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=value lines, quotes and comments as systemd does', () => {
    expect(parseEnvFile('# c\nA=1\n; c\nB="two words"\nC=\'x\'\n\nD=\nnot a line\n')).toEqual({
      A: '1',
      B: 'two words',
      C: 'x',
      D: '',
    });
  });
});

describe('withInstalledInstance', () => {
  let root: string;
  let paths: InstalledPaths;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'podup-installed-'));
    paths = {
      envFile: join(root, 'etc/env'),
      credentialDir: join(root, 'etc'),
      stateDir: join(root, 'state'),
    };
    mkdirSync(join(root, 'etc'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the env file, the credential files and the state directory of the installed podup', () => {
    writeFileSync(paths.envFile, 'PODUP_HTTP_ADDR=127.0.0.1:4000\nPODUP_LOG_LEVEL=warn\n');
    writeFileSync(join(root, 'etc/admin-token'), 'x'.repeat(32));
    mkdirSync(paths.stateDir);
    writeFileSync(join(paths.stateDir, 'podup.db'), '');
    expect(withInstalledInstance({ PODUP_LOG_LEVEL: 'debug' }, 0, paths)).toEqual({
      PODUP_LOG_LEVEL: 'debug',
      PODUP_HTTP_ADDR: '127.0.0.1:4000',
      PODUP_ADMIN_TOKEN_FILE: join(root, 'etc/admin-token'),
      PODUP_STATE_DIR: paths.stateDir,
    });
  });

  it('never overrides what the environment says, and an empty value counts as unset', () => {
    writeFileSync(paths.envFile, 'PODUP_STATE_DIR=/from/file\nPODUP_HTTP_ADDR=127.0.0.1:4000\n');
    writeFileSync(join(root, 'etc/admin-token'), 'x'.repeat(32));
    const env = {
      PODUP_STATE_DIR: '/mine',
      PODUP_ADMIN_TOKEN: 'given-token-given-token',
      PODUP_HTTP_ADDR: '',
    };
    expect(withInstalledInstance(env, 0, paths)).toEqual({
      PODUP_STATE_DIR: '/mine',
      PODUP_ADMIN_TOKEN: 'given-token-given-token',
      PODUP_HTTP_ADDR: '127.0.0.1:4000',
    });
  });

  it('leaves everything alone where nothing is installed', () => {
    expect(withInstalledInstance({ A: '1' }, 0, paths)).toEqual({ A: '1' });
  });
});
