/** The CLI working without a server: the same runtime `podup serve` composes, logging to stderr. */
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { closeRuntime, openRuntime, type Runtime } from '../runtime.js';

export async function withRuntime<T>(config: Config, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const logger = createLogger({ level: 'warn', format: 'json', destination: process.stderr });
  const rt = openRuntime(config, logger);
  try {
    return await fn(rt);
  } finally {
    await closeRuntime(rt);
  }
}
