/** Everything the HTTP app needs, built by main.ts (or a test) and passed in: no module singletons. */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Services } from '../use-cases/index.js';

export interface Lifecycle {
  /** How the listening socket was obtained, shown by /healthz. */
  listener: 'socket-activation' | 'address' | 'none';
  /** Called when a request starts and ends, for PODUP_IDLE_EXIT. */
  requestStarted(): void;
  requestFinished(): void;
}

export interface Deps {
  config: Config;
  logger: Logger;
  services: Services;
  lifecycle: Lifecycle;
}
