/**
 * Real images and real units on the test host: images built offline from busybox and pushed to the local
 * registry under the ghcr.io namespace (served through the registries.conf mirror), and `podman run`
 * services in a manager of the test host written the way `podman generate systemd --new` writes them.
 * The functions exported at the top level act on root's manager; `onHost(rootlessHost)` gives the same for
 * the rootless one (tests/helpers/hosts.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageOptions, UnitOptions } from '../../server/src/adapters/contracts/harness.js';
import { hostEnv } from './app.js';
import { rootHost, runAs, type TestHost } from './hosts.js';
import { childEnv } from './server-process.js';

const env = () => childEnv(hostEnv());
const registry = () => hostEnv().PODUP_TEST_REGISTRY ?? '';

export function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The registry digest of repo:tag (what a pull yields). */
export function registryDigest(repo: string, tag: string): string {
  const out = sh('curl', [
    '-sI',
    '-H',
    'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
    `http://${registry()}/v2/${repo}/manifests/${tag}`,
  ]);
  const digest = /docker-content-digest:\s*(\S+)/i.exec(out)?.[1];
  if (!digest) throw new Error(`no digest for ${repo}:${tag}: ${out}`);
  return digest;
}

/**
 * Builds a busybox image whose /version holds `version` and pushes it as <registry>/<repo>:<tag>, i.e.
 * ghcr.io/<repo>:<tag> through the mirror. `healthy: false` leaves out /ok, so the units' command exits
 * at once; `passesCheck: false` leaves out /ready, which the units' health check (`--health-cmd`) tests.
 * Returns the registry digest.
 */
export function pushImage(repo: string, tag: string, version: string, opts: ImageOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'podup-img-'));
  try {
    const root = join(dir, 'rootfs');
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    cpSync('/bin/busybox', join(root, 'bin', 'busybox'));
    for (const c of ['sh', 'sleep', 'cat', 'test', 'true']) symlinkSync('busybox', join(root, 'bin', c));
    writeFileSync(join(root, 'version'), `${version}\n`);
    if (opts.healthy !== false) writeFileSync(join(root, 'ok'), 'ok\n');
    if (opts.passesCheck !== false) writeFileSync(join(root, 'ready'), 'ready\n');
    sh('tar', ['-C', root, '-cf', join(dir, 'image.tar'), '.']);
    const ref = `${registry()}/${repo}:${tag}`;
    sh('podman', [
      'import',
      '-q',
      '--change',
      'CMD ["/bin/sh"]',
      '--change',
      'ENV PATH=/bin',
      join(dir, 'image.tar'),
      ref,
    ]);
    sh('podman', ['push', '-q', ref]);
    // Leave only the registry copy: units must pull it through Podman like in production.
    spawnSync('podman', ['rmi', '-f', ref], { env: env() });
    return registryDigest(repo, tag);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface HostUnits {
  host: TestHost;
  /** A command as the host's user, in its environment. */
  sh: (cmd: string, args: string[]) => string;
  /** systemctl --user of the host's manager, with its HOME (enable/disable write links there, not in ours). */
  systemctl: (...args: string[]) => { status: number; stdout: string; stderr: string };
  /**
   * A `podman run` service for `image` (as `podman generate systemd --new` writes it, and Quadlet for a
   * .container file with the same keys); `says` is printed first. Its container stops at once on SIGTERM.
   */
  writeUnit: (name: string, image: string, options?: UnitOptions) => string;
  startUnits: (...units: string[]) => void;
  removeUnits: (...units: string[]) => void;
  unitProperty: (unit: string, property: string) => string;
  /** The container a unit runs now, with the digests its image is known by. */
  containerOf: (unit: string) => RunningContainer | undefined;
  imageExists: (id: string) => boolean;
}

export interface RunningContainer {
  id: string;
  imageDigests: string[];
  startedAt: string;
  version: string;
}

/** The units and containers of one manager of the test host (`host` is read when first used). */
export function onHost(hostOf: () => TestHost): HostUnits {
  const host = () => hostOf();
  const hostEnvOf = () => childEnv(host().env);
  const unitDir = () => host().env.PODUP_TEST_UNIT_DIR ?? '';
  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, {
      env: hostEnvOf(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: '/',
      ...runAs(host()),
    });
  const systemctl = (...args: string[]) => {
    const home = host().env.PODUP_TEST_HOME ?? '';
    const r = spawnSync('systemctl', ['--user', ...args], {
      env: { ...hostEnvOf(), HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
      encoding: 'utf8',
      cwd: '/',
      ...runAs(host()),
    });
    return { status: r.status ?? -1, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
  };
  const units: HostUnits = {
    get host() {
      return host();
    },
    sh: run,
    systemctl,
    writeUnit: (name, image, options = {}) => {
      if (options.says?.includes("'")) throw new Error('writeUnit: says must not contain a single quote');
      const say = options.says === undefined ? '' : `echo ${options.says}; `;
      const unit = `${name}.service`;
      const deps = options.deps ?? {};
      const unitKeys = (
        [
          ['After', deps.after],
          ['Requires', deps.requires],
          ['BindsTo', deps.bindsTo],
          ['PartOf', deps.partOf],
          ['Wants', deps.wants],
        ] as const
      )
        .filter(([, v]) => v && v.length > 0)
        .map(([k, v]) => `${k}=${(v ?? []).join(' ')}\n`)
        .join('');
      const h = options.healthCheck;
      // The test host runs no health-check timers (podman would create them through the system manager):
      // podup runs the checks itself, so the interval only matters on real hosts.
      const health = h
        ? ` --health-cmd 'test -e /ready' --health-interval 2s --health-retries ${h.retries} --health-on-failure=${h.onFailure}`
        : '';
      const pull = options.pull ? ` --pull=${options.pull}` : '';
      const labels = Object.entries(options.labels ?? {})
        .map(([k, v]) => {
          if (/[\s'"]/.test(k + v)) throw new Error('writeUnit: labels without spaces or quotes');
          return ` --label ${k}=${v}`;
        })
        .join('');
      writeFileSync(
        join(unitDir(), unit),
        `[Unit]
Description=podup test unit ${name}
StartLimitIntervalSec=0
${unitKeys}
[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n
Restart=no
TimeoutStopSec=10
ExecStartPre=/bin/rm -f %t/%n.ctr-id
ExecStart=/usr/bin/podman run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --network none --name ${name} --label io.containers.autoupdate=registry${labels}${health}${pull} ${image} sh -c '${say}test -e /ok || exit 3; trap "exit 0" TERM; sleep 100000 & wait'
ExecStop=/usr/bin/podman stop --ignore -t 1 --cidfile=%t/%n.ctr-id
ExecStopPost=/usr/bin/podman rm -f --ignore -t 1 --cidfile=%t/%n.ctr-id
Type=notify
NotifyAccess=all
`,
      );
      return unit;
    },
    startUnits: (...names) => {
      systemctl('daemon-reload');
      const r = systemctl('start', ...names);
      if (r.status !== 0) throw new Error(`start ${names.join(' ')}: ${r.stderr}`);
    },
    removeUnits: (...names) => {
      systemctl('stop', ...names);
      for (const u of names) {
        try {
          unlinkSync(join(unitDir(), u));
        } catch {
          /* not written */
        }
      }
      systemctl('daemon-reload');
      systemctl('reset-failed', ...names);
    },
    unitProperty: (unit, property) => systemctl('show', '-p', property, '--value', unit).stdout,
    containerOf: (unit) => {
      const ids = run('podman', ['ps', '-q', '--no-trunc', '--filter', `label=PODMAN_SYSTEMD_UNIT=${unit}`])
        .trim()
        .split('\n')
        .filter(Boolean);
      const id = ids[0];
      if (!id) return undefined;
      const info = JSON.parse(run('podman', ['inspect', id]))[0] as {
        Image: string;
        State: { StartedAt: string };
      };
      const image = JSON.parse(run('podman', ['image', 'inspect', info.Image]))[0] as {
        Digest: string;
        RepoDigests: string[];
      };
      let version: string;
      try {
        version = run('podman', ['exec', id, 'cat', '/version']).trim();
      } catch (e) {
        // Listed as running a moment ago and stopping now (a restart in progress): it runs nothing.
        if (
          /container state improper|no such container/i.test(String((e as { stderr?: unknown }).stderr ?? e))
        )
          return undefined;
        throw e;
      }
      return {
        id,
        imageDigests: [image.Digest, ...image.RepoDigests.map((d) => d.slice(d.indexOf('@') + 1))],
        startedAt: info.State.StartedAt,
        version,
      };
    },
    imageExists: (id) =>
      spawnSync('podman', ['image', 'exists', id], { env: hostEnvOf(), cwd: '/', ...runAs(host()) })
        .status === 0,
  };
  return units;
}

const root = onHost(rootHost);
export const systemctl = root.systemctl;
export const writeUnit = root.writeUnit;
export const startUnits = root.startUnits;
export const removeUnits = root.removeUnits;
export const unitProperty = root.unitProperty;
export const containerOf = root.containerOf;
export const imageExists = root.imageExists;
