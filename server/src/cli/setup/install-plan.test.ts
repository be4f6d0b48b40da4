/**
 * podup setup's plan on a scratch home: the files it writes for real, the service manager and lingering faked
 * (a small manager that remembers what was enabled, started and loaded). What the real user manager does with
 * the result is tests/integration/package-install.test.ts.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../version.js';
import { formatLine, gitHubText } from '../commands/setup.js';
import { installPaths, parseEnvFile, type InstallPaths } from '../installed.js';
import { type ManagerControl, type SetupHost, SetupLog } from './actions.js';
import { install, type InstallOptions } from './install.js';
import { uninstall } from './uninstall.js';

class FakeManager implements ManagerControl {
  readonly enabled = new Set<string>();
  readonly active = new Set<string>();
  loaded = false;
  /** Every change made, as its systemctl arguments. */
  readonly changes: string[] = [];

  query(...args: string[]): string {
    const [verb] = args;
    const unit = args.at(-1) ?? '';
    if (verb === 'show') return this.loaded ? 'loaded' : 'not-found';
    if (verb === 'is-enabled') return this.enabled.has(unit) ? 'enabled' : 'disabled';
    if (verb === 'is-active') return this.active.has(unit) ? 'active' : 'inactive';
    return '';
  }

  change(log: SetupLog, verb: string, target: string, ...args: string[]): void {
    if (!log.dryRun) {
      this.changes.push(args.join(' '));
      const [command = '', ...units] = args;
      if (command === 'daemon-reload') this.loaded = true;
      if (command === 'enable') for (const u of units) this.enabled.add(u);
      if (command === 'disable') for (const u of units) this.enabled.delete(u);
      if (command === 'start' || command === 'restart') for (const u of units) this.active.add(u);
      if (command === 'stop') for (const u of units) this.active.delete(u);
    }
    log.add(verb, target, true, `systemctl ${args.join(' ')}`);
  }
}

let home: string;
let paths: InstallPaths;
let manager: FakeManager;
let lingerOn: boolean;
let lingerEnabled: string[];
let printed: string;

const copies = () => join(home, 'run', 'credentials', 'podup.service');

const host = (): SetupHost => ({
  systemctl: manager,
  credentialCopies: copies(),
  user: 'alice',
  lingering: () => lingerOn,
  enableLinger: (user) => {
    lingerEnabled.push(user);
    lingerOn = true;
    return { status: 0, stdout: '', stderr: '' };
  },
});

const logFor = (dryRun = false) =>
  new SetupLog(dryRun, (line, dry) => {
    printed += formatLine(line, dry);
  });

const options = (more: Partial<InstallOptions> = {}): InstallOptions => ({
  paths,
  host: host(),
  root: PACKAGE_ROOT,
  node: '/usr/bin/node',
  // The snapshot's build is the real host's part (package-install.test.ts).
  set: { PODUP_SNAPSHOT: 'off' },
  adminToken: true,
  rotateWebhookSecret: false,
  rotateAdminToken: false,
  linger: 'yes',
  ask: () => Promise.reject(new Error('setup asked')),
  ...more,
});

const file = (...p: string[]) => join(home, ...p);
const text = (...p: string[]) => readFileSync(file(...p), 'utf8');
const mode = (...p: string[]) => statSync(file(...p)).mode & 0o777;
const secretFile = () => join(paths.credentialDir, 'github-webhook-secret');
const tokenFile = () => join(paths.credentialDir, 'admin-token');

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'podup-setup-'));
  paths = installPaths({ HOME: home }, 'user');
  manager = new FakeManager();
  lingerOn = false;
  lingerEnabled = [];
  printed = '';
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('podup setup --user --dry-run', () => {
  it('prints every step with the unit text it would install, and creates and changes nothing', async () => {
    const log = logFor(true);
    await install(log, options());
    expect(readdirSync(home)).toEqual([]);
    expect(manager.changes).toEqual([]);
    expect(lingerEnabled).toEqual([]);
    expect(printed).toMatch(/^ {2}would be created +.*\/\.config\/podup\/env \(env file\)/m);
    expect(printed).toMatch(/^ {2}would be generated +.*github-webhook-secret \(webhook secret\)/m);
    expect(printed).toMatch(/^ {2}would be installed +.*\/\.config\/systemd\/user\/podup\.service/m);
    expect(printed).toContain(`      | ExecStart=${PACKAGE_ROOT}/bin/podup-serve\n`);
    expect(printed).toContain('      | WantedBy=default.target\n');
    expect(printed).toMatch(/would be enabled +podup\.service \(at boot: default\.target\), podup\.socket/);
    expect(printed).toMatch(/would be enabled +lingering of alice/);
    // No secret is shown, not even one that would be generated.
    expect(printed).not.toMatch(/[0-9a-f]{64}/);
  });
});

describe('podup setup --user on a scratch home', () => {
  it('writes the env file and secrets 0600, installs the units, enables podup.service for boot and the socket', async () => {
    const done = await install(logFor(), options());
    for (const f of [paths.envFile, secretFile(), tokenFile()])
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    expect(mode('.config', 'podup')).toBe(0o700);
    expect(text('.config', 'systemd', 'user', 'podup.service')).toMatch(/^WantedBy=default\.target$/m);
    expect(manager.changes).toEqual([
      'daemon-reload',
      'enable podup.service podup.socket',
      'start podup.socket',
    ]);
    expect(lingerEnabled).toEqual(['alice']);
    expect(done).toMatchObject({ listen: '127.0.0.1:25111', tokenFile: tokenFile(), publicUrl: undefined });

    printed = '';
    const again = logFor();
    await install(again, options());
    expect(again.changed).toBe(false);
    expect(manager.changes).toHaveLength(3);
  });

  it('--public-url: in the env file (without a trailing slash) and the payload URL it prints', async () => {
    const done = await install(logFor(), options({ publicUrl: 'https://podup.example.com/' }));
    expect(parseEnvFile(readFileSync(paths.envFile, 'utf8')).PODUP_PUBLIC_URL).toBe(
      'https://podup.example.com',
    );
    const out = gitHubText('user', paths, done);
    expect(out).toContain('  Payload URL   https://podup.example.com/webhooks/github\n');
    expect(out).toContain(`cat ${secretFile()}`);

    const without = gitHubText('user', paths, await install(logFor(), options({ publicUrl: undefined })));
    // Set before, kept: a run without the flag changes only what its flags name.
    expect(without).toContain('Payload URL   https://podup.example.com/webhooks/github');
  });

  it('--webhook-secret-file and --admin-token-file: the given secrets, copied into 0600 files', async () => {
    const given = file('given');
    writeFileSync(file('secret.txt'), 'my-own-secret\n', { mode: 0o644 });
    writeFileSync(file('token.txt'), 'my-own-admin-token-of-32-chars!!\n', { mode: 0o644 });
    await install(
      logFor(),
      options({ webhookSecretFile: file('secret.txt'), adminTokenFile: file('token.txt') }),
    );
    expect(readFileSync(secretFile(), 'utf8')).toBe('my-own-secret\n');
    expect(readFileSync(tokenFile(), 'utf8')).toBe('my-own-admin-token-of-32-chars!!\n');
    expect(statSync(secretFile()).mode & 0o777).toBe(0o600);
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
    expect(printed).toMatch(/created +.*github-webhook-secret \(webhook secret\)/);

    writeFileSync(given, 'short\n');
    await expect(install(logFor(), options({ adminTokenFile: given }))).rejects.toThrow(/at least 16/);
    writeFileSync(given, '\n');
    await expect(install(logFor(), options({ webhookSecretFile: given }))).rejects.toThrow(/is empty/);
    await expect(install(logFor(), options({ webhookSecretFile: file('nope') }))).rejects.toThrow(
      /cannot read the webhook secret/,
    );
  });

  it('--rotate-webhook-secret and --rotate-admin-token replace only their secret and restart a running podup', async () => {
    await install(logFor(), options());
    const secret = readFileSync(secretFile(), 'utf8');
    const token = readFileSync(tokenFile(), 'utf8');
    manager.active.add('podup.service');

    await install(logFor(), options({ rotateWebhookSecret: true }));
    expect(readFileSync(secretFile(), 'utf8')).not.toBe(secret);
    expect(readFileSync(tokenFile(), 'utf8')).toBe(token);
    expect(manager.changes.at(-1)).toBe('try-restart podup.service');

    const rotated = readFileSync(secretFile(), 'utf8');
    await install(logFor(), options({ rotateAdminToken: true }));
    expect(readFileSync(tokenFile(), 'utf8')).not.toBe(token);
    expect(readFileSync(tokenFile(), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(readFileSync(secretFile(), 'utf8')).toBe(rotated);
  });

  it('--no-admin-token: makes none, removes one that is there, and says so', async () => {
    const none = await install(logFor(), options({ adminToken: false }));
    expect(readdirSync(paths.credentialDir).sort()).toEqual(['env', 'github-webhook-secret']);
    expect(none.tokenFile).toBeUndefined();
    expect(gitHubText('user', paths, none)).toContain('No admin token (--no-admin-token)');

    await install(logFor(), options());
    expect(readdirSync(paths.credentialDir)).toContain('admin-token');
    manager.active.add('podup.service');
    printed = '';
    await install(logFor(), options({ adminToken: false }));
    expect(readdirSync(paths.credentialDir)).not.toContain('admin-token');
    expect(printed).toContain(
      `removed     ${tokenFile()} (admin token)  (--no-admin-token: podup runs without one)`,
    );
    expect(manager.changes.at(-1)).toBe('try-restart podup.service');
  });

  it("--no-admin-token also removes systemd's old copy of the token, which would outlive the file", async () => {
    await install(logFor(), options());
    // What the user manager left from podup's last start: the token, and the blank default of a missing file.
    mkdirSync(copies(), { recursive: true });
    writeFileSync(join(copies(), 'admin-token'), readFileSync(tokenFile(), 'utf8'));
    writeFileSync(join(copies(), 'forward-auth-value'), '\n');
    // As systemd leaves it: read-only, also to its owner.
    chmodSync(copies(), 0o500);
    manager.active.add('podup.service');
    printed = '';
    await install(logFor(), options({ adminToken: false }));
    expect(readdirSync(copies())).toEqual(['forward-auth-value']);
    expect(statSync(copies()).mode & 0o777).toBe(0o500);
    expect(printed).toContain(
      `removed     ${join(copies(), 'admin-token')} (systemd's copy of the admin token)`,
    );
    expect(manager.changes.at(-1)).toBe('try-restart podup.service');

    // The next start wrote the blank default: that one stays, and nothing changes.
    chmodSync(copies(), 0o700);
    writeFileSync(join(copies(), 'admin-token'), '\n');
    const again = logFor();
    await install(again, options({ adminToken: false }));
    expect(again.changed).toBe(false);
    expect(readdirSync(copies()).sort()).toEqual(['admin-token', 'forward-auth-value']);
  });

  it('--no-linger skips lingering without asking; unset, it asks; on already, it is left', async () => {
    await install(logFor(), options({ linger: 'no' }));
    expect(lingerEnabled).toEqual([]);
    expect(printed).toMatch(/skipped +lingering of alice +\(podup stops with alice's last session/);

    const asked: string[] = [];
    const ask = (q: string) => {
      asked.push(q);
      return Promise.resolve(false);
    };
    await install(logFor(), options({ linger: 'ask', ask }));
    expect(asked).toHaveLength(1);
    expect(lingerEnabled).toEqual([]);

    lingerOn = true;
    printed = '';
    await install(logFor(), options({ linger: 'ask', ask }));
    expect(asked).toHaveLength(1);
    expect(printed).toMatch(/unchanged +lingering of alice +\(on\)/);
  });

  it('--uninstall disables both units, stops podup and its wake-up timer, and keeps the state', async () => {
    await install(logFor(), options());
    manager.active.add('podup.service');
    manager.active.add('podup.timer');
    mkdirSync(copies(), { recursive: true });
    writeFileSync(join(copies(), 'admin-token'), 'the token\n', { mode: 0o400 });
    chmodSync(copies(), 0o500);
    uninstall(logFor(), { paths, host: host(), purge: false });
    expect(manager.changes.slice(3)).toEqual([
      'disable podup.socket podup.service',
      'stop podup.timer',
      'stop podup.socket',
      'stop podup.service',
      'daemon-reload',
    ]);
    expect(existsSync(copies())).toBe(false);
    expect(readdirSync(home).sort()).toEqual(['.config', '.local', 'run']);
    expect(readdirSync(join(home, '.config'))).toEqual(['systemd']);
    expect(readdirSync(paths.unitDir)).toEqual([]);
    expect(readdirSync(paths.stateDir)).toEqual([]);
  });
});
