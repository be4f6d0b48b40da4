import init from './0001-init.js';
import engine from './0002-engine.js';
import sessions from './0003-sessions.js';
import unitManaged from './0004-unit-managed.js';
import apiTokens from './0005-api-tokens.js';
import notifications from './0006-notifications.js';
import idempotency from './0007-idempotency.js';
import rollout from './0008-rollout.js';
import policies from './0009-policies-schedules.js';
import requestNoise from './0010-request-noise.js';
import eventFilters from './0011-event-filters.js';
import taskFilters from './0012-task-filters.js';
import taskSearch from './0013-task-search.js';
import deliveryCounts from './0014-delivery-counts.js';
import taskSource from './0015-task-source.js';
import deliveryFacet from './0016-delivery-facet.js';

/** Applied in order; migration N sets PRAGMA user_version = N. Never edit a released migration: add one. */
export const MIGRATIONS: readonly string[] = [
  init,
  engine,
  sessions,
  unitManaged,
  apiTokens,
  notifications,
  idempotency,
  rollout,
  policies,
  requestNoise,
  eventFilters,
  taskFilters,
  taskSearch,
  deliveryCounts,
  taskSource,
  deliveryFacet,
];
