import { http } from 'msw';
import { UpdateUnitBody } from '@contract';
import { recordedTransport } from '../state';
import { trigger } from '../task-actions';
import { guard, jsonBody, respond } from './utils';

export const unitHandlers = [
  http.post<{ unit: string }>('/api/units/:unit/update', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = UpdateUnitBody.safeParse(await jsonBody(request));
    if (!parsed.success) return respond(recordedTransport().badBody);
    return respond(trigger(`/api/units/${params.unit}/update`, parsed.data));
  }),
];
