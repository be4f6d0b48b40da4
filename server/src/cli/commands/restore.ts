/** podup restore FILE, in this process: podup must be stopped for it anyway (use-cases/restore.ts). */
import { openStateCopies } from '../../compose.js';
import type { Config } from '../../config.js';
import { printJson } from '../output.js';
import { absolute, counts } from './backup.js';

export async function restoreCommand(
  config: Config,
  file: string,
  opts: { json?: boolean },
): Promise<number> {
  const services = openStateCopies(config);
  try {
    const r = await services.restore.restore(absolute(file));
    if (opts.json) {
      printJson(r);
      return 0;
    }
    const user = config.systemdScope === 'user' ? ' --user' : '';
    process.stdout.write(
      `restored ${r.file} (${counts(r.restored)}) as ${r.dbPath}\n` +
        (r.aside ? `the database it replaced is kept as ${r.aside}\n` : '') +
        (r.migratesTo ? `podup migrates it to schema ${r.migratesTo} when it starts\n` : '') +
        (r.unitsUnchecked ? `(systemd was not asked whether podup runs: ${r.unitsUnchecked})\n` : '') +
        `start podup again: systemctl${user} start podup.socket\n`,
    );
    return 0;
  } finally {
    services.close();
  }
}
