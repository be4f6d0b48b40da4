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

/** A container's health check (podman run --health-*, Quadlet HealthCmd=, or the image's HEALTHCHECK). */
export interface ContainerHealth {
  /** The check's command; null when the container has none. */
  check: string[] | null;
  /** Podman's verdict: "starting", "healthy", "unhealthy"; "" without a check. */
  status: string;
  failingStreak: number;
  /** --health-on-failure: "none", "kill", "restart", "stop" (podman applies it, not podup). */
  onFailure: string;
  /** What the last run printed, trimmed; null before the first run. */
  lastOutput: string | null;
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
  /** The container's health check and Podman's verdict; undefined when there is no such container. */
  containerHealth(id: string): Promise<ContainerHealth | undefined>;
  /**
   * Runs the container's health check once, as its timer would (retries and --health-on-failure apply), so
   * a verdict comes even where no timer runs the checks. Resolves "gone" when there is no such container,
   * "no-check" when it has no health check.
   */
  runHealthcheck(id: string): Promise<'healthy' | 'unhealthy' | 'gone' | 'no-check'>;
}
