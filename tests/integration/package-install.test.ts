/**
 * podup as an operator gets it: the packed tarball (scripts/pack.mjs) installed with npm into an empty prefix,
 * then `podup setup --user` run by an unprivileged user against its own systemd --user manager with rootless
 * Podman (the test host's rootless part). From there on only what setup installed runs podup: the shipped
 * units, socket activation, the snapshot setup built, the secrets it generated.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiSchedule, ApiTaskDetail } from '../../server/src/contract/api.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished, sign } from '../helpers/github.js';
import { giveTo, rootHost, rootlessHost, runAs } from '../helpers/hosts.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort, waitForHttp } from '../helpers/server-process.js';
import { containerOf, onHost, pushImage, removeUnits, sh, startUnits, writeUnit } from '../helpers/units.js';

const TERMINAL = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'skipped', 'interrupted'];
const host = onHost(rootlessHost);
const env = () => rootlessHost().env;
const home = () => env().HOME ?? '';
const unitDir = () => join(home(), '.config', 'systemd', 'user');
const configDir = () => join(home(), '.config', 'podup');
/** Where the user manager keeps its copies of podup.service's credentials. */
const credentialCopies = () => join(env().XDG_RUNTIME_DIR ?? '', 'credentials', 'podup.service');
const run = Math.random().toString(16).slice(2, 8);

let work: string;
let prefix: string;
let packageDir: string;
let port: number;
let url: string;
let log: string;
const setupFlags = () => [
  'setup',
  '--user',
  '--port',
  String(port),
  '--linger',
  '--set',
  `PODUP_REGISTRY_CHECK=http://${env().PODUP_TEST_REGISTRY}`,
  '--set',
  'PODUP_IDLE_EXIT=4s',
  '--set',
  'PODUP_HEALTH_WINDOW=1500ms',
  '--set',
  'PODUP_COALESCE_WINDOW=300ms',
];

/** The installed `podup`, run by the rootless user with what its login session has, nothing of the test's. */
function podup(...args: string[]) {
  const e = env();
  const r = spawnSync(join(prefix, 'bin', 'podup'), args, {
    env: {
      PATH: `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`,
      HOME: home(),
      USER: e.PODUP_TEST_ROOTLESS_USER ?? '',
      XDG_RUNTIME_DIR: e.XDG_RUNTIME_DIR ?? '',
      DBUS_SESSION_BUS_ADDRESS: e.DBUS_SESSION_BUS_ADDRESS ?? '',
    },
    cwd: home(),
    encoding: 'utf8',
    timeout: 120_000,
    ...runAs(rootlessHost()),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const secret = () => readFileSync(join(configDir(), 'github-webhook-secret'), 'utf8').trim();
const token = () => readFileSync(join(configDir(), 'admin-token'), 'utf8').trim();
const api = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token()}` } })).json()) as T;
const prop = (unit: string, p: string) => host.unitProperty(unit, p);

async function taskOutcome(base: string, id: string, auth: string): Promise<ApiTaskDetail> {
  let task: ApiTaskDetail | undefined;
  await until(
    'the task to end',
    async () => {
      const res = await fetch(`${base}/api/tasks/${id}`, { headers: { authorization: `Bearer ${auth}` } });
      task = ApiTaskDetail.parse(await res.json());
      return TERMINAL.includes(task.status);
    },
    60_000,
  );
  if (!task) throw new Error('no task');
  return task;
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * spawnSync blocks the event loop: a keep-alive connection the restarted podup closed meanwhile is still in
 * fetch's pool until the loop sees the close, and the next request would go out on it ("other side closed").
 */
const loopTurn = () => new Promise((r) => setTimeout(r, 100));

/** The installed files setup owns, with content and mtime: a second run must leave them as they are. */
function installedFiles(): Record<string, string> {
  const files = [
    join(unitDir(), 'podup.socket'),
    join(unitDir(), 'podup.service'),
    join(configDir(), 'env'),
    join(configDir(), 'github-webhook-secret'),
    join(configDir(), 'admin-token'),
    join(home(), '.cache', 'podup', 'serve.blob'),
    join(home(), '.cache', 'podup', 'serve.blob.stamp'),
  ];
  return Object.fromEntries(
    files.map((f) => [f, `${statSync(f).mtimeMs} ${statSync(f).mode.toString(8)} ${readFileSync(f).length}`]),
  );
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'podup-pkg-'));
  chmodSync(work, 0o755);
  // A file system root of its own (root/usr/local), so the container test can take it as the image's.
  prefix = join(work, 'root', 'usr', 'local');
  execFileSync(process.execPath, [join(repoRoot, 'scripts/pack.mjs'), '--no-build', '--out', work], {
    stdio: 'pipe',
  });
  const tarball = readdirSync(work).find((f) => /^podup-.*\.tgz$/.test(f));
  if (!tarball) throw new Error(`no tarball in ${work}`);
  // As an operator would (root, into a prefix of its own); better-sqlite3 compiles here (no prebuilt download),
  // against the installed node headers like the checkout does (.npmrc).
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3', join(work, tarball)],
    {
      cwd: work,
      stdio: 'pipe',
      timeout: 600_000,
      env: {
        ...process.env,
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        ...(existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {}),
      },
    },
  );
  packageDir = realpathSync(join(prefix, 'lib', 'node_modules', 'podup'));
}, 660_000);

afterAll(() => {
  if (prefix && existsSync(join(prefix, 'bin', 'podup'))) podup('setup', '--user', '--uninstall', '--purge');
  rmSync(join(unitDir(), 'podup.service.d'), { recursive: true, force: true });
  host.systemctl('daemon-reload');
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball, installed into an empty prefix', () => {
  it('holds the built server and panel and depends on the SQLite module alone, the only compiled part', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['better-sqlite3']);
    expect(manifest.devDependencies).toBeUndefined();
    for (const f of [
      'server/dist/podup.mjs',
      'server/dist/serve.mjs',
      'web/dist/index.html',
      'systemd/podup.service',
    ])
      expect(existsSync(join(packageDir, f)), f).toBe(true);
    expect(existsSync(join(packageDir, 'server/src'))).toBe(false);
    const compiled = execFileSync('find', [packageDir, '-name', '*.node'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(compiled.length).toBeGreaterThan(0);
    expect(compiled.every((f) => f.includes('/node_modules/better-sqlite3/'))).toBe(true);
    for (const tool of ['typescript', 'rolldown', 'vite', 'vitest', 'fastify'])
      expect(existsSync(join(packageDir, 'node_modules', tool)), tool).toBe(false);
    // No snapshot in the package: it is made for the node that runs podup.
    expect(existsSync(join(packageDir, 'server/dist/serve.blob'))).toBe(false);
  });
});

/**
 * The test host has no system manager (PID 1 is not systemd), so --system runs only as a plan here: what it
 * would write under /etc, with the system unit's text. Its install is not tested (tests/README.md).
 */
describe('podup setup --system --dry-run, as root', () => {
  it('prints the plan under /etc with the system unit text, and writes nothing', () => {
    const touched = [
      '/etc/podup',
      '/etc/systemd/system/podup.service',
      '/etc/systemd/system/podup.socket',
      '/var/lib/podup',
      '/var/cache/podup',
    ];
    const before = touched.map((p) => existsSync(p));
    const r = spawnSync(join(prefix, 'bin', 'podup'), ['setup', '--system', '--dry-run', '--port', '25999'], {
      env: { PATH: `${dirname(realpathSync(process.execPath))}:/usr/bin:/bin`, HOME: '/root' },
      cwd: '/',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = r.stdout;
    expect(out).toContain('setup --system --dry-run: nothing is changed');
    expect(out).toMatch(/would be created +\/etc\/podup\/env \(env file\)/);
    expect(out).toMatch(/would be generated +\/etc\/podup\/github-webhook-secret \(webhook secret\)/);
    expect(out).toMatch(/would be installed +\/etc\/systemd\/system\/podup\.socket/);
    expect(out).toMatch(/would be installed +\/etc\/systemd\/system\/podup\.service/);
    for (const line of [
      `ExecStart=${packageDir}/bin/podup-serve`,
      'ListenStream=127.0.0.1:25999',
      'LoadCredential=github-webhook-secret:/etc/podup/github-webhook-secret',
      'ProtectHome=yes',
      'WantedBy=multi-user.target',
    ])
      expect(out).toContain(`      | ${line}\n`);
    expect(out).toMatch(/would be enabled +podup\.service \(at boot: multi-user\.target\), podup\.socket/);
    expect(out).not.toContain('lingering');
    expect(touched.map((p) => existsSync(p))).toEqual(before);
  });
});

describe('podup setup --user, rootless', () => {
  beforeAll(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // An operator's drop-in (setup leaves drop-ins alone): podup's log in a file, as there is no journal here.
    log = join(work, 'podup.log');
    writeFileSync(log, '');
    giveTo(rootlessHost(), log);
    mkdirSync(join(unitDir(), 'podup.service.d'), { recursive: true });
    writeFileSync(
      join(unitDir(), 'podup.service.d', 'log.conf'),
      `[Service]\nStandardOutput=append:${log}\nStandardError=append:${log}\n`,
    );
  });

  it('--dry-run prints the plan with the unit text and creates nothing', () => {
    const made = () =>
      [
        join(unitDir(), 'podup.service'),
        join(unitDir(), 'podup.socket'),
        configDir(),
        join(home(), '.cache', 'podup'),
      ].filter((p) => existsSync(p));
    expect(made()).toEqual([]);
    const r = podup(...setupFlags(), '--dry-run');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('--dry-run: nothing is changed');
    expect(r.stdout).toMatch(new RegExp(`would be generated +${configDir()}/github-webhook-secret`));
    expect(r.stdout).toContain(`      | ExecStart=${packageDir}/bin/podup-serve\n`);
    expect(r.stdout).toContain(`      | ListenStream=127.0.0.1:${port}\n`);
    expect(r.stdout).toMatch(/would be enabled +podup\.service \(at boot: default\.target\), podup\.socket/);
    expect(r.stdout).not.toContain('answers');
    expect(made()).toEqual([]);
    expect(prop('podup.socket', 'LoadState')).toBe('not-found');
  });

  it('installs the shipped units pointing at the installed podup, secrets, snapshot, socket; podup.service for boot', () => {
    const r = podup(...setupFlags());
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/generated +.*github-webhook-secret/);
    expect(r.stdout).toMatch(/installed +.*podup\.socket/);
    expect(r.stdout).toMatch(/enabled +podup\.service \(at boot: default\.target\), podup\.socket/);
    expect(r.stdout).toMatch(new RegExp(`built +startup snapshot ${home()}/.cache/podup/serve.blob`));
    expect(r.stdout).toMatch(
      /answers +http:\/\/127\.0\.0\.1:\d+\/healthz +\(podup [\d.]+, socket-activation\)/,
    );
    expect(r.stdout).toContain(`Secret        the content of ${configDir()}/github-webhook-secret`);

    const service = readFileSync(join(unitDir(), 'podup.service'), 'utf8');
    const shipped = readFileSync(join(packageDir, 'systemd/user/podup.service'), 'utf8');
    expect(service).toMatch(new RegExp(`^ExecStart=${packageDir}/bin/podup-serve$`, 'm'));
    const rest = (t: string) => t.split('\n').filter((l) => !/^(ExecStart|Documentation)=/.test(l));
    expect(rest(service)).toEqual(rest(shipped));
    expect(readFileSync(join(unitDir(), 'podup.socket'), 'utf8')).toMatch(
      new RegExp(`^ListenStream=127\\.0\\.0\\.1:${port}$`, 'm'),
    );
    for (const f of ['github-webhook-secret', 'admin-token', 'env']) {
      const st = statSync(join(configDir(), f));
      expect(st.mode & 0o777, f).toBe(0o600);
      expect(st.uid, f).toBe(rootlessHost().user?.uid);
    }
    expect(prop('podup.socket', 'UnitFileState')).toBe('enabled');
    expect(prop('podup.socket', 'ActiveState')).toBe('active');
    // Started at boot: the user manager starts default.target, which wants podup.service.
    expect(host.systemctl('is-enabled', 'podup.service').stdout).toBe('enabled');
    expect(realpathSync(join(unitDir(), 'default.target.wants', 'podup.service'))).toBe(
      join(unitDir(), 'podup.service'),
    );
  });

  it('podup doctor: every line ok', () => {
    const r = podup('doctor', '--json');
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: Array<{ check: string; level: string; detail: string }>;
    };
    expect(report.checks.filter((c) => c.level !== 'ok')).toEqual([]);
    expect(report.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining(['podup.socket', 'lingering', 'startup snapshot']),
    );
    expect(report.checks.find((c) => c.check === 'startup snapshot')?.detail).toContain(
      `${home()}/.cache/podup/serve.blob`,
    );
    expect(r.status).toBe(0);
  });

  it('a signed webhook to the socket starts podup through podup.socket and updates a real unit', async () => {
    const repo = `acme-corp/pkg-${run}`;
    pushImage(repo, 'stable', 'pkg-1');
    const unit = host.writeUnit(`pkg-app-${run}`, `ghcr.io/${repo}:stable`);
    try {
      host.startUnits(unit);
      expect(host.containerOf(unit)?.version).toBe('pkg-1');
      // A cold start: podup is not running, only its socket listens.
      host.systemctl('stop', 'podup.service');
      expect(prop('podup.service', 'ActiveState')).toBe('inactive');

      const v2 = pushImage(repo, 'stable', 'pkg-2');
      const body = packagePublished({ owner: 'acme-corp', name: `pkg-${run}`, tag: 'stable', digest: v2 });
      const headers = { ...githubHeaders('package', body), 'x-hub-signature-256': sign(body, secret()) };
      const res = await fetch(`${url}/webhooks/github`, { method: 'POST', headers, body });
      const reply = (await res.json()) as { taskId: string };
      expect(res.status).toBe(202);
      expect(prop('podup.service', 'ActiveState')).toBe('active');

      const task = await taskOutcome(url, reply.taskId, token());
      expect(task.status, task.log.map((l) => l.message).join('\n')).toBe('succeeded');
      expect(host.containerOf(unit)?.version).toBe('pkg-2');
      expect(host.containerOf(unit)?.imageDigests).toContain(v2);
      const out = readFileSync(log, 'utf8');
      expect(out).toContain('"listener":"socket-activation"');
      expect(out).toContain('"startup":"snapshot"');
    } finally {
      host.removeUnits(unit);
    }
  });

  it('exits when idle, and the next request starts it again with its state', async () => {
    const before = prop('podup.service', 'InvocationID');
    await until('the idle exit', () => prop('podup.service', 'ActiveState') === 'inactive', 30_000);
    expect(prop('podup.socket', 'ActiveState')).toBe('active');
    expect(readFileSync(log, 'utf8')).toContain('"reason":"idle"');

    const events = await api<{ events: Array<{ outcome: string }> }>('/api/events?outcome=accepted');
    expect(events.events.length).toBeGreaterThan(0);
    expect(prop('podup.service', 'ActiveState')).toBe('active');
    expect(prop('podup.service', 'InvocationID')).not.toBe(before);
  });

  it('run again with the same flags, changes nothing', () => {
    const files = installedFiles();
    const invocation = prop('podup.service', 'InvocationID');
    const r = podup(...setupFlags());
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('nothing changed');
    expect(r.stdout).not.toMatch(
      /^ {2}(created|generated|installed|updated|built|reloaded|enabled|started|restarted)\b/m,
    );
    expect(installedFiles()).toEqual(files);
    expect(prop('podup.service', 'InvocationID')).toBe(invocation);
  });

  it('its completion script loads in bash', () => {
    const script = podup('completion', 'bash').stdout;
    const r = spawnSync('bash', ['-c', `${script}\ncomplete -p podup`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('-F _podup podup');
  });

  it('after a reboot, default.target starts podup, which runs a missed schedule once and arms its wake-up timer', async () => {
    // A reboot as far as podup can tell: nothing of it runs, and its transient wake-up timer is gone.
    for (const unit of ['podup.timer', 'podup.socket', 'podup.service']) host.systemctl('stop', unit);
    expect(prop('podup.socket', 'ActiveState')).toBe('inactive');

    // Three runs fall due while podup is down (6-field cron: seconds first, one minute, UTC).
    let first = Math.ceil(Date.now() / 1000) * 1000 + 2000;
    if (new Date(first).getUTCSeconds() > 57) first = Math.ceil(first / 60_000) * 60_000;
    const at = new Date(first);
    const s = at.getUTCSeconds();
    const cron = `${s},${s + 1},${s + 2} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
    const name = `missed-${run}`;
    // No socket listens: the CLI writes the schedule in-process, and nothing arms a timer for it.
    const add = podup(
      'schedules',
      'add',
      '--name',
      name,
      '--cron',
      cron,
      '--zone',
      'UTC',
      '--action',
      'prune',
    );
    expect(add.status, `${add.stdout}\n${add.stderr}`).toBe(0);
    // Late by more than podup's start, as after a boot (the scheduler logs such a run as missed).
    await new Promise((r) => setTimeout(r, first + 6000 - Date.now()));
    expect(prop('podup.service', 'ActiveState')).toBe('inactive');
    const logBefore = readFileSync(log, 'utf8').length;

    // What the user manager does at boot (lingering): start default.target, and what it wants.
    const boot = host.systemctl('start', 'default.target');
    expect(boot.status, boot.stderr).toBe(0);
    // Nothing else could have started it: no request was sent, the socket was stopped.
    expect(prop('podup.service', 'ActiveState')).toBe('active');
    await until('the missed run', () =>
      readFileSync(log, 'utf8').slice(logBefore).includes('running a missed schedule once'),
    );
    try {
      await until('the wake-up timer', () => prop('podup.timer', 'ActiveState') === 'active');
      const { schedules } = await api<{ schedules: ApiSchedule[] }>('/api/schedules');
      const schedule = schedules.find((x) => x.name === name);
      expect(schedule?.lastStatus).toBe('ok');
      // The next run is tomorrow's first time, counted from now: the two other missed times did not run.
      expect(Date.parse(schedule?.nextRunAt ?? '')).toBe(first + 86_400_000);
      const { tasks } = await api<{ tasks: Array<{ reason: string | null }> }>(
        '/api/tasks?kind=maintenance&trigger=scheduler&limit=200',
      );
      expect(tasks.filter((x) => x.reason?.startsWith(`schedule ${name} `))).toHaveLength(1);
      const missed = readFileSync(log, 'utf8').slice(logBefore).split('running a missed schedule once');
      expect(missed).toHaveLength(2);
    } finally {
      podup('schedules', 'rm', name);
    }
  });

  it('--no-admin-token removes the token setup made; podup starts without the credential file', async () => {
    const state = () =>
      ['ActiveState', 'InvocationID', 'ExecMainStartTimestamp']
        .map((p) => prop('podup.service', p))
        .join(' ');
    const before = state();
    const logStart = readFileSync(log, 'utf8').length;
    const r = podup(...setupFlags(), '--no-admin-token');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `removed +${configDir()}/admin-token \\(admin token\\) +\\(--no-admin-token: podup runs without one\\)`,
      ),
    );
    expect(existsSync(join(configDir(), 'admin-token'))).toBe(false);
    // systemd 252's user manager kept the token podup last started with; the next start would have it again.
    expect(r.stdout).toMatch(
      new RegExp(`removed +${credentialCopies()}/admin-token \\(systemd's copy of the admin token\\)`),
    );
    // Setup's own request through the socket found podup up (LoadCredential= with its SetCredential= default).
    expect(r.stdout).toMatch(/answers +http:\/\/127\.0\.0\.1:\d+\/healthz/);
    expect(r.stdout).toMatch(/warn +admin token +not set/);
    expect(r.stdout).toContain('No admin token (--no-admin-token)');
    await loopTurn();
    const res = await fetch(`${url}/api/tasks`, { headers: { authorization: 'Bearer anything-at-all' } });
    expect(
      res.status,
      `before setup: ${before}\nafter: ${state()}\n${r.stdout}\n${readFileSync(log, 'utf8').slice(logStart)}`,
    ).toBe(503);

    // Without the flag, setup makes one again.
    const again = podup(...setupFlags());
    expect(again.status, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stdout).toMatch(/generated +.*admin-token/);
    await loopTurn();
    expect(
      (await fetch(`${url}/api/tasks`, { headers: { authorization: `Bearer ${token()}` } })).status,
    ).toBe(200);
  });

  it('--uninstall leaves no unit behind and keeps the state; --purge removes it', () => {
    rmSync(join(unitDir(), 'podup.service.d'), { recursive: true, force: true });
    const stateDir = join(home(), '.local', 'state', 'podup');
    const r = podup('setup', '--user', '--uninstall');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(readdirSync(unitDir()).filter((f) => f.startsWith('podup'))).toEqual([]);
    expect(existsSync(join(unitDir(), 'default.target.wants', 'podup.service'))).toBe(false);
    expect(prop('podup.timer', 'LoadState')).toBe('not-found');
    expect(host.systemctl('list-unit-files', 'podup*').stdout).toMatch(/^0 unit files listed/m);
    expect(prop('podup.socket', 'LoadState')).toBe('not-found');
    expect(existsSync(configDir())).toBe(false);
    expect(existsSync(join(home(), '.cache', 'podup'))).toBe(false);
    expect(existsSync(join(stateDir, 'podup.db'))).toBe(true);
    expect(existsSync(credentialCopies())).toBe(false);
    expect(r.stdout).toContain(`kept        ${stateDir}`);

    expect(podup('setup', '--user', '--uninstall', '--purge').status).toBe(0);
    expect(existsSync(stateDir)).toBe(false);
  });
});

describe('podup in a container (packaging/Containerfile)', () => {
  const tag = `localhost/podup-test:${run}`;
  const nodeImage = `localhost/podup-test-node:${run}`;
  const name = `podup-ctr-${run}`;

  afterAll(() => {
    spawnSync('podman', ['rm', '-f', '-t', '0', name], { env: { ...process.env, ...rootHost().env } });
    spawnSync('podman', ['rmi', '-f', tag, nodeImage], { env: { ...process.env, ...rootHost().env } });
  });

  /**
   * No base image can be pulled here: the test makes one as the test host makes its busybox seed, from this
   * machine's node and what it links to, with busybox for podup-serve's sh and stat. The build stage is the
   * installed prefix above (the same npm install -g of the same tarball, for the same node).
   */
  function buildNodeImage(): void {
    const rootfs = join(work, 'node-rootfs');
    for (const d of ['usr/local/bin', 'bin', 'tmp', 'etc']) mkdirSync(join(rootfs, d), { recursive: true });
    chmodSync(join(rootfs, 'tmp'), 0o1777);
    const node = realpathSync(process.execPath);
    const libs = execFileSync('ldd', [node], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
      .filter((l): l is string => l !== undefined);
    for (const f of [node, ...libs]) {
      const to = f === node ? join(rootfs, 'usr/local/bin/node') : join(rootfs, f);
      mkdirSync(join(to, '..'), { recursive: true });
      execFileSync('cp', ['-L', f, to]);
    }
    execFileSync('cp', ['/bin/busybox', join(rootfs, 'bin/busybox')]);
    for (const c of ['sh', 'stat']) execFileSync('ln', ['-sf', 'busybox', join(rootfs, 'bin', c)]);
    writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\n');
    execFileSync('tar', ['-C', rootfs, '-cf', join(work, 'node.tar'), '.']);
    sh('podman', [
      'import',
      '-q',
      '--change',
      'ENV PATH=/usr/local/bin:/bin',
      join(work, 'node.tar'),
      nodeImage,
    ]);
  }

  it('builds from the package and node, serves from its snapshot, and updates a real unit through the mounted socket and bus', async () => {
    buildNodeImage();
    const ctx = join(work, 'ctx');
    mkdirSync(ctx);
    const tarball = readdirSync(work).find((f) => /^podup-.*\.tgz$/.test(f)) ?? '';
    execFileSync('cp', [join(work, tarball), ctx]);
    sh('podman', [
      'build',
      '-q',
      '-f',
      join(repoRoot, 'packaging/Containerfile'),
      '--build-arg',
      `NODE_IMAGE=${nodeImage}`,
      '--build-context',
      `build=${join(work, 'root')}`,
      '-t',
      tag,
      ctx,
    ]);

    const th = rootHost().env;
    const ctrPort = await freePort();
    const base = `http://127.0.0.1:${ctrPort}`;
    // As packaging/podup.container runs it, on root's user manager of the test host (the host network: no
    // firewall rules for a published port on this machine).
    sh('podman', [
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      '-v',
      `${th.PODUP_PODMAN_SOCKET}:/run/podman/podman.sock`,
      '-v',
      `${th.PODUP_TEST_HOST_DIR}/xdg/bus:/run/podup/bus`,
      '-v',
      `${th.CONTAINERS_REGISTRIES_CONF}:/etc/containers/registries.conf:ro`,
      '-e',
      'PODUP_SYSTEMD_SCOPE=user',
      '-e',
      'DBUS_SESSION_BUS_ADDRESS=unix:path=/run/podup/bus',
      '-e',
      'PODUP_PODMAN_SOCKET=/run/podman/podman.sock',
      '-e',
      `PODUP_HTTP_ADDR=127.0.0.1:${ctrPort}`,
      '-e',
      `PODUP_GITHUB_WEBHOOK_SECRET=${SECRET}`,
      '-e',
      `PODUP_ADMIN_TOKEN=${ADMIN_TOKEN}`,
      '-e',
      'PODUP_HEALTH_WINDOW=1500ms',
      '-e',
      `PODUP_REGISTRY_CHECK=http://${th.PODUP_TEST_REGISTRY}`,
      tag,
    ]);
    await waitForHttp(`${base}/healthz`, 20_000);
    expect(sh('podman', ['logs', name])).toContain('"startup":"snapshot"');
    const doctor = JSON.parse(
      execFileSync(
        'podman',
        ['exec', name, 'node', '/usr/local/lib/node_modules/podup/bin/podup.js', 'doctor', '--json'],
        {
          env: { ...process.env, ...th },
          encoding: 'utf8',
        },
      ).toString(),
    ) as { checks: Array<{ check: string; level: string }> };
    expect(doctor.checks.filter((c) => c.level === 'fail')).toEqual([]);

    const repo = `acme-corp/ctr-${run}`;
    pushImage(repo, 'stable', 'ctr-1');
    const unit = writeUnit(`ctr-app-${run}`, `ghcr.io/${repo}:stable`);
    try {
      startUnits(unit);
      const v2 = pushImage(repo, 'stable', 'ctr-2');
      const body = packagePublished({ owner: 'acme-corp', name: `ctr-${run}`, tag: 'stable', digest: v2 });
      const res = await fetch(`${base}/webhooks/github`, {
        method: 'POST',
        headers: githubHeaders('package', body),
        body,
      });
      expect(res.status).toBe(202);
      const task = await taskOutcome(base, ((await res.json()) as { taskId: string }).taskId, ADMIN_TOKEN);
      expect(task.status, task.log.map((l) => l.message).join('\n')).toBe('succeeded');
      expect(containerOf(unit)?.version).toBe('ctr-2');
    } finally {
      removeUnits(unit);
    }
  });
});
