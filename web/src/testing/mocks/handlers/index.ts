import { eventHandlers } from './events';
import { healthHandlers } from './health';
import { overviewHandlers } from './overview';
import { sessionHandlers } from './session';
import { settingsHandlers } from './settings';
import { taskHandlers } from './tasks';
import { unitHandlers } from './units';

/** Every endpoint of the task panel's API, one file per resource. */
export const handlers = [
  ...sessionHandlers,
  ...healthHandlers,
  ...overviewHandlers,
  ...taskHandlers,
  ...unitHandlers,
  ...eventHandlers,
  ...settingsHandlers,
];
