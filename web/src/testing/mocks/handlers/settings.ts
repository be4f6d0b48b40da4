import { http, HttpResponse } from 'msw';
import { settings } from '../db';
import { guard } from './utils';

export const settingsHandlers = [
  http.get('/api/settings', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    return HttpResponse.json(settings(new URL(request.url).origin));
  }),
];
