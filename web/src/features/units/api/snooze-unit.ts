import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PolicyReply } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { afterPolicyChange, unitPath } from './policy-change';

/**
 * POST /api/units/:unit/snooze: no update of the unit until then (ISO time, unix ms, or a duration from now
 * such as "1d"); null ends the snooze.
 */
export const snoozeUnit = ({ unit, until }: { unit: string; until: string | null }): Promise<PolicyReply> =>
  apiRequest<PolicyReply>(`${unitPath(unit)}/snooze`, { method: 'POST', body: { until } });

export function useSnoozeUnit() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: snoozeUnit, onSuccess: () => afterPolicyChange(queryClient) });
}
