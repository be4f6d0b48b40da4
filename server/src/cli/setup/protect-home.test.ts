import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../version.js';
import type { InstallPaths } from '../installed.js';
import { SetupLog } from './actions.js';
import { install, type InstallOptions } from './install.js';
import { hiddenByUnit, refuseHiddenPaths } from './protect-home.js';

const shipped = (...p: string[]) => readFileSync(join(PACKAGE_ROOT, 'systemd', ...p), 'utf8');

describe('the system unit hides the home directories (ProtectHome=yes)', () => {
  it('is read from the shipped unit text: the system unit hides them, the user unit does not', () => {
    expect(hiddenByUnit(shipped('podup.service'))).toEqual(['/home', '/root', '/run/user']);
    expect(hiddenByUnit(shipped('user', 'podup.service'))).toEqual([]);
    expect(hiddenByUnit('ProtectHome=yes\nProtectHome=read-only\n')).toEqual([]);
    expect(hiddenByUnit('ProtectHome=tmpfs\n')).toHaveLength(3);
  });

  it('refuses a podup or a node under them, naming which and why', () => {
    const unit = shipped('podup.service');
    const ok = { podup: '/usr/local/lib/node_modules/podup', node: '/usr/bin/node' };
    expect(() => refuseHiddenPaths(unit, ok)).not.toThrow();
    expect(() =>
      refuseHiddenPaths(unit, { ...ok, node: '/root/.nvm/versions/node/v22.1.0/bin/node' }),
    ).toThrow(/ProtectHome=yes.*node \/root\/\.nvm\/versions\/node\/v22\.1\.0\/bin\/node is under \/root/);
    expect(() =>
      refuseHiddenPaths(unit, { ...ok, podup: '/home/alice/.local/lib/node_modules/podup' }),
    ).toThrow(/podup \/home\/alice\/\.local\/lib\/node_modules\/podup is under \/home/);
    expect(() => refuseHiddenPaths(unit, { ...ok, node: '/run/user/1000/fnm/node' })).toThrow(
      /under \/run\/user/,
    );
    // A prefix of the name is not the directory.
    expect(() => refuseHiddenPaths(unit, { ...ok, podup: '/homestead/podup' })).not.toThrow();
    expect(() =>
      refuseHiddenPaths(shipped('user', 'podup.service'), { ...ok, node: '/root/n' }),
    ).not.toThrow();
  });
});

describe('podup setup --system with a node under /root', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'podup-setup-system-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops before it writes anything, in --dry-run too', async () => {
    // The system layout moved under a scratch directory: nothing here may reach /etc.
    const paths: InstallPaths = {
      scope: 'system',
      envFile: join(dir, 'etc/podup/env'),
      credentialDir: join(dir, 'etc/podup'),
      stateDir: join(dir, 'var/lib/podup'),
      unitDir: join(dir, 'etc/systemd/system'),
      cacheDir: join(dir, 'var/cache/podup'),
    };
    const changes: string[] = [];
    const options = (node: string, set: Record<string, string> = {}): InstallOptions => ({
      paths,
      host: {
        systemctl: {
          query: () => '',
          change: (_log, _verb, _target, ...args) => changes.push(args.join(' ')),
        },
        user: 'root',
        credentialCopies: undefined,
        lingering: () => false,
        enableLinger: () => ({ status: 0, stdout: '', stderr: '' }),
      },
      root: PACKAGE_ROOT,
      node,
      set,
      adminToken: true,
      rotateWebhookSecret: false,
      rotateAdminToken: false,
      linger: 'no',
      ask: () => Promise.resolve(false),
    });
    for (const dryRun of [false, true]) {
      await expect(
        install(new SetupLog(dryRun, () => undefined), options('/root/.nvm/versions/node/v22/bin/node')),
      ).rejects.toThrow(/ProtectHome=yes/);
      // PODUP_NODE given with --set is the node the unit runs.
      await expect(
        install(
          new SetupLog(dryRun, () => undefined),
          options('/usr/bin/node', { PODUP_NODE: '/home/alice/.local/bin/node' }),
        ),
      ).rejects.toThrow(/node \/home\/alice\/\.local\/bin\/node is under \/home/);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(changes).toEqual([]);
  });
});
