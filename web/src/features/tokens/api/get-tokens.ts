import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TokensReply } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** GET /api/v1/tokens: name, scopes, units, created, expires, last use; never a token itself. */
export const getTokens = (signal?: AbortSignal): Promise<TokensReply> =>
  apiRequest<TokensReply>('/api/v1/tokens', { signal });

export const getTokensQueryOptions = () =>
  queryOptions({ queryKey: ['tokens'], queryFn: ({ signal }) => getTokens(signal) });

export const useTokens = () => useQuery(getTokensQueryOptions());
