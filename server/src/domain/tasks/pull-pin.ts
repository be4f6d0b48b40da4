/**
 * Units whose container pulls its tag on every start (Quadlet Pull=always/newer, podman run --pull=always):
 * a plain rollback would fetch the broken tag again. Such a unit is rolled back with a drop-in that replaces
 * its ExecStart= by the same line with --pull=never, so it starts the previous image podup tagged locally; the
 * drop-in goes at the unit's next good update. Pure.
 */
import type { ExecCommand } from '../ports/index.js';
import { execLine } from '../units/exec-line.js';

export const PIN_DROP_IN = 'podup-pin';

/** The --pull= policy of the podman run line; null when it sets none (podman's default: missing). */
export function pullPolicy(commands: readonly ExecCommand[]): string | null {
  for (const c of commands) {
    if (!c.argv.some((a) => a === 'run')) continue;
    for (let i = 0; i < c.argv.length; i++) {
      const a = c.argv[i] ?? '';
      if (a.startsWith('--pull=')) return a.slice('--pull='.length);
      if (a === '--pull') return c.argv[i + 1] ?? null;
    }
  }
  return null;
}

/** A start that would fetch the tag again. */
export const pullsOnStart = (policy: string | null): boolean =>
  policy !== null && ['always', 'newer'].includes(policy.toLowerCase());

/** The drop-in that starts the unit without pulling; undefined when no line has a --pull to replace. */
export function pinDropIn(unit: string, commands: readonly ExecCommand[], why: string): string | undefined {
  let changed = false;
  const lines = commands.map((c) => {
    const argv: string[] = [];
    for (let i = 0; i < c.argv.length; i++) {
      const a = c.argv[i] ?? '';
      if (a.startsWith('--pull=')) {
        argv.push('--pull=never');
        changed = true;
      } else if (a === '--pull') {
        argv.push('--pull=never');
        i++;
        changed = true;
      } else argv.push(a);
    }
    return `ExecStart=${execLine({ ...c, argv })}`;
  });
  if (!changed) return undefined;
  return [
    `# Written by podup: ${why}.`,
    `# ${unit} would pull its tag again on start; this keeps it on the image podup rolled it back to.`,
    '# podup removes this file after the next good update of the unit.',
    '[Service]',
    'ExecStart=',
    ...lines,
    '',
  ].join('\n');
}
