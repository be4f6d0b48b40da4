/**
 * The one simulated host behind every fake port (runtime, unit manager, registry, Quadlet files): local tags
 * point at image ids, the registry serves an image per tag, a pull moves the local tag to what the registry
 * serves, and a restart replaces the unit's container with one created from the unit's tag, the way Quadlet's
 * `--rm --replace` units behave. Time is simulated (`now`, `sleep`). Side effects through the ports are
 * recorded in `calls`, in order. Faults are injected through the fields under "faults".
 * Tests only: product code cannot import adapters/fakes (eslint.config.js).
 */
import { createHash } from 'node:crypto';
import type { ContainerInfo, ImageInfo, QuadletFile, UnitState } from '../../domain/ports/index.js';
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
}

/** What the registry serves for one repository:tag. */
export interface RemoteImage {
  id: string;
  digest: string;
  created: number;
  crashes: boolean;
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
    options: { repos?: string[]; repoDigests?: string[]; created?: number; crashes?: boolean } = {},
  ): FakeImage {
    const image: FakeImage = {
      id,
      digest,
      repoDigests: options.repoDigests ?? (digest ? (options.repos ?? []).map((r) => `${r}@${digest}`) : []),
      created: options.created ?? this.now,
      crashes: options.crashes ?? false,
    };
    this.images.set(id, image);
    return image;
  }

  /**
   * The registry serves an image for `ref` from now on: a local image (by id, for its digest), or a digest of
   * an image not pulled here.
   */
  publish(ref: string, image: string | { digest: string; id?: string }): RemoteImage {
    let remote: RemoteImage;
    if (typeof image === 'string') {
      const local = this.images.get(image);
      if (!local?.digest) throw new Error(`publish: no local image ${image} with a digest`);
      remote = { id: image, digest: local.digest, created: local.created, crashes: local.crashes };
    } else {
      remote = {
        id: image.id ?? image.digest.slice(7),
        digest: image.digest,
        created: this.now,
        crashes: false,
      };
    }
    this.remote.set(ref, remote);
    return remote;
  }

  /** A new image built from `version` and pushed as `ref` (not pulled here): resolves with its digest. */
  push(ref: string, version: string, options: { crashes?: boolean } = {}): RemoteImage {
    this.pushes++;
    const digest = sha256(`${ref}\n${version}\n${this.pushes}`);
    const remote = {
      id: digest.slice(7, 71),
      digest,
      created: this.now,
      crashes: options.crashes ?? false,
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
    const r = this.remote.get(ref);
    if (!r) return undefined;
    const repoDigest = `${repositoryOf(ref)}@${r.digest}`;
    const local =
      this.images.get(r.id) ?? this.addImage(r.id, r.digest, { created: r.created, crashes: r.crashes });
    if (!local.repoDigests.includes(repoDigest)) local.repoDigests.push(repoDigest);
    this.tags.set(ref, r.id);
    return r.id;
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
      labels?: Record<string, string>;
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
    };
    this.units.set(unit, sim);
    this.start(sim, undefined);
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

  /** RestartUnit: the old container goes (--rm --replace), a new one comes from what the tag points at now. */
  restart(unit: string): { job: string; result: string } {
    const sim = this.units.get(unit);
    if (!sim) throw new AppError('SYSTEMD_ERROR', `RestartUnit ${unit}: Unit ${unit} not found.`);
    sim.restarts += 1;
    sim.restartedAt = this.now;
    this.containers = this.containers.filter((c) => c.labels[UNIT_LABEL] !== unit);
    if (sim.state.activeState === 'active') this.journal(unit, `Stopping ${unit}...`, `Stopped ${unit}.`);
    const result = this.start(sim, this.restartResults.get(unit)?.shift());
    return { job: `/org/freedesktop/systemd1/job/${++this.jobs}`, result };
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
