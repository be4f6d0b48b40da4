/**
 * The use cases, each story once, over the ports. Routes, CLI commands (and later the scheduler) call these;
 * they never open a transaction or reach a store themselves.
 */
import type {
  ChannelSealer,
  Clock,
  ContainerRuntime,
  DigestResolver,
  IdSource,
  LeaseOwnership,
  Log,
  Metrics,
  MetricsExposition,
  NotificationSender,
  Probes,
  QuadletSource,
  Sleep,
  Stores,
  UnitManager,
  UnitOfWork,
  WakeTimer,
  WebClient,
  WebhookSignatures,
} from '../domain/ports/index.js';
import { NotificationDispatcher } from '../domain/notifications/dispatcher.js';
import { panelLinks } from '../domain/notifications/message.js';
import { NotificationRouting, type ConfiguredChannel } from '../domain/notifications/routing.js';
import { PolicyNotices } from '../domain/notifications/policy-notices.js';
import { TaskEndNotices } from '../domain/notifications/task-end-notices.js';
import type { RatePolicy } from '../domain/rate-limits/gcra.js';
import { PolicyBook, type PolicySettings } from '../domain/policies/policy-book.js';
import { UpdateEngine, type RolloutOnFailure } from '../domain/tasks/engine.js';
import { isStorageFault } from '../errors.js';
import { TaskRunner } from '../domain/tasks/runner.js';
import { ApiTokenService } from './api-tokens.js';
import { AuditService } from './audit.js';
import { CheckService } from './check-units.js';
import { PolicyService } from './policies.js';
import { Scheduler } from './scheduler.js';
import { SchedulesService } from './schedules.js';
import { TaskControlService } from './control-task.js';
import { FailureLimits } from './failure-limits.js';
import { HealthService } from './health.js';
import { Housekeeping } from './housekeeping.js';
import { HealthWatch } from './health-watch.js';
import { IntakeService } from './intake-delivery.js';
import { MetricsService } from './metrics.js';
import { NoticeService } from './notices.js';
import { NotificationService } from './notifications.js';
import { PruneService } from './prune.js';
import { QueryService } from './queries.js';
import { SessionService } from './sessions.js';
import { TestDeliveryService } from './test-delivery.js';
import { TriggerService } from './trigger-units.js';
import { UnitsService } from './units.js';

export interface ServicePorts {
  stores: Stores;
  writes: UnitOfWork;
  /** Several direct store writes as one transaction (the runner's end of a task with its outbox rows). */
  atomically<T>(op: () => T): T;
  runtime: ContainerRuntime;
  unitManager: UnitManager;
  registry: DigestResolver;
  quadlets: QuadletSource;
  signatures: WebhookSignatures;
  probes: Probes;
  owners: LeaseOwnership;
  sender: NotificationSender;
  /** Reaches podup's own public URL (the test delivery). */
  web: WebClient;
  sealer: ChannelSealer;
  metrics: Metrics & MetricsExposition;
  clock: Clock;
  sleep: Sleep;
  ids: IdSource;
  log: Log;
  /** The service manager's alarm clock (socket activation with idle exit). */
  wake: WakeTimer;
  /** [0, 1): the random delay of schedules. */
  random: () => number;
}

export interface ServiceSettings {
  /** PODUP_UNITS: units named by the operator, unit -> image. */
  configuredUnits: ReadonlyMap<string, string>;
  /** Update policies: PODUP_UNITS options and the defaults. */
  policies: PolicySettings;
  approvalTtlMs: number;
  imageRateLimit: RatePolicy;
  badSignatureRateLimit: RatePolicy;
  coalesceWindowMs: number;
  healthWindowMs: number;
  restartTimeoutMs: number;
  rolloutBatch?: number;
  rolloutOnFailure?: RolloutOnFailure;
  taskConcurrency: number;
  sessionTtlMs: number;
  /** PODUP_MAX_DB_SIZE: past it, noise and then old events are dropped (use-cases/housekeeping.ts). */
  maxDbBytes: number;
  /** PODUP_PUBLIC_URL: notifications link to the panel there. */
  publicUrl: string | undefined;
  notify: {
    channels: readonly ConfiguredChannel[];
    backoffMs: number;
    backoffMaxMs: number;
    giveUpAfterMs: number;
    degradedAfterMs: number;
  };
}

export interface Services {
  intake: IntakeService;
  trigger: TriggerService;
  check: CheckService;
  policies: PolicyService;
  schedules: SchedulesService;
  /** Runs schedules at their time; podup serve starts it, the API's "run now" goes through it. */
  scheduler: Scheduler;
  control: TaskControlService;
  units: UnitsService;
  queries: QueryService;
  audit: AuditService;
  prune: PruneService;
  sessions: SessionService;
  failures: FailureLimits;
  tokens: ApiTokenService;
  health: HealthService;
  notices: NoticeService;
  /** Request counts, the size cap and retention on a timer: podup serve starts it. */
  housekeeping: Housekeeping;
  notifications: NotificationService;
  /** Sends a signed ping to the webhook URL GitHub is given, and says what answered. */
  testDelivery: TestDeliveryService;
  metrics: MetricsService;
  /** Counts what HTTP requests ended how (the recording side of /metrics). */
  recorder: Metrics;
  /** The durable queue's worker: podup serve starts it; the CLI runs one task with it in-process. */
  runner: TaskRunner;
  /** The notification outbox's worker: podup serve starts it. */
  dispatcher: NotificationDispatcher;
  /** Notifies a /readyz part that stays down: podup serve starts it. */
  healthWatch: HealthWatch;
}

export function createServices(ports: ServicePorts, settings: ServiceSettings): Services {
  const { stores, writes, clock, ids, log } = ports;
  const book = new PolicyBook(settings.policies);
  const units = new UnitsService({ ...ports, configured: settings.configuredUnits, book });
  const engine = new UpdateEngine({
    runtime: ports.runtime,
    systemd: ports.unitManager,
    clock,
    sleep: ports.sleep,
    journals: stores.journals,
    settings: {
      healthWindowMs: settings.healthWindowMs,
      healthPollMs: 250,
      restartTimeoutMs: settings.restartTimeoutMs,
      pullAttempts: 3,
      pullBackoffMs: 1000,
      journalLines: 50,
      ...(settings.rolloutBatch === undefined ? {} : { rolloutBatch: settings.rolloutBatch }),
      ...(settings.rolloutOnFailure === undefined ? {} : { onFailure: settings.rolloutOnFailure }),
    },
  });
  const routing = new NotificationRouting(settings.notify.channels);
  const links = panelLinks(settings.publicUrl);
  // Each needs the other, after both exist: the service pokes the worker, the worker asks the service.
  const notifications: NotificationService = new NotificationService({
    stores,
    writes,
    clock,
    routing,
    sealer: ports.sealer,
    links,
    queue: { poke: () => dispatcher.poke() },
  });
  const dispatcher: NotificationDispatcher = new NotificationDispatcher({
    stores,
    writes,
    channel: (id) => notifications.channel(id),
    sender: ports.sender,
    clock,
    owner: ports.owners.self,
    settings: {
      backoffMs: settings.notify.backoffMs,
      backoffMaxMs: settings.notify.backoffMaxMs,
      giveUpAfterMs: settings.notify.giveUpAfterMs,
      leaseMs: 60_000,
      pollMs: 30_000,
      sendTimeoutMs: 10_000,
      batch: 20,
    },
    onError: (err) =>
      isStorageFault(err)
        ? undefined
        : log.warn({ err }, 'notification outbox: a write failed; the delivery is tried again'),
  });
  const policyNotices = new PolicyNotices(routing, links, dispatcher);
  const runner = new TaskRunner({
    stores,
    atomically: (op) => ports.atomically(op),
    notices: new TaskEndNotices(routing, links, dispatcher),
    policyNotices,
    metrics: ports.metrics,
    engine,
    runtime: ports.runtime,
    registry: ports.registry,
    discover: (since) => units.discoverSince(since),
    ids,
    policies: { book, approvalTtlMs: settings.approvalTtlMs },
    clock,
    sleep: ports.sleep,
    owners: ports.owners,
    settings: {
      concurrency: settings.taskConcurrency,
      leaseMs: 30_000,
      pollMs: 500,
      lockWaitMs: 10 * 60_000,
    },
    // A disk fault is logged by the stores once per interval; here once per streak, as what it pauses.
    onError: (err) =>
      isStorageFault(err)
        ? log.warn({ code: err.code }, `task runner cannot write, retrying with backoff: ${err.message}`)
        : log.error({ err }, 'task runner error'),
  });
  const trigger = new TriggerService({ units, stores, writes, queue: runner, clock, ids });
  const check = new CheckService({
    units,
    trigger,
    book,
    stores,
    writes,
    clock,
    registry: ports.registry,
    notices: policyNotices,
  });
  const prune = new PruneService({ stores, clock });
  const scheduler = new Scheduler({
    stores,
    writes,
    clock,
    random: ports.random,
    owners: ports.owners,
    trigger,
    check,
    prune,
    wake: ports.wake,
    ids,
    log,
    notices: policyNotices,
  });
  const failures = new FailureLimits(settings.badSignatureRateLimit, { stores, writes, clock });
  const audit = new AuditService({ writes, clock, log });
  return {
    intake: new IntakeService({
      signatures: ports.signatures,
      failures,
      writes,
      queue: runner,
      clock,
      ids,
      settings: { imageRateLimit: settings.imageRateLimit, coalesceWindowMs: settings.coalesceWindowMs },
    }),
    trigger,
    check,
    schedules: new SchedulesService({
      stores,
      writes,
      clock,
      random: ports.random,
      changed: () => scheduler.poke(),
    }),
    scheduler,
    policies: new PolicyService({ known: () => units.known(), writes, clock }),
    control: new TaskControlService({ stores, writes, queue: runner, clock, ids }),
    units,
    queries: new QueryService({ stores, clock, probes: ports.probes }),
    audit,
    prune,
    sessions: new SessionService({ stores, writes, clock, ttlMs: settings.sessionTtlMs }),
    failures,
    tokens: new ApiTokenService({ stores, writes, clock, failures }),
    health: new HealthService(ports.probes),
    notices: new NoticeService({ stores, writes, clock }),
    housekeeping: new Housekeeping({
      stores,
      writes,
      audit,
      clock,
      sleep: ports.sleep,
      log,
      maxDbBytes: settings.maxDbBytes,
    }),
    notifications,
    testDelivery: new TestDeliveryService({
      web: ports.web,
      signatures: ports.signatures,
      ids,
      publicUrl: settings.publicUrl,
    }),
    metrics: new MetricsService({ stores, units, exposition: ports.metrics, clock, log }),
    recorder: ports.metrics,
    runner,
    dispatcher,
    healthWatch: new HealthWatch({
      probes: ports.probes,
      stores,
      writes,
      clock,
      routing,
      links,
      queue: dispatcher,
      log,
      degradedAfterMs: settings.notify.degradedAfterMs,
    }),
  };
}
