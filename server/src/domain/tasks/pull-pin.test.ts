import { describe, expect, it } from 'vitest';
import { splitExecLine } from '../units/exec-line.js';
import { pinDropIn, pullPolicy, pullsOnStart } from './pull-pin.js';

const podman = (...args: string[]) => ({
  path: '/usr/bin/podman',
  argv: [
    '/usr/bin/podman',
    'run',
    '--rm',
    ...args,
    'ghcr.io/acme/web:stable',
    'sh',
    '-c',
    'exec sleep 1; echo 5%',
  ],
  ignoreFailure: false,
});

describe('units that pull on start', () => {
  it('reads --pull=X and --pull X (Quadlet Pull=) from the podman run line', () => {
    expect(pullPolicy([podman('--pull=always')])).toBe('always');
    expect(pullPolicy([podman('--pull', 'newer')])).toBe('newer');
    expect(pullPolicy([podman()])).toBeNull();
    expect(pullsOnStart('always')).toBe(true);
    expect(pullsOnStart('newer')).toBe(true);
    expect(pullsOnStart('missing')).toBe(false);
    expect(pullsOnStart(null)).toBe(false);
  });

  it('the pin replaces ExecStart= with the same line and --pull=never', () => {
    const pin = pinDropIn('web.service', [podman('--pull', 'always')], 'rolled back') ?? '';
    const lines = pin.split('\n');
    expect(lines).toContain('[Service]');
    expect(lines.filter((l) => l.startsWith('ExecStart='))).toHaveLength(2);
    const exec = lines.filter((l) => l.startsWith('ExecStart=')).at(-1) ?? '';
    expect(splitExecLine(exec.slice('ExecStart='.length))).toEqual(podman('--pull=never').argv);
    expect(pinDropIn('web.service', [podman()], 'x')).toBeUndefined();
  });
});
