/** Task-list filters from a query string (GET /api/tasks) or CLI flags (podup tasks), validated once. */
import type { TaskListQuery } from '../domain/ports/index.js';
import { AppError } from '../errors.js';
import { TasksQuery } from './api.js';

export function parseTasksQuery(raw: unknown, label: (field: string) => string = (f) => f): TaskListQuery {
  const parsed = TasksQuery.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${label(i.path.join('.') || 'query')}: ${i.message}`);
    throw new AppError('INVALID_QUERY', problems.join('; '));
  }
  const q = parsed.data;
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
