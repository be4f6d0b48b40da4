import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';

/** DELETE /api/v1/tokens/:name: the next request with the token is refused. */
export const revokeToken = (name: string): Promise<void> =>
  apiRequest<void>(`/api/v1/tokens/${encodeURIComponent(name)}`, { method: 'DELETE' });

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
}
