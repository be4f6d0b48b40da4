import { describeContainerRuntime } from '../contracts/container-runtime.contract.js';
import { fakeHarness } from './fake-harness.js';

describeContainerRuntime('FakeRuntime', () => fakeHarness());
