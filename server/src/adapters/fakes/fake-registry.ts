/** The DigestResolver port over a FakeHost's registry, held to the same contract suite as RegistryClient. */
import type { DigestLookup, DigestResolver } from '../../domain/ports/index.js';
import { AppError } from '../../errors.js';
import { repositoryOf, type FakeHost } from './fake-host.js';

export class FakeRegistry implements DigestResolver {
  constructor(private readonly host: FakeHost) {}

  async digest(reference: string, options: DigestLookup = {}): Promise<{ digest: string; endpoint: string }> {
    this.host.lookups.push({ reference, maxAgeMs: options.maxAgeMs, signal: options.signal });
    this.host.ensureUp('registry');
    const error = this.host.lookupErrors.get(reference);
    if (error) throw error;
    const endpoint = repositoryOf(reference);
    const remote = this.host.remote.get(reference);
    if (!remote)
      throw new AppError(
        'IMAGE_NOT_FOUND',
        `no digest for ${reference}: ${endpoint}: manifest unknown (404)`,
      );
    return { digest: remote.digest, endpoint };
  }

  async created(reference: string, digest: string): Promise<number | null> {
    this.host.createdLookups.push({ reference, digest });
    this.host.ensureUp('registry');
    const error = this.host.lookupErrors.get(reference) ?? this.host.createdErrors.get(digest);
    if (error) throw error;
    const remote = this.host.remoteImage(`${repositoryOf(reference)}@${digest}`);
    if (!remote)
      throw new AppError(
        'IMAGE_NOT_FOUND',
        `no created time for ${reference}@${digest}: ${repositoryOf(reference)}: manifest unknown (404)`,
      );
    return remote.created;
  }
}
