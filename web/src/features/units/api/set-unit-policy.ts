import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PolicyReply } from '@contract';
import type { UpdatePolicy } from '@vocabulary';
import { apiRequest } from '@/lib/api-client';
import { afterPolicyChange, unitPath } from './policy-change';

export interface SetUnitPolicyInput {
  unit: string;
  /** "default" drops the runtime override: the unit's labels, PODUP_UNITS and the defaults apply again. */
  policy: UpdatePolicy | 'default';
}

/** PUT /api/units/:unit/policy: the runtime override, persisted; it wins over labels and configuration. */
export const setUnitPolicy = ({ unit, policy }: SetUnitPolicyInput): Promise<PolicyReply> =>
  apiRequest<PolicyReply>(`${unitPath(unit)}/policy`, { method: 'PUT', body: { policy } });

export function useSetUnitPolicy() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: setUnitPolicy, onSuccess: () => afterPolicyChange(queryClient) });
}
