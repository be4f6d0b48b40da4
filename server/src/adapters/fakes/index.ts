/** In-memory fakes of every port over one simulated host; see fake-host.ts. Imported by tests only. */
export * from './fake-host.js';
export * from './fake-runtime.js';
export * from './fake-unit-manager.js';
export * from './fake-registry.js';
export * from './fake-quadlets.js';
export * from './fake-wake-timer.js';
export * from './fake-notifier.js';
export * from './fake-adapters.js';
export * from './memory-runner-stores.js';
