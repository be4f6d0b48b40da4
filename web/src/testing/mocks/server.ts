import { setupServer } from 'msw/node';
import { handlers } from './handlers';

/** MSW for Vitest (jsdom): the same handlers the browser mock uses. */
export const server = setupServer(...handlers);
