/** The retention request from a JSON body (POST /api/maintenance/prune) or CLI flags (podup prune). */
import ms from 'ms';
import { parseInput } from './parse.js';
import type { PruneInput, PruneResult } from '../use-cases/prune.js';
import { PruneBody, type PruneReply } from './api.js';

export function parsePruneBody(raw: unknown, label: (field: string) => string = (f) => f): PruneInput {
  const b = parseInput(PruneBody, raw, 'BAD_REQUEST', label);
  const duration = (v: string) => ms(v as ms.StringValue);
  return {
    eventsOlderThanMs: duration(b.olderThan),
    tasksOlderThanMs: duration(b.tasksOlderThan),
    unitsOlderThanMs: duration(b.unitsOlderThan),
    dryRun: b.dryRun,
  };
}

export const toPruneReply = (r: PruneResult): PruneReply => ({
  ...r,
  cutoffs: {
    events: new Date(r.cutoffs.events).toISOString(),
    tasks: new Date(r.cutoffs.tasks).toISOString(),
    units: new Date(r.cutoffs.units).toISOString(),
  },
});
