/**
 * The shipped system unit runs podup with ProtectHome=yes: /home, /root and /run/user are empty to it
 * (systemd.exec(5)). A podup or a node installed there (nvm, npm's ~/.local prefix, a checkout in a home) would
 * then fail at every start with 203/EXEC or "node: not found", far from the setup that caused it, so
 * `podup setup --system` refuses such paths before it writes anything. Read from the unit text, so the check
 * follows the one source of it: ProtectHome=read-only still lets podup read and run what is there.
 */
import { realpathSync } from 'node:fs';
import { AppError } from '../../errors.js';

const PROTECTED = ['/home', '/root', '/run/user'];

/** The directories the unit's ProtectHome= hides: all three for yes and tmpfs, none otherwise. */
export function hiddenByUnit(unitText: string): string[] {
  const values = [...unitText.matchAll(/^ProtectHome=(.*)$/gm)].map((m) => m[1]?.trim() ?? '');
  // The last assignment wins, as systemd reads the file.
  const last = values.at(-1);
  return last === 'yes' || last === 'true' || last === 'tmpfs' ? PROTECTED : [];
}

const resolved = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/** Throws when `podup` (the package directory) or `node` lies, after symlinks, under a hidden directory. */
export function refuseHiddenPaths(unitText: string, paths: { podup: string; node: string }): void {
  const hidden = hiddenByUnit(unitText);
  const problems = Object.entries(paths).flatMap(([what, path]) => {
    const real = resolved(path);
    const under = hidden.find((dir) => real === dir || real.startsWith(`${dir}/`));
    return under === undefined
      ? []
      : [`${what} ${real}${real === path ? '' : ` (${path})`} is under ${under}`];
  });
  if (problems.length === 0) return;
  throw new AppError(
    'BAD_REQUEST',
    `podup.service of the system scope runs with ProtectHome=yes, which hides ${hidden.join(', ')} from it: ${problems.join('; ')}, so podup could not start`,
    {
      hint: 'install node and podup outside the home directories (a node from the distribution or in /usr/local, not nvm; sudo npm install -g with that node), and run podup setup --system with it',
    },
  );
}
