/**
 * GET /api/v1/notifications/channels: every channel (PODUP_NOTIFY's and those added here), with its last
 * deliveries and failures; POST adds one (its URL is sealed and never answered again), PATCH .../:id changes
 * one, DELETE .../:id removes one, POST .../:id/test queues a test message through the outbox. Admin.
 */
import type { FastifyInstance } from 'fastify';
import {
  ChannelBody,
  ChannelPatch,
  type ApiChannel,
  type ChannelsReply,
  type TestReply,
} from '../../contract/api.js';
import { parseInput } from '../../contract/parse.js';
import { NOTIFY_EVENTS } from '../../contract/vocabulary.js';
import { toApiChannel } from '../../contract/views.js';
import { api, type RequireScope } from '../api-paths.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

type IdParams = { Params: { id: string } };

export function notificationRoutes(deps: Deps, need: RequireScope) {
  const { notifications } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', need('admin'));

    const channels = api('/notifications/channels');
    app.get(channels, async (): Promise<ChannelsReply> => ({
      channels: notifications.list().map(toApiChannel),
      events: [...NOTIFY_EVENTS],
      secretConfigured: notifications.secretConfigured,
    }));
    app.post(channels, async (request, reply): Promise<ApiChannel> => {
      const body = parseInput(ChannelBody, request.body ?? {}, 'BAD_REQUEST');
      reply.code(201);
      return toApiChannel(await notifications.add(body, originOf(request)));
    });

    const channel = api('/notifications/channels/:id');
    app.patch<IdParams>(channel, async (request): Promise<ApiChannel> => {
      const body = parseInput(ChannelPatch, request.body ?? {}, 'BAD_REQUEST');
      return toApiChannel(await notifications.update(request.params.id, body, originOf(request)));
    });
    app.delete<IdParams>(channel, async (request, reply) => {
      await notifications.remove(request.params.id, originOf(request));
      return reply.code(204).send();
    });

    app.post<IdParams>(
      api('/notifications/channels/:id/test'),
      async (request, reply): Promise<TestReply> => {
        const { dedupKey } = await notifications.test(request.params.id, originOf(request));
        reply.code(202);
        return { status: 'queued', dedupKey };
      },
    );
  };
}
