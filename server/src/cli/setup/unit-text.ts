/**
 * The units `podup setup` installs are the shipped files (systemd/ in the package: the one source of their
 * text) with three lines made to fit this host: ExecStart= and Documentation= name the installed podup, and
 * ListenStream= the address chosen with --address/--port. Every other line is copied as it is.
 */

/** systemd quoting for a path in ExecStart=: only when it needs it. */
const execPath = (path: string): string => (/[\s"'\\]/.test(path) ? JSON.stringify(path) : path);

const replaceLine = (text: string, key: string, render: (value: string) => string): string => {
  let found = false;
  const out = text.replace(new RegExp(`^${key}=(.*)$`, 'gm'), (_line, value: string) => {
    found = true;
    return `${key}=${render(value)}`;
  });
  if (!found) throw new Error(`the shipped unit has no ${key}= line`);
  return out;
};

/** podup.service with ExecStart= at `root`/bin/podup-serve and the runbook in `root`/docs. */
export function renderService(shipped: string, root: string): string {
  const withExec = replaceLine(shipped, 'ExecStart', () => execPath(`${root}/bin/podup-serve`));
  return replaceLine(withExec, 'Documentation', () => `file://${root}/docs/OPERATIONS.md`);
}

/** podup.socket listening on `listen` (host:port, [v6]:port). */
export function renderSocket(shipped: string, listen: string): string {
  return replaceLine(shipped, 'ListenStream', () => listen);
}
