import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ChannelsReply } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** GET /api/v1/notifications/channels: every channel (URL redacted) with its last deliveries and failures. */
export const getChannels = (signal?: AbortSignal): Promise<ChannelsReply> =>
  apiRequest<ChannelsReply>('/api/v1/notifications/channels', { signal });

export const getChannelsQueryOptions = () =>
  queryOptions({
    queryKey: ['notification-channels'],
    queryFn: ({ signal }) => getChannels(signal),
    // Deliveries move on their own (retries with backoff): look again now and then.
    refetchInterval: 15_000,
  });

export const useChannels = () => useQuery(getChannelsQueryOptions());
