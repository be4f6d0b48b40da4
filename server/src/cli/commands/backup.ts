/**
 * podup backup FILE, in this process: a second connection reads one consistent moment of the state database
 * while the server writes (SQLite's online backup), and the file lands where this user can write (a service
 * with PrivateTmp= could not write to the caller's /tmp).
 */
import { isAbsolute, resolve } from 'node:path';
import { openStateCopies } from '../../compose.js';
import type { Config } from '../../config.js';
import { printJson } from '../output.js';

export const counts = (r: { schema: number; events: number; tasks: number; integrity: string }) =>
  `schema ${r.schema}, ${r.events} events, ${r.tasks} tasks, integrity ${r.integrity}`;

export const absolute = (file: string) => (isAbsolute(file) ? file : resolve(file));

export async function backupCommand(config: Config, file: string, opts: { json?: boolean }): Promise<number> {
  const services = openStateCopies(config);
  try {
    const r = await services.backup.backup(absolute(file));
    if (opts.json) printJson(r);
    else
      process.stdout.write(
        `backed up ${config.dbPath} to ${r.file} (${r.bytes} bytes; ${counts(r)}) in ${r.tookMs} ms\n`,
      );
    return 0;
  } finally {
    services.close();
  }
}
