/**
 * The policy and schedule commands as scripts call them: the real `podup` binary (in-process backend) on the
 * real test host, a real unit on the local registry. Exact output and JSON, exit statuses, and one bad input per
 * command with its exit status (usage 2, unknown 1). `podup check`, `podup schedules [--json]`,
 * `podup schedules add|pause|resume|run|rm`, `podup policy`, `podup approve|reject`, `podup skip`,
 * `podup snooze`, `podup tasks --status awaiting-approval --json` and the POLICY column of `podup units`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiSchedule, ApiTask, ApiUnit, CheckReply } from '../../server/src/contract/api.js';
import { podupEnv } from '../helpers/app.js';
import { runPodup } from '../helpers/server-process.js';
import { containerOf, pushImage, removeUnits, startUnits, writeUnit } from '../helpers/units.js';

const run = randomBytes(3).toString('hex');
const NAME = `cli-pol-${run}`;
const REPO = `acme-corp/${NAME}`;
const SCHEDULE = `cli-check-${run}`;
let dir: string;
let unit: string;
let v1: string;
let v2: string;

const short = (d: string) => d.replace(/^sha256:/, '').slice(0, 12);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const podup = (...args: string[]) =>
  runPodup(
    args,
    podupEnv(dir, {
      PODUP_HEALTH_WINDOW: '1s',
      PODUP_COALESCE_WINDOW: '0',
      PODUP_RATE_LIMIT_IMAGE: 'off',
      PODUP_QUADLET_DIRS: join(dir, 'no-quadlets'),
    }),
  );

/** Runs a command that must succeed; its stdout. */
async function ok(...args: string[]): Promise<string> {
  const r = await podup(...args);
  expect(r.code, `podup ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A command that must fail with `code`, saying `says` on stderr. */
async function refused(code: number, says: RegExp, ...args: string[]): Promise<void> {
  const r = await podup(...args);
  expect(r.code, `podup ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(code);
  expect(r.stderr).toMatch(says);
  expect(r.stdout).toBe('');
}

const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '--json')) as T;

/** The table row of this test's unit (other tests' units may share the host). */
const rowOf = (out: string, key: string) => out.split('\n').find((l) => l.startsWith(`${key} `));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-cli-policies-'));
  mkdirSync(join(dir, 'no-quadlets'));
  v1 = pushImage(REPO, 'stable', `${NAME}-1`);
  unit = writeUnit(NAME, `ghcr.io/${REPO}:stable`, { labels: { 'podup.policy': 'notify' } });
  startUnits(unit);
  v2 = pushImage(REPO, 'stable', `${NAME}-2`);
});
afterAll(() => {
  if (unit) removeUnits(unit);
  rmSync(dir, { recursive: true, force: true });
});

describe('podup policy commands on the real host', () => {
  it('podup units shows the effective policy and where it came from; podup policy UNIT sets it', async () => {
    const row = rowOf(await ok('units'), unit);
    expect(row).toMatch(
      new RegExp(
        `^${escape(unit)} +ghcr\\.io/${escape(REPO)}:stable +\\S+ +running +${short(v1)} +${short(v2)} +available +notify \\(label\\)$`,
      ),
    );
    for (const policy of ['auto', 'off', 'notify', 'approve'] as const) {
      expect(await ok('policy', unit, policy)).toBe(`policy of ${unit} changed\n`);
      const { units } = await json<{ units: ApiUnit[] }>('units');
      expect(units.find((u) => u.unit === unit)?.updatePolicy.policy).toEqual({
        value: policy,
        source: 'override',
      });
    }
    expect(rowOf(await ok('units'), unit)).toMatch(/ available +approve \(override\)$/);
    await refused(2, /policy/, 'policy', unit, 'sometimes');
    await refused(1, /not a unit podup knows: nope-[0-9a-f]+\.service/, 'policy', `nope-${run}`, 'off');
  });

  it('podup check [--json] says what would update and why not, and changes nothing', async () => {
    const report = await json<CheckReply>('check');
    expect(report.units.find((u) => u.unit === unit)).toEqual({
      unit,
      image: `ghcr.io/${REPO}:stable`,
      status: 'available',
      currentDigest: v1,
      digest: v2,
      firstSeen: expect.any(String),
      verdict: 'approve',
      reason: `awaiting approval of ${v2} (policy approve, override)`,
      waitingTask: null,
    });
    const why = `awaiting approval of ${v2} (policy approve, override)`;
    expect(rowOf(await ok('check'), unit)).toMatch(
      new RegExp(
        `^${escape(unit)} +available +${short(v1)} +${short(v2)} +approve +${escape(`${why.slice(0, 89)}…`)}$`,
      ),
    );
    expect((await json<{ tasks: ApiTask[] }>('tasks')).tasks).toEqual([]);
    await refused(2, /unknown option '--bogus'/, 'check', '--bogus');
  });

  it('podup schedules add|list|pause|resume|run, and the waiting task in podup tasks', async () => {
    expect(await ok('schedules')).toBe(
      'no schedules: add one with podup schedules add --cron "0 3 * * *" --action check\n',
    );
    const added = await ok(
      'schedules',
      'add',
      '--cron',
      '0 3 * * *',
      '--action',
      'check',
      '--units',
      unit,
      '--name',
      SCHEDULE,
    );
    expect(added).toMatch(
      new RegExp(
        `^schedule ${SCHEDULE}: check ${escape(unit)} at "0 3 \\* \\* \\*" UTC, next run \\d{4}-\\d\\d-\\d\\d 03:00:00Z\\n$`,
      ),
    );
    const { schedules } = await json<{ schedules: ApiSchedule[] }>('schedules');
    expect(schedules).toEqual([
      expect.objectContaining({
        name: SCHEDULE,
        cron: '0 3 * * *',
        zone: 'UTC',
        action: 'check',
        units: [unit],
        randomDelay: '0',
        paused: false,
        nextRunAt: expect.stringMatching(/T03:00:00\.000Z$/),
        lastRunAt: null,
      }),
    ]);
    const listed = (await ok('schedules')).split('\n');
    expect(listed[0]).toMatch(/^NAME +ACTION +UNITS +CRON +ZONE +NEXT RUN +LAST RUN +LAST RESULT$/);
    expect(listed[1]).toMatch(
      new RegExp(`^${SCHEDULE} +check +${escape(unit)} +0 3 \\* \\* \\* +UTC +\\S+ 03:00:00Z +- +-$`),
    );

    expect(await ok('schedules', 'pause', SCHEDULE)).toBe(
      `schedule ${SCHEDULE}: check ${unit} at "0 3 * * *" UTC, paused\n`,
    );
    expect(await ok('schedules', 'resume', SCHEDULE)).toMatch(
      new RegExp(
        `^schedule ${SCHEDULE}: check ${escape(unit)} at "0 3 \\* \\* \\*" UTC, next run .*03:00:00Z\\n$`,
      ),
    );
    const ran = await ok('schedules', 'run', SCHEDULE);
    const taskId = /task (tsk_\w+) for /.exec(ran)?.[1] ?? '';
    expect(ran).toBe(
      `schedule ${SCHEDULE} ran: ok: 1 units: 1 with an update, 0 up to date, 0 unknown; task ${taskId} for ${unit}\n`,
    );

    const { tasks } = await json<{ tasks: ApiTask[] }>('tasks', '--status', 'awaiting-approval');
    expect(tasks).toEqual([
      expect.objectContaining({
        id: taskId,
        status: 'awaiting-approval',
        trigger: 'scheduler',
        units: [unit],
        digest: v2,
      }),
    ]);
    expect(rowOf(await ok('tasks', '--status', 'awaiting-approval'), taskId)).toMatch(
      new RegExp(`^${taskId} +awaiting-approval +scheduler +${escape(unit)} +`),
    );
    expect(containerOf(unit)?.imageDigests).toContain(v1);

    await refused(
      2,
      /cron "61 \* \* \* \*"/,
      'schedules',
      'add',
      '--cron',
      '61 * * * *',
      '--action',
      'check',
    );
    await refused(
      2,
      /argument 'nope' is invalid/,
      'schedules',
      'add',
      '--cron',
      '0 3 * * *',
      '--action',
      'nope',
    );
    await refused(2, /argument 'awaiting' is invalid/, 'tasks', '--status', 'awaiting');
    for (const action of ['pause', 'resume', 'run'])
      await refused(1, new RegExp(`no-such-${run}`), 'schedules', action, `no-such-${run}`);
  });

  it('podup approve TASK applies exactly that digest; podup reject TASK ends the next one', async () => {
    const [waiting] = (await json<{ tasks: ApiTask[] }>('tasks', '--status', 'awaiting-approval')).tasks;
    const id = waiting?.id ?? '';
    expect(await ok('approve', id)).toBe(`approved: ${id} runs for ${v2}\n`);
    // The in-process backend ran the approved task before the command exited.
    const done = (await json<{ tasks: ApiTask[] }>('tasks')).tasks.find((x) => x.id === id);
    expect(done).toMatchObject({ status: 'succeeded', approvedBy: expect.any(String) });
    expect(containerOf(unit)?.imageDigests).toContain(v2);
    await refused(1, new RegExp(`task ${id} does not await approval \\(succeeded\\)`), 'approve', id);

    const v3 = pushImage(REPO, 'stable', `${NAME}-3`);
    const ran = await ok('schedules', 'run', SCHEDULE);
    const next = /task (tsk_\w+) for /.exec(ran)?.[1] ?? '';
    expect(next).not.toBe('');
    expect(await ok('reject', next)).toBe(`rejected: ${next} will not run\n`);
    const rejected = (await json<{ tasks: ApiTask[] }>('tasks')).tasks.find((x) => x.id === next);
    expect(rejected).toMatchObject({
      status: 'cancelled',
      digest: v3,
      summary: expect.stringMatching(/^rejected by /),
    });
    expect(containerOf(unit)?.imageDigests).toContain(v2);
    await refused(1, new RegExp(`task ${next} does not wait for a decision \\(cancelled\\)`), 'reject', next);
  });

  it('podup skip UNIT DIGEST and podup snooze UNIT UNTIL hold the unit; podup schedules rm NAME', async () => {
    const report = await json<CheckReply>('check');
    const digest = report.units.find((u) => u.unit === unit)?.digest ?? '';
    expect(await ok('skip', unit, digest)).toBe(`${unit} will never be updated to ${digest}\n`);
    expect((await json<CheckReply>('check')).units.find((u) => u.unit === unit)).toMatchObject({
      verdict: 'skip',
      reason: `version ${digest} skipped`,
    });
    await refused(2, /"v3" is not a sha256:<64 hex> digest/, 'skip', unit, 'v3');

    const snoozed = await ok('snooze', unit, '2h');
    const until = /snoozed until (\S+)\n$/.exec(snoozed)?.[1] ?? '';
    expect(snoozed).toBe(`${unit} snoozed until ${until}\n`);
    expect(Math.abs(Date.parse(until) - (Date.now() + 2 * 3_600_000))).toBeLessThan(60_000);
    expect(rowOf(await ok('units'), unit)).toMatch(
      new RegExp(
        `approve \\(override\\), snoozed until ${escape(until.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}$`,
      ),
    );
    await refused(2, /snooze until a time in the future/, 'snooze', unit, '2020-01-01T00:00:00Z');
    expect(await ok('snooze', unit, 'off')).toBe(`${unit} is no longer snoozed\n`);

    expect(await ok('schedules', 'rm', SCHEDULE)).toBe(`schedule ${SCHEDULE} deleted\n`);
    expect((await json<{ schedules: ApiSchedule[] }>('schedules')).schedules).toEqual([]);
    await refused(1, new RegExp(SCHEDULE), 'schedules', 'rm', SCHEDULE);
  });
});
