/**
 * Composition of podup's parts over one configuration: state, adapters, the update engine and the task
 * runner. Shared by `podup serve` and the CLI commands that work in-process.
 */
import { randomBytes } from 'node:crypto';
import { leaseOwner, ownerAlive } from './adapters/process/lease-owner.js';
import { PodmanApi } from './adapters/podman/podman-api.js';
import { quadletDirs, readQuadletFiles } from './adapters/quadlet/quadlet-files.js';
import { RegistryClient } from './adapters/registry/registry-client.js';
import { SystemdBus } from './adapters/systemd/systemd-bus.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { dbProbe } from './db/db-probe.js';
import { createStores, type Stores } from './db/stores.js';
import type { Deps, Lifecycle } from './deps.js';
import type { Clock } from './domain/ports.js';
import { UpdateEngine } from './domain/tasks/engine.js';
import { planUpdate } from './domain/tasks/plan.js';
import { TaskRunner } from './domain/tasks/runner.js';
import { formatTaskId } from './domain/tasks/task.js';
import { discoverUnits } from './domain/units/discovery.js';
import type { KnownUnit } from './domain/units/known-unit.js';
import { unitStatuses } from './domain/units/unit-status.js';
import type { Logger } from './logger.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Database;
  stores: Stores;
  clock: Clock;
  podman: PodmanApi;
  systemd: SystemdBus;
  registry: RegistryClient;
  engine: UpdateEngine;
  runner: TaskRunner;
  /** Discovers units now and records them (the allow-list). */
  discover(): Promise<KnownUnit[]>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function openRuntime(config: Config, logger: Logger): Runtime {
  const db = openDatabase({ stateDir: config.stateDir, dbPath: config.dbPath, sync: config.dbSync });
  const clock: Clock = { now: () => Date.now() };
  const stores = createStores(db, clock);
  const podman = new PodmanApi(config.podmanSocket);
  const systemd = new SystemdBus(config.systemdScope, config.dbusAddress);
  const registry = new RegistryClient(config.containers);
  const dirs = quadletDirs(config.systemdScope, config.containers, config.quadletDirs);
  const discover = async (): Promise<KnownUnit[]> => {
    const units = await discoverUnits({
      runtime: podman,
      quadletFiles: () => readQuadletFiles(dirs),
      configured: config.units,
    });
    try {
      stores.units.replace(units, clock.now());
    } catch (err) {
      logger.warn({ err }, 'discovered units not recorded (database busy); the next discovery records them');
    }
    return units;
  };
  const engine = new UpdateEngine({
    runtime: podman,
    systemd,
    clock,
    sleep,
    superseded: (image) => stores.journals.supersededImages(image),
    settings: {
      healthWindowMs: config.healthWindowMs,
      healthPollMs: 250,
      restartTimeoutMs: config.restartTimeoutMs,
      pullAttempts: 3,
      pullBackoffMs: 1000,
      journalLines: 50,
    },
  });
  const owner = leaseOwner();
  const runner = new TaskRunner({
    stores,
    engine,
    runtime: podman,
    registry,
    discover,
    clock,
    sleep,
    owner,
    ownerAlive: (o) => ownerAlive(o, owner),
    settings: { concurrency: config.taskConcurrency, leaseMs: 30_000, pollMs: 500, lockWaitMs: 10 * 60_000 },
    onError: (err) => logger.error({ err }, 'task runner error'),
  });
  return { config, logger, db, stores, clock, podman, systemd, registry, engine, runner, discover };
}

export async function closeRuntime(rt: Runtime): Promise<void> {
  rt.stores.writes.flush();
  rt.systemd.close();
  rt.db.close();
  await rt.podman.close();
  await rt.registry.close();
}

/** The real dependencies of the HTTP app over an open runtime. */
export function createDeps(rt: Runtime, lifecycle: Lifecycle): Deps {
  return {
    config: rt.config,
    logger: rt.logger,
    clock: rt.clock,
    ids: { taskId: () => formatTaskId(randomBytes(16)) },
    stores: rt.stores,
    probes: {
      db: dbProbe(rt.db, rt.config.stateDir),
      dbus: { check: (t) => rt.systemd.ping(t) },
      podman: { check: (t) => rt.podman.ping(t) },
    },
    lifecycle,
    runner: rt.runner,
    units: {
      discover: () => rt.discover(),
      statuses: (units) => unitStatuses(units, { registry: rt.registry, runtime: rt.podman }),
      plan: (request, known) => planUpdate(request, known, { registry: rt.registry, runtime: rt.podman }),
    },
  };
}
