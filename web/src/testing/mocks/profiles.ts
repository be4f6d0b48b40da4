/**
 * The seven fixture profiles of mock mode. Five replay a recorded data fixture; rate-limited and auth-error
 * replay happy-path's data behind a transport switch (every POST/DELETE refused with the recorded 429, or
 * every /api call with the recorded 401 until you sign in).
 */
export const PROFILES = [
  'happy-path',
  'empty',
  'busy',
  'degraded',
  'real-host',
  'rate-limited',
  'auth-error',
] as const;
export type Profile = (typeof PROFILES)[number];
export const isProfile = (v: unknown): v is Profile => PROFILES.includes(v as Profile);

export type DataName = 'happy-path' | 'empty' | 'busy' | 'degraded' | 'real-host';

export interface ProfileSetup {
  data: DataName;
  /** Tasks and events listed in all: the recorded ones, then older history cloned from them. */
  tasks: number;
  events: number;
  transport: 'normal' | 'rate-limited' | 'auth-error';
  note: string;
}

export const PROFILE_SETUP: Record<Profile, ProfileSetup> = {
  'happy-path': {
    data: 'happy-path',
    tasks: 240,
    events: 400,
    transport: 'normal',
    note: 'ten recorded days of 8 units, older history behind them; nothing running',
  },
  empty: { data: 'empty', tasks: 0, events: 0, transport: 'normal', note: 'a fresh install: nothing at all' },
  busy: {
    data: 'busy',
    tasks: 10_000,
    events: 1_500,
    transport: 'normal',
    note: '10,000 tasks; one running (its log streams live), two queued',
  },
  degraded: {
    data: 'degraded',
    tasks: 60,
    events: 100,
    transport: 'normal',
    note: 'D-Bus is down: /readyz 503, the last three tasks failed on it',
  },
  'real-host': {
    data: 'real-host',
    tasks: 0,
    events: 0,
    transport: 'normal',
    note: 'an afternoon on a real host: the panel polling, probes, a scraper, a scanner, an expired tab, a stale secret, and the deliveries among them',
  },
  'rate-limited': {
    data: 'happy-path',
    tasks: 240,
    events: 400,
    transport: 'rate-limited',
    note: "happy-path, but every POST/DELETE gets the server's 429 with Retry-After",
  },
  'auth-error': {
    data: 'happy-path',
    tasks: 240,
    events: 400,
    transport: 'auth-error',
    note: "happy-path, but every /api call gets the server's 401 until you sign in",
  },
};
