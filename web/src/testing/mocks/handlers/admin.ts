/**
 * The Tokens and Notifications pages: lists as recorded (and as the panel changed them), the recorded answers
 * to creating and revoking a token, sending a test, adding, changing and removing a channel. The echo of input: a
 * created token or added or changed channel carries the name, scopes, units and events typed (its plain text is
 * the recorded stand-in). A channel of PODUP_NOTIFY answers its change as recorded: refused.
 */
import { http, HttpResponse } from 'msw';
import { ChannelBody, ChannelPatch, CreateTokenBody } from '@contract';
import { replay } from '../replay';
import { mockState, recordedTransport, sinceRecording } from '../state';
import { guard, jsonBody, respond } from './utils';

const moved = <T>(value: T): T => replay(value, { shiftMs: sinceRecording() });

export const adminHandlers = [
  http.get('/api/v1/tokens', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const recorded = mockState().data.tokens.list;
    if (recorded.status !== 200) return respond(recorded);
    return HttpResponse.json({ tokens: mockState().tokens });
  }),

  http.post('/api/v1/tokens', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = CreateTokenBody.safeParse(await jsonBody(request));
    if (!parsed.success) return respond(recordedTransport().badBody);
    const answer = moved(mockState().data.tokens.create.reply);
    if (answer.status !== 201) return respond(answer);
    const { name, scopes, units } = parsed.data;
    const body = { ...answer.body, name, scopes, units: units ?? ['*'] };
    const { token: _secret, ...listed } = body;
    mockState().tokens = [...mockState().tokens.filter((t) => t.name !== name), listed].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    return respond({ ...answer, body });
  }),

  http.delete<{ name: string }>('/api/v1/tokens/:name', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const answer = mockState().data.tokens.revoke;
    if (answer.status < 300) mockState().tokens = mockState().tokens.filter((t) => t.name !== params.name);
    return respond(answer);
  }),

  http.get('/api/v1/notifications/channels', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const recorded = moved(mockState().data.notifications.channels);
    if (recorded.status !== 200) return respond(recorded);
    return HttpResponse.json({ ...recorded.body, channels: mockState().channels });
  }),

  http.post<{ id: string }>('/api/v1/notifications/channels/:id/test', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const { tests } = mockState().data.notifications;
    const recorded = tests.find((t) => t.channel === params.id) ?? tests[0];
    if (!recorded) return respond(recordedTransport().badBody);
    return respond(replay(recorded.reply, { replace: new Map([[recorded.channel, params.id]]) }));
  }),

  http.post('/api/v1/notifications/channels', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = ChannelBody.safeParse(await jsonBody(request));
    if (!parsed.success) return respond(recordedTransport().badBody);
    const answer = moved(mockState().data.notifications.add.reply);
    if (answer.status !== 201) return respond(answer);
    const { name, events } = parsed.data;
    const body = { ...answer.body, ...(name ? { name } : {}), ...(events ? { events } : {}) };
    mockState().channels = [...mockState().channels, body];
    return respond({ ...answer, body });
  }),

  http.patch<{ id: string }>('/api/v1/notifications/channels/:id', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = ChannelPatch.safeParse(await jsonBody(request));
    if (!parsed.success) return respond(recordedTransport().badBody);
    const current = mockState().channels.find((c) => c.id === params.id);
    const { change, changeEnv } = mockState().data.notifications;
    if (current?.source === 'env') return respond(changeEnv);
    const answer = moved(change.reply);
    if (answer.status !== 200 || !current) return respond(answer);
    const { name, events } = parsed.data;
    const body = { ...current, ...(name ? { name } : {}), ...(events ? { events } : {}) };
    mockState().channels = mockState().channels.map((c) => (c.id === params.id ? body : c));
    return respond({ ...answer, body });
  }),

  http.delete<{ id: string }>('/api/v1/notifications/channels/:id', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const answer = mockState().data.notifications.remove;
    if (answer.status < 300) mockState().channels = mockState().channels.filter((c) => c.id !== params.id);
    return respond(answer);
  }),
];
