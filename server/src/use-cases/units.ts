/**
 * Discover units and record them (the allow-list), and show what they run against what the registry has.
 * Used by: the task runner before every plan, GET /api/units, POST /api/tasks, podup units, podup trigger
 */
import type {
  ContainerRuntime,
  Clock,
  DigestResolver,
  Log,
  QuadletSource,
  StoredUnit,
  Stores,
  UnitCheck,
  UnitManager,
  UnitOfWork,
} from '../domain/ports/index.js';
import { planUpdate, type Plan, type PlanRequest } from '../domain/tasks/plan.js';
import { readingEachImageOnce } from '../domain/images/image-digests.js';
import { discoverUnits } from '../domain/units/discovery.js';
import type { KnownUnit } from '../domain/units/known-unit.js';
import { unitStatuses, type UnitStatus } from '../domain/units/unit-status.js';
import type { PolicyBook } from '../domain/policies/policy-book.js';
import type { UnitPolicy } from '../domain/policies/unit-policy.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import { AppError } from '../errors.js';

export interface UnitView {
  status: UnitStatus;
  /** First and last sighting, from the recorded discoveries. */
  stored: StoredUnit | undefined;
  /** The effective update policy, each part with where it came from. */
  policy: UnitPolicy;
  snoozedUntil: number | null;
  skipped: string[];
  /** The last scheduled check. */
  check: UnitCheck | undefined;
  /** Tasks of this unit awaiting approval or deferred. */
  waiting: TaskRecord[];
}

/** How old a discovery may be and still serve another task (discoverSince). */
const SHARED_DISCOVERY_MS = 2000;

export class UnitsService {
  /** The last statuses listed, for /metrics: the registry is asked at most once per their age. */
  private last: { at: number; statuses: UnitStatus[] } | undefined;
  /** The task runner's last discovery and when it began (discoverSince). */
  private shared: { began: number; units: Promise<KnownUnit[]> } | undefined;

  constructor(
    private readonly deps: {
      runtime: ContainerRuntime;
      unitManager: UnitManager;
      registry: DigestResolver;
      quadlets: QuadletSource;
      /** PODUP_UNITS: unit -> image. */
      configured: ReadonlyMap<string, string>;
      stores: Pick<Stores, 'units' | 'policies' | 'checks' | 'tasks'>;
      book: PolicyBook;
      writes: UnitOfWork;
      clock: Clock;
      log: Log;
    },
  ) {}

  /** Discovers now and records the result; a failed recording is logged, the next discovery records it. */
  async discover(runtime: ContainerRuntime = this.deps.runtime): Promise<KnownUnit[]> {
    const units = await discoverUnits({
      runtime,
      unitManager: this.deps.unitManager,
      quadletFiles: () => this.deps.quadlets.read(),
      configured: this.deps.configured,
    });
    const now = this.deps.clock.now();
    await this.deps.writes
      .run((s) => s.units.replace(units, now))
      .catch((err: unknown) =>
        this.deps.log.warn({ err }, 'discovered units not recorded; the next discovery records them'),
      );
    return units;
  }

  /**
   * A discovery that began after `since` (a task's creation) and at most 2 s ago: the one in flight or just
   * finished, else a new one. A burst of queued tasks shares one discovery instead of each asking Podman,
   * systemd and the disk again, and each still sees every unit that existed when it was asked for.
   */
  discoverSince(since: number): Promise<KnownUnit[]> {
    const now = this.deps.clock.now();
    const shared = this.shared;
    if (shared && shared.began > since && now - shared.began <= SHARED_DISCOVERY_MS) return shared.units;
    const units = this.discover();
    this.shared = { began: now, units };
    // A failed discovery serves only those already waiting for it.
    units.catch(() => {
      if (this.shared?.units === units) this.shared = undefined;
    });
    return units;
  }

  /**
   * A fresh discovery, or the last recorded one when discovery fails (Podman down): what may be named is
   * still known, and a task then fails with the missing part's error instead of the request.
   */
  async known(runtime: ContainerRuntime = this.deps.runtime): Promise<KnownUnit[]> {
    try {
      return await this.discover(runtime);
    } catch (err) {
      this.deps.log.warn({ err }, 'discovery failed; using the last known units');
      return this.deps.stores.units.present();
    }
  }

  /**
   * For the settings page: discovers now, and says why when it cannot (the units are then the last recorded).
   */
  async discoveredNow(): Promise<{ units: StoredUnit[]; error: string | null }> {
    try {
      await this.discover();
      return { units: this.present(), error: null };
    } catch (err) {
      const why = err instanceof AppError ? err.message : String(err);
      return { units: this.present(), error: why };
    }
  }

  /** The units recorded by the last discovery. */
  present(): StoredUnit[] {
    return this.deps.stores.units.present();
  }

  async list(): Promise<UnitView[]> {
    const known = await this.discover();
    const stored = new Map(this.deps.stores.units.all().map((u) => [u.unit, u]));
    const statuses = await unitStatuses(known, this.deps);
    this.last = { at: this.deps.clock.now(), statuses };
    const { policies, checks, tasks } = this.deps.stores;
    const checked = new Map(checks.all().map((c) => [c.unit, c]));
    return statuses.map((status) => {
      const override = policies.get(status.unit);
      const { policy, problems } = this.deps.book.resolve(status, override);
      return {
        status: { ...status, problems: [...status.problems, ...problems] },
        stored: stored.get(status.unit),
        policy,
        snoozedUntil: override?.snoozedUntil ?? null,
        skipped: policies.skipped(status.unit).map((v) => v.digest),
        check: checked.get(status.unit),
        waiting: tasks.waitingFor(status.unit),
      };
    });
  }

  /** Statuses no older than `maxAgeMs` (listing again when they are), for /metrics. */
  async recentStatuses(maxAgeMs: number): Promise<UnitStatus[]> {
    if (this.last && this.deps.clock.now() - this.last.at < maxAgeMs) return this.last.statuses;
    return (await this.list()).map((v) => v.status);
  }

  plan(request: PlanRequest, known: readonly KnownUnit[]): Promise<Plan> {
    return planUpdate(request, known, this.deps);
  }

  /**
   * Discovery and a plan of the units `select` picks, reading each local image once between them: nothing is
   * pulled in between, and the images' reads are most of a check's time (podup check, the scheduled check).
   */
  async lookOnce(
    select: (known: readonly KnownUnit[]) => string[],
  ): Promise<{ known: KnownUnit[]; plan: Plan }> {
    const runtime = readingEachImageOnce(this.deps.runtime);
    const known = await this.known(runtime);
    const plan = await planUpdate({ units: select(known) }, known, { ...this.deps, runtime });
    return { known, plan };
  }
}
