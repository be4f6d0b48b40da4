/**
 * Mock mode (`npm run dev:mock`): MSW answers the API in a service worker from the recorded fixtures, and a
 * small console switches profiles. main.tsx imports this only when MODE is 'mock'.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { setupWorker } from 'msw/browser';
import { handlers } from './handlers';
import { mockConfig } from './handlers/utils';
import { MockPanel, PROFILE_KEY, readProfile } from './mock-panel';
import type { Profile } from './profiles';
import { resetMocks, tick } from './state';

function changeProfile(profile: Profile): void {
  try {
    localStorage.setItem(PROFILE_KEY, profile);
  } catch {
    // not persisted; the reload below still resets to the default
  }
  // Start clean: the app's caches, the stream connections and the data all belong to the old profile.
  window.location.reload();
}

export async function startMockWorker(): Promise<void> {
  const profile = readProfile();
  resetMocks(profile);
  mockConfig.latencyMs = 150;
  const worker = setupWorker(...handlers);
  await worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    onUnhandledRequest(request, print) {
      if (new URL(request.url).pathname.startsWith('/api/')) print.warning();
    },
  });
  // The running task (busy) plays its recorded log, a frame at a time.
  setInterval(tick, 1200);

  const host = document.createElement('div');
  host.id = 'mock-panel-root';
  document.body.append(host);
  createRoot(host).render(createElement(MockPanel, { current: profile, onChange: changeProfile }));
}
