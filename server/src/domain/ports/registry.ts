/**
 * Registries: which manifest digest a tag points at now. Implemented by adapters/registry/registry-client.ts;
 * the fake beside it passes the same contract suite (adapters/contracts/digest-resolver.contract.ts).
 */

export interface DigestLookup {
  signal?: AbortSignal | undefined;
  /** Accept a cached answer at most this old; 0 asks the registry. */
  maxAgeMs?: number | undefined;
}

export interface DigestResolver {
  /**
   * The manifest digest a tag points at, and where it was read. Rejects with an AppError: IMAGE_NOT_FOUND
   * (no such tag or repository), REGISTRY_DENIED (credentials refused), REGISTRY_UNAVAILABLE, REGISTRY_ERROR.
   */
  digest(reference: string, options?: DigestLookup): Promise<{ digest: string; endpoint: string }>;
  /**
   * When the image behind manifest `digest` of `reference`'s repository says it was created (unix ms; for an
   * index, its manifest for this host's platform), null when its config names no time. Costs requests beyond
   * the digest lookup: asked only when a minimum image age needs it. Rejects like digest().
   */
  created(reference: string, digest: string, options?: DigestLookup): Promise<number | null>;
}
