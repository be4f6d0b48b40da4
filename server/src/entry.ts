/**
 * What both entry points (cli.ts for every command, serve.ts for a bare `podup serve`) share: reading the
 * configuration, starting the server, and turning an error into a message and an exit status
 * (0 ok, 1 failure, 2 usage, 78 bad configuration).
 */
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from './config.js';
import { AppError, ConfigError, EXIT_CONFIG, errorMessage } from './errors.js';
import { serve } from './main.js';

export function readConfig(): Config {
  // A .env in the working directory fills in variables the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig(process.env);
}

export function exitWith(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(`podup: ${e.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (e instanceof AppError) {
    process.stderr.write(`podup: ${e.message}\n${e.hint ? `  fix: ${e.hint}\n` : ''}`);
    const usage = e.code === 'INVALID_QUERY' || e.code === 'BAD_REQUEST';
    process.exit(e.code === 'STATE_DIR_UNUSABLE' ? EXIT_CONFIG : usage ? 2 : 1);
  }
  process.stderr.write(`podup: ${errorMessage(e)}\n`);
  process.exit(1);
}

export async function runServe(fromSnapshot = false): Promise<void> {
  try {
    await serve(readConfig(), {
      fromSnapshot,
      env: { LISTEN_FDS: process.env.LISTEN_FDS, LISTEN_PID: process.env.LISTEN_PID },
      pid: process.pid,
      exit: (code) => process.exit(code),
    });
    // Children (podman, systemctl) must not think the socket was passed to them.
    delete process.env.LISTEN_FDS;
    delete process.env.LISTEN_PID;
    delete process.env.LISTEN_FDNAMES;
  } catch (e) {
    exitWith(e);
  }
}
