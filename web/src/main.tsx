import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { applyTheme } from './lib/theme';
import './styles.css';

applyTheme();

/**
 * `vite --mode mock` only: the API is answered by MSW in a service worker. MODE is a build-time constant,
 * so in any other build this branch and the dynamic import (the whole mock layer) are dropped.
 */
async function enableMocking(): Promise<void> {
  if (import.meta.env.MODE !== 'mock') return;
  const { startMockWorker } = await import('./testing/mocks/browser');
  await startMockWorker();
}

void enableMocking().then(() => {
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
