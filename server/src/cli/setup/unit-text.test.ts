import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../version.js';
import { renderService, renderSocket } from './unit-text.js';

const shipped = (...path: string[]) => readFileSync(join(PACKAGE_ROOT, 'systemd', ...path), 'utf8');

describe('the installed units are the shipped ones', () => {
  it('with ExecStart= and Documentation= naming the installed podup, every other line as shipped', () => {
    for (const dir of [[], ['user']]) {
      const text = shipped(...dir, 'podup.service');
      const out = renderService(text, '/opt/pkg/podup');
      expect(out).toMatch(/^ExecStart=\/opt\/pkg\/podup\/bin\/podup-serve$/m);
      expect(out).toMatch(/^Documentation=file:\/\/\/opt\/pkg\/podup\/docs\/OPERATIONS.md$/m);
      const others = (t: string) => t.split('\n').filter((l) => !/^(ExecStart|Documentation)=/.test(l));
      expect(others(out)).toEqual(others(text));
    }
  });

  it('quotes a path with blanks, as systemd reads ExecStart=', () => {
    expect(renderService(shipped('podup.service'), '/opt/my podup')).toMatch(
      /^ExecStart="\/opt\/my podup\/bin\/podup-serve"$/m,
    );
  });

  it('podup.socket listens where --address and --port say', () => {
    const out = renderSocket(shipped('user', 'podup.socket'), '[::1]:8080');
    expect(out).toMatch(/^ListenStream=\[::1\]:8080$/m);
    expect(out.split('\n').filter((l) => l.startsWith('ListenStream='))).toHaveLength(1);
  });

  it('every credential the units load is optional (a default when its file is missing)', () => {
    for (const dir of [[], ['user']]) {
      const text = shipped(...dir, 'podup.service');
      const loaded = [...text.matchAll(/^LoadCredential=([^:]+):/gm)].map((m) => m[1]);
      const defaults = [...text.matchAll(/^SetCredential=([^:]+):\\n$/gm)].map((m) => m[1]);
      expect(loaded).toEqual(['github-webhook-secret', 'admin-token', 'forward-auth-value']);
      expect(defaults).toEqual(loaded);
    }
  });

  it('podup.service starts at boot as well as on a request (a missed schedule runs then), the socket with it', () => {
    const install = (text: string) =>
      text
        .slice(text.indexOf('[Install]'))
        .split('\n')
        .filter((l) => /^\w+=/.test(l));
    expect(install(shipped('podup.service'))).toEqual(['WantedBy=multi-user.target', 'Also=podup.socket']);
    expect(install(shipped('user', 'podup.service'))).toEqual([
      'WantedBy=default.target',
      'Also=podup.socket',
    ]);
    for (const dir of [[], ['user']])
      expect(install(shipped(...dir, 'podup.socket'))).toEqual(['WantedBy=sockets.target']);
  });
});
