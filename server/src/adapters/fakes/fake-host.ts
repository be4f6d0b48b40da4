/**
 * The one simulated host behind every fake port (runtime, unit manager, registry, Quadlet files): local tags
 * point at image ids, the registry serves an image per tag, a pull moves the local tag to what the registry
 * serves, and a restart replaces the unit's container with one created from the unit's tag, the way Quadlet's
 * `--rm --replace` units behave. Time is simulated (`now`, `sleep`). Side effects through the ports are
 * recorded in `calls`, in order. Faults are injected through the fields under "faults".
 * Tests only: product code cannot import adapters/fakes (eslint.config.js).
 */
import { createHash } from 'node:crypto';
import type {
  ContainerHealth,
  ContainerInfo,
  ExecCommand,
  ImageInfo,
  QuadletFile,
  UnitDependencies,
  UnitState,
} from '../../domain/ports/index.js';
import { splitExecLine } from '../../domain/units/exec-line.js';
import { parseQuadletContainer } from '../../domain/units/quadlet.js';
import { AppError } from '../../errors.js';

export const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';
export const AUTOUPDATE_LABEL = 'io.containers.autoupdate';

export interface FakeImage {
  id: string;
  digest: string | null;
  repoDigests: string[];
  created: number;
  /** Its command exits at once with status 3: a unit started on it fails (like an image without /ok). */
  crashes: boolean;
  /** Its process keeps running but a health check fails (like an image without /ready). */
  failsCheck: boolean;
}

/** What the registry serves for one repository:tag. */
export interface RemoteImage {
  id: string;
  digest: string;
  created: number;
  crashes: boolean;
  failsCheck: boolean;
}

/** The forward dependencies a unit file declares ([Unit] After=, Requires= ...); systemd derives the reverse. */
export type FakeUnitDeps = Partial<
  Pick<UnitDependencies, 'after' | 'before' | 'requires' | 'bindsTo' | 'partOf' | 'wants'>
>;

/** A health check on the unit's container (--health-cmd, --health-retries, --health-on-failure). */
export interface FakeHealthCheck {
  retries: number;
  onFailure: 'none' | 'kill' | 'stop' | 'restart';
}

export interface FakeUnit {
  unit: string;
  /** The reference its container is created from (ExecStart's image). */
  image: string;
  containerName: string;
  /** Lines its container prints when it starts. */
  says: string[];
  /** Its io.containers.autoupdate label (null: none, the unit does not opt in). */
  autoUpdate: string | null;
  /** Other labels of its container (podup.policy, ...). */
  labels: Record<string, string>;
  state: UnitState;
  restarts: number;
  restartedAt: number;
  deps: FakeUnitDeps;
  healthCheck: FakeHealthCheck | null;
  /** --pull= of its podman run line (Quadlet's Pull=); null: podman's default (missing). */
  pull: string | null;
  /** Drop-ins by name, as setDropIn wrote them. */
  dropIns: Map<string, string>;
}

/** Podman's health state of one container. */
interface ContainerHealthState {
  status: string;
  streak: number;
  last: string | null;
}

/** A part of the host that can be taken away: its port then rejects every call, as the real adapter does. */
export type HostPart = 'podman' | 'systemd' | 'registry';

/** The job result of one restart; an object also sets the unit's Result (e.g. "start-limit-hit"). */
export type RestartOutcome = string | { job: string; unitResult: string };

const UNAVAILABLE = {
  podman: ['PODMAN_UNAVAILABLE', 'Podman API at /fake/podman.sock: connection refused'],
  systemd: ['DBUS_UNAVAILABLE', 'systemd user manager on unix:path=/fake/bus: connection refused'],
  registry: ['REGISTRY_UNAVAILABLE', 'registry unreachable: ECONNREFUSED'],
} as const;

/** registry/repository of a registry/repository:tag reference. */
export const repositoryOf = (ref: string): string => ref.replace(/:[^/:]*$/, '');
const tagOf = (ref: string): string => /:([^/:]*)$/.exec(ref)?.[1] ?? 'latest';
const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export class FakeHost {
  now: number;
  readonly calls: string[] = [];
  readonly sleeps: Array<{ at: number; ms: number }> = [];
  readonly statePolls: Array<{ unit: string; at: number }> = [];
  readonly restartsAt: Array<{ unit: string; at: number }> = [];
  /** Every reference or id inspectImage was asked about. */
  readonly inspected: string[] = [];
  /** Every registry lookup, with its options. */
  readonly lookups: Array<{
    reference: string;
    maxAgeMs: number | undefined;
    signal: AbortSignal | undefined;
  }> = [];

  /** Every created-time lookup of the registry. */
  readonly createdLookups: Array<{ reference: string; digest: string }> = [];

  /** Local image store, by id. */
  readonly images = new Map<string, FakeImage>();
  /** Local repository:tag -> image id. */
  readonly tags = new Map<string, string>();
  containers: ContainerInfo[] = [];
  /** What each container printed, kept after the container is gone. */
  readonly logs = new Map<string, string[]>();
  readonly units = new Map<string, FakeUnit>();
  /** What the registry serves per repository:tag. */
  readonly remote = new Map<string, RemoteImage>();
  readonly quadlets: QuadletFile[] = [];
  /** Health of each container with a check, by container id. */
  readonly containerHealth = new Map<string, ContainerHealthState>();
  /** Journal lines per unit, appended as units start, stop and fail. */
  readonly journals = new Map<string, string[]>();
  /** When the service manager would start podup again (the wake-up timer), unix ms. */
  wakeAt: number | null = null;
  /** Lease owners (other podup processes) that still run. */
  readonly liveOwners = new Set<string>();

  /* ---- faults ---- */
  /** Parts taken away: their ports reject (PODMAN_UNAVAILABLE, DBUS_UNAVAILABLE, REGISTRY_UNAVAILABLE). */
  readonly down = new Set<HostPart>();
  /** Errors a pull of the reference throws, one per attempt, before it behaves. */
  readonly pullErrors = new Map<string, Error[]>();
  /** inspectImage of the reference or id throws this. */
  readonly inspectErrors = new Map<string, Error>();
  /** Registry lookups of the reference throw this. */
  readonly lookupErrors = new Map<string, Error>();
  /** Created-time lookups that fail, by image digest. */
  readonly createdErrors = new Map<string, Error>();
  /** Outcomes of the next restarts per unit; otherwise the start decides ("done", or a crash). */
  readonly restartResults = new Map<string, RestartOutcome[]>();
  /** Overrides the image id a restart starts (a unit that does not run its tag). */
  startsImage: ((unit: string, restartNo: number) => string | undefined) | undefined;
  /** Changes what the unit manager reports after a restart. */
  health:
    ((unit: string, restartNo: number, sinceRestartMs: number) => Partial<UnitState> | undefined) | undefined;
  /** The unit's journal as the unit manager reads it; may throw (journal unreadable). */
  journalOf: (unit: string) => string[] = (unit) => this.journals.get(unit) ?? [];
  /** What a new container prints, besides its unit's `says`. */
  containerOutput: ((containerId: string, unit: string) => string[]) | undefined;
  quadletError: Error | undefined;
  /** Reading the dependencies of the unit throws this (an unreadable unit). */
  readonly dependencyErrors = new Map<string, Error>();
  /** Units that refuse to start (their start jobs fail), e.g. a dependent whose own start is broken. */
  readonly failsToStart = new Set<string>();

  private jobs = 0;
  private pushes = 0;

  constructor(options: { now?: number } = {}) {
    this.now = options.now ?? 1_700_000_000_000;
  }

  readonly clock = { now: (): number => this.now };

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push({ at: this.now, ms });
    this.now += ms;
  };

  /** Rejects the way the real adapter of `part` does when that part is gone. */
  ensureUp(part: HostPart): void {
    if (!this.down.has(part)) return;
    const [code, message] = UNAVAILABLE[part];
    throw new AppError(code, message, { hint: `the fake host's ${part} was taken down` });
  }

  /* ---- images and the registry ---- */

  addImage(
    id: string,
    digest: string | null,
    options: {
      repos?: string[];
      repoDigests?: string[];
      created?: number;
      crashes?: boolean;
      failsCheck?: boolean;
    } = {},
  ): FakeImage {
    const image: FakeImage = {
      id,
      digest,
      repoDigests: options.repoDigests ?? (digest ? (options.repos ?? []).map((r) => `${r}@${digest}`) : []),
      created: options.created ?? this.now,
      crashes: options.crashes ?? false,
      failsCheck: options.failsCheck ?? false,
    };
    this.images.set(id, image);
    return image;
  }

  /**
   * The registry serves an image for `ref` from now on: a local image (by id, for its digest), or a digest of
   * an image not pulled here.
   */
  publish(ref: string, image: string | { digest: string; id?: string; created?: number }): RemoteImage {
    let remote: RemoteImage;
    if (typeof image === 'string') {
      const local = this.images.get(image);
      if (!local?.digest) throw new Error(`publish: no local image ${image} with a digest`);
      remote = {
        id: image,
        digest: local.digest,
        created: local.created,
        crashes: local.crashes,
        failsCheck: local.failsCheck,
      };
    } else {
      remote = {
        id: image.id ?? image.digest.slice(7),
        digest: image.digest,
        created: image.created ?? this.now,
        crashes: false,
        failsCheck: false,
      };
    }
    this.remote.set(ref, remote);
    return remote;
  }

  /**
   * A new image built from `version` and pushed as `ref` (not pulled here): resolves with its digest. `created`:
   * the time its config claims (default now).
   */
  push(
    ref: string,
    version: string,
    options: { crashes?: boolean; failsCheck?: boolean; created?: number } = {},
  ): RemoteImage {
    this.pushes++;
    const digest = sha256(`${ref}\n${version}\n${this.pushes}`);
    const remote = {
      id: digest.slice(7, 71),
      digest,
      created: options.created ?? this.now,
      crashes: options.crashes ?? false,
      failsCheck: options.failsCheck ?? false,
    };
    this.remote.set(ref, remote);
    return remote;
  }

  /** The id `ref` (a local repository:tag or an image id) names, if any. */
  resolveImage(ref: string): string | undefined {
    const tagged = this.tags.get(ref);
    if (tagged !== undefined) return tagged;
    return this.images.has(ref) ? ref : undefined;
  }

  imageInfo(id: string): ImageInfo | undefined {
    const i = this.images.get(id);
    if (!i) return undefined;
    return {
      id: i.id,
      digest: i.digest,
      repoDigests: [...i.repoDigests],
      repoTags: [...this.tags].filter(([, v]) => v === id).map(([k]) => k),
      created: i.created,
    };
  }

  /** Copies what the registry serves for `ref` into the local store and tags it; undefined when it has nothing. */
  download(ref: string): string | undefined {
    const r = this.remoteImage(ref);
    if (!r) return undefined;
    const byDigest = ref.includes('@');
    const repoDigest = byDigest ? ref : `${repositoryOf(ref)}@${r.digest}`;
    const local =
      this.images.get(r.id) ??
      this.addImage(r.id, r.digest, { created: r.created, crashes: r.crashes, failsCheck: r.failsCheck });
    if (!local.repoDigests.includes(repoDigest)) local.repoDigests.push(repoDigest);
    // As Podman: a pull by digest names the image by that digest only, and moves no tag.
    if (!byDigest) this.tags.set(ref, r.id);
    return r.id;
  }

  /** What the registry serves as `ref`: repository:tag, or repository@digest of an image pushed to it. */
  remoteImage(ref: string): RemoteImage | undefined {
    const at = ref.indexOf('@');
    if (at < 0) return this.remote.get(ref);
    const repository = ref.slice(0, at);
    const digest = ref.slice(at + 1);
    for (const [key, r] of this.remote) if (repositoryOf(key) === repository && r.digest === digest) return r;
    return undefined;
  }

  /** The error a pull of a reference the registry does not have ends with, as Podman words it. */
  static notFound(ref: string): AppError {
    return new AppError(
      'IMAGE_NOT_FOUND',
      `pull of ${ref}: reading manifest ${tagOf(ref)} in ${repositoryOf(ref)}: manifest unknown`,
    );
  }

  /* ---- containers and units ---- */

  addContainer(c: Partial<ContainerInfo> & { id: string }): ContainerInfo {
    const container: ContainerInfo = {
      names: [c.id],
      image: '',
      imageId: '',
      state: 'running',
      labels: {},
      startedAt: this.now,
      ...c,
    };
    this.containers.push(container);
    return container;
  }

  /**
   * A unit file for a `podman run --rm --replace --label io.containers.autoupdate=registry` service of `image`,
   * started now (`autoUpdate: null` for one without the label).
   */
  addUnit(
    unit: string,
    image: string,
    options: {
      says?: string[];
      containerName?: string;
      autoUpdate?: string | null;
      deps?: FakeUnitDeps;
      healthCheck?: FakeHealthCheck | null;
      pull?: string | null;
      /** More labels on its containers (--label). */
      labels?: Record<string, string>;
      /** Written but not started (like a unit file before systemctl start). */
      stopped?: boolean;
    } = {},
  ): FakeUnit {
    const sim: FakeUnit = {
      unit,
      image,
      containerName: options.containerName ?? unit.replace(/\.service$/, ''),
      says: options.says ?? [],
      autoUpdate: options.autoUpdate === undefined ? 'registry' : options.autoUpdate,
      labels: options.labels ?? {},
      restarts: 0,
      restartedAt: this.now,
      state: {
        activeState: 'inactive',
        subState: 'dead',
        result: 'success',
        nRestarts: 0,
        mainPid: 0,
        invocationId: '',
      },
      deps: options.deps ?? {},
      healthCheck: options.healthCheck ?? null,
      pull: options.pull ?? null,
      dropIns: new Map(),
    };
    this.units.set(unit, sim);
    if (!options.stopped) this.start(sim, undefined);
    return sim;
  }

  /** A Quadlet `.container` file; the generator turns it into a unit the manager knows. */
  addQuadlet(fileName: string, text: string, path = `/etc/containers/systemd/${fileName}`): void {
    this.quadlets.push({ path, fileName, text });
  }

  /** Units the manager has a file for: the ones added, and those Quadlet generates from its files. */
  knowsUnit(unit: string): boolean {
    if (this.units.has(unit)) return true;
    return this.quadlets.some((f) => parseQuadletContainer(f.fileName, f.text)?.unit === unit);
  }

  runningImageOf(unit: string): string | undefined {
    return this.containerOfUnit(unit)?.imageId;
  }

  containerOfUnit(unit: string): ContainerInfo | undefined {
    return this.containers.find((c) => c.labels[UNIT_LABEL] === unit && c.state === 'running');
  }

  private journal(unit: string, ...lines: string[]): void {
    this.journals.set(unit, [...(this.journals.get(unit) ?? []), ...lines]);
  }

  /** Starts the unit's container: from `startsImage`, else the local tag, else a pull (podman run's policy). */
  private start(sim: FakeUnit, outcome: RestartOutcome | undefined): string {
    const n = sim.restarts;
    const unit = sim.unit;
    const fail = (result: string): void => {
      sim.state = { ...sim.state, activeState: 'failed', subState: 'failed', result, mainPid: 0 };
      this.journal(unit, `${unit}: Failed with result '${result}'.`);
    };
    if (this.failsToStart.has(unit)) {
      fail('exit-code');
      return 'failed';
    }
    // --pull=always/newer: podman run fetches the tag again before it starts (a drop-in may override it).
    const pull = this.pullPolicyOf(sim);
    if ((pull === 'always' || pull === 'newer') && !this.down.has('registry')) this.download(sim.image);
    if (outcome !== undefined && outcome !== 'done') {
      fail(typeof outcome === 'string' ? 'exit-code' : outcome.unitResult);
      return typeof outcome === 'string' ? outcome : outcome.job;
    }
    const imageId = this.startsImage?.(unit, n) ?? this.resolveImage(sim.image) ?? this.download(sim.image);
    const image = imageId === undefined ? undefined : this.images.get(imageId);
    if (!imageId || !image) {
      this.journal(unit, `${unit}: Error: ${sim.image}: image not known`);
      fail('exit-code');
      return 'failed';
    }
    const id = `ctr-${unit}-${n}`;
    const output = [...sim.says, ...(this.containerOutput?.(id, unit) ?? [])];
    this.logs.set(id, output);
    this.journal(unit, `Starting ${unit}...`, ...output.map((l) => `${sim.containerName}: ${l}`));
    if (image.crashes) {
      // The container is up (conmon reports ready, the job is "done"), then its command exits 3 and --rm
      // removes it. A real unit reports active for a moment first; here it has failed by the next look.
      this.journal(unit, `${unit}: Main process exited, code=exited, status=3/NOTIMPLEMENTED`);
      fail('exit-code');
      return 'done';
    }
    this.containers.push({
      id,
      names: [sim.containerName],
      image: sim.image,
      imageId,
      state: 'running',
      labels: {
        ...sim.labels,
        [UNIT_LABEL]: unit,
        ...(sim.autoUpdate === null ? {} : { [AUTOUPDATE_LABEL]: sim.autoUpdate }),
      },
      startedAt: this.now,
    });
    if (sim.healthCheck) this.containerHealth.set(id, { status: 'starting', streak: 0, last: null });
    sim.state = {
      ...sim.state,
      activeState: 'active',
      subState: 'running',
      result: 'success',
      mainPid: 100 + n,
      invocationId: `inv-${unit}-${n}`,
    };
    this.journal(unit, `Started ${unit}.`);
    return 'done';
  }

  /** BindsTo= dependents go down with a unit that is not active (after the jobs that started them). */
  private bindsToFallout(unit: string): void {
    if (this.units.get(unit)?.state.activeState === 'active') return;
    for (const d of this.units.values())
      if (d.deps.bindsTo?.includes(unit) && d.state.activeState === 'active') this.stop(d);
  }

  private stop(sim: FakeUnit): void {
    this.containers = this.containers.filter((c) => c.labels[UNIT_LABEL] !== sim.unit);
    if (sim.state.activeState === 'active')
      this.journal(sim.unit, `Stopping ${sim.unit}...`, `Stopped ${sim.unit}.`);
    sim.state = { ...sim.state, activeState: 'inactive', subState: 'dead', mainPid: 0 };
  }

  /** The --pull= of the last ExecStart= among its drop-ins (a podup pin), else the unit file's. */
  private pullPolicyOf(sim: FakeUnit): string | null {
    let pull = sim.pull;
    for (const text of sim.dropIns.values()) {
      const exec = text
        .split('\n')
        .filter((l) => /^ExecStart=\S/.test(l))
        .at(-1);
      const m = exec ? /--pull[= ](\w+)/.exec(exec) : null;
      if (exec) pull = m?.[1] ?? null;
    }
    return pull;
  }

  /** What systemd reports over D-Bus: the forward lists of the unit file, the reverse ones of the others. */
  dependenciesOf(unit: string): UnitDependencies {
    const error = this.dependencyErrors.get(unit);
    if (error) throw error;
    const d = this.units.get(unit)?.deps ?? {};
    const others = [...this.units.values()].filter((u) => u.unit !== unit);
    const by = (k: keyof FakeUnitDeps) => others.filter((u) => u.deps[k]?.includes(unit)).map((u) => u.unit);
    return {
      after: [...(d.after ?? []), ...by('before')],
      before: [...(d.before ?? []), ...by('after')],
      requires: [...(d.requires ?? [])],
      bindsTo: [...(d.bindsTo ?? [])],
      partOf: [...(d.partOf ?? [])],
      wants: [...(d.wants ?? [])],
      requiredBy: by('requires'),
      boundBy: by('bindsTo'),
      consistsOf: by('partOf'),
    };
  }

  /** The podman run line the unit was written with (a drop-in's ExecStart= replaces it). */
  execStartOf(unit: string): ExecCommand[] {
    const sim = this.units.get(unit);
    if (!sim) return [];
    const override = [...sim.dropIns.values()]
      .flatMap((t) => t.split('\n'))
      .filter((l) => /^ExecStart=\S/.test(l))
      .at(-1);
    if (override) {
      const argv = splitExecLine(override.slice('ExecStart='.length));
      return [{ path: argv[0] ?? '', argv, ignoreFailure: false }];
    }
    const h = sim.healthCheck;
    const argv = [
      '/usr/bin/podman',
      'run',
      '--rm',
      '--replace',
      '--name',
      sim.containerName,
      ...(sim.pull ? [`--pull=${sim.pull}`] : []),
      ...(h
        ? [
            '--health-cmd',
            'test -e /ready',
            `--health-retries=${h.retries}`,
            `--health-on-failure=${h.onFailure}`,
          ]
        : []),
      sim.image,
      'sh',
      '-c',
      'test -e /ok || exit 3; exec sleep 100000',
    ];
    return [{ path: '/usr/bin/podman', argv, ignoreFailure: false }];
  }

  setDropIn(unit: string, name: string, text: string | null): void {
    const sim = this.units.get(unit);
    if (!sim) throw new AppError('SYSTEMD_ERROR', `drop-in of ${unit}: Unit ${unit} not found.`);
    if (text === null) sim.dropIns.delete(name);
    else sim.dropIns.set(name, text);
  }

  /** StartUnit: nothing to do for an active unit. */
  startUnit(unit: string): { job: string; result: string } {
    const sim = this.units.get(unit);
    if (!sim) throw new AppError('SYSTEMD_ERROR', `StartUnit ${unit}: Unit ${unit} not found.`);
    const job = `/org/freedesktop/systemd1/job/${++this.jobs}`;
    if (sim.state.activeState === 'active') return { job, result: 'done' };
    sim.restarts += 1;
    sim.restartedAt = this.now;
    const result = this.start(sim, undefined);
    this.bindsToFallout(unit);
    return { job, result };
  }

  healthOf(containerId: string): ContainerHealth | undefined {
    const c = this.containers.find((x) => x.id === containerId);
    if (!c) return undefined;
    const sim = this.units.get(c.labels[UNIT_LABEL] ?? '');
    const h = this.containerHealth.get(containerId);
    if (!sim?.healthCheck || !h)
      return { check: null, status: '', failingStreak: 0, onFailure: 'none', lastOutput: null };
    return {
      check: ['CMD-SHELL', 'test -e /ready'],
      status: h.status,
      failingStreak: h.streak,
      onFailure: sim.healthCheck.onFailure,
      lastOutput: h.last,
    };
  }

  /** One run of the container's check, as `podman healthcheck run` does it: retries, then the on-failure action. */
  runHealthcheck(containerId: string): 'healthy' | 'unhealthy' | 'gone' | 'no-check' {
    const c = this.containers.find((x) => x.id === containerId);
    if (!c) return 'gone';
    const sim = this.units.get(c.labels[UNIT_LABEL] ?? '');
    const h = this.containerHealth.get(containerId);
    if (!sim?.healthCheck || !h) return 'no-check';
    if (!this.images.get(c.imageId)?.failsCheck) {
      Object.assign(h, { status: 'healthy', streak: 0, last: '' });
      return 'healthy';
    }
    h.streak += 1;
    h.last = 'test: /ready: not found';
    if (h.streak < sim.healthCheck.retries) return 'unhealthy';
    h.status = 'unhealthy';
    const action = sim.healthCheck.onFailure;
    if (action === 'kill' || action === 'stop') {
      this.containers = this.containers.filter((x) => x.id !== containerId);
      sim.state = {
        ...sim.state,
        activeState: 'failed',
        subState: 'failed',
        result: 'exit-code',
        mainPid: 0,
      };
      this.journal(sim.unit, `${sim.unit}: Failed with result 'exit-code'.`);
      this.bindsToFallout(sim.unit);
    } else if (action === 'restart') {
      Object.assign(h, { status: 'starting', streak: 0 });
      c.startedAt = this.now;
    }
    return 'unhealthy';
  }

  /** RestartUnit: the old container goes (--rm --replace), a new one comes from what the tag points at now. */
  restart(unit: string, visited = new Set<string>()): { job: string; result: string } {
    const sim = this.units.get(unit);
    if (!sim) throw new AppError('SYSTEMD_ERROR', `RestartUnit ${unit}: Unit ${unit} not found.`);
    visited.add(unit);
    const job = `/org/freedesktop/systemd1/job/${++this.jobs}`;
    sim.restarts += 1;
    sim.restartedAt = this.now;
    this.containers = this.containers.filter((c) => c.labels[UNIT_LABEL] !== unit);
    if (sim.state.activeState === 'active') this.journal(unit, `Stopping ${unit}...`, `Stopped ${unit}.`);
    // systemd restarts the active units that Requires=, BindsTo= or are PartOf= this one along with it.
    const dependents = [...this.units.values()].filter(
      (d) =>
        !visited.has(d.unit) &&
        d.state.activeState === 'active' &&
        [d.deps.requires, d.deps.bindsTo, d.deps.partOf].some((l) => l?.includes(unit)),
    );
    const result = this.start(sim, this.restartResults.get(unit)?.shift());
    for (const d of dependents) {
      // A dependency whose start job failed takes its Requires= dependents down with it.
      if (result !== 'done') this.stop(d);
      else this.restart(d.unit, visited);
    }
    this.bindsToFallout(unit);
    return { job, result };
  }

  /** What the manager reports now, with `health` applied. */
  stateOf(unit: string): UnitState {
    const sim = this.units.get(unit);
    if (!sim) {
      return {
        activeState: 'inactive',
        subState: 'dead',
        result: 'success',
        nRestarts: 0,
        mainPid: 0,
        invocationId: '',
      };
    }
    return { ...sim.state, ...this.health?.(unit, sim.restarts, this.now - sim.restartedAt) };
  }

  resetFailed(unit: string): void {
    const sim = this.units.get(unit);
    if (!sim) throw new AppError('SYSTEMD_ERROR', `ResetFailedUnit ${unit}: Unit ${unit} not loaded.`);
    if (sim.state.activeState === 'failed')
      sim.state = { ...sim.state, activeState: 'inactive', subState: 'dead', result: 'success' };
  }
}
