import { describeContainerHealth } from '../contracts/container-health.contract.js';
import { fakeHarness } from './fake-harness.js';

describeContainerHealth('FakeRuntime', () => fakeHarness());
