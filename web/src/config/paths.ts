/** Every route of the panel, named once. */
export const paths = {
  overview: '/',
  tasks: '/tasks',
  /** The tasks page with one task's drawer open. */
  task: (id: string) => `/tasks?task=${encodeURIComponent(id)}`,
  units: '/units',
  /** One unit's page: image, policy, digests, its tasks, the last failure, actions. */
  unit: (name: string) => `/units/${encodeURIComponent(name)}`,
  schedules: '/schedules',
  events: '/events',
  eventsOfTask: (id: string) => `/events?task=${encodeURIComponent(id)}`,
  eventsOfDelivery: (id: string) => `/events?delivery=${encodeURIComponent(id)}`,
  tokens: '/tokens',
  notifications: '/notifications',
  settings: '/settings',
  signIn: '/sign-in',
  /** The sign-in page, coming back to `next` afterwards. */
  signInThenBack: (next: string) =>
    next && next !== '/' && next.startsWith('/') && !next.startsWith('/sign-in')
      ? `/sign-in?next=${encodeURIComponent(next)}`
      : '/sign-in',
} as const;

/** Only same-site paths: `next=https://evil.example` or `//evil.example` fall back to the overview. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
