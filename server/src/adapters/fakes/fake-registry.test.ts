import { describeDigestResolver } from '../contracts/digest-resolver.contract.js';
import { fakeHarness } from './fake-harness.js';

describeDigestResolver('FakeRegistry', () => fakeHarness());
