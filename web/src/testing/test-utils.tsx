import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RouterProvider } from 'react-router';
import { AppProvider } from '@/app/provider';
import { createTestRouter } from '@/app/router';
import { createQueryClient } from '@/lib/query-client';
import { resetDb, type Profile } from './mocks/db';

/**
 * The whole app (real provider, real routes) at `url`, against the MSW handlers with the given fixture
 * profile. Queries do not retry, so errors show at once.
 */
export function renderApp(url = '/', options: { profile?: Profile } = {}) {
  if (options.profile) resetDb(options.profile);
  const queryClient = createQueryClient({ queries: { retry: false, refetchOnWindowFocus: false } });
  const router = createTestRouter(url);
  const user = userEvent.setup();
  const view = render(
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...view, user, router, queryClient };
}

/** The path and query the app is showing now. */
export const currentUrl = (router: ReturnType<typeof createTestRouter>): string =>
  router.state.location.pathname + router.state.location.search;
