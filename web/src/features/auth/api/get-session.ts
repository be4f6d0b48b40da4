import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Session } from '@contract';
import { apiRequest, setCsrfToken } from '@/lib/api-client';

export const sessionQueryKey = ['session'] as const;

/** GET /api/session: who is signed in and how; remembers the CSRF token for later POSTs and DELETEs. */
export async function getSession(signal?: AbortSignal): Promise<Session> {
  const session = await apiRequest<Session>('/api/session', { signal, quiet401: true });
  setCsrfToken(session.csrfToken);
  return session;
}

export const getSessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => getSession(signal),
    staleTime: 5 * 60_000,
    retry: false,
  });

export const useSession = () => useQuery(getSessionQueryOptions());

/** What the cache holds once any request answered 401. */
export const SIGNED_OUT: Session = { authenticated: false, method: 'none', user: null, csrfToken: null };
