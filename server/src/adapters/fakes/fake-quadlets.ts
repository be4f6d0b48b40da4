/** The QuadletSource port over a FakeHost's Quadlet files. */
import type { QuadletFile, QuadletSource } from '../../domain/ports/index.js';
import type { FakeHost } from './fake-host.js';

export class FakeQuadlets implements QuadletSource {
  constructor(private readonly host: FakeHost) {}

  async read(): Promise<QuadletFile[]> {
    if (this.host.quadletError) throw this.host.quadletError;
    return this.host.quadlets.map((f) => ({ ...f }));
  }
}
