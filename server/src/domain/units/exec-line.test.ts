import { describe, expect, it } from 'vitest';
import { execLine, quoteExecArg, splitExecLine } from './exec-line.js';

describe('ExecStart= lines', () => {
  it('leaves plain words alone, quotes the rest, doubles "%"', () => {
    expect(quoteExecArg('--pull=never')).toBe('--pull=never');
    expect(quoteExecArg('test -e /ok || exit 3')).toBe('"test -e /ok || exit 3"');
    expect(quoteExecArg('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(quoteExecArg('100%')).toBe('"100%%"');
    expect(quoteExecArg('')).toBe('""');
  });

  it('reads back what it writes', () => {
    const argv = [
      '/usr/bin/podman',
      'run',
      '--cidfile=/run/user/0/web.service.ctr-id',
      '--health-cmd',
      'test -e /ready',
      'ghcr.io/acme/web:stable',
      'sh',
      '-c',
      'trap "exit 0" TERM; sleep 100000 & wait; echo 50% $HOME \\ done',
    ];
    const line = execLine({ path: '/usr/bin/podman', argv, ignoreFailure: false });
    expect(splitExecLine(line)).toEqual(argv);
    expect(
      execLine({ path: '/usr/bin/podman', argv, ignoreFailure: true }).startsWith('-/usr/bin/podman '),
    ).toBe(true);
    expect(execLine({ path: '/bin/busybox', argv: ['sh', '-c', 'true'], ignoreFailure: false })).toBe(
      '@/bin/busybox sh -c true',
    );
  });

  it('splits single-quoted words the way systemd does', () => {
    expect(splitExecLine(`/bin/sh -c 'echo "a b"; exit 0' x`)).toEqual([
      '/bin/sh',
      '-c',
      'echo "a b"; exit 0',
      'x',
    ]);
  });
});
