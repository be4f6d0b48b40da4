import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiChannel, ChannelBody, ChannelPatch, TestReply } from '@contract';
import { apiRequest } from '@/lib/api-client';

const base = '/api/v1/notifications/channels';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

/** POST .../:id/test: a test message through the outbox, delivered like any other. */
export const sendTest = (id: string): Promise<TestReply> =>
  apiRequest<TestReply>(`${one(id)}/test`, { method: 'POST' });

/** POST ...: a channel from a service URL (sealed by podup; never shown again in full). */
export const addChannel = (body: ChannelBody): Promise<ApiChannel> =>
  apiRequest<ApiChannel>(base, { method: 'POST', body });

/** PATCH .../:id: a new name or events for a channel added here (those of PODUP_NOTIFY are refused: 409). */
export const changeChannel = ({ id, patch }: { id: string; patch: ChannelPatch }): Promise<ApiChannel> =>
  apiRequest<ApiChannel>(one(id), { method: 'PATCH', body: patch });

/** DELETE .../:id: what it still had to deliver is dropped. */
export const removeChannel = (id: string): Promise<void> => apiRequest<void>(one(id), { method: 'DELETE' });

function useChannelMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['notification-channels'] }),
  });
}

export const useSendTest = () => useChannelMutation(sendTest);
export const useAddChannel = () => useChannelMutation(addChannel);
export const useChangeChannel = () => useChannelMutation(changeChannel);
export const useRemoveChannel = () => useChannelMutation(removeChannel);
