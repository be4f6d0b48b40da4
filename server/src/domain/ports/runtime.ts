/**
 * The container runtime (Podman's REST API). Implemented by adapters/podman/podman-api.ts; the fake beside it
 * passes the same contract suite (adapters/contracts/container-runtime.contract.ts).
 */

export interface ContainerInfo {
  id: string;
  names: string[];
  /** The image reference the container was created with. */
  image: string;
  imageId: string;
  state: string;
  labels: Record<string, string>;
  /** Unix ms. */
  startedAt: number;
}

export interface ImageInfo {
  id: string;
  digest: string | null;
  repoDigests: string[];
  repoTags: string[];
  /** Unix ms. */
  created: number;
}

export interface ContainerRuntime {
  listContainers(): Promise<ContainerInfo[]>;
  /** By id or reference; undefined when there is no such image. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  /**
   * Pulls `ref`, reporting progress lines; resolves with the pulled image id. Rejects with an AppError whose
   * code says whether trying again can help: IMAGE_NOT_FOUND and REGISTRY_DENIED cannot, the rest may.
   */
  pull(ref: string, onProgress: (line: string) => void, signal?: AbortSignal): Promise<string>;
  /** Points `ref` (repository:tag) at `imageId`; rejects with IMAGE_NOT_FOUND when there is no such image. */
  tag(imageId: string, ref: string): Promise<void>;
  /** Removes an image that no container uses; "in-use" and "missing" are not errors. */
  removeImage(id: string): Promise<'removed' | 'in-use' | 'missing'>;
  containerLogs(id: string, tail: number): Promise<string[]>;
}
