import { act, render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RouterProvider } from 'react-router';
import { AppProvider } from '@/app/provider';
import { createTestRouter } from '@/app/router';
import { createQueryClient } from '@/lib/query-client';
import { expect } from 'vitest';
import { FakeEventSource } from './fake-event-source';
import type { Profile } from './mocks/profiles';
import { mockState, resetMocks, subscribe, tick } from './mocks/state';

/**
 * The whole app (real provider, real routes) at `url`, against the MSW handlers with the given fixture
 * profile. Queries do not retry, so errors show at once.
 */
export function renderApp(url = '/', options: { profile?: Profile } = {}) {
  if (options.profile) resetMocks(options.profile);
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

/**
 * The drawer's log stream of the running task, fed the frames the mocks play from the recording (jsdom has
 * no EventSource: FakeEventSource stands in). Resolves once the stream is open.
 */
export async function connectLiveStream(taskId: string) {
  await waitFor(() => expect(FakeEventSource.live(`/api/tasks/${taskId}/log`)).toHaveLength(1));
  const [stream] = FakeEventSource.live(`/api/tasks/${taskId}/log`);
  if (!stream) throw new Error('the drawer opened no log stream');
  const unsubscribe = subscribe(taskId, (frame) => {
    if (frame.event && frame.data) stream.emit(frame.event, JSON.parse(frame.data) as unknown, frame.id);
  });
  act(() => stream.open());
  return { stream, unsubscribe };
}

/** Plays the running task's recording to its end. */
export function playToEnd(): void {
  act(() => {
    for (let i = 0; i < 1000 && mockState().live?.ended === false; i++) tick();
  });
}
