#!/usr/bin/env node
/**
 * CLI composition root (commander): parses arguments, loads the configuration once, runs one command.
 * With entry.ts, the only code that may exit the process. Exit statuses: the table in errors.ts.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { backupCommand } from './cli/commands/backup.js';
import { restoreCommand } from './cli/commands/restore.js';
import { doctorCommand } from './cli/commands/doctor.js';
import { completionScript, SHELLS, type Shell } from './cli/completion.js';
import { eventsCommand } from './cli/commands/events.js';
import { pruneCommand, type PruneOptions } from './cli/commands/prune.js';
import { setupCommand, type SetupOptions } from './cli/commands/setup.js';
import { snapshotCommand } from './cli/commands/snapshot.js';
import { taskActionCommand, taskShowCommand, tasksCommand, type TasksOptions } from './cli/commands/tasks.js';
import {
  createTokenCommand,
  revokeTokenCommand,
  tokensCommand,
  type CreateTokenOptions,
} from './cli/commands/tokens.js';
import { triggerCommand, type TriggerOptions } from './cli/commands/trigger.js';
import { unitsCommand } from './cli/commands/units.js';
import { checkCommand } from './cli/commands/check.js';
import {
  scheduleActionCommand,
  scheduleAddCommand,
  scheduleEditCommand,
  schedulesCommand,
  type ScheduleOptions,
} from './cli/commands/schedules.js';
import {
  decisionCommand,
  policyCommand,
  skipCommand,
  snoozeCommand,
  type PolicyOptions,
} from './cli/commands/policy.js';
import { toServiceUnit } from './domain/units/unit-name.js';
import {
  OUTCOMES,
  SCHEDULE_ACTIONS,
  SCOPES,
  TASK_STATUSES,
  TRIGGERS,
  UPDATE_POLICIES,
} from './contract/vocabulary.js';
import { exitWith, readConfig, runServe } from './entry.js';
import { VERSION } from './version.js';

const fail = exitWith;

const run =
  <A extends unknown[]>(fn: (...args: A) => number | Promise<number>) =>
  async (...args: A): Promise<void> => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      fail(e);
    }
  };

const program = new Command('podup')
  .description('Webhook-driven Podman auto-update dispatcher')
  .version(VERSION, '-V, --version')
  .option(
    '--state-dir <dir>',
    'state directory of the podup to use (default: PODUP_STATE_DIR, the installed one, ./state)',
  )
  .showHelpAfterError()
  // Options belong to the command they follow: `podup tasks show X --json` is show's --json, not tasks'.
  .enablePositionalOptions()
  .exitOverride();

/** The configuration, read once per command: environment, .env, the installed instance, --state-dir. */
const config = () => readConfig({ cli: true, stateDir: program.opts<{ stateDir?: string }>().stateDir });

program
  .command('serve')
  .description('run the HTTP server (also under systemd socket activation)')
  .action(runServe);

program
  .command('doctor')
  .description(
    'check configuration, state directory, database, systemd over D-Bus, Podman API and registries',
  )
  .option('--json', 'machine-readable output')
  .action(run((opts: { json?: boolean }) => doctorCommand(config(), opts)));

program
  .command('events')
  .description('show the event log (newest first)')
  .option('-n, --limit <n>', 'how many events', '50')
  .option('--route <route>', 'route pattern, e.g. /webhooks/github')
  .addOption(new Option('--outcome <outcome>', 'outcome').choices(OUTCOMES))
  .option('--event <event>', 'GitHub event, e.g. package')
  .option('--delivery <id>', 'X-GitHub-Delivery id')
  .option('--image <ref>', 'normalised image, e.g. ghcr.io/acme/app:stable')
  .option('--task <id>', 'task id')
  .option('--status <code>', 'HTTP status')
  .option('--since <time>', 'ISO date, unix ms, or a duration such as 24h')
  .option('--until <time>', 'ISO date, unix ms, or a duration')
  .addOption(
    new Option(
      '--traffic <which>',
      'deliveries: webhooks and API calls that ask for something; all: also panel and health traffic',
    ).choices(['all', 'deliveries']),
  )
  .option('--json', 'machine-readable output')
  .action(run((opts: Parameters<typeof eventsCommand>[1]) => eventsCommand(config(), opts)));

program
  .command('prune')
  .description(
    'retention: old events and delivery ids, finished tasks and their logs, units gone for long, expired sessions and rate-limit rows; then VACUUM',
  )
  .option('--older-than <duration>', 'events and delivery ids older than this, e.g. 30d', '30d')
  .option(
    '--tasks-older-than <duration>',
    'finished tasks older than this (never the newest task of a unit)',
    '90d',
  )
  .option('--units-older-than <duration>', 'units discovery has not seen for this long', '30d')
  .option('--dry-run', 'only count what would be removed')
  .option('--json', 'machine-readable output')
  .action(run((opts: PruneOptions) => pruneCommand(config(), opts)));

program
  .command('units')
  .description('discovered units: image, running digest, registry digest, update available')
  .option('--json', 'machine-readable output')
  .action(run((opts: { json?: boolean }) => unitsCommand(config(), opts)));

const triggerOptions = (cmd: Command): Command =>
  cmd
    .option('--dry-run', 'only show the plan (which units, current vs target digest)')
    .option('--force', 'override the update policies for this task (recorded as such)')
    .option('--caller <name>', 'who asks (recorded on the task)')
    .option('--reason <text>', 'why (recorded on the task)')
    .option('--no-wait', 'queue the task and return (with a running server)')
    .option('--json', 'machine-readable output');

triggerOptions(
  program
    .command('trigger <unit...>')
    .description('update the named units now (pull, restart, health gate, verify)'),
).action(
  run((units: string[], opts: TriggerOptions) =>
    triggerCommand(
      config(),
      units.map((u) => toServiceUnit(u) ?? u),
      opts,
    ),
  ),
);

triggerOptions(
  program.command('trigger-all').description('update every unit podup manages that follows a tag'),
).action(run((opts: TriggerOptions) => triggerCommand(config(), [], { ...opts, all: true })));

const tasks = program
  .command('tasks')
  .description('recent tasks (newest first)')
  .enablePositionalOptions()
  .addOption(new Option('--status <status>', 'only tasks in this state').choices(TASK_STATUSES))
  .addOption(new Option('--trigger <trigger>', 'only tasks started this way').choices(TRIGGERS))
  .option('--unit <unit>', 'only tasks that touched this unit')
  .option('-n, --limit <n>', 'how many', '20')
  .option('--json', 'machine-readable output')
  .action(run((opts: TasksOptions) => tasksCommand(config(), opts)));

tasks
  .command('show <id>')
  .description('one task with its units and log')
  .option('--json', 'machine-readable output')
  .action(run((id: string, opts: { json?: boolean }) => taskShowCommand(config(), id, opts)));

for (const [action, description] of [
  ['stop', 'stop a task: the current unit finishes, the rest are skipped'],
  ['force-stop', 'stop a task now: a restarted unit not yet verified is rolled back'],
  ['retry', 'queue a finished task again as a new task'],
] as const) {
  tasks
    .command(`${action} <id>`)
    .description(description)
    .option('--json', 'machine-readable output')
    .action(run((id: string, opts: { json?: boolean }) => taskActionCommand(config(), action, id, opts)));
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const tokens = program
  .command('tokens')
  .description('API tokens for bots: name, scopes, unit patterns, created, expires, last used')
  .enablePositionalOptions()
  .option('--json', 'machine-readable output')
  .action(run((opts: { json?: boolean }) => tokensCommand(config(), opts)));

tokens
  .command('create')
  .description('create an API token; prints it once (podup keeps only its hash)')
  .requiredOption('--name <name>', 'who the token is, as tasks and events will name it (e.g. ci-bot)')
  .requiredOption(
    '--scope <scopes>',
    `what it may do: ${SCOPES.join(', ')} (comma-separated or repeated)`,
    collect,
  )
  .option('--units <patterns>', 'units it may trigger and control, e.g. web-* (default: all)', collect)
  .option('--expires <duration>', 'lifetime such as 90d (default: until revoked)')
  .option('--json', 'machine-readable output')
  .action(run((opts: CreateTokenOptions) => createTokenCommand(config(), opts)));

tokens
  .command('revoke <name>')
  .description('revoke an API token: the next request with it is refused')
  .action(run((name: string) => revokeTokenCommand(config(), name)));

program
  .command('backup <file>')
  .description(
    'copy the state database to FILE while podup serves (consistent; events, tasks, units, sessions)',
  )
  .option('--json', 'machine-readable output')
  .action(run((file: string, opts: { json?: boolean }) => backupCommand(config(), file, opts)));

program
  .command('restore <file>')
  .description(
    'put a backup back as the state database (podup and its socket stopped); the replaced database is kept',
  )
  .option('--json', 'machine-readable output')
  .action(run((file: string, opts: { json?: boolean }) => restoreCommand(config(), file, opts)));

program
  .command('setup')
  .description(
    'install this podup as a socket-activated systemd service: env file, secrets, units, startup snapshot, lingering; then check it',
  )
  .option('--user', "the user's systemd manager (rootless Podman)")
  .option('--system', 'the system manager (root, rootful Podman)')
  .option('--address <address>', 'address podup.socket listens on (default 127.0.0.1, or the one set before)')
  .option('--port <port>', 'port podup.socket listens on (default 25111, or the one set before)')
  .option('--public-url <url>', 'how GitHub reaches podup, e.g. https://podup.example.com (PODUP_PUBLIC_URL)')
  .option('--set <KEY=VALUE...>', 'more settings for the env file, e.g. --set PODUP_TRUST_PROXY=10.0.0.1')
  .option('--webhook-secret-file <file>', 'use the webhook secret in this file instead of generating one')
  .option('--admin-token-file <file>', 'use the admin token in this file instead of generating one')
  .option('--no-admin-token', 'make no admin token (ForwardAuth only, or none)')
  .option('--rotate-webhook-secret', 'replace the webhook secret with a new one (then update it in GitHub)')
  .option('--rotate-admin-token', 'replace the admin token with a new one')
  .option('--linger', 'user scope: enable lingering without asking')
  .option('--no-linger', 'user scope: do not enable lingering, do not ask')
  .option('--no-doctor', 'do not run podup doctor afterwards')
  .option('--dry-run', 'print what it would do, change nothing')
  .option('--uninstall', 'remove what podup setup made (the state stays)')
  .option('--purge', 'with --uninstall: remove the state directory too')
  .action(run((opts: SetupOptions) => setupCommand(opts)));

program
  .command('snapshot')
  .description(
    'build the startup snapshot for this node (podup setup does it for the units; this is for images and podup run by hand)',
  )
  .option(
    '--out <dir>',
    'where to write serve.blob (default: server/dist, where podup-serve looks without a cache directory)',
  )
  .action(run((opts: { out?: string }) => snapshotCommand(opts)));

program
  .command('completion')
  .description('print the shell completion script (e.g. source <(podup completion bash))')
  .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
  .action((shell: Shell) => {
    process.stdout.write(completionScript(program, shell));
  });

program
  .command('check')
  .description(
    'what would update and why not: registry digests against the update policies (changes nothing)',
  )
  .option('--json', 'machine-readable output')
  .action(run((opts: { json?: boolean }) => checkCommand(config(), opts)));

const unitName = (u: string) => toServiceUnit(u) ?? u;

program
  .command('policy <unit> [policy]')
  .description(
    `set a unit's update policy at run time (${UPDATE_POLICIES.join(', ')}, or default to drop the override)`,
  )
  .option('--min-age <age>', 'minimum image age before an update applies, e.g. 3d (default: drop)')
  .option('--window <windows>', 'maintenance windows, e.g. "Sat 02:00-05:00 Europe/Berlin" (default: drop)')
  .option('--json', 'machine-readable output')
  .action(
    run((unit: string, policy: string | undefined, opts: PolicyOptions) =>
      policyCommand(config(), unitName(unit), policy, opts),
    ),
  );

for (const [action, description] of [
  ['approve', 'run a task that awaits approval (for the digest it was held for)'],
  ['reject', 'end a task that awaits approval without touching anything'],
] as const) {
  program
    .command(`${action} <task>`)
    .description(description)
    .option('--json', 'machine-readable output')
    .action(run((id: string, opts: { json?: boolean }) => decisionCommand(config(), action, id, opts)));
}

program
  .command('skip <unit> <digest>')
  .description('never update the unit to this digest (a task waiting for it ends)')
  .option('--json', 'machine-readable output')
  .action(
    run((unit: string, digest: string, opts: { json?: boolean }) =>
      skipCommand(config(), unitName(unit), digest, opts),
    ),
  );

program
  .command('snooze <unit> <until>')
  .description('no update of the unit before UNTIL: an ISO time, a duration such as 2h or 3d, or off')
  .option('--json', 'machine-readable output')
  .action(
    run((unit: string, until: string, opts: { json?: boolean }) =>
      snoozeCommand(config(), unitName(unit), until, opts),
    ),
  );

const schedules = program
  .command('schedules')
  .description('schedules (cron, time zone, action) with their next and last runs')
  .enablePositionalOptions()
  .option('--json', 'machine-readable output')
  .action(run((opts: { json?: boolean }) => schedulesCommand(config(), opts)));

const scheduleOptions = (cmd: Command, required: boolean): Command => {
  const opt = (flags: string, text: string) =>
    required ? cmd.requiredOption(flags, text) : cmd.option(flags, text);
  opt('--cron <expr>', 'cron expression: 5 fields, or 6 with seconds first, e.g. "0 3 * * *"');
  cmd.addOption(
    new Option('--action <action>', 'check: look and apply per policy; update: update now; prune: retention')
      .choices(SCHEDULE_ACTIONS)
      .makeOptionMandatory(required),
  );
  return cmd
    .option('--units <units>', 'comma-separated units (default: every unit podup manages; "all" to reset)')
    .option('--zone <zone>', 'time zone of the cron expression, e.g. Europe/Berlin (default UTC)')
    .option('--random-delay <age>', 'start up to this long after each cron time, e.g. 5m')
    .option('--json', 'machine-readable output');
};

scheduleOptions(
  schedules
    .command('add')
    .description('add a schedule')
    .option('--name <name>', 'its name (default: the action and a number)')
    .option('--paused', 'add it paused'),
  true,
).action(run((opts: ScheduleOptions) => scheduleAddCommand(config(), opts)));

scheduleOptions(schedules.command('edit <name>').description('change a schedule'), false).action(
  run((name: string, opts: ScheduleOptions) => scheduleEditCommand(config(), name, opts)),
);

for (const [action, description] of [
  ['rm', 'delete a schedule'],
  ['pause', 'pause a schedule (it keeps its definition)'],
  ['resume', 'resume a paused schedule'],
  ['run', 'run a schedule now, out of turn (its next run stays)'],
] as const) {
  schedules
    .command(`${action} <name>`)
    .description(description)
    .option('--json', 'machine-readable output')
    .action(
      run((name: string, opts: { json?: boolean }) => scheduleActionCommand(config(), action, name, opts)),
    );
}

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`${VERSION}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  fail(e);
}
