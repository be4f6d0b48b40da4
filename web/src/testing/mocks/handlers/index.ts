import { adminHandlers } from './admin';
import { eventHandlers } from './events';
import { policyHandlers } from './policies';
import { sessionHandlers } from './session';
import { snapshotHandlers } from './snapshot';
import { taskHandlers } from './tasks';
import { unitHandlers } from './units';

/** Every endpoint of the task panel's API, answered from the recorded fixtures. */
export const handlers = [
  ...sessionHandlers,
  ...snapshotHandlers,
  ...taskHandlers,
  ...unitHandlers,
  ...policyHandlers,
  ...eventHandlers,
  ...adminHandlers,
];
