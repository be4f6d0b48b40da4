/**
 * The DigestResolver contract: what the plan and the units view rely on from the registry. Run against
 * FakeRegistry (adapters/fakes, unit project) and RegistryClient on the real test host, where ghcr.io is served
 * through the registries.conf mirror (tests/integration/adapter-contracts.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import type { Arrange, HostHarness } from './harness.js';

export type DigestResolverHarness = Arrange & Pick<HostHarness, 'registry' | 'runtime'>;

export function describeDigestResolver(
  subject: string,
  makeHarness: () => DigestResolverHarness | Promise<DigestResolverHarness>,
): void {
  describe(`DigestResolver contract: ${subject}`, () => {
    let h: DigestResolverHarness;
    let repo: string;

    const failure = async (reference: string): Promise<AppError> => {
      const e = await h.registry.digest(reference, { maxAgeMs: 0 }).catch((err: unknown) => err);
      expect(e, 'expected a rejection').toBeInstanceOf(AppError);
      return e as AppError;
    };

    beforeAll(async () => {
      h = await makeHarness();
      repo = `acme-corp/${h.unique('reg')}`;
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('the digest of a pushed tag, and the endpoint it was read from', async () => {
      const pushed = await h.pushImage(repo, 'stable', 'reg-1');
      const r = await h.registry.digest(`ghcr.io/${repo}:stable`, { maxAgeMs: 0 });
      expect(r.digest).toBe(pushed);
      expect(r.endpoint.endsWith(`/${repo}`)).toBe(true);
    });

    it('a fresh lookup (maxAgeMs 0) sees the tag moved by a new push', async () => {
      const first = await h.pushImage(repo, 'moving', 'reg-2');
      expect((await h.registry.digest(`ghcr.io/${repo}:moving`, { maxAgeMs: 0 })).digest).toBe(first);
      const second = await h.pushImage(repo, 'moving', 'reg-3');
      expect(second).not.toBe(first);
      expect((await h.registry.digest(`ghcr.io/${repo}:moving`, { maxAgeMs: 0 })).digest).toBe(second);
    });

    it('a tag the registry does not have rejects with IMAGE_NOT_FOUND', async () => {
      await h.pushImage(repo, 'stable', 'reg-1');
      expect((await failure(`ghcr.io/${repo}:no-such-tag`)).code).toBe('IMAGE_NOT_FOUND');
    });

    it('a repository the registry does not have rejects with IMAGE_NOT_FOUND', async () => {
      expect((await failure(`ghcr.io/acme-corp/${h.unique('nobody')}:1`)).code).toBe('IMAGE_NOT_FOUND');
    });

    it("created(): the created time of the digest's image, as Podman reads it once pulled", async () => {
      const digest = await h.pushImage(repo, 'dated', 'reg-4');
      const created = await h.registry.created(`ghcr.io/${repo}:dated`, digest);
      expect(created, 'a created time').toEqual(expect.any(Number));
      const id = await h.runtime.pull(`ghcr.io/${repo}@${digest}`, () => undefined);
      const local = await h.runtime.inspectImage(id);
      expect(local).toBeDefined();
      // Podman's inspect may round to the second.
      expect(Math.abs((created ?? 0) - (local?.created ?? 0))).toBeLessThan(1000);
    });

    it('created() of a digest the repository does not have rejects with IMAGE_NOT_FOUND', async () => {
      await h.pushImage(repo, 'stable', 'reg-1');
      const missing = `sha256:${'0'.repeat(64)}`;
      const e = await h.registry.created(`ghcr.io/${repo}:stable`, missing).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('IMAGE_NOT_FOUND');
    });
  });
}
