import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TestDeliveryReply } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** POST /api/v1/settings/test-delivery: a signed ping to the webhook URL GitHub is given, and what answered. */
export const sendTestDelivery = (): Promise<TestDeliveryReply> =>
  apiRequest<TestDeliveryReply>('/api/v1/settings/test-delivery', { method: 'POST' });

export const useSendTestDelivery = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: sendTestDelivery,
    // The ping is a delivery in the event log like any other.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['events'] }),
  });
};
