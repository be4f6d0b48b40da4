/**
 * A unit's policy, skip, snooze (they change the unit the Units page shows), and the schedules: the recorded
 * reads and the exchanges recorded for changes.
 */
import { http } from 'msw';
import { PolicyBody, ScheduleBody, ScheduleEditBody, SkipBody, SnoozeBody } from '@contract';
import { previewNow } from '../cron-runs';
import { mockState, recordedTransport, sinceRecording } from '../state';
import { exchange, notRecorded } from '../task-actions';
import { changeUnit } from '../unit-policy';
import { guard, jsonBody, respond } from './utils';

type Unit = { unit: string };
type Name = { name: string };

const body = async (
  request: Request,
  schema: { safeParse(v: unknown): { success: boolean; data?: unknown } },
) => {
  const parsed = schema.safeParse(await jsonBody(request));
  return parsed.success ? (parsed.data as Record<string, unknown>) : undefined;
};

export const policyHandlers = [
  http.get(
    '/api/schedules',
    async ({ request }) => (await guard(request)) ?? respond(mockState().reads.schedules),
  ),

  http.get('/api/schedules/preview', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const q = new URL(request.url).searchParams;
    const found = mockState().data.previews.find(
      (p) => p.cron === q.get('cron') && p.zone === (q.get('zone') ?? 'UTC'),
    );
    return respond(
      found
        ? previewNow(found.reply, sinceRecording())
        : notRecorded(`a preview of "${q.get('cron') ?? ''}" in ${q.get('zone') ?? 'UTC'}`),
    );
  }),

  http.put<Unit>('/api/units/:unit/policy', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const b = await body(request, PolicyBody);
    return respond(
      b ? changeUnit('PUT', `/api/units/${params.unit}/policy`, b) : recordedTransport().badBody,
    );
  }),

  ...(
    [
      ['skip', SkipBody],
      ['snooze', SnoozeBody],
    ] as const
  ).map(([action, schema]) =>
    http.post<Unit>(`/api/units/:unit/${action}`, async ({ request, params }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const b = await body(request, schema);
      return respond(
        b ? changeUnit('POST', `/api/units/${params.unit}/${action}`, b) : recordedTransport().badBody,
      );
    }),
  ),

  http.post('/api/schedules', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const b = await body(request, ScheduleBody);
    return respond(b ? exchange('POST', '/api/schedules', b) : recordedTransport().badBody);
  }),

  http.put<Name>('/api/schedules/:name', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const b = await body(request, ScheduleEditBody);
    return respond(b ? exchange('PUT', `/api/schedules/${params.name}`, b) : recordedTransport().badBody);
  }),

  http.delete<Name>(
    '/api/schedules/:name',
    async ({ request, params }) =>
      (await guard(request)) ?? respond(exchange('DELETE', `/api/schedules/${params.name}`, {})),
  ),

  ...(['pause', 'resume', 'run'] as const).map((action) =>
    http.post<Name>(
      `/api/schedules/:name/${action}`,
      async ({ request, params }) =>
        (await guard(request)) ?? respond(exchange('POST', `/api/schedules/${params.name}/${action}`, {})),
    ),
  ),
];
