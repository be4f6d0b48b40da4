/** The recorded fixtures (tests/mock-recorder writes them: `npm run mocks:record`). */
import type { DataFixture, TransportFixture } from './fixture-format';
import busy from './fixtures/busy.json';
import degraded from './fixtures/degraded.json';
import empty from './fixtures/empty.json';
import happyPath from './fixtures/happy-path.json';
import realHost from './fixtures/real-host.json';
import transport from './fixtures/transport.json';
import type { DataName } from './profiles';

export const DATA_FIXTURES: Record<DataName, DataFixture> = {
  'happy-path': happyPath as unknown as DataFixture,
  empty: empty as unknown as DataFixture,
  busy: busy as unknown as DataFixture,
  degraded: degraded as unknown as DataFixture,
  'real-host': realHost as unknown as DataFixture,
};

export const TRANSPORT: TransportFixture = transport as unknown as TransportFixture;
