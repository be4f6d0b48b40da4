/**
 * Every fake port over one FakeHost, and the complete Adapters of compose.ts, so that
 * `openPodup(config, logger, fakeAdapters(host))` runs the whole app on the simulated host.
 */
import type { Adapters } from '../adapter-set.js';
import type { LeaseOwnership, Probe } from '../../domain/ports/index.js';
import { FakeHost, type HostPart } from './fake-host.js';
import { FakeNotifier } from './fake-notifier.js';
import { FakeQuadlets } from './fake-quadlets.js';
import { FakeRegistry } from './fake-registry.js';
import { FakeRuntime } from './fake-runtime.js';
import { FakeUnitManager } from './fake-unit-manager.js';
import { FakeWakeTimer } from './fake-wake-timer.js';
import { FakeWebClient } from './fake-web-client.js';

export interface FakePorts {
  runtime: FakeRuntime;
  unitManager: FakeUnitManager;
  registry: FakeRegistry;
  quadlets: FakeQuadlets;
  sender: FakeNotifier;
  web: FakeWebClient;
}

export function fakePorts(host: FakeHost): FakePorts {
  return {
    runtime: new FakeRuntime(host),
    unitManager: new FakeUnitManager(host),
    registry: new FakeRegistry(host),
    quadlets: new FakeQuadlets(host),
    sender: new FakeNotifier(),
    web: new FakeWebClient(),
  };
}

export const FAKE_SELF = 'fake-host:1:self';

/** This process as FAKE_SELF; another owner is alive while it is in host.liveOwners. */
export function fakeOwners(host: FakeHost): LeaseOwnership {
  return { self: FAKE_SELF, alive: (owner) => owner === FAKE_SELF || host.liveOwners.has(owner) };
}

/** Answers like the real probe while the part is up; rejects with its AppError (and hint) once taken down. */
function probe(host: FakeHost, part: HostPart, detail: string): Probe {
  return {
    check: async () => {
      host.ensureUp(part);
      return detail;
    },
  };
}

/** Adapters whose ports are the fake classes, so tests can reach into them (e.g. wrap a method). */
export type FakeAdapters = Omit<Adapters, keyof FakePorts> & FakePorts;

export function fakeAdapters(host: FakeHost = new FakeHost()): FakeAdapters {
  return {
    ...fakePorts(host),
    owners: fakeOwners(host),
    wake: new FakeWakeTimer(host),
    probes: {
      podman: probe(host, 'podman', 'libpod API 4.3.1 (fake host)'),
      dbus: probe(host, 'systemd', 'systemd 252 (user manager, fake host)'),
    },
    async close() {},
  };
}
