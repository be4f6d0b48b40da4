/** podup check: what would update and why not, per unit (one registry lookup per image; changes nothing). */
import type { Config } from '../../config.js';
import { withBackend } from '../backend.js';
import { shortDigest } from '../format.js';
import { printJson, printTable, truncate } from '../output.js';

export async function checkCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const report = await withBackend(config, {}, (b) => b.check());
  if (opts.json) {
    printJson(report);
    return 0;
  }
  if (report.units.length === 0) {
    process.stdout.write(
      'no unit to check: podup manages no unit that follows an image tag (see podup units)\n',
    );
    return 0;
  }
  printTable(
    ['UNIT', 'STATUS', 'RUNNING', 'REGISTRY', 'WOULD', 'WHY'],
    report.units.map((u) => [
      u.unit,
      u.status,
      shortDigest(u.currentDigest),
      shortDigest(u.digest),
      u.status === 'available' ? (u.verdict ?? '-') : '-',
      truncate(u.reason ?? '', 90),
    ]),
  );
  return 0;
}
