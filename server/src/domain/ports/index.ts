/**
 * Every port of podup in one place: what the domain and the use cases need from the outside world.
 * adapters/ implements the systems (with a fake beside each, held to the same contract suite), db/ the stores.
 */
export type * from './runtime.js';
export type * from './unit-manager.js';
export type * from './registry.js';
export type * from './system.js';
export type * from './stores.js';
export type * from './notify.js';
export type * from './metrics.js';
export type * from './state-copies.js';
