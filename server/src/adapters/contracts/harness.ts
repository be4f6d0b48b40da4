/**
 * What the contract suites need besides the port under test: the arrange steps that differ between the fake
 * host and the real test host (pushing an image version, starting a unit). Real: tests/integration/
 * adapter-contracts.test.ts; fake: adapters/fakes/fake-harness.ts.
 */
import type { ContainerRuntime, DigestResolver, UnitManager } from '../../domain/ports/index.js';

export interface ImageOptions {
  /** false: its command exits at once (status 3). */
  healthy?: boolean;
  /** false: its process keeps running, but a unit's health check (`test -e /ready`) fails. */
  passesCheck?: boolean;
}

export interface UnitOptions {
  says?: string;
  /** `--health-cmd 'test -e /ready'` with these retries and --health-on-failure. */
  healthCheck?: { retries: number; onFailure: 'none' | 'kill' | 'stop' | 'restart' };
  /** `--pull=` of its podman run line (what Quadlet writes for Pull=). */
  pull?: 'always' | 'newer';
  /** [Unit] dependencies on other units (full names). */
  deps?: { after?: string[]; requires?: string[]; bindsTo?: string[]; partOf?: string[]; wants?: string[] };
  /** false: written but not started. */
  start?: boolean;
  /** More labels on its container (`--label k=v`; no spaces or quotes). */
  labels?: Record<string, string>;
}

export interface Arrange {
  /** A name no earlier run used (hosts are shared between runs): repositories, units. */
  unique(base: string): string;
  /**
   * Builds an image whose content is `version` and pushes it to the registry as ghcr.io/<repo>:<tag>, without
   * pulling it here; resolves with its manifest digest. `healthy: false`: its command exits at once (status 3).
   */
  pushImage(repo: string, tag: string, version: string, options?: ImageOptions): Promise<string>;
  /**
   * Writes and starts `<name>.service`, a `podman run --rm --replace` unit of `image` (as Quadlet and
   * `podman generate systemd --new` write them) whose container is called `name` and prints `says` first.
   * Resolves with the unit name once it is active.
   */
  startUnit(name: string, image: string, options?: UnitOptions): Promise<string>;
  /** Stops and removes what the suite arranged. */
  cleanup(): Promise<void>;
}

export interface HostHarness extends Arrange {
  runtime: ContainerRuntime;
  units: UnitManager;
  registry: DigestResolver;
}

/** Polls `check` until it returns a value (not undefined) or the time is up; real hosts settle asynchronously. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
