/**
 * `podup serve` without the rest of the CLI: what socket activation starts on every cold start, so it loads
 * only the server (bin/podup.js takes this path for a bare `podup serve`).
 */
import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { ConfigError, EXIT_CONFIG, AppError, errorMessage } from './errors.js';
import { serve } from './main.js';

try {
  if (existsSync('.env')) process.loadEnvFile('.env');
  await serve(loadConfig(process.env), {
    env: { LISTEN_FDS: process.env.LISTEN_FDS, LISTEN_PID: process.env.LISTEN_PID },
    pid: process.pid,
    exit: (code) => process.exit(code),
  });
  delete process.env.LISTEN_FDS;
  delete process.env.LISTEN_PID;
  delete process.env.LISTEN_FDNAMES;
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`podup: ${e.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  process.stderr.write(
    `podup: ${errorMessage(e)}\n${e instanceof AppError && e.hint ? `  fix: ${e.hint}\n` : ''}`,
  );
  process.exit(e instanceof AppError && e.code === 'STATE_DIR_UNUSABLE' ? EXIT_CONFIG : 1);
}
