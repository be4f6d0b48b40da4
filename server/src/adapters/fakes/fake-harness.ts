/** The contract suites' arrange steps on a FakeHost: what tests/helpers/units.ts does on the real test host. */
import type { HostHarness } from '../contracts/harness.js';
import { fakePorts } from './fake-adapters.js';
import { FakeHost } from './fake-host.js';

export function fakeHarness(host = new FakeHost()): HostHarness & { host: FakeHost } {
  const ports = fakePorts(host);
  let names = 0;
  return {
    host,
    runtime: ports.runtime,
    units: ports.unitManager,
    registry: ports.registry,
    unique: (base) => `${base}-${++names}`,
    async pushImage(repo, tag, version, options = {}) {
      return host.push(`ghcr.io/${repo}:${tag}`, version, {
        crashes: options.healthy === false,
        failsCheck: options.passesCheck === false,
      }).digest;
    },
    async startUnit(name, image, options = {}) {
      const unit = `${name}.service`;
      host.addUnit(unit, image, {
        containerName: name,
        says: options.says === undefined ? [] : [options.says],
        deps: options.deps ?? {},
        healthCheck: options.healthCheck ?? null,
        pull: options.pull ?? null,
        stopped: options.start === false,
      });
      return unit;
    },
    async cleanup() {},
  };
}
