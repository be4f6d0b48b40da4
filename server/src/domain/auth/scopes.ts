/**
 * What a credential may do. read: tasks, events, units, schedules, metrics. trigger: update tasks and dry runs of
 * the token's units. control: stop, force-stop, retry. approve: approve, reject, skip, snooze (issue 9). admin:
 * everything. No imports: the panel's bundle takes it through contract/vocabulary.ts.
 */
export const SCOPES = ['read', 'trigger', 'control', 'approve', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
