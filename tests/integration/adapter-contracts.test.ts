/**
 * The port contracts (server/src/adapters/contracts) against the real adapters on the real test host:
 * PodmanApi on the Podman API socket, SystemdBus on the user manager's bus, RegistryClient through the
 * registries.conf mirror. The same suites run against the fakes in the unit project, so the fakes cannot
 * drift from what the real parts do.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodmanApi } from '../../server/src/adapters/podman/podman-api.js';
import { RegistryClient } from '../../server/src/adapters/registry/registry-client.js';
import { SystemdBus } from '../../server/src/adapters/systemd/systemd-bus.js';
import { SystemdWakeTimer } from '../../server/src/adapters/systemd/wake-timer.js';
import { describeWakeTimer } from '../../server/src/adapters/contracts/wake-timer.contract.js';
import { describeContainerRuntime } from '../../server/src/adapters/contracts/container-runtime.contract.js';
import { describeContainerHealth } from '../../server/src/adapters/contracts/container-health.contract.js';
import { describeDigestResolver } from '../../server/src/adapters/contracts/digest-resolver.contract.js';
import type { HostHarness } from '../../server/src/adapters/contracts/harness.js';
import { describeUnitGraph } from '../../server/src/adapters/contracts/unit-graph.contract.js';
import { describeUnitManager } from '../../server/src/adapters/contracts/unit-manager.contract.js';
import { loadConfig } from '../../server/src/config.js';
import { hostEnv } from '../helpers/app.js';
import { pushImage, removeUnits, startUnits, systemctl, writeUnit } from '../helpers/units.js';

const run = randomBytes(3).toString('hex');

function realHarness(): HostHarness {
  const dir = mkdtempSync(join(tmpdir(), 'podup-contract-'));
  const config = loadConfig({ ...hostEnv(), PODUP_STATE_DIR: dir });
  const runtime = new PodmanApi(config.podmanSocket);
  const units = new SystemdBus(config.systemdScope, config.dbusAddress);
  const registry = new RegistryClient(config.containers);
  const started: string[] = [];
  let names = 0;
  return {
    runtime,
    units,
    registry,
    unique: (base) => `${base}-${run}-${++names}`,
    async pushImage(repo, tag, version, options) {
      return pushImage(repo, tag, version, options);
    },
    async startUnit(name, image, options) {
      const unit = writeUnit(name, image, options);
      started.push(unit);
      if (options?.start === false) systemctl('daemon-reload');
      else startUnits(unit);
      return unit;
    },
    async cleanup() {
      if (started.length > 0) removeUnits(...started);
      units.close();
      await runtime.close();
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeContainerRuntime('PodmanApi on the test host', realHarness);
describeUnitManager('SystemdBus on the test host', realHarness);
describeDigestResolver('RegistryClient on the test host', realHarness);

describeWakeTimer('SystemdWakeTimer on the test host', () => {
  const h = realHarness();
  // A service that exists for the timer to start (never started here: the armed times lie in the future).
  const service = writeUnit(h.unique('wake'), 'ghcr.io/acme-corp/never:1');
  systemctl('daemon-reload');
  const bus = new SystemdBus('user', loadConfig({ ...hostEnv(), PODUP_STATE_DIR: tmpdir() }).dbusAddress);
  return {
    ...h,
    wake: new SystemdWakeTimer(bus, async () => service),
    async cleanup() {
      await bus.stopTimer(service.replace(/\.service$/, '.timer'));
      bus.close();
      removeUnits(service);
      await h.cleanup();
    },
  };
});
describeUnitGraph('SystemdBus on the test host', realHarness);
describeContainerHealth('PodmanApi on the test host', realHarness);
