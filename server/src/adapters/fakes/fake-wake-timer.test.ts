import { describeWakeTimer } from '../contracts/wake-timer.contract.js';
import { fakeHarness } from './fake-harness.js';
import { FakeWakeTimer } from './fake-wake-timer.js';

describeWakeTimer('FakeWakeTimer', () => {
  const h = fakeHarness();
  return { ...h, wake: new FakeWakeTimer(h.host) };
});
