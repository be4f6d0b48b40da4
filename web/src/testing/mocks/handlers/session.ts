import { http } from 'msw';
import { SignInBody } from '@contract';
import { mockState, recordedTransport } from '../state';
import { signIn } from '../task-actions';
import { jsonBody, respond, wait } from './utils';

export const sessionHandlers = [
  http.get('/api/session', async () => {
    await wait();
    const t = recordedTransport();
    const s = mockState();
    // auth-error: every /api call is 401 until someone signs in, this one included.
    if (!s.signedIn && s.setup.transport === 'auth-error') return respond(t.unauthorized);
    return respond(s.signedIn ? t.session : t.signedOut);
  }),

  http.post('/api/session', async ({ request }) => {
    await wait();
    const parsed = SignInBody.safeParse(await jsonBody(request));
    if (!parsed.success) return respond(recordedTransport().emptyToken);
    return respond(signIn(parsed.data.token));
  }),

  http.delete('/api/session', async () => {
    await wait();
    const s = mockState();
    const t = recordedTransport();
    if (s.setup.transport === 'rate-limited') return respond(t.rateLimited);
    s.signedIn = false;
    return respond(t.signOut);
  }),
];
