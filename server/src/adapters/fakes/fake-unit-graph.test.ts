import { describeUnitGraph } from '../contracts/unit-graph.contract.js';
import { fakeHarness } from './fake-harness.js';

describeUnitGraph('FakeUnitManager', () => fakeHarness());
