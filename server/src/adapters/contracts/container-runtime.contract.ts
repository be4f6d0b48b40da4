/**
 * The ContainerRuntime contract: what discovery, the plan and the update engine rely on from Podman. Run
 * against FakeRuntime (adapters/fakes, unit project) and PodmanApi on the real test host
 * (tests/integration/adapter-contracts.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageDigests } from '../../domain/images/image-digests.js';
import type { ContainerInfo } from '../../domain/ports/index.js';
import { AppError } from '../../errors.js';
import { eventually, type Arrange, type HostHarness } from './harness.js';

const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';

export type RuntimeHarness = Arrange & Pick<HostHarness, 'runtime'>;

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(AppError);
  return e as AppError;
}

export function describeContainerRuntime(
  subject: string,
  makeHarness: () => RuntimeHarness | Promise<RuntimeHarness>,
): void {
  describe(`ContainerRuntime contract: ${subject}`, () => {
    let h: RuntimeHarness;
    let repo: string;
    let ref: string;
    let name: string;
    let unit: string;
    let v1: string;

    const runningContainerOf = async (u: string): Promise<ContainerInfo | undefined> =>
      (await h.runtime.listContainers()).find((c) => c.labels[UNIT_LABEL] === u && c.state === 'running');

    beforeAll(async () => {
      h = await makeHarness();
      repo = `acme-corp/${h.unique('rt')}`;
      ref = `ghcr.io/${repo}:stable`;
      v1 = await h.pushImage(repo, 'stable', 'rt-1');
      name = h.unique('rt');
      unit = await h.startUnit(name, ref, { says: `hello from ${name}` });
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it("lists the unit's container: its unit label, running, its name, the reference and the image id of the tag", async () => {
      const c = await runningContainerOf(unit);
      expect(c, `a running container labelled ${UNIT_LABEL}=${unit}`).toBeDefined();
      const image = await h.runtime.inspectImage(ref);
      expect(c).toMatchObject({ state: 'running', image: ref, imageId: image?.id });
      expect(c?.names).toContain(name);
      expect(c?.id).toMatch(/\S/);
      expect(c?.startedAt).toBeGreaterThan(0);
    });

    it('inspects a pulled image by reference and by id: its tag, and the registry digest under its repository', async () => {
      const byRef = await h.runtime.inspectImage(ref);
      expect(byRef).toBeDefined();
      const byId = await h.runtime.inspectImage(byRef?.id ?? '');
      expect(byId).toEqual(byRef);
      expect(byRef?.repoTags).toContain(ref);
      expect(byRef?.repoDigests).toContain(`ghcr.io/${repo}@${v1}`);
      // The engine compares the registry digest with the first digest recorded for the repository it follows.
      expect(imageDigests(byRef!, `ghcr.io/${repo}`)[0]).toBe(v1);
      expect(byRef?.created).toBeGreaterThan(0);
    });

    it('inspecting a reference or an id it does not have answers undefined', async () => {
      expect(await h.runtime.inspectImage(`ghcr.io/${repo}:never-pushed`)).toBeUndefined();
      expect(await h.runtime.inspectImage('f'.repeat(64))).toBeUndefined();
    });

    it('pull resolves with the image id and moves the tag to the new version, reporting progress; running containers keep theirs', async () => {
      const before = await h.runtime.inspectImage(ref);
      const v2 = await h.pushImage(repo, 'stable', 'rt-2');
      const progress: string[] = [];
      const id = await h.runtime.pull(ref, (line) => progress.push(line));
      const now = await h.runtime.inspectImage(ref);
      expect(now?.id).toBe(id);
      expect(id).not.toBe(before?.id);
      expect(imageDigests(now!, `ghcr.io/${repo}`)[0]).toBe(v2);
      expect(progress.length).toBeGreaterThan(0);
      expect((await runningContainerOf(unit))?.imageId).toBe(before?.id);
      expect((await h.runtime.listImages()).find((i) => i.id === id)?.repoTags).toContain(ref);
    });

    it('a pull of a tag the registry does not have rejects with IMAGE_NOT_FOUND and tags nothing', async () => {
      const missing = `ghcr.io/${repo}:no-such-tag`;
      const err = await rejection(h.runtime.pull(missing, () => undefined));
      expect(err.code).toBe('IMAGE_NOT_FOUND');
      expect(await h.runtime.inspectImage(missing)).toBeUndefined();
    });

    it('a pull of a repository the registry does not have rejects with IMAGE_NOT_FOUND', async () => {
      const err = await rejection(
        h.runtime.pull(`ghcr.io/acme-corp/${h.unique('nobody')}:1`, () => undefined),
      );
      expect(err.code).toBe('IMAGE_NOT_FOUND');
    });

    it('tag points the reference at another image and back (a rollback)', async () => {
      const running = (await runningContainerOf(unit))?.imageId ?? '';
      const current = (await h.runtime.inspectImage(ref))?.id ?? '';
      expect(running).not.toBe(current);
      await h.runtime.tag(running, ref);
      expect((await h.runtime.inspectImage(ref))?.id).toBe(running);
      expect((await h.runtime.inspectImage(running))?.repoTags).toContain(ref);
      await h.runtime.tag(current, ref);
      expect((await h.runtime.inspectImage(ref))?.id).toBe(current);
    });

    it('tag of an image it does not have rejects with IMAGE_NOT_FOUND', async () => {
      const err = await rejection(h.runtime.tag('e'.repeat(64), `ghcr.io/${repo}:ghost`));
      expect(err.code).toBe('IMAGE_NOT_FOUND');
    });

    it('removeImage: in-use for the image of a running container, missing for an unknown id, removed otherwise', async () => {
      const running = (await runningContainerOf(unit))?.imageId ?? '';
      expect(await h.runtime.removeImage(running)).toBe('in-use');
      expect(await h.runtime.inspectImage(running)).toBeDefined();

      expect(await h.runtime.removeImage('d'.repeat(64))).toBe('missing');

      const spare = `ghcr.io/${repo}:spare`;
      await h.pushImage(repo, 'spare', 'rt-spare');
      const id = await h.runtime.pull(spare, () => undefined);
      expect(await h.runtime.removeImage(id)).toBe('removed');
      expect(await h.runtime.inspectImage(id)).toBeUndefined();
      expect(await h.runtime.inspectImage(spare)).toBeUndefined();
    });

    it("containerLogs: what the unit's container printed; nothing for a container it does not have", async () => {
      const c = await runningContainerOf(unit);
      const lines = await eventually(async () => {
        const l = await h.runtime.containerLogs(c?.id ?? '', 10);
        return l.length > 0 ? l : undefined;
      }, 'container log');
      expect(lines).toContain(`hello from ${name}`);
      expect(await h.runtime.containerLogs('c'.repeat(64), 10)).toEqual([]);
    });
  });
}
