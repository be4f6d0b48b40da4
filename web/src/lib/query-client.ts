import { QueryClient, type DefaultOptions } from '@tanstack/react-query';
import { isApiError } from './api-client';

/** 4xx answers (401, 404, 409, 429, ...) will not change by asking again; network trouble and 5xx may. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export const queryConfig: DefaultOptions = {
  queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: true },
  mutations: { retry: false },
};

export function createQueryClient(overrides?: DefaultOptions): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { ...queryConfig.queries, ...overrides?.queries },
      mutations: { ...queryConfig.mutations, ...overrides?.mutations },
    },
  });
}
