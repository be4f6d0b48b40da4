import { QueryClientProvider, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { CrashFallback, ErrorBoundary } from '@/components/error-boundary';
import { ToastProvider } from '@/components/toast';
import { SIGNED_OUT, sessionQueryKey } from '@/features/auth/api/get-session';
import { onUnauthorized } from '@/lib/api-client';
import { createQueryClient } from '@/lib/query-client';

/** Any 401 marks the session signed out; the layout then sends the user to the sign-in page. */
function UnauthorizedWatcher() {
  const queryClient = useQueryClient();
  useEffect(() => onUnauthorized(() => queryClient.setQueryData(sessionQueryKey, SIGNED_OUT)), [queryClient]);
  return null;
}

export function AppProvider({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <ErrorBoundary fallback={(error, reset) => <CrashFallback error={error} reset={reset} />}>
      <QueryClientProvider client={client}>
        <ToastProvider>
          <UnauthorizedWatcher />
          {children}
        </ToastProvider>
      </QueryClientProvider>
    </ErrorBoundary>
  );
}
