import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PolicyReply } from '@contract';
import type { UpdatePolicy } from '@vocabulary';
import { apiRequest } from '@/lib/api-client';
import { afterPolicyChange, unitPath } from './policy-change';

/**
 * One part of a unit's runtime override; the parts left out stay as they are. null (or "default" for the
 * policy) drops that part: the unit's labels, PODUP_UNITS or the defaults apply to it again.
 */
export interface SetUnitPolicyInput {
  unit: string;
  policy?: UpdatePolicy | 'default';
  /** "3d", "12h", "0". */
  minAge?: string | null;
  /** "Sat 02:00-05:00 Europe/Berlin", several separated by ";". */
  window?: string | null;
}

/** PUT /api/units/:unit/policy: the runtime override, persisted; it wins over labels and configuration. */
export const setUnitPolicy = ({ unit, ...body }: SetUnitPolicyInput): Promise<PolicyReply> =>
  apiRequest<PolicyReply>(`${unitPath(unit)}/policy`, { method: 'PUT', body });

export function useSetUnitPolicy() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: setUnitPolicy, onSuccess: () => afterPolicyChange(queryClient) });
}
