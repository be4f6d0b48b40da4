/**
 * The answers that do not depend on the host's data: sessions, and what podup answers without a session,
 * without the CSRF token, over the failed-authentication limit, and to input the contract refuses. The
 * rate-limited and auth-error profiles are made of these; every profile signs in and out with them.
 */
import type { ErrorBody } from '../../server/src/contract/api.js';
import type { Recorded, TransportFixture } from '../../web/src/testing/mocks/fixture-format.js';
import { ADMIN_TOKEN } from '../helpers/github.js';
import { RECORDED_ORIGIN } from './panel-client.js';
import { Recording } from './recording.js';

const MISSING_TASK = 'tsk_NOPE';
const MISSING_UNIT = 'nope.service';

export async function recordTransport(): Promise<TransportFixture> {
  // Five wrong tokens per ten minutes: the sixth is refused (the default allows ten).
  const rec = await Recording.open(
    { PODUP_RATE_LIMIT_BAD_SIGNATURE: '5/10m' },
    { acme: false, signIn: false },
  );
  const { client } = rec;
  const signedOut = await client.get('/api/session');
  const unauthorized = await client.get('/api/overview');
  const emptyToken = await client.post('/api/session', { token: '' });
  const signIn = await rec.signIn();
  const session = await client.get('/api/session');
  const csrfRefused = await client.post('/api/tasks', { all: true }, { noCsrf: true });
  const taskNotFound = await client.get(`/api/tasks/${MISSING_TASK}`);
  const unitNotFound = await client.post(`/api/units/${MISSING_UNIT}/update`, {});
  const badTasksQuery = await client.get('/api/tasks?limit=5000');
  const badEventsQuery = await client.get('/api/events?outcome=maybe');
  const badBody = await client.post(`/api/units/${MISSING_UNIT}/update`, { sudo: true });
  const signOut = await client.delete('/api/session');
  rec.client.forgetSession();

  const wrongTokens: Recorded[] = [];
  for (let i = 1; i <= 20 && wrongTokens.at(-1)?.status !== 429; i++)
    wrongTokens.push(await client.post('/api/session', { token: `wrong-token-${i}` }));
  const rateLimited = await client.post(
    '/api/tasks',
    { all: true },
    { headers: { authorization: 'Bearer wrong-token-0' } },
  );

  const errors = { unauthorized, emptyToken, csrfRefused, taskNotFound, unitNotFound, badTasksQuery };
  const more = { badEventsQuery, badBody, rateLimited };
  return rec.finish({
    origin: RECORDED_ORIGIN,
    token: ADMIN_TOKEN,
    session,
    signedOut,
    signIn,
    wrongTokens: wrongTokens as Recorded<ErrorBody>[],
    signOut,
    missingTask: MISSING_TASK,
    missingUnit: MISSING_UNIT,
    ...(errors as Record<keyof typeof errors, Recorded<ErrorBody>>),
    ...(more as Record<keyof typeof more, Recorded<ErrorBody>>),
  } as TransportFixture);
}
