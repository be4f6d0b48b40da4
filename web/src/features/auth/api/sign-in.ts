import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Session } from '@contract';
import { apiRequest, setCsrfToken } from '@/lib/api-client';
import { sessionQueryKey } from './get-session';

/** POST /api/session {token}: sets the HttpOnly session cookie. 401 wrong token, 429 too many tries. */
export async function signIn(token: string): Promise<Session> {
  const session = await apiRequest<Session>('/api/session', {
    method: 'POST',
    body: { token },
    quiet401: true,
  });
  setCsrfToken(session.csrfToken);
  return session;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (session) => {
      // Everything cached before belonged to "signed out" (401s): start over.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, session);
    },
  });
}
