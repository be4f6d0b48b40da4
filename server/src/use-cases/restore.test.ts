import { describe, expect, it } from 'vitest';
import type { DatabaseInfo, StateCopies, UnitState } from '../domain/ports/index.js';
import { RestoreService } from './restore.js';

const info = (over: Partial<DatabaseInfo> = {}): DatabaseInfo => ({
  integrity: 'ok',
  schema: 4,
  events: 10,
  tasks: 2,
  bytes: 4096,
  ...over,
});

function setup(opts: { backup?: DatabaseInfo; holders?: number[]; active?: string[]; bus?: boolean } = {}) {
  const replaced: string[] = [];
  const copies: StateCopies = {
    dbPath: '/state/podup.db',
    schemaVersion: 4,
    backupTo: () => Promise.reject(new Error('not here')),
    inspect: () => opts.backup ?? info(),
    openedBy: () => opts.holders ?? [],
    replaceWith(file, stamp) {
      replaced.push(file);
      return { aside: `/state/podup.db.before-restore-${stamp}` };
    },
  };
  const unitManager = {
    async state(unit: string): Promise<UnitState> {
      if (opts.bus === false) throw new Error('no bus');
      return {
        activeState: opts.active?.includes(unit) ? 'active' : 'inactive',
        subState: '',
        result: '',
        nRestarts: null,
        mainPid: 0,
        invocationId: '',
      };
    },
  };
  const service = new RestoreService({
    copies,
    unitManager,
    clock: { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) },
    systemctl: 'systemctl --user',
  });
  return { service, replaced };
}

describe('restore', () => {
  it('puts a sound backup in place and names the database it kept', async () => {
    const { service, replaced } = setup();
    const r = await service.restore('/b.db');
    expect(replaced).toEqual(['/b.db']);
    expect(r).toMatchObject({
      aside: '/state/podup.db.before-restore-2026-01-02T03-04-05-000Z',
      migratesTo: undefined,
    });
  });

  it('is refused while podup runs, or could start on a request, and touches nothing', async () => {
    for (const o of [{ active: ['podup.service'] }, { active: ['podup.socket'] }, { holders: [4242] }]) {
      const { service, replaced } = setup(o);
      await expect(service.restore('/b.db')).rejects.toMatchObject({
        code: 'CONFLICT',
        hint: expect.stringContaining('systemctl --user stop podup.socket podup.service'),
      });
      expect(replaced).toEqual([]);
    }
  });

  it('refuses a backup that fails its integrity check or is newer than this podup', async () => {
    for (const backup of [info({ integrity: 'row 3 missing from index' }), info({ schema: 5 })]) {
      const { service, replaced } = setup({ backup });
      await expect(service.restore('/b.db')).rejects.toMatchObject({ code: 'DATABASE_ERROR' });
      expect(replaced).toEqual([]);
    }
  });

  it('takes an older schema (migrated at the next start), and goes on by the locks alone without a bus', async () => {
    const { service } = setup({ backup: info({ schema: 3 }), bus: false });
    const r = await service.restore('/b.db');
    expect(r.migratesTo).toBe(4);
    expect(r.unitsUnchecked).toBe('no bus');
  });
});
