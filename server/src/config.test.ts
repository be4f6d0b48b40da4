import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import type ms from 'ms';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CONFIG_VARIABLES, describeConfig, loadConfig, type Config } from './config.js';
import { ConfigError } from './errors.js';

/** ms as it is, except that it throws for THROWS, to show how a parser that throws is reported. */
const THROWS = '13 throws';
vi.mock('ms', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof ms }>()).default;
  return {
    default: (value: string) => {
      if (value === THROWS) throw new Error('parser threw');
      return real(value as ms.StringValue);
    },
  };
});

const CWD = '/srv/podup';
const USER = { cwd: CWD, uid: 1000 };
const ROOT = { cwd: CWD, uid: 0 };

const tmp = mkdtempSync(join(tmpdir(), 'podup-config-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function configError(env: Record<string, string | undefined>, options = USER): ConfigError {
  try {
    loadConfig(env, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const err = e as ConfigError;
    expect(err.code).toBe('CONFIG_INVALID');
    for (const p of err.problems) expect(err.message).toContain(p);
    return err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig defaults', () => {
  it('for an ordinary user', () => {
    const c = loadConfig({}, USER);
    expect(c.httpAddr).toEqual({ host: '127.0.0.1', port: 25111 });
    expect(c.stateDir).toBe('/srv/podup/state');
    expect(c.dbPath).toBe('/srv/podup/state/podup.db');
    expect(c.systemdScope).toBe('user');
    expect(c.podmanSocket).toBe('/run/user/1000/podman/podman.sock');
    expect(c.dbusAddress).toBe('unix:path=/run/user/1000/bus');
    expect(c.webhookSecret).toBeUndefined();
    expect(c.adminToken).toBeUndefined();
    expect(c.devOpenAdmin).toBe(false);
    expect(c.idleExitMs).toBeUndefined();
    expect(c.logLevel).toBe('info');
    expect(c.logFormat).toBe('json');
    expect(c.webhookBodyLimit).toBe(1024 * 1024);
    expect(c.imageRateLimit).toEqual({ limit: 60, windowMs: 3_600_000 });
    expect(c.badSignatureRateLimit).toEqual({ limit: 10, windowMs: 600_000 });
    expect(c.trustProxy).toBe(false);
    expect(c.dbSync).toBe('full');
    expect(c.registryCheck).toEqual(['ghcr.io']);
  });

  it('uses the uid in the default runtime dir', () => {
    const c = loadConfig({}, { cwd: CWD, uid: 4242 });
    expect(c.podmanSocket).toBe('/run/user/4242/podman/podman.sock');
    expect(c.dbusAddress).toBe('unix:path=/run/user/4242/bus');
  });

  it('for root: system scope, the system podman socket and the system bus', () => {
    const c = loadConfig({}, ROOT);
    expect(c.systemdScope).toBe('system');
    expect(c.podmanSocket).toBe('/run/podman/podman.sock');
    expect(c.dbusAddress).toBe('unix:path=/run/dbus/system_bus_socket');
  });

  it('follows XDG_RUNTIME_DIR in user scope', () => {
    const c = loadConfig({ XDG_RUNTIME_DIR: '/tmp/xdg-7' }, USER);
    expect(c.podmanSocket).toBe('/tmp/xdg-7/podman/podman.sock');
    expect(c.dbusAddress).toBe('unix:path=/tmp/xdg-7/bus');
  });

  it('takes the bus address of the chosen scope from the standard variables', () => {
    const env = {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/custom/session',
      DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/custom/system',
    };
    expect(loadConfig(env, USER).dbusAddress).toBe('unix:path=/custom/session');
    expect(loadConfig(env, ROOT).dbusAddress).toBe('unix:path=/custom/system');
  });

  it("lets PODUP_SYSTEMD_SCOPE override the uid-based choice, with that scope's defaults", () => {
    const asUserRoot = loadConfig({ PODUP_SYSTEMD_SCOPE: 'user', XDG_RUNTIME_DIR: '/run/user/0' }, ROOT);
    expect(asUserRoot.systemdScope).toBe('user');
    expect(asUserRoot.podmanSocket).toBe('/run/user/0/podman/podman.sock');
    const systemAsUser = loadConfig({ PODUP_SYSTEMD_SCOPE: 'system' }, USER);
    expect(systemAsUser.systemdScope).toBe('system');
    expect(systemAsUser.dbusAddress).toBe('unix:path=/run/dbus/system_bus_socket');
  });

  it('strips unix:// from PODUP_PODMAN_SOCKET', () => {
    expect(loadConfig({ PODUP_PODMAN_SOCKET: 'unix:///run/custom/podman.sock' }, USER).podmanSocket).toBe(
      '/run/custom/podman.sock',
    );
  });

  it('resolves a relative PODUP_STATE_DIR against cwd and keeps an absolute one', () => {
    expect(loadConfig({ PODUP_STATE_DIR: '../data' }, USER).stateDir).toBe('/srv/data');
    expect(loadConfig({ PODUP_STATE_DIR: '/var/lib/podup' }, USER).dbPath).toBe('/var/lib/podup/podup.db');
  });

  it('picks the journal log format under journald and lets PODUP_LOG_FORMAT override', () => {
    expect(loadConfig({ JOURNAL_STREAM: '8:12345' }, USER).logFormat).toBe('journal');
    expect(loadConfig({ JOURNAL_STREAM: '8:12345', PODUP_LOG_FORMAT: 'json' }, USER).logFormat).toBe('json');
  });

  it('parses lists, booleans and durations', () => {
    const c = loadConfig(
      {
        PODUP_TRUST_PROXY: ' 127.0.0.1, ::1 ,, 10.0.0.0/8, loopback',
        PODUP_REGISTRY_CHECK: 'ghcr.io,registry.example.com:5000',
        PODUP_DEV_OPEN_ADMIN: 'Yes',
        PODUP_IDLE_EXIT: '10m',
        PODUP_DB_SYNC: 'normal',
      },
      USER,
    );
    expect(c.trustProxy).toEqual(['127.0.0.1', '::1', '10.0.0.0/8', 'loopback']);
    expect(c.registryCheck).toEqual(['ghcr.io', 'registry.example.com:5000']);
    expect(c.devOpenAdmin).toBe(true);
    expect(c.idleExitMs).toBe(600_000);
    expect(c.dbSync).toBe('normal');
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}, USER))).toBe(true);
  });
});

describe('PODUP_HTTP_ADDR', () => {
  it.each([
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['[::]:25111', { host: '::', port: 25111 }],
    [' 127.0.0.1:0 ', { host: '127.0.0.1', port: 0 }],
  ])('parses %j', (value, expected) => {
    expect(loadConfig({ PODUP_HTTP_ADDR: value }, USER).httpAddr).toEqual(expected);
  });

  it.each(['127.0.0.1', ':8080', '::1:8080', '127.0.0.1:65536', '127.0.0.1:http', '[::1]'])(
    'rejects %j',
    (value) => {
      const err = configError({ PODUP_HTTP_ADDR: value });
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/^PODUP_HTTP_ADDR: /);
    },
  );
});

describe('rate policies', () => {
  it.each([
    ['60/1h', { limit: 60, windowMs: 3_600_000 }],
    [' 5 / 10m ', { limit: 5, windowMs: 600_000 }],
    ['1/30s', { limit: 1, windowMs: 30_000 }],
    ['off', { limit: 0, windowMs: 1 }],
    ['OFF', { limit: 0, windowMs: 1 }],
    ['0', { limit: 0, windowMs: 1 }],
  ])('parses %j', (value, expected) => {
    expect(loadConfig({ PODUP_RATE_LIMIT_IMAGE: value }, USER).imageRateLimit).toEqual(expected);
    expect(loadConfig({ PODUP_RATE_LIMIT_BAD_SIGNATURE: value }, USER).badSignatureRateLimit).toEqual(
      expected,
    );
  });

  it.each(['60', '60/', '/1h', '0/1h', '-1/1h', '1.5/1h', '60/forever', '60 per hour'])(
    'rejects %j',
    (value) => {
      const err = configError({ PODUP_RATE_LIMIT_IMAGE: value });
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/^PODUP_RATE_LIMIT_IMAGE: must look like 60\/1h/);
    },
  );
});

describe('PODUP_WEBHOOK_BODY_LIMIT', () => {
  it.each([
    ['1MiB', 1_048_576],
    ['512KiB', 524_288],
    ['512k', 524_288],
    ['2 mb', 2_097_152],
    ['524288', 524_288],
    ['1024', 1024],
    ['64MiB', 64 * 1_048_576],
  ])('parses %j', (value, expected) => {
    expect(loadConfig({ PODUP_WEBHOOK_BODY_LIMIT: value }, USER).webhookBodyLimit).toBe(expected);
  });

  it.each(['1023', '100b', '65MiB', '1GiB', '1.5MiB', 'big', '-1KiB'])('rejects %j', (value) => {
    const err = configError({ PODUP_WEBHOOK_BODY_LIMIT: value });
    expect(err.problems).toEqual([expect.stringMatching(/^PODUP_WEBHOOK_BODY_LIMIT: must be a size/)]);
  });
});

describe('PODUP_MAX_DB_SIZE', () => {
  it('defaults to 256MiB', () => {
    expect(loadConfig({}, USER).maxDbBytes).toBe(256 * 1_048_576);
  });

  it.each([
    ['16MiB', 16 * 1_048_576],
    ['2GiB', 2 * 1_073_741_824],
    ['2 g', 2 * 1_073_741_824],
    ['1TiB', 1_099_511_627_776],
    ['1073741824', 1_073_741_824],
  ])('parses %j', (value, expected) => {
    expect(loadConfig({ PODUP_MAX_DB_SIZE: value }, USER).maxDbBytes).toBe(expected);
  });

  it.each(['15MiB', '2TiB', '1.5GiB', 'lots', '-1GiB'])('rejects %j', (value) => {
    const err = configError({ PODUP_MAX_DB_SIZE: value });
    expect(err.problems).toEqual([
      'PODUP_MAX_DB_SIZE: must be a size between 16MiB and 1TiB such as 256MiB or 2GiB (got "' + value + '")',
    ]);
  });
});

describe('problems are reported together', () => {
  it('lists every bad variable in one ConfigError', () => {
    const err = configError({
      PODUP_HTTP_ADDR: 'nowhere',
      PODUP_LOG_LEVEL: 'loud',
      PODUP_RATE_LIMIT_IMAGE: 'lots',
      PODUP_WEBHOOK_BODY_LIMIT: '10',
      PODUP_DEV_OPEN_ADMIN: 'maybe',
      PODUP_IDLE_EXIT: 'soon',
      PODUP_SYSTEMD_SCOPE: 'global',
      PODUP_DB_SYNC: 'off',
      PODUP_ADMIN_TOKEN: 'short',
      PODUP_GITHUB_WEBHOOK_SECRET: 'inline',
      PODUP_GITHUB_WEBHOOK_SECRET_FILE: '/nonexistent/secret',
    });
    const names = err.problems.map((p) => /^[A-Z_]+/.exec(p)?.[0]).sort();
    expect(names).toEqual(
      [
        'PODUP_ADMIN_TOKEN',
        'PODUP_DB_SYNC',
        'PODUP_DEV_OPEN_ADMIN',
        'PODUP_GITHUB_WEBHOOK_SECRET',
        'PODUP_HTTP_ADDR',
        'PODUP_IDLE_EXIT',
        'PODUP_LOG_LEVEL',
        'PODUP_RATE_LIMIT_IMAGE',
        'PODUP_SYSTEMD_SCOPE',
        'PODUP_WEBHOOK_BODY_LIMIT',
      ].sort(),
    );
    expect(err.problems).toHaveLength(10);
  });

  it('turns a parser that throws into a problem naming its variable, next to the others', () => {
    const err = configError({ PODUP_IDLE_EXIT: THROWS, PODUP_SESSION_TTL: THROWS, PODUP_LOG_LEVEL: 'loud' });
    expect(err.problems).toEqual([
      'PODUP_IDLE_EXIT: parser threw',
      expect.stringMatching(/^PODUP_LOG_LEVEL: /),
      'PODUP_SESSION_TTL: parser threw',
    ]);
  });

  it('refuses ForwardAuth without PODUP_TRUST_PROXY, next to the other problems', () => {
    const forwardAuth = { PODUP_FORWARD_AUTH_HEADER: 'Remote-Groups', PODUP_FORWARD_AUTH_VALUE: 'admins' };
    const err = configError({ ...forwardAuth, PODUP_LOG_LEVEL: 'loud' });
    expect(err.problems).toEqual([
      expect.stringMatching(/^PODUP_LOG_LEVEL: /),
      expect.stringMatching(/^PODUP_FORWARD_AUTH_HEADER needs PODUP_TRUST_PROXY: /),
    ]);
    expect(configError({ ...forwardAuth, PODUP_TRUST_PROXY: ' , ' }).problems).toHaveLength(1);
    expect(loadConfig({ ...forwardAuth, PODUP_TRUST_PROXY: '10.0.0.2' }, USER).forwardAuth).toMatchObject({
      header: 'remote-groups',
    });
  });

  it.each(['10.0.0.300', 'proxy.example.com', '10.0.0.0/33'])('rejects PODUP_TRUST_PROXY=%j', (value) => {
    expect(configError({ PODUP_TRUST_PROXY: value }).problems).toEqual([
      expect.stringMatching(/^PODUP_TRUST_PROXY: must be IP addresses or CIDRs/),
    ]);
  });

  it.each(['0', '-5m', 'soon'])('rejects PODUP_IDLE_EXIT=%j', (value) => {
    expect(configError({ PODUP_IDLE_EXIT: value }).problems).toEqual([
      expect.stringMatching(/^PODUP_IDLE_EXIT: /),
    ]);
  });
});

describe('secrets', () => {
  it('reads an inline secret, trimmed', () => {
    expect(loadConfig({ PODUP_GITHUB_WEBHOOK_SECRET: '  s3cret \n' }, USER).webhookSecret).toBe('s3cret');
  });

  it('reads *_FILE, trimming the trailing newline', () => {
    const secretPath = file('webhook-secret', 'from-file-secret\n');
    const tokenPath = file('admin-token', '0123456789abcdef0123\n');
    const c = loadConfig(
      { PODUP_GITHUB_WEBHOOK_SECRET_FILE: secretPath, PODUP_ADMIN_TOKEN_FILE: tokenPath },
      USER,
    );
    expect(c.webhookSecret).toBe('from-file-secret');
    expect(c.adminToken).toBe('0123456789abcdef0123');
  });

  it('reads systemd credentials from $CREDENTIALS_DIRECTORY', () => {
    const dir = join(tmp, 'creds');
    mkdirSync(dir);
    writeFileSync(join(dir, 'github-webhook-secret'), 'cred-secret\n');
    writeFileSync(join(dir, 'admin-token'), 'cred-token-0123456789');
    const c = loadConfig({ CREDENTIALS_DIRECTORY: dir }, USER);
    expect(c.webhookSecret).toBe('cred-secret');
    expect(c.adminToken).toBe('cred-token-0123456789');
  });

  it('treats a credential missing from $CREDENTIALS_DIRECTORY as unset', () => {
    const dir = join(tmp, 'empty-creds');
    mkdirSync(dir);
    const c = loadConfig({ CREDENTIALS_DIRECTORY: dir }, USER);
    expect(c.webhookSecret).toBeUndefined();
    expect(c.adminToken).toBeUndefined();
  });

  it("treats a blank credential (the units' SetCredential= default for a missing file) as unset", () => {
    const dir = join(tmp, 'blank-creds');
    mkdirSync(dir);
    writeFileSync(join(dir, 'github-webhook-secret'), '\n');
    writeFileSync(join(dir, 'admin-token'), '\n');
    writeFileSync(join(dir, 'forward-auth-value'), '\n');
    const c = loadConfig({ CREDENTIALS_DIRECTORY: dir }, USER);
    expect(c.webhookSecret).toBeUndefined();
    expect(c.adminToken).toBeUndefined();
    expect(c.forwardAuth).toBeUndefined();
  });

  it('prefers *_FILE over the credentials directory', () => {
    const dir = join(tmp, 'creds-2');
    mkdirSync(dir);
    writeFileSync(join(dir, 'github-webhook-secret'), 'cred-secret');
    const c = loadConfig(
      { CREDENTIALS_DIRECTORY: dir, PODUP_GITHUB_WEBHOOK_SECRET_FILE: file('s2', 'file-secret') },
      USER,
    );
    expect(c.webhookSecret).toBe('file-secret');
  });

  it('rejects both inline and *_FILE', () => {
    const err = configError({
      PODUP_GITHUB_WEBHOOK_SECRET: 'a',
      PODUP_GITHUB_WEBHOOK_SECRET_FILE: file('s3', 'b'),
    });
    expect(err.problems).toEqual([
      expect.stringContaining('PODUP_GITHUB_WEBHOOK_SECRET and PODUP_GITHUB_WEBHOOK_SECRET_FILE'),
    ]);
  });

  it('reports a missing *_FILE naming the path', () => {
    const path = join(tmp, 'does-not-exist');
    const err = configError({ PODUP_GITHUB_WEBHOOK_SECRET_FILE: path });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain(path);
    expect(err.problems[0]).toContain('ENOENT');
  });

  it('reports an unreadable *_FILE (a directory) naming the path', () => {
    const dir = join(tmp, 'a-directory');
    mkdirSync(dir);
    const err = configError({ PODUP_ADMIN_TOKEN_FILE: dir });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain(dir);
    expect(err.problems[0]).toContain('EISDIR');
  });

  it('reports an unreadable credential (not ENOENT) naming the path', () => {
    const dir = join(tmp, 'creds-bad');
    mkdirSync(join(dir, 'github-webhook-secret'), { recursive: true });
    const err = configError({ CREDENTIALS_DIRECTORY: dir });
    expect(err.problems).toEqual([expect.stringContaining(join(dir, 'github-webhook-secret'))]);
  });

  it('reports an empty secret file', () => {
    const path = file('empty', '  \n');
    const err = configError({ PODUP_GITHUB_WEBHOOK_SECRET_FILE: path });
    expect(err.problems).toEqual([expect.stringContaining(`(${path}) is empty`)]);
  });

  it('rejects an admin token shorter than 16 characters, from any source', () => {
    expect(configError({ PODUP_ADMIN_TOKEN: '0123456789abcde' }).problems).toEqual([
      expect.stringMatching(/^PODUP_ADMIN_TOKEN: must be at least 16 characters/),
    ]);
    expect(
      configError({ PODUP_ADMIN_TOKEN_FILE: file('short-token', '0123456789abcde\n') }).problems,
    ).toEqual([expect.stringMatching(/^PODUP_ADMIN_TOKEN: /)]);
    expect(loadConfig({ PODUP_ADMIN_TOKEN: '0123456789abcdef' }, USER).adminToken).toBe('0123456789abcdef');
  });

  it('does not let PODUP_ADMIN_TOKEN_VALUE in the environment stand in for the token', () => {
    expect(loadConfig({ PODUP_ADMIN_TOKEN_VALUE: 'x' }, USER).adminToken).toBeUndefined();
  });
});

describe('describeConfig', () => {
  it('shows secrets only as set/unset and never their values', () => {
    const secret = 'webhook-secret-value-XYZ';
    const token = 'admin-token-value-0123456789';
    const config: Config = loadConfig(
      { PODUP_GITHUB_WEBHOOK_SECRET: secret, PODUP_ADMIN_TOKEN: token },
      USER,
    );
    const described = describeConfig(config);
    const text = JSON.stringify(described);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    expect(described.webhookSecret).toBe('set');
    expect(described.adminToken).toBe('set');
    expect(described.httpAddr).toEqual(config.httpAddr);
    expect(described.stateDir).toBe(config.stateDir);
  });

  it('never shows the secrets in PODUP_NOTIFY URLs, PODUP_NOTIFY_SECRET or PODUP_METRICS_TOKEN', () => {
    const secrets = {
      ntfyTopic: 'secret-topic-4711',
      ntfyToken: 'tk_ntfysecret0815',
      ntfyPass: 'ntfy-pass-999',
      gotify: 'AgotifyAppToken42',
      slack: ['TSLACKAAA', 'BSLACKBBB', 'slackCCCsecret'],
      discord: 'discordWebhookTokenZZZ',
      matrix: 'syt_matrixAccessToken77',
      jsonPass: 'json-basic-pass-31',
      jsonPath: 'hook-path-secret-8',
      notifySecret: 'notify-secret-value-0123456789',
      metricsToken: 'metrics-token-value-0123456789',
    };
    const config = loadConfig(
      {
        PODUP_NOTIFY: [
          `ntfy://alice:${secrets.ntfyPass}@ntfy.example.com/${secrets.ntfyTopic}?token=${secrets.ntfyToken}`,
          `gotify://push.example.com/${secrets.gotify}`,
          `slack://${secrets.slack.join('/')}`,
          `discord://123456789012/${secrets.discord}`,
          `matrix://:${secrets.matrix}@matrix.example.org/!room:example.org`,
          `jsons://ops:${secrets.jsonPass}@hooks.example.com/${secrets.jsonPath}?events=all`,
        ].join(','),
        PODUP_NOTIFY_SECRET: secrets.notifySecret,
        PODUP_METRICS_TOKEN: secrets.metricsToken,
      },
      USER,
    );
    expect(config.notify.channels).toHaveLength(6);
    const described = describeConfig(config) as unknown as {
      notify: { secret: string; channels: Array<{ url: string }> };
      metricsToken: string;
    };
    const text = JSON.stringify(described);
    for (const value of Object.values(secrets).flat()) expect(text, value).not.toContain(value);
    expect(described.notify.secret).toBe('set');
    expect(described.metricsToken).toBe('set');
    expect(described.notify.channels.map((c) => c.url)).toEqual([
      expect.stringMatching(/^ntfy:\/\/ntfy\.example\.com\//),
      expect.stringMatching(/^gotify:\/\/push\.example\.com\//),
      expect.stringMatching(/^slack:\/\//),
      expect.stringMatching(/^discord:\/\//),
      expect.stringMatching(/^matrix:\/\/matrix\.example\.org\//),
      expect.stringMatching(/^jsons:\/\/hooks\.example\.com\//),
    ]);
  });

  it('says unset when there is no secret', () => {
    const described = describeConfig(loadConfig({}, USER));
    expect(described).toMatchObject({ webhookSecret: 'unset', adminToken: 'unset' });
  });
});

describe('update engine settings', () => {
  it('PODUP_UNITS maps units to images; "app" means app.service', () => {
    const c = loadConfig(
      {
        PODUP_UNITS:
          'app=ghcr.io/acme/app:stable, worker.service=docker.io/library/redis:7\nweb@1.service=ghcr.io/acme/web:1',
      },
      USER,
    );
    expect([...c.units]).toEqual([
      ['app.service', 'ghcr.io/acme/app:stable'],
      ['worker.service', 'docker.io/library/redis:7'],
      ['web@1.service', 'ghcr.io/acme/web:1'],
    ]);
  });

  it('reports every malformed PODUP_UNITS entry', () => {
    const e = configError({
      PODUP_UNITS: 'no-image, =ghcr.io/a/b:1, bad/name=ghcr.io/a/b:1, ok=ghcr.io/a/b:1, x=UPPER//bad',
    });
    const problems = e.problems.filter((p) => p.startsWith('PODUP_UNITS'));
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/"no-image" must be unit=image/);
    expect(problems.join('\n')).toMatch(/"bad\/name=ghcr\.io\/a\/b:1"/);
  });

  it('defaults: 2 s coalescing, 10 s health window, 5 min restart bound, 2 tasks at once, standard Quadlet dirs', () => {
    const c = loadConfig({}, USER);
    expect(c.coalesceWindowMs).toBe(2000);
    expect(c.healthWindowMs).toBe(10_000);
    expect(c.restartTimeoutMs).toBe(300_000);
    expect(c.taskConcurrency).toBe(2);
    expect(c.quadletDirs).toEqual([]);
    expect(c.units.size).toBe(0);
  });

  it('PODUP_COALESCE_WINDOW accepts 0 and refuses more than a minute', () => {
    expect(loadConfig({ PODUP_COALESCE_WINDOW: '0' }, USER).coalesceWindowMs).toBe(0);
    expect(configError({ PODUP_COALESCE_WINDOW: '5m' }).problems.join()).toMatch(/PODUP_COALESCE_WINDOW/);
  });
});

describe('connection and stream caps', () => {
  it('default to 512 connections, 64 per source and 16 streams per credential', () => {
    const c = loadConfig({}, USER);
    expect(c.maxConnections).toBe(512);
    expect(c.maxConnectionsPerSource).toBe(64);
    expect(c.maxStreamsPerCredential).toBe(16);
  });

  it('take whole numbers, and a per-source cap no larger than the total', () => {
    const c = loadConfig(
      {
        PODUP_MAX_CONNECTIONS: '20',
        PODUP_MAX_CONNECTIONS_PER_SOURCE: '5',
        PODUP_MAX_STREAMS_PER_CREDENTIAL: '2',
      },
      USER,
    );
    expect([c.maxConnections, c.maxConnectionsPerSource, c.maxStreamsPerCredential]).toEqual([20, 5, 2]);
    const e = configError({
      PODUP_MAX_CONNECTIONS: 'lots',
      PODUP_MAX_CONNECTIONS_PER_SOURCE: '0',
      PODUP_MAX_STREAMS_PER_CREDENTIAL: '1.5',
    });
    expect(e.problems.map((p) => p.split(':')[0])).toEqual([
      'PODUP_MAX_CONNECTIONS',
      'PODUP_MAX_CONNECTIONS_PER_SOURCE',
      'PODUP_MAX_STREAMS_PER_CREDENTIAL',
    ]);
    expect(
      configError({ PODUP_MAX_CONNECTIONS: '100', PODUP_MAX_CONNECTIONS_PER_SOURCE: '200' }).problems,
    ).toEqual(['PODUP_MAX_CONNECTIONS_PER_SOURCE must not exceed PODUP_MAX_CONNECTIONS']);
  });
});

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** What config.ts reads: its own variables, and the standard ones it reads as env.NAME. */
const standardVariables = [...repoFile('server/src/config.ts').matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)]
  .map((m) => m[1] ?? '')
  .filter((name) => !name.startsWith('PODUP_'));

describe('an empty variable means unset', () => {
  it.each([...CONFIG_VARIABLES, ...standardVariables])('%s', (name) => {
    for (const empty of ['', '  '])
      expect(loadConfig({ [name]: empty }, USER), JSON.stringify(empty)).toEqual(loadConfig({}, USER));
  });

  it('all of them at once, as in a fresh copy of .env.example', () => {
    const env = Object.fromEntries([...CONFIG_VARIABLES, ...standardVariables].map((name) => [name, '']));
    expect(loadConfig(env, USER)).toEqual(loadConfig({}, USER));
    expect(loadConfig(env, ROOT)).toEqual(loadConfig({}, ROOT));
  });
});

describe('.env.example', () => {
  const example = repoFile('.env.example');
  const lines = new Set(example.split('\n').map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]));

  it('has a line for every variable of podup config.ts reads, and for the launcher', () => {
    const literals = (text: string) => [...text.matchAll(/\bPODUP_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]);
    const read = new Set([
      ...CONFIG_VARIABLES,
      ...literals(repoFile('server/src/config.ts')),
      ...literals(repoFile('bin/podup-serve')),
    ]);
    expect([...read].filter((name) => !lines.has(name))).toEqual([]);
  });

  it('mentions the standard variables config.ts reads', () => {
    expect(standardVariables.length).toBeGreaterThan(0);
    expect(standardVariables.filter((name) => !new RegExp(`\\b${name}\\b`).test(example))).toEqual([]);
  });

  it('loads as it is, to the defaults', () => {
    const env = parseEnv(example);
    expect(loadConfig(env, USER)).toEqual(loadConfig({}, USER));
  });
});

describe('update policies in the configuration', () => {
  it('reads PODUP_UNITS options and the global defaults', () => {
    const c = loadConfig({
      PODUP_UNITS:
        'app.service=ghcr.io/acme/app:stable;policy=approve;min-age=3d;window=Sat,Sun 02:00-05:00 Europe/Berlin;Wed 22:00-23:00 UTC, worker=ghcr.io/acme/w:1',
      PODUP_MAINTENANCE_WINDOW: 'Mon-Fri 22:00-06:00 UTC',
      PODUP_DEFAULT_POLICY: 'notify',
      PODUP_MIN_IMAGE_AGE: '12h',
    });
    expect([...c.units.keys()]).toEqual(['app.service', 'worker.service']);
    const app = c.unitPolicies.get('app.service');
    expect(app?.policy).toBe('approve');
    expect(app?.minAgeMs).toBe(3 * 86_400_000);
    expect(app?.windows?.map((w) => w.text)).toEqual([
      'Sat,Sun 02:00-05:00 Europe/Berlin',
      'Wed 22:00-23:00 UTC',
    ]);
    expect(c.unitPolicies.has('worker.service')).toBe(false);
    expect(c.defaultPolicy.policy).toBe('notify');
    expect(c.defaultPolicy.minAgeMs).toBe(12 * 3_600_000);
  });

  it('reports bad policies, ages and windows together', () => {
    expect(() =>
      loadConfig({
        PODUP_DEFAULT_POLICY: 'aprove',
        PODUP_MAINTENANCE_WINDOW: 'Sat 02:00-05:00',
        PODUP_UNITS: 'a.service=ghcr.io/a/a:1;policy=sometimes',
      }),
    ).toThrow(/a.service: "sometimes"[\s\S]*PODUP_DEFAULT_POLICY: "aprove"[\s\S]*time zone is missing/);
  });
});
