import { describeUnitManager } from '../contracts/unit-manager.contract.js';
import { fakeHarness } from './fake-harness.js';

describeUnitManager('FakeUnitManager', () => fakeHarness());
