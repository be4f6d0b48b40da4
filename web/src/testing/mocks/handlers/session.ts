import { http, HttpResponse } from 'msw';
import { SignInBody } from '@contract';
import { getDb, session, signIn, signOut } from '../db';
import { errorResponse, guard, issues, jsonBody, unauthorized, wait } from './utils';

export const sessionHandlers = [
  http.get('/api/session', async () => {
    await wait();
    // auth-error: every /api call is 401, this one included, until someone signs in.
    if (getDb().profile === 'auth-error' && !getDb().signedIn) return unauthorized();
    return HttpResponse.json(session());
  }),

  http.post('/api/session', async ({ request }) => {
    await wait();
    const parsed = SignInBody.safeParse(await jsonBody(request));
    if (!parsed.success) return errorResponse(400, 'BAD_REQUEST', issues(parsed.error));
    const result = signIn(parsed.data.token);
    if (result === 'blocked')
      return errorResponse(429, 'RATE_LIMITED', 'too many failed sign-ins from this address', {
        headers: { 'retry-after': '60' },
      });
    if (result === 'wrong') return errorResponse(401, 'UNAUTHORIZED', 'wrong admin token');
    return HttpResponse.json(session(), {
      headers: { 'set-cookie': 'podup_session=mock; Path=/; HttpOnly; SameSite=Strict' },
    });
  }),

  http.delete('/api/session', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    signOut();
    return new HttpResponse(null, { status: 204 });
  }),
];
