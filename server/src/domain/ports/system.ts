/** Time, identifiers, probes and files: the small ports every use case may need. */

export interface Clock {
  /** Unix ms. */
  now(): number;
}

export interface Sleep {
  (ms: number): Promise<void>;
}

export interface IdSource {
  taskId(): string;
}

export interface Probe {
  /** Resolves with a one-line detail when the part answers; rejects with an AppError carrying a hint otherwise. */
  check(timeoutMs: number): Promise<string>;
}

/** The parts /readyz and the overview report on. */
export interface Probes {
  db: Probe;
  dbus: Probe;
  podman: Probe;
}

export interface QuadletFile {
  path: string;
  /** Base name, e.g. "web.container". */
  fileName: string;
  /** The file with its drop-ins (`web.container.d/*.conf`, `container.d/*.conf`) applied, in systemd's order. */
  text: string;
}

/** The Quadlet `.container` files the generator reads for this scope. */
export interface QuadletSource {
  read(): Promise<QuadletFile[]>;
}

/** Who holds a lease, as written into it: this process, and whether another owner still runs. */
export interface LeaseOwnership {
  /** This process: host:pid:nonce. */
  readonly self: string;
  /** False when `owner` crashed or exited: its leases are stale. */
  alive(owner: string): boolean;
}

/** The task queue's worker, told when a task was queued so it starts as soon as its window allows. */
export interface TaskQueue {
  poke(delayMs?: number): void;
}

/** GitHub's X-Hub-Signature-256 over the raw body, with the configured secret (adapters/github). */
export interface WebhookSignatures {
  /** False when no secret is configured: webhooks are refused. */
  readonly configured: boolean;
  verify(raw: Uint8Array, header: string | undefined): 'ok' | 'missing' | 'invalid';
  /** The X-Hub-Signature-256 value GitHub would send with `body`; undefined when no secret is configured. */
  sign(body: string): string | undefined;
}

/** What answered one request: its status and JSON body (null when it was not JSON), or why nothing did. */
export type WebAnswer =
  { status: number; ms: number; body: unknown } | { status: null; ms: number; error: string };

/**
 * Sends one request to a URL the operator configured (never one a caller gave) and reads the answer: podup's
 * test delivery to its own public URL. adapters/http/web-client.ts (undici); the fake beside it passes the same
 * contract suite (adapters/contracts/web-client.contract.ts).
 */
export interface WebClient {
  /** Never rejects: a refused connection or no answer within `timeoutMs` is a WebAnswer without status. */
  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebAnswer>;
}

/** Where use cases report what an operator should read (pino in production). */
export interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The service manager's alarm clock: starts podup at a time, so that a podup that exited for being idle still
 * runs its schedules and deferred tasks on time. Implemented over D-Bus (adapters/systemd/wake-timer.ts: a
 * transient timer of podup's own service); the fake beside it passes the same contract suite.
 */
export interface WakeTimer {
  /**
   * Asks to be started at `at` (unix ms), replacing any earlier request; null withdraws it. Resolves with what
   * was done, e.g. "podup.timer at 2026-11-28T02:00:00Z". Rejects with UNSUPPORTED when this podup does not run
   * as a service of the manager (nothing could start it again), SYSTEMD_ERROR or DBUS_UNAVAILABLE otherwise.
   */
  arm(at: number | null): Promise<string>;
  /** When the manager will start podup next (unix ms, to the second), null when nothing is armed. */
  armed(): Promise<number | null>;
}
