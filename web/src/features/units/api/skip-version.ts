import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PolicyReply } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { afterPolicyChange, unitPath } from './policy-change';

/** POST /api/units/:unit/skip: never move the unit to this digest; a task waiting for it is cancelled. */
export const skipVersion = ({ unit, digest }: { unit: string; digest: string }): Promise<PolicyReply> =>
  apiRequest<PolicyReply>(`${unitPath(unit)}/skip`, { method: 'POST', body: { digest } });

export function useSkipVersion() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: skipVersion, onSuccess: () => afterPolicyChange(queryClient) });
}
