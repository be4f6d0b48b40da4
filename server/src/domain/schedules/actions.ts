/** What a schedule does when it runs (kept apart from schedule.ts so that the panel's bundle stays free of croner). */
export const SCHEDULE_ACTIONS = ['check', 'update', 'prune'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];
