/** Everything the HTTP app needs, built by main.ts (or a test) and passed in: no module singletons. */
import type { Config } from './config.js';
import type { Stores } from './db/stores.js';
import type { Clock, IdSource, Probe } from './domain/ports.js';
import type { Plan, PlanRequest } from './domain/tasks/plan.js';
import type { KnownUnit } from './domain/units/known-unit.js';
import type { UnitStatus } from './domain/units/unit-status.js';
import type { Logger } from './logger.js';

export interface Probes {
  db: Probe;
  dbus: Probe;
  podman: Probe;
}

export interface Lifecycle {
  /** How the listening socket was obtained, shown by /healthz. */
  listener: 'socket-activation' | 'address' | 'none';
  /** Called when a request starts and ends, for PODUP_IDLE_EXIT. */
  requestStarted(): void;
  requestFinished(): void;
}

export interface Deps {
  config: Config;
  logger: Logger;
  clock: Clock;
  ids: IdSource;
  stores: Stores;
  probes: Probes;
  lifecycle: Lifecycle;
  /** Told when a task is queued, so it starts as soon as its window allows. */
  runner: { poke(delayMs?: number): void };
  units: {
    /** Discovers now and records the allow-list. */
    discover(): Promise<KnownUnit[]>;
    statuses(units: readonly KnownUnit[]): Promise<UnitStatus[]>;
    plan(request: PlanRequest, known: readonly KnownUnit[]): Promise<Plan>;
  };
}
