import init from './0001-init.js';

/** Applied in order; migration N sets PRAGMA user_version = N. Never edit a released migration: add one. */
export const MIGRATIONS: readonly string[] = [init];
