/**
 * Service composition root: config -> logger -> database -> adapters -> app -> listen, and the process
 * lifecycle (socket activation, idle exit, SIGTERM). With cli.ts, the only file that may exit the process.
 */
import type { FastifyInstance, FastifyListenOptions } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openPodup } from './compose.js';
import type { Lifecycle } from './http/deps.js';
import { createLogger, type Logger } from './logger.js';
import { VERSION } from './version.js';

/** sd_listen_fds(3): the first passed socket is fd 3, and only when LISTEN_PID is us. */
const SD_LISTEN_FDS_START = 3;

export interface ActivationEnv {
  LISTEN_FDS?: string | undefined;
  LISTEN_PID?: string | undefined;
}

export function passedSocketFd(env: ActivationEnv, pid: number): number | undefined {
  const fds = Number(env.LISTEN_FDS ?? 0);
  return fds >= 1 && Number(env.LISTEN_PID) === pid ? SD_LISTEN_FDS_START : undefined;
}

function startupWarnings(config: Config, logger: Logger, socketActivated: boolean): void {
  if (!config.webhookSecret) {
    logger.warn(
      'no webhook secret configured: webhook routes answer 503 until PODUP_GITHUB_WEBHOOK_SECRET is set',
    );
  }
  if (!config.adminToken && !config.devOpenAdmin) {
    logger.warn('no admin token configured: admin API answers 503 until PODUP_ADMIN_TOKEN is set');
  }
  if (config.devOpenAdmin && !config.adminToken) {
    logger.warn('PODUP_DEV_OPEN_ADMIN=1: the admin API is open to anyone who can reach this port');
  }
  if (config.idleExitMs !== undefined && !socketActivated) {
    logger.warn('PODUP_IDLE_EXIT is ignored: it applies only when systemd passes the listening socket');
  }
}

interface IdleTracker extends Lifecycle {
  stop(): void;
}

function idleTracker(
  listener: Lifecycle['listener'],
  idleMs: number | undefined,
  busy: () => boolean,
  onIdle: () => void,
): IdleTracker {
  let active = 0;
  let last = performance.now();
  const timer =
    idleMs === undefined
      ? undefined
      : setInterval(
          () => {
            if (active > 0 || busy()) last = performance.now();
            else if (performance.now() - last >= idleMs) onIdle();
          },
          Math.max(50, Math.min(idleMs / 4, 30_000)),
        );
  timer?.unref();
  return {
    listener,
    requestStarted() {
      active++;
      last = performance.now();
    },
    requestFinished() {
      active = Math.max(0, active - 1);
      last = performance.now();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

export interface ServeOptions {
  env: ActivationEnv;
  pid: number;
  /** Called once the process should end (exit code). */
  exit: (code: number) => void;
  /** Whether this process was started from the startup snapshot (snapshot/entry.ts), for the start log line. */
  fromSnapshot?: boolean;
}

export async function serve(config: Config, options: ServeOptions): Promise<FastifyInstance> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const fd = passedSocketFd(options.env, options.pid);
  const socketActivated = fd !== undefined;
  const podup = openPodup(config, logger);
  const { runner, scheduler, dispatcher, healthWatch } = podup.services;
  startupWarnings(config, logger, socketActivated);

  let closing = false;
  // Assigned once the app exists; the idle timer and signals only fire after that.
  let shutdown = async (_reason: string, _code = 0): Promise<void> => {};
  const canSleep = (): boolean => {
    try {
      return scheduler.canSleep();
    } catch {
      return false;
    }
  };
  const hasPendingWork = (): boolean => {
    try {
      return podup.services.queries.hasPendingTasks() || podup.services.queries.hasPendingNotifications();
    } catch {
      // A state disk that fails cannot tell: stay up, so that the queue resumes once it can.
      return true;
    }
  };
  const lifecycle = idleTracker(
    socketActivated ? 'socket-activation' : 'address',
    socketActivated ? config.idleExitMs : undefined,
    // Never idle while a task runs or waits in the queue, a notification waits to be delivered, a schedule
    // runs, or nothing could start podup again for its next schedule or deferred task (the wake-up timer not
    // armed).
    () => runner.running > 0 || hasPendingWork() || scheduler.busy || !canSleep(),
    () => void shutdown('idle'),
  );
  const app = await buildApp({ config, logger, services: podup.services, lifecycle });

  shutdown = async (reason: string, code = 0): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting anyway');
      options.exit(1);
    }, 10_000);
    force.unref();
    try {
      lifecycle.stop();
      scheduler.stop();
      await app.close();
      await podup.services.housekeeping.stop();
      healthWatch.stop();
      // A task still running after this is left "running" and resumed (as interrupted) by the next start.
      await runner.stop(8000);
      // A delivery in flight is recorded, or sent again by the next start (its lease ends).
      await Promise.race([dispatcher.stop(), new Promise((r) => setTimeout(r, 1000).unref())]);
      await podup.close();
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      code = code || 1;
    }
    logger.info({ code }, 'stopped');
    options.exit(code);
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaught exception', 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    void shutdown('unhandled rejection', 1);
  });

  if (fd !== undefined) {
    // host is ignored by node when fd is given; naming one keeps Fastify from binding "localhost" twice.
    await app.listen({ fd, host: '0.0.0.0' } as FastifyListenOptions);
  } else {
    await app.listen({ host: config.httpAddr.host, port: config.httpAddr.port });
  }
  logger.info(
    {
      version: VERSION,
      listener: lifecycle.listener,
      address: app.addresses(),
      stateDir: config.stateDir,
      scope: config.systemdScope,
      startup: options.fromSnapshot ? 'snapshot' : 'modules',
    },
    'podup serving',
  );
  runner.start();
  podup.services.housekeeping.start();
  dispatcher.start();
  healthWatch.start();
  // Missed runs first, then on time; with idle exit, systemd's timer is kept at the next time podup is needed.
  scheduler.start({ wake: socketActivated && config.idleExitMs !== undefined });
  // Connect to D-Bus and Podman once the first requests are served, so the first task does not pay for it.
  // Discovery at start too, so the allow-list and GET /api/units are fresh before the first event.
  setTimeout(() => {
    void podup.adapters.probes.dbus.check(5000).catch(() => undefined);
    void podup.services.units
      .discover()
      .catch((err: unknown) =>
        logger.warn({ err }, 'discovery at start failed; it runs again before every task'),
      );
  }, 1000).unref();
  return app;
}
