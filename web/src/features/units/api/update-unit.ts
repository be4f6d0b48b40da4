import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TriggerReply } from '@contract';
import { apiRequest } from '@/lib/api-client';

export interface UpdateUnitInput {
  unit: string;
  dryRun?: boolean;
  reason?: string;
}

/** POST /api/units/:unit/update: 202 queued {taskId}, or 200 dry-run {plan}. */
export const updateUnit = ({ unit, ...body }: UpdateUnitInput): Promise<TriggerReply> =>
  apiRequest<TriggerReply>(`/api/units/${encodeURIComponent(unit)}/update`, { method: 'POST', body });

export function useUpdateUnit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUnit,
    onSuccess: (reply) => {
      if (reply.status !== 'queued') return;
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    },
  });
}
