import init from './0001-init.js';
import engine from './0002-engine.js';
import sessions from './0003-sessions.js';
import unitManaged from './0004-unit-managed.js';
import requestNoise from './0005-request-noise.js';
import eventFilters from './0006-event-filters.js';
import taskFilters from './0007-task-filters.js';
import taskSearch from './0008-task-search.js';

/** Applied in order; migration N sets PRAGMA user_version = N. Never edit a released migration: add one. */
export const MIGRATIONS: readonly string[] = [
  init,
  engine,
  sessions,
  unitManaged,
  requestNoise,
  eventFilters,
  taskFilters,
  taskSearch,
];
