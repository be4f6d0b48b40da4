/**
 * Composition root shared by `podup serve` and the CLI's in-process commands: the state database, the adapters
 * (real ones by default; tests pass fakes from adapters/fakes), and the use cases over them. The only place
 * that picks implementations for the ports.
 */
import { randomBytes } from 'node:crypto';
import type { Adapters } from './adapters/adapter-set.js';
import { githubSignatures } from './adapters/github/webhook-signature.js';
import { httpWebClient } from './adapters/http/web-client.js';
import { PrometheusMetrics } from './adapters/metrics/prometheus.js';
import { channelSealer } from './adapters/notify/channel-sealer.js';
import { httpSender } from './adapters/notify/http-sender.js';
import { processOwnership } from './adapters/process/lease-owner.js';
import { PodmanApi } from './adapters/podman/podman-api.js';
import { quadletDirs, quadletSource } from './adapters/quadlet/quadlet-files.js';
import { RegistryClient } from './adapters/registry/registry-client.js';
import { SystemdBus } from './adapters/systemd/systemd-bus.js';
import { SystemdWakeTimer } from './adapters/systemd/wake-timer.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { SqliteStateCopies } from './db/state-copies.js';
import { StateDatabase } from './db/state-database.js';
import { formatTaskId } from './domain/tasks/task.js';
import type { Logger } from './logger.js';
import { BackupService } from './use-cases/backup.js';
import { createServices, type Services } from './use-cases/index.js';
import { RestoreService } from './use-cases/restore.js';

export type { Adapters };

export function realAdapters(config: Config): Adapters {
  const podman = new PodmanApi(config.podmanSocket);
  const systemd = new SystemdBus(config.systemdScope, config.dbusAddress);
  const registry = new RegistryClient(config.containers);
  return {
    runtime: podman,
    unitManager: systemd,
    registry,
    quadlets: quadletSource(quadletDirs(config.systemdScope, config.containers, config.quadletDirs)),
    owners: processOwnership(),
    wake: new SystemdWakeTimer(systemd),
    sender: httpSender(config.notify.secret),
    web: httpWebClient(),
    probes: { podman: { check: (t) => podman.ping(t) }, dbus: { check: (t) => systemd.ping(t) } },
    async close() {
      systemd.close();
      await podman.close();
      await registry.close();
    },
  };
}

export interface Podup {
  config: Config;
  logger: Logger;
  /** The connection of `state`; throws the disk's fault while it cannot be opened. */
  readonly db: Database;
  state: StateDatabase;
  adapters: Adapters;
  services: Services;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function openPodup(config: Config, logger: Logger, adapters: Adapters = realAdapters(config)): Podup {
  const clock = { now: () => Date.now() };
  const state = new StateDatabase({
    stateDir: config.stateDir,
    dbPath: config.dbPath,
    sync: config.dbSync,
    clock,
    log: logger,
  });
  const services = createServices(
    {
      stores: state.stores,
      writes: state.writes,
      atomically: (op) => state.atomically(op),
      runtime: adapters.runtime,
      unitManager: adapters.unitManager,
      registry: adapters.registry,
      quadlets: adapters.quadlets,
      signatures: githubSignatures(config.webhookSecret),
      probes: { db: state.probe(), ...adapters.probes },
      owners: adapters.owners,
      sender: adapters.sender,
      web: adapters.web,
      sealer: channelSealer(config.notify.secret),
      metrics: new PrometheusMetrics(),
      clock,
      sleep,
      ids: { taskId: () => formatTaskId(randomBytes(16)) },
      log: logger,
      wake: adapters.wake,
      random: Math.random,
    },
    {
      configuredUnits: config.units,
      policies: { configured: config.unitPolicies, defaults: config.defaultPolicy },
      approvalTtlMs: config.approvalTtlMs,
      imageRateLimit: config.imageRateLimit,
      badSignatureRateLimit: config.badSignatureRateLimit,
      coalesceWindowMs: config.coalesceWindowMs,
      healthWindowMs: config.healthWindowMs,
      restartTimeoutMs: config.restartTimeoutMs,
      rolloutBatch: config.rolloutBatch,
      rolloutOnFailure: config.rolloutOnFailure,
      taskConcurrency: config.taskConcurrency,
      sessionTtlMs: config.sessionTtlMs,
      maxDbBytes: config.maxDbBytes,
      publicUrl: config.publicUrl,
      notify: config.notify,
    },
  );
  return {
    config,
    logger,
    get db() {
      return state.db;
    },
    state,
    adapters,
    services,
    async close() {
      // Counts waiting in memory join the last commit.
      void services.audit.flush();
      state.writes.flush();
      // The last batches' callers are told once their fsync (off the event loop) is done, before the close.
      await state.durable();
      state.close();
      await adapters.close();
    },
  };
}

export interface StateCopyServices {
  backup: BackupService;
  restore: RestoreService;
  close(): void;
}

/**
 * `podup backup` and `podup restore`: the state database's files and the systemd manager, without opening podup
 * (a restore must not hold the database it replaces).
 */
export function openStateCopies(config: Config): StateCopyServices {
  const copies = new SqliteStateCopies(config.dbPath);
  const systemd = new SystemdBus(config.systemdScope, config.dbusAddress);
  const clock = { now: () => Date.now() };
  return {
    backup: new BackupService({ copies, clock }),
    restore: new RestoreService({
      copies,
      unitManager: systemd,
      clock,
      systemctl: config.systemdScope === 'user' ? 'systemctl --user' : 'systemctl',
    }),
    close: () => systemd.close(),
  };
}
