import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { setCsrfToken } from '@/lib/api-client';
import { FakeEventSource } from './fake-event-source';
import { server } from './mocks/server';
import { resetMocks } from './mocks/state';

// Whole-app renders in jsdom are slow on a busy 2-CPU host running the integration project beside them:
// give findBy/waitFor well over 1 s (a debounced filter plus its fetch took over 4 s there).
configure({ asyncUtilTimeout: 10_000 });

let unpatchedFetch: typeof fetch | undefined;

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  // The app fetches same-origin paths ('/api/tasks'); Node's fetch needs them absolute. Wrapped after
  // listen() so the wrapper calls MSW's interceptor.
  unpatchedFetch = globalThis.fetch;
  const intercepted = globalThis.fetch;
  globalThis.fetch = (input, init) =>
    intercepted(
      typeof input === 'string' && input.startsWith('/') ? new URL(input, location.origin) : input,
      init,
    );
  Object.defineProperty(globalThis, 'EventSource', {
    value: FakeEventSource,
    configurable: true,
    writable: true,
  });
  // jsdom does not scroll; the log view sets scrollTop only.
  if (!('scrollIntoView' in Element.prototype)) Object.assign(Element.prototype, { scrollIntoView() {} });
});

beforeEach(() => {
  resetMocks('happy-path');
});

afterEach(() => {
  cleanup();
  server.resetHandlers();
  FakeEventSource.reset();
  setCsrfToken(null);
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

afterAll(() => {
  if (unpatchedFetch) globalThis.fetch = unpatchedFetch;
  server.close();
});
