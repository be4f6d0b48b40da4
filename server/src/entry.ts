/**
 * What both entry points (cli.ts for every command, serve.ts for a bare `podup serve`) share: reading the
 * configuration, starting the server, and turning an error into a message and an exit status (the table in
 * errors.ts: 0 ok, 1 failure, 2 usage, 69 unavailable, 75 try later, 77 not allowed, 78 bad configuration).
 */
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from './config.js';
import { withInstalledInstance } from './cli/installed.js';
import { AppError, ConfigError, EXIT_CONFIG, errorMessage, exitStatusFor } from './errors.js';
import { serve } from './main.js';

export interface ReadConfigOptions {
  /** The CLI also finds the installed instance (its env file, credentials and state directory). */
  cli?: boolean;
  /** --state-dir */
  stateDir?: string | undefined;
}

export function readConfig(options: ReadConfigOptions = {}): Config {
  // A .env in the working directory fills in variables the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env: Record<string, string | undefined> = { ...process.env };
  if (options.stateDir !== undefined) env.PODUP_STATE_DIR = options.stateDir;
  if (options.cli) env = withInstalledInstance(env, process.getuid?.() ?? 1000);
  return loadConfig(env);
}

export function exitWith(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(`podup: ${e.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (e instanceof AppError) {
    process.stderr.write(`podup: ${e.message}\n${e.hint ? `  fix: ${e.hint}\n` : ''}`);
    process.exit(exitStatusFor(e.code));
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
