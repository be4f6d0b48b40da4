import { http, HttpResponse } from 'msw';
import { overview } from '../db';
import { guard } from './utils';

export const overviewHandlers = [
  http.get('/api/overview', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    return HttpResponse.json(overview());
  }),
];
