import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreatedToken, CreateTokenBody } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** POST /api/v1/tokens: the answer holds the token's plain text, the only time it is shown. */
export const createToken = (body: CreateTokenBody): Promise<CreatedToken> =>
  apiRequest<CreatedToken>('/api/v1/tokens', { method: 'POST', body });

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
}
