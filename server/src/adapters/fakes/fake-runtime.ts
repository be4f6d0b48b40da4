/** The ContainerRuntime port over a FakeHost: what the Podman API answers, held to the same contract suite. */
import type {
  ContainerHealth,
  ContainerInfo,
  ContainerRuntime,
  ImageInfo,
} from '../../domain/ports/index.js';
import { AppError } from '../../errors.js';
import { FakeHost } from './fake-host.js';

export class FakeRuntime implements ContainerRuntime {
  constructor(private readonly host: FakeHost) {}

  async listContainers(): Promise<ContainerInfo[]> {
    this.host.ensureUp('podman');
    return this.host.containers.map((c) => ({ ...c, names: [...c.names], labels: { ...c.labels } }));
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    this.host.inspected.push(ref);
    this.host.ensureUp('podman');
    const error = this.host.inspectErrors.get(ref);
    if (error) throw error;
    const id = this.host.resolveImage(ref);
    return id === undefined ? undefined : this.host.imageInfo(id);
  }

  async listImages(): Promise<ImageInfo[]> {
    this.host.ensureUp('podman');
    return [...this.host.images.keys()].map((id) => this.host.imageInfo(id) as ImageInfo);
  }

  async pull(ref: string, onProgress: (line: string) => void, signal?: AbortSignal): Promise<string> {
    this.host.calls.push(`pull ${ref}`);
    this.host.ensureUp('podman');
    if (signal?.aborted) throw new AppError('PODMAN_ERROR', `pull of ${ref} interrupted: aborted`);
    const error = this.host.pullErrors.get(ref)?.shift();
    if (error) throw error;
    this.host.ensureUp('registry');
    const remote = this.host.remoteImage(ref);
    if (!remote) throw FakeHost.notFound(ref);
    onProgress(`Trying to pull ${ref}...`);
    onProgress(`Copying blob ${remote.id}`);
    onProgress('Writing manifest to image destination');
    return this.host.download(ref) as string;
  }

  async tag(imageId: string, ref: string): Promise<void> {
    this.host.calls.push(`tag ${imageId} ${ref}`);
    this.host.ensureUp('podman');
    const id = this.host.resolveImage(imageId);
    if (id === undefined) throw new AppError('IMAGE_NOT_FOUND', `tag of ${imageId}: image not known`);
    this.host.tags.set(ref, id);
  }

  async removeImage(id: string): Promise<'removed' | 'in-use' | 'missing'> {
    this.host.calls.push(`remove ${id}`);
    this.host.ensureUp('podman');
    if (!this.host.images.has(id)) return 'missing';
    if (this.host.containers.some((c) => c.imageId === id)) return 'in-use';
    this.host.images.delete(id);
    for (const [ref, v] of this.host.tags) if (v === id) this.host.tags.delete(ref);
    return 'removed';
  }

  async containerLogs(id: string, tail: number): Promise<string[]> {
    this.host.calls.push(`logs ${id}`);
    this.host.ensureUp('podman');
    return (this.host.logs.get(id) ?? []).slice(-tail);
  }

  async containerHealth(id: string): Promise<ContainerHealth | undefined> {
    this.host.ensureUp('podman');
    return this.host.healthOf(id);
  }

  async runHealthcheck(id: string): Promise<'healthy' | 'unhealthy' | 'gone' | 'no-check'> {
    this.host.calls.push(`healthcheck ${id}`);
    this.host.ensureUp('podman');
    return this.host.runHealthcheck(id);
  }
}
