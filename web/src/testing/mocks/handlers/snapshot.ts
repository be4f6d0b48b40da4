/** The reads that replay the snapshot as it was recorded: health, readiness, overview, units, settings. */
import { http } from 'msw';
import { replay } from '../replay';
import { mockState } from '../state';
import { guard, respond, wait } from './utils';

export const snapshotHandlers = [
  http.get('/healthz', async () => {
    await wait();
    return respond(mockState().reads.healthz);
  }),

  http.get('/readyz', async () => {
    await wait();
    return respond(mockState().reads.readyz);
  }),

  http.get(
    '/api/overview',
    async ({ request }) => (await guard(request)) ?? respond(mockState().reads.overview),
  ),

  http.get('/api/units', async ({ request }) => (await guard(request)) ?? respond(mockState().reads.units)),

  http.get('/api/settings', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const { reads, data } = mockState();
    // The webhook URLs name the origin podup was reached on: the browser's, here.
    const origin = new URL(request.url).origin;
    return respond(replay(reads.settings, { replace: new Map([[data.origin, origin]]) }));
  }),
];
