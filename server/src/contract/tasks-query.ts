/** Task-list filters from a query string (GET /api/tasks) or CLI flags (podup tasks), validated once. */
import type { TaskListQuery } from '../domain/ports/index.js';
import { parseInput } from './parse.js';
import { TasksQuery } from './api.js';

export function parseTasksQuery(raw: unknown, label: (field: string) => string = (f) => f): TaskListQuery {
  const q = parseInput(TasksQuery, raw, 'INVALID_QUERY', label, 'query');
  const [created, id] = q.cursor?.split('.') ?? [];
  return {
    status: q.status,
    kind: q.kind,
    trigger: q.trigger,
    unit: q.unit,
    image: q.image,
    text: q.q,
    beforeCreated: created && id ? { createdAt: Number(created), id } : undefined,
    limit: q.limit,
  };
}
