/**
 * The mock backend's state: plain in-memory arrays, rebuilt by resetDb(profile) from a seeded generator so
 * every run (and every test) sees the same data. Active tasks advance one log line per tick(); the browser
 * mock ticks on a timer, tests tick by hand.
 */
import type { ApiEvent, ApiTask, ApiTaskDetail, ApiTaskLog, ApiUnit, Session } from '@contract';

export const PROFILES = ['happy-path', 'empty', 'busy', 'degraded', 'rate-limited', 'auth-error'] as const;
export type Profile = (typeof PROFILES)[number];
export const isProfile = (v: unknown): v is Profile => PROFILES.includes(v as Profile);

export const PROFILE_NOTES: Record<Profile, string> = {
  'happy-path': '240 finished tasks, 6 units, events; nothing running',
  empty: 'a fresh install: no units, tasks or events',
  busy: '10,000 tasks, one running (its log streams live) and more queued',
  degraded: 'D-Bus is down: /readyz 503, recent tasks failed',
  'rate-limited': 'every POST/DELETE answers 429 with Retry-After',
  'auth-error': 'every /api call answers 401 until you sign in',
};

/** The admin token the mock accepts. */
export const MOCK_TOKEN = 'podup-mock-token';
export const RETRY_AFTER_SEC = 30;

type TaskUnit = ApiTaskDetail['unitResults'][number];

interface ScriptStep {
  level: ApiTaskLog['level'];
  step: ApiTaskLog['step'];
  unit: string | null;
  message: string;
  durationMs: number | null;
  /** Applied to the unit's result when the line is logged. */
  patch?: Partial<TaskUnit>;
  /** The unit is done after this line (a graceful stop may end the task here). */
  unitDone?: boolean;
}

export interface TaskRecord {
  task: ApiTask;
  units: TaskUnit[];
  log: ApiTaskLog[];
  script: ScriptStep[];
  stopRequested: 'stop' | null;
}

export type TaskStreamEvent =
  { type: 'log'; log: ApiTaskLog } | { type: 'end'; status: string; summary: string | null };

interface MockUnitDef {
  unit: string;
  image: string;
  sources: string[];
  policy: string | null;
  containerState: string | null;
  pinned?: boolean;
  problems?: string[];
  registryError?: string;
  upToDate?: boolean;
  /** Why podup never moves it (absent: managed). */
  unmanagedReason?: string;
}

const UNIT_DEFS: MockUnitDef[] = [
  {
    unit: 'web.service',
    image: 'ghcr.io/acme/web:main',
    sources: ['quadlet'],
    policy: 'registry',
    containerState: 'running',
  },
  {
    unit: 'api.service',
    image: 'ghcr.io/acme/api:main',
    sources: ['quadlet'],
    policy: 'registry',
    containerState: 'running',
  },
  {
    unit: 'worker.service',
    image: 'ghcr.io/acme/api:main',
    sources: ['podman'],
    policy: 'registry',
    containerState: 'running',
    upToDate: true,
  },
  {
    unit: 'backup.service',
    image: 'ghcr.io/acme/backup:stable',
    sources: ['config'],
    policy: null,
    containerState: 'exited',
    upToDate: true,
  },
  {
    unit: 'adminer.service',
    image: 'docker.io/library/adminer:4',
    sources: ['podman'],
    policy: null,
    containerState: 'running',
    upToDate: true,
    unmanagedReason:
      'does not opt in to updates: set AutoUpdate=registry in its Quadlet file (or --label io.containers.autoupdate=registry), or list it in PODUP_UNITS',
  },
  {
    unit: 'grafana.service',
    image: 'docker.io/grafana/grafana:11.4.0',
    sources: ['quadlet'],
    policy: 'registry',
    containerState: 'running',
    upToDate: true,
  },
  {
    unit: 'proxy.service',
    image: 'ghcr.io/acme/proxy:latest',
    sources: ['podman', 'config'],
    policy: 'registry',
    containerState: 'running',
    registryError: 'ghcr.io answered 401: the pull token has expired',
  },
];

const DBUS_DOWN = {
  detail: 'D-Bus: connect ENOENT /run/user/1000/bus (the systemd user manager is not reachable)',
  hint: 'start the user manager and keep it running without a login: loginctl enable-linger podup',
};

interface Db {
  profile: Profile;
  signedIn: boolean;
  failedSignIns: number;
  csrfToken: string;
  /** Newest first. */
  tasks: TaskRecord[];
  byId: Map<string, TaskRecord>;
  /** Newest first. */
  events: ApiEvent[];
  units: ApiUnit[];
  nextLogId: number;
  nextEventId: number;
  seq: number;
}

const listeners = new Map<string, Set<(e: TaskStreamEvent) => void>>();

/* ---- deterministic randomness ---- */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_ALPHABET = '3479ACDEFHJKMNPQRTUVWXY';
const HEX = '0123456789abcdef';

function makeId(rand: () => number): string {
  let s = 'tsk_';
  for (let i = 0; i < 16; i++) s += ID_ALPHABET[Math.floor(rand() * ID_ALPHABET.length)];
  return s;
}
function makeDigest(rand: () => number): string {
  let s = 'sha256:';
  for (let i = 0; i < 64; i++) s += HEX[Math.floor(rand() * 16)];
  return s;
}
function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}
function makeUuid(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += HEX[Math.floor(rand() * 16)];
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/* ---- state ---- */

let db: Db = emptyDb('happy-path');
let rand = mulberry32(1);

function emptyDb(profile: Profile): Db {
  return {
    profile,
    signedIn: profile !== 'auth-error',
    failedSignIns: 0,
    csrfToken: 'mock-csrf-0000',
    tasks: [],
    byId: new Map(),
    events: [],
    units: [],
    nextLogId: 1,
    nextEventId: 1,
    seq: 0,
  };
}

export const getDb = (): Readonly<Db> => db;
export const profile = (): Profile => db.profile;

const unitDefs = (): MockUnitDef[] => (db.profile === 'empty' ? [] : UNIT_DEFS);

/* ---- units ---- */

const unitDigests = new Map<string, { running: string; registry: string }>();

function buildUnits(now: number): ApiUnit[] {
  return unitDefs().map((d) => {
    const digests = unitDigests.get(d.unit) ?? { running: makeDigest(rand), registry: makeDigest(rand) };
    if (d.upToDate) digests.registry = digests.running;
    unitDigests.set(d.unit, digests);
    return {
      unit: d.unit,
      image: d.image,
      imageKey: d.pinned ? null : d.image,
      pinned: d.pinned ?? false,
      sources: d.sources,
      policy: d.policy,
      containerState: d.containerState,
      runningDigest: digests.running,
      registryDigest: d.registryError ? null : digests.registry,
      updateAvailable: d.registryError ? null : digests.registry !== digests.running,
      registryError: d.registryError ?? null,
      problems: d.problems ?? [],
      managed: d.unmanagedReason === undefined,
      unmanagedReason: d.unmanagedReason ?? null,
      firstSeen: iso(now - 40 * 86_400_000),
      lastSeen: iso(now - 60_000),
    };
  });
}

export const listUnits = (): ApiUnit[] => db.units;
export const findUnit = (name: string): ApiUnit | undefined => db.units.find((u) => u.unit === name);

/* ---- tasks ---- */

function unitsOfImage(image: string): string[] {
  return unitDefs()
    .filter((d) => d.image === image)
    .map((d) => d.unit);
}

/** The log lines and unit results a run of these units produces, as a script to play. */
function scriptFor(image: string | null, units: string[], outcome: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  const images = [
    ...new Set(units.map((u) => unitDefs().find((d) => d.unit === u)?.image ?? image ?? 'unknown')),
  ];
  steps.push({
    level: 'info',
    step: 'plan',
    unit: null,
    message: `planned ${units.length} unit${units.length === 1 ? '' : 's'}, ${images.length} image${images.length === 1 ? '' : 's'} to pull`,
    durationMs: 180,
  });
  for (const img of images) {
    steps.push({
      level: 'info',
      step: 'pull',
      unit: null,
      message: `Trying to pull ${img}...`,
      durationMs: null,
    });
    steps.push({
      level: 'info',
      step: 'pull',
      unit: null,
      message: 'Getting image source signatures',
      durationMs: null,
    });
    steps.push({
      level: 'info',
      step: 'pull',
      unit: null,
      message: `Copying blob ${makeDigest(rand).slice(7, 19)} done`,
      durationMs: null,
    });
    steps.push({
      level: 'info',
      step: 'pull',
      unit: null,
      message: `pulled ${img}`,
      durationMs: 2400 + Math.round(rand() * 3000),
    });
  }
  units.forEach((unit, i) => {
    const before = unitDigests.get(unit)?.running ?? makeDigest(rand);
    const after = unitDigests.get(unit)?.registry ?? makeDigest(rand);
    const last = i === units.length - 1;
    const fails = last && (outcome === 'failed' || outcome === 'rolled-back');
    steps.push({
      level: 'info',
      step: 'restart',
      unit,
      message: `restarting ${unit}`,
      durationMs: null,
      patch: { status: 'running', digestBefore: before },
    });
    steps.push({
      level: 'info',
      step: 'restart',
      unit,
      message: `${unit} is active`,
      durationMs: 900 + Math.round(rand() * 800),
    });
    if (fails) {
      steps.push({
        level: 'error',
        step: 'health',
        unit,
        message: `${unit} left the active state after 4.2 s (exit code 1)`,
        durationMs: 4200,
      });
      steps.push({
        level: 'info',
        step: 'diagnose',
        unit,
        message: `journal of ${unit}:\nError: listen tcp :8080: bind: address already in use`,
        durationMs: null,
      });
      if (outcome === 'rolled-back') {
        steps.push({
          level: 'warn',
          step: 'rollback',
          unit,
          message: `${unit} is back on its previous image`,
          durationMs: 1300,
          patch: { status: 'rolled-back', digestAfter: before, reason: 'health check failed: rolled back' },
          unitDone: true,
        });
      } else {
        steps.push({
          level: 'error',
          step: 'rollback',
          unit,
          message: 'no previous image recorded: cannot roll back',
          durationMs: null,
          patch: { status: 'failed', digestAfter: after, reason: 'health check failed' },
          unitDone: true,
        });
      }
    } else {
      steps.push({
        level: 'info',
        step: 'health',
        unit,
        message: `${unit} stayed active for 10 s`,
        durationMs: 10_000,
      });
      steps.push({
        level: 'info',
        step: 'verify',
        unit,
        message: `${unit} runs ${after.slice(0, 19)}, the registry's digest`,
        durationMs: 40,
        patch: { status: 'succeeded', digestAfter: after },
        unitDone: true,
      });
    }
  });
  return steps;
}

function summaryOf(units: TaskUnit[]): { status: string; summary: string } {
  const count = (s: string) => units.filter((u) => u.status === s).length;
  const parts = ['succeeded', 'rolled-back', 'failed', 'cancelled']
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`);
  const summary = parts.join(', ') || 'nothing to do';
  if (count('failed') > 0) return { status: 'failed', summary };
  if (count('rolled-back') > 0) return { status: 'rolled-back', summary };
  if (count('cancelled') > 0) return { status: 'cancelled', summary };
  return { status: 'succeeded', summary };
}

function pendingUnits(units: string[], image: string | null): TaskUnit[] {
  return units.map((unit) => ({
    unit,
    status: 'pending',
    image: unitDefs().find((d) => d.unit === unit)?.image ?? image,
    digestBefore: null,
    digestAfter: null,
    imageIdBefore: null,
    imageIdAfter: null,
    reason: null,
    startedAt: null,
    finishedAt: null,
  }));
}

/** Plays the whole script at once (history), with times spread from `startMs`. */
function playAll(rec: TaskRecord, startMs: number): number {
  let t = startMs;
  for (const step of rec.script) {
    t += step.durationMs ?? 150;
    apply(rec, step, t);
  }
  rec.script = [];
  return t;
}

function apply(rec: TaskRecord, step: ScriptStep, at: number): ApiTaskLog {
  const log: ApiTaskLog = {
    id: db.nextLogId++,
    time: new Date(at).toISOString(),
    level: step.level,
    step: step.step,
    unit: step.unit,
    message: step.message,
    durationMs: step.durationMs,
  };
  rec.log.push(log);
  if (step.unit && step.patch) {
    const u = rec.units.find((x) => x.unit === step.unit);
    if (u) {
      if (step.patch.status === 'running') u.startedAt = log.time;
      Object.assign(u, step.patch);
      if (step.unitDone) u.finishedAt = log.time;
    }
  }
  return log;
}

interface NewTask {
  kind: ApiTask['kind'];
  image: string | null;
  units: string[] | null;
  trigger: ApiTask['trigger'];
  caller?: string | null;
  reason?: string | null;
  delivery?: string | null;
  retryOf?: string | null;
}

function newRecord(t: NewTask, createdMs: number, outcome = 'succeeded'): TaskRecord {
  const units = t.units ?? (t.image ? unitsOfImage(t.image) : []);
  return {
    task: {
      id: makeId(rand),
      kind: t.kind,
      status: 'queued',
      image: t.image,
      units: t.units,
      trigger: t.trigger,
      delivery: t.delivery ?? null,
      caller: t.caller ?? null,
      reason: t.reason ?? null,
      summary: null,
      attempts: 0,
      retryOf: t.retryOf ?? null,
      createdAt: new Date(createdMs).toISOString(),
      startedAt: null,
      finishedAt: null,
    },
    units: pendingUnits(units, t.image),
    log: [],
    script: scriptFor(t.image, units, outcome),
    stopRequested: null,
  };
}

function insertNewest(rec: TaskRecord): void {
  db.tasks.unshift(rec);
  db.byId.set(rec.task.id, rec);
}

/** A finished task from the past, whole log included. */
function historic(t: NewTask, createdMs: number, outcome: string): TaskRecord {
  const rec = newRecord(t, createdMs, outcome);
  const startMs = createdMs + 2_000 + Math.round(rand() * 8_000);
  rec.task.startedAt = iso(startMs);
  rec.task.attempts = outcome === 'interrupted' ? 2 : 1;
  if (outcome === 'skipped') {
    rec.units = [];
    rec.script = [];
    const log = apply(
      rec,
      {
        level: 'info',
        step: 'plan',
        unit: null,
        message: 'every unit already runs the registry digest',
        durationMs: 210,
      },
      startMs + 210,
    );
    rec.task.status = 'skipped';
    rec.task.summary = 'nothing to update: every unit already runs the registry digest';
    rec.task.finishedAt = log.time;
    return rec;
  }
  if (outcome === 'cancelled') {
    // Stopped after the first unit.
    const firstDone = rec.script.findIndex((s) => s.unitDone);
    rec.script = rec.script.slice(0, firstDone + 1);
    const end = playAll(rec, startMs);
    for (const u of rec.units)
      if (u.status === 'pending')
        Object.assign(u, { status: 'cancelled', reason: 'task stopped before this unit' });
    const s = summaryOf(rec.units);
    Object.assign(rec.task, { status: 'cancelled', summary: s.summary, finishedAt: iso(end + 100) });
    return rec;
  }
  if (outcome === 'dbus-failed') {
    rec.script = rec.script.filter((s) => s.step === 'plan' || s.step === 'pull');
    const end = playAll(rec, startMs);
    const first = rec.units[0];
    apply(
      rec,
      {
        level: 'error',
        step: 'restart',
        unit: first?.unit ?? null,
        message: `restart failed: ${DBUS_DOWN.detail}`,
        durationMs: 5_000,
        patch: { status: 'failed', reason: DBUS_DOWN.detail },
        unitDone: true,
      },
      end + 5_000,
    );
    for (const u of rec.units)
      if (u.status === 'pending')
        Object.assign(u, { status: 'cancelled', reason: 'task failed before this unit' });
    Object.assign(rec.task, {
      status: 'failed',
      summary: `D-Bus unavailable: ${DBUS_DOWN.detail}`,
      finishedAt: iso(end + 5_100),
    });
    return rec;
  }
  if (outcome === 'interrupted') {
    // podup was stopped mid-task twice; the task was not resumed again.
    rec.script = rec.script.slice(0, rec.script.findIndex((s) => s.step === 'restart') + 1);
    playAll(rec, startMs);
    for (const u of rec.units) if (u.status !== 'pending') u.status = 'cancelled';
    Object.assign(rec.task, {
      status: 'interrupted',
      summary: 'podup stopped while this task ran (2 attempts); not resumed',
    });
    return rec;
  }
  const end = playAll(rec, startMs);
  const s = summaryOf(rec.units);
  Object.assign(rec.task, { status: s.status, summary: s.summary, finishedAt: iso(end + 120) });
  return rec;
}

const CALLERS = ['alice', 'ci-deploy', null, null, null];

function seedTasks(count: number, now: number): void {
  // Oldest first, so ids and log ids grow with time; shown newest first.
  const defs = unitDefs();
  if (defs.length === 0 || count === 0) return;
  const span = count > 1000 ? 90 * 86_400_000 : 20 * 86_400_000;
  const images = [...new Set(defs.map((d) => d.image))];
  const created: TaskRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = now - span + Math.round((span * i) / count) + Math.round(rand() * 60_000);
    const r = rand();
    const outcome =
      r < 0.78
        ? 'succeeded'
        : r < 0.86
          ? 'failed'
          : r < 0.91
            ? 'rolled-back'
            : r < 0.95
              ? 'skipped'
              : r < 0.98
                ? 'cancelled'
                : 'interrupted';
    const byImage = rand() < 0.7;
    const image = pick(rand, images);
    const t: NewTask = byImage
      ? { kind: 'image-update', image, units: null, trigger: 'webhook', delivery: makeUuid(rand) }
      : {
          kind: 'unit-update',
          image: null,
          units: [pick(rand, defs).unit],
          trigger: pick(rand, ['api', 'cli', 'api']),
          caller: pick(rand, CALLERS),
          reason: rand() < 0.3 ? 'hotfix rollout' : null,
        };
    // Lazily-sized histories: big profiles keep logs short.
    const rec = historic(t, at, outcome);
    if (count > 1000) rec.log = rec.log.slice(-6);
    created.push(rec);
  }
  for (const rec of created) insertNewest(rec);
}

function seedEvents(count: number, now: number): void {
  const routes = [
    { route: '/webhooks/github', method: 'POST' },
    { route: '/webhooks/github', method: 'POST' },
    { route: '/webhooks/github', method: 'POST' },
    { route: '/github-package-update/web.service', method: 'POST' },
    { route: '/api/tasks', method: 'GET' },
    { route: '/api/units', method: 'GET' },
  ];
  const withTask = db.tasks.filter((t) => t.task.trigger === 'webhook');
  const rows: ApiEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = now - 7 * 86_400_000 + Math.round((7 * 86_400_000 * i) / count);
    const { route, method } = pick(rand, routes);
    const webhook = method === 'POST';
    const r = rand();
    const outcome = !webhook
      ? 'ok'
      : r < 0.55
        ? 'accepted'
        : r < 0.65
          ? 'duplicate'
          : r < 0.75
            ? 'recorded'
            : r < 0.82
              ? 'pong'
              : r < 0.9
                ? 'ignored'
                : r < 0.96
                  ? 'rejected'
                  : 'rate-limited';
    const status =
      outcome === 'accepted' ? 202 : outcome === 'rejected' ? 401 : outcome === 'rate-limited' ? 429 : 200;
    const task = outcome === 'accepted' && withTask.length ? pick(rand, withTask).task : null;
    const image =
      webhook && outcome !== 'pong' && outcome !== 'rejected'
        ? (task?.image ?? 'ghcr.io/acme/web:main')
        : null;
    rows.push({
      id: db.nextEventId++,
      time: new Date(at).toISOString(),
      requestId: `req-${(1000 + i).toString(36)}`,
      route,
      method,
      status,
      delivery: webhook ? `7f3c${(100000 + i).toString(16)}-4d2a-11ef-9a1b-0242ac120002` : null,
      event: webhook
        ? outcome === 'pong'
          ? 'ping'
          : pick(rand, ['package', 'package', 'registry_package'])
        : null,
      action: webhook && outcome !== 'pong' ? 'published' : null,
      image,
      outcome,
      reason:
        outcome === 'rejected'
          ? 'SIGNATURE_INVALID: X-Hub-Signature-256 does not match'
          : outcome === 'ignored'
            ? 'not a container package'
            : outcome === 'recorded'
              ? 'untagged manifest'
              : outcome === 'rate-limited'
                ? 'over the per-image limit'
                : outcome === 'duplicate'
                  ? 'delivery seen before'
                  : null,
      taskId: task?.id ?? null,
      source: webhook ? '140.82.115.4' : '127.0.0.1',
      durationMs: Math.round(rand() * 40) + 1,
    });
  }
  db.events = rows.reverse();
}

/** Rebuilds everything for `profile` (the same data every time). */
export function resetDb(p: Profile = 'happy-path', now = Date.now()): void {
  db = emptyDb(p);
  rand = mulberry32(20_250_101);
  unitDigests.clear();
  listeners.clear();
  db.csrfToken = `mock-csrf-${Math.floor(rand() * 1e9).toString(36)}`;
  db.units = buildUnits(now);
  switch (p) {
    case 'empty':
      break;
    case 'busy':
      seedTasks(10_000, now - 10 * 60_000);
      seedEvents(1500, now);
      startBusy(now);
      break;
    default:
      seedTasks(240, now - 30 * 60_000);
      seedEvents(400, now);
  }
  if (p === 'degraded') {
    // The last three tasks hit the D-Bus outage.
    for (let i = 0; i < 3; i++) {
      const rec = historic(
        {
          kind: 'image-update',
          image: 'ghcr.io/acme/web:main',
          units: null,
          trigger: 'webhook',
          delivery: `dbus-${i}`,
        },
        now - (20 - i * 5) * 60_000,
        'dbus-failed',
      );
      insertNewest(rec);
    }
  }
}

function startBusy(now: number): void {
  const running = newRecord(
    {
      kind: 'image-update',
      image: 'ghcr.io/acme/api:main',
      units: null,
      trigger: 'webhook',
      delivery: 'busy-running',
    },
    now - 40_000,
  );
  insertNewest(running);
  startTask(running, now - 30_000);
  // Play the first few lines so the drawer has something before the stream starts.
  for (let i = 0; i < 4; i++) step(running, now - 30_000 + i * 1_000);
  insertNewest(
    newRecord(
      {
        kind: 'unit-update',
        image: null,
        units: ['web.service'],
        trigger: 'api',
        caller: 'alice',
        reason: 'new landing page',
      },
      now - 20_000,
    ),
  );
  insertNewest(
    newRecord(
      {
        kind: 'image-update',
        image: 'ghcr.io/acme/web:main',
        units: null,
        trigger: 'webhook',
        delivery: 'busy-q2',
      },
      now - 5_000,
    ),
  );
}

function startTask(rec: TaskRecord, at: number): void {
  rec.task.status = 'running';
  rec.task.startedAt = iso(at);
  rec.task.attempts += 1;
}

function emit(taskId: string, e: TaskStreamEvent): void {
  for (const l of listeners.get(taskId) ?? []) l(e);
}

function finish(rec: TaskRecord, at: number, forced?: 'stop' | 'force'): void {
  for (const u of rec.units) {
    if (u.status === 'pending' || u.status === 'running')
      Object.assign(u, {
        status: 'cancelled',
        reason:
          forced === 'force' && u.status === 'running'
            ? 'force-stopped mid-update'
            : 'task stopped before this unit',
        finishedAt: iso(at),
      });
  }
  rec.script = [];
  const s = summaryOf(rec.units);
  Object.assign(rec.task, {
    status: forced ? 'cancelled' : s.status,
    summary: forced === 'force' ? `force-stopped: ${s.summary}` : s.summary,
    finishedAt: iso(at),
  });
  emit(rec.task.id, { type: 'end', status: rec.task.status, summary: rec.task.summary });
}

/** Logs the next line of a running task; ends it when its script is done or a stop asked for it. */
function step(rec: TaskRecord, at: number): void {
  const next = rec.script.shift();
  if (!next) return finish(rec, at);
  const log = apply(rec, next, at);
  if (next.unit && next.patch?.status === 'succeeded') {
    // The unit now runs the registry's digest: the Units page should say so.
    const u = db.units.find((x) => x.unit === next.unit);
    if (u && u.registryDigest) Object.assign(u, { runningDigest: u.registryDigest, updateAvailable: false });
  }
  emit(rec.task.id, { type: 'log', log });
  if (rec.script.length === 0) return finish(rec, at);
  if (next.unitDone && rec.stopRequested) finish(rec, at, 'stop');
}

/** One step of the simulated runner: the running task logs a line, or the oldest queued task starts. */
export function tick(now = Date.now()): void {
  const running = db.tasks.find((t) => t.task.status === 'running');
  if (running) return step(running, now);
  const queued = db.tasks.filter((t) => t.task.status === 'queued').at(-1);
  if (queued) return startTask(queued, now);
  // busy: GitHub keeps publishing images, so there is always something to watch.
  if (db.profile === 'busy') {
    const image = pick(rand, [...new Set(unitDefs().map((d) => d.image))]);
    const rec = newRecord(
      { kind: 'image-update', image, units: null, trigger: 'webhook', delivery: makeUuid(rand) },
      now,
    );
    insertNewest(rec);
    recordEvent(
      { route: '/webhooks/github', method: 'POST', status: 202, outcome: 'accepted', taskId: rec.task.id },
      now,
    );
  }
}

export function subscribe(taskId: string, listener: (e: TaskStreamEvent) => void): () => void {
  let set = listeners.get(taskId);
  if (!set) listeners.set(taskId, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

export const getTask = (id: string): TaskRecord | undefined => db.byId.get(id);

export interface TaskListQuery {
  status?: string | undefined;
  kind?: string | undefined;
  unit?: string | undefined;
  image?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

const cursorOf = (t: ApiTask) => `${Date.parse(t.createdAt)}.${t.id}`;

export function listTasks(q: TaskListQuery): { tasks: ApiTask[]; nextCursor: string | null } {
  const needle = q.q?.toLowerCase();
  let start = 0;
  if (q.cursor) {
    const i = db.tasks.findIndex((t) => cursorOf(t.task) === q.cursor);
    start = i < 0 ? db.tasks.length : i + 1;
  }
  const out: ApiTask[] = [];
  let more = false;
  for (let i = start; i < db.tasks.length; i++) {
    const t = (db.tasks[i] as TaskRecord).task;
    if (q.status && t.status !== q.status) continue;
    if (q.kind && t.kind !== q.kind) continue;
    if (q.image && t.image !== q.image) continue;
    if (q.unit && !(t.units ?? unitsOfImage(t.image ?? '')).includes(q.unit)) continue;
    if (needle) {
      const hay = [t.id, t.image, ...(t.units ?? []), t.caller, t.reason, t.summary].join('\n').toLowerCase();
      if (!hay.includes(needle)) continue;
    }
    if (out.length === q.limit) {
      more = true;
      break;
    }
    out.push(t);
  }
  const last = out.at(-1);
  return { tasks: out, nextCursor: more && last ? cursorOf(last) : null };
}

export function taskDetail(rec: TaskRecord, after = 0): ApiTaskDetail {
  return {
    ...rec.task,
    unitResults: rec.units.map((u) => ({ ...u })),
    log: rec.log.filter((l) => l.id > after),
  };
}

export type ActionResult =
  { ok: true; task: ApiTask; retryTaskId?: string; message: string } | { ok: false; message: string };

/** Like podup's control.ts: a task that ended cannot be stopped (409), a queued one is just cancelled. */
export function stopTask(id: string, force: boolean, now = Date.now()): ActionResult | undefined {
  const rec = db.byId.get(id);
  if (!rec) return undefined;
  const { status } = rec.task;
  if (status !== 'queued' && status !== 'running')
    return { ok: false, message: `task ${id} already ended (${status})` };
  if (status === 'queued') {
    finish(rec, now, force ? 'force' : 'stop');
    rec.task.summary = force ? 'force-stopped before it started' : 'stopped before it started';
    return { ok: true, task: { ...rec.task }, message: 'cancelled before it started' };
  }
  if (force) {
    // podup aborts at its next check; the simulation does it at once.
    finish(rec, now, 'force');
    return {
      ok: true,
      task: { ...rec.task },
      message: 'stopping now: a unit restarted but not yet verified is rolled back to its previous image',
    };
  }
  rec.stopRequested = 'stop';
  return {
    ok: true,
    task: { ...rec.task },
    message: 'stopping after the current unit; the remaining units are skipped',
  };
}

/** A new queued task with the same target, linked by retryOf; the reply's task is the new one. */
export function retryTask(id: string, now = Date.now()): ActionResult | undefined {
  const rec = db.byId.get(id);
  if (!rec) return undefined;
  if (rec.task.status === 'queued' || rec.task.status === 'running')
    return {
      ok: false,
      message: `task ${id} is still ${rec.task.status}; stop it first or wait for it to end`,
    };
  const copy = newRecord(
    {
      kind: rec.task.kind,
      image: rec.task.image,
      units: rec.task.units,
      trigger: 'retry',
      caller: 'admin',
      reason: `retry of ${id}`,
      retryOf: id,
    },
    now,
  );
  insertNewest(copy);
  recordEvent(
    {
      route: `/api/tasks/${id}/retry`,
      method: 'POST',
      status: 202,
      outcome: 'accepted',
      taskId: copy.task.id,
    },
    now,
  );
  return {
    ok: true,
    task: { ...copy.task },
    retryTaskId: copy.task.id,
    message: `queued ${copy.task.id} as a retry of ${id}`,
  };
}

/** Queues a task for named units (or all); returns its id and units. */
export function queueTask(
  units: string[],
  opts: { caller?: string | undefined; reason?: string | undefined; route: string },
  now = Date.now(),
): { taskId: string; units: string[] } {
  const rec = newRecord(
    {
      kind: 'unit-update',
      image: null,
      units,
      trigger: 'api',
      caller: opts.caller ?? 'web',
      reason: opts.reason ?? null,
    },
    now,
  );
  insertNewest(rec);
  recordEvent(
    { route: opts.route, method: 'POST', status: 202, outcome: 'accepted', taskId: rec.task.id },
    now,
  );
  return { taskId: rec.task.id, units };
}

function recordEvent(
  e: { route: string; method: string; status: number; outcome: ApiEvent['outcome']; taskId: string | null },
  now: number,
): void {
  db.events.unshift({
    id: db.nextEventId++,
    time: new Date(now).toISOString(),
    requestId: `req-mock-${db.nextEventId}`,
    delivery: null,
    event: null,
    action: null,
    image: null,
    reason: null,
    source: '127.0.0.1',
    durationMs: 3,
    ...e,
  });
}

export function planFor(units: string[]) {
  const defs = unitDefs().filter((d) => units.includes(d.unit));
  const images = [...new Set(defs.map((d) => d.image))];
  return {
    images: images.map((image) => {
      const def = defs.find((d) => d.image === image);
      const u = def && findUnit(def.unit);
      return {
        image,
        digest: u?.registryDigest ?? null,
        endpoint: def?.registryError ? null : `https://${image.split('/')[0]}/v2/`,
        error: def?.registryError ?? null,
      };
    }),
    units: defs.map((d) => {
      const u = findUnit(d.unit);
      const action: 'update' | 'verify' | 'skip' | 'error' = d.registryError
        ? 'error'
        : u?.updateAvailable
          ? 'update'
          : 'skip';
      return {
        unit: d.unit,
        image: d.image,
        action,
        reason:
          action === 'error'
            ? (d.registryError ?? null)
            : action === 'skip'
              ? 'already runs the registry digest'
              : 'the registry has a newer digest',
        currentDigests: u?.runningDigest ? [u.runningDigest] : [],
        targetDigest: u?.registryDigest ?? null,
      };
    }),
  };
}

/* ---- events ---- */

export interface EventListQuery {
  route?: string | undefined;
  outcome?: string | undefined;
  event?: string | undefined;
  delivery?: string | undefined;
  image?: string | undefined;
  task?: string | undefined;
  status?: number | undefined;
  since?: number | undefined;
  until?: number | undefined;
  cursor?: number | undefined;
  limit: number;
}

export function listEvents(q: EventListQuery): { events: ApiEvent[]; nextCursor: string | null } {
  const out: ApiEvent[] = [];
  let more = false;
  for (const e of db.events) {
    if (q.cursor !== undefined && e.id >= q.cursor) continue;
    if (q.route && !e.route.startsWith(q.route)) continue;
    if (q.outcome && e.outcome !== q.outcome) continue;
    if (q.event && e.event !== q.event) continue;
    if (q.delivery && e.delivery !== q.delivery) continue;
    if (q.image && e.image !== q.image) continue;
    if (q.task && e.taskId !== q.task) continue;
    if (q.status !== undefined && e.status !== q.status) continue;
    const t = Date.parse(e.time);
    if (q.since !== undefined && t < q.since) continue;
    if (q.until !== undefined && t > q.until) continue;
    if (out.length === q.limit) {
      more = true;
      break;
    }
    out.push(e);
  }
  const last = out.at(-1);
  return { events: out, nextCursor: more && last ? String(last.id) : null };
}

/* ---- overview, health, session, settings ---- */

export function health() {
  const dbusDown = db.profile === 'degraded';
  return {
    db: { ok: true, detail: 'state/podup.db writable (WAL)' },
    dbus: dbusDown
      ? { ok: false, detail: DBUS_DOWN.detail, hint: DBUS_DOWN.hint }
      : { ok: true, detail: 'systemd 252 (user manager) answers' },
    podman: { ok: true, detail: 'Podman 5.4.2 API on /run/user/1000/podman/podman.sock' },
  };
}

export function overview(now = Date.now()) {
  const day = now - 86_400_000;
  let succeeded24h = 0;
  let failed24h = 0;
  let rolledBack24h = 0;
  let queued = 0;
  let running = 0;
  const last = new Map<string, ApiTask>();
  for (const { task } of db.tasks) {
    if (task.status === 'queued') queued++;
    if (task.status === 'running') running++;
    const finished = task.finishedAt ? Date.parse(task.finishedAt) : 0;
    if (finished >= day) {
      if (task.status === 'succeeded') succeeded24h++;
      if (task.status === 'failed') failed24h++;
      if (task.status === 'rolled-back') rolledBack24h++;
    }
    if (task.finishedAt && last.size < db.units.length) {
      for (const u of task.units ?? unitsOfImage(task.image ?? '')) if (!last.has(u)) last.set(u, task);
    }
  }
  return {
    health: health(),
    counts: {
      queued,
      running,
      succeeded24h,
      failed24h,
      rolledBack24h,
      events24h: db.events.filter((e) => Date.parse(e.time) >= day).length,
    },
    units: db.units.map((u) => {
      const t = last.get(u.unit);
      return {
        unit: u.unit,
        image: u.image,
        lastStatus: t?.status ?? null,
        lastTaskId: t?.id ?? null,
        lastFinishedAt: t?.finishedAt ?? null,
      };
    }),
    recentTasks: db.tasks.slice(0, 10).map((r) => ({ ...r.task })),
  };
}

export function session(): Session {
  return db.signedIn
    ? { authenticated: true, method: 'cookie', user: 'admin', csrfToken: db.csrfToken }
    : { authenticated: false, method: 'none', user: null, csrfToken: null };
}

export function signIn(token: string): 'ok' | 'wrong' | 'blocked' {
  if (db.failedSignIns >= 5) return 'blocked';
  if (token !== MOCK_TOKEN) {
    db.failedSignIns++;
    return 'wrong';
  }
  db.failedSignIns = 0;
  db.signedIn = true;
  return 'ok';
}

export function signOut(): void {
  db.signedIn = false;
}

export function settings(origin: string) {
  const configured =
    db.profile === 'empty'
      ? []
      : [
          { unit: 'backup.service', image: 'ghcr.io/acme/backup:stable' },
          { unit: 'proxy.service', image: 'ghcr.io/acme/proxy:latest' },
          { unit: 'legacy.service', image: 'ghcr.io/acme/legacy:1' },
        ];
  return {
    version: '0.1.0-mock',
    webhookUrl: `${origin}/webhooks/github`,
    legacyWebhookUrl: `${origin}/github-package-update/<unit>`,
    // Shaped like podup's describeConfig(): the Config object, secrets replaced by set/unset.
    config: {
      httpAddr: { host: '127.0.0.1', port: 25111 },
      stateDir: '/var/lib/podup',
      dbPath: '/var/lib/podup/podup.db',
      devOpenAdmin: false,
      podmanSocket: '/run/user/1000/podman/podman.sock',
      systemdScope: 'user',
      dbusAddress: 'unix:path=/run/user/1000/bus',
      idleExitMs: 600_000,
      logLevel: 'info',
      logFormat: 'journal',
      webhookBodyLimit: 1_048_576,
      imageRateLimit: { limit: 10, windowMs: 3_600_000 },
      badSignatureRateLimit: { limit: 20, windowMs: 600_000 },
      trustProxy: ['127.0.0.1'],
      coalesceWindowMs: 15_000,
      healthWindowMs: 10_000,
      restartTimeoutMs: 90_000,
      taskConcurrency: 1,
      publicUrl: null,
      sessionTtlMs: 43_200_000,
      units: Object.fromEntries(configured.map((u) => [u.unit, u.image])),
      forwardAuth: 'unset',
      webhookSecret: db.profile === 'empty' ? 'unset' : 'set',
      adminToken: 'set',
    },
    units: {
      discovered: db.units.map((u) => ({ unit: u.unit, image: u.image, sources: u.sources })),
      configured,
    },
  };
}
