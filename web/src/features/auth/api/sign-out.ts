import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest, setCsrfToken } from '@/lib/api-client';
import { SIGNED_OUT, sessionQueryKey } from './get-session';

/** DELETE /api/session: 204, the cookie is cleared. */
export async function signOut(): Promise<void> {
  await apiRequest<undefined>('/api/session', { method: 'DELETE', quiet401: true });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSettled: () => {
      setCsrfToken(null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, SIGNED_OUT);
    },
  });
}
