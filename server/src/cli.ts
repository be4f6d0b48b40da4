#!/usr/bin/env node
/**
 * CLI composition root (commander): parses arguments, loads the configuration once, runs one command.
 * With entry.ts, the only code that may exit the process. Exit codes: 0 ok, 1 failure, 2 usage, 78 bad config.
 */
import { Command, CommanderError, Option } from 'commander';
import { doctorCommand } from './cli/commands/doctor.js';
import { eventsCommand } from './cli/commands/events.js';
import { pruneCommand } from './cli/commands/prune.js';
import { taskShowCommand, tasksCommand } from './cli/commands/tasks.js';
import { triggerCommand, type TriggerOptions } from './cli/commands/trigger.js';
import { unitsCommand } from './cli/commands/units.js';
import { toServiceUnit } from './domain/units/unit-name.js';
import { OUTCOMES } from './domain/events/event.js';
import { exitWith, readConfig, runServe } from './entry.js';
import { VERSION } from './version.js';

const config = readConfig;
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
  .showHelpAfterError()
  .exitOverride();

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
  .option('--json', 'machine-readable output')
  .action(run((opts: Parameters<typeof eventsCommand>[1]) => eventsCommand(config(), opts)));

program
  .command('prune')
  .description('delete events and delivery ids older than a cutoff, expired rate-limit rows; then VACUUM')
  .option('--older-than <duration>', 'age cutoff, e.g. 30d', '30d')
  .option('--dry-run', 'only count what would be removed')
  .option('--json', 'machine-readable output')
  .action(
    run((opts: { olderThan: string; dryRun?: boolean; json?: boolean }) => pruneCommand(config(), opts)),
  );

program
  .command('units')
  .description('discovered units: image, running digest, registry digest, update available')
  .option('--json', 'machine-readable output')
  .action(run((opts: { json?: boolean }) => unitsCommand(config(), opts)));

const triggerOptions = (cmd: Command): Command =>
  cmd
    .option('--dry-run', 'only show the plan (which units, current vs target digest)')
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
  .option(
    '--status <status>',
    'queued, running, succeeded, failed, rolled-back, cancelled, interrupted, skipped',
  )
  .option('-n, --limit <n>', 'how many', '20')
  .option('--json', 'machine-readable output')
  .action(run((opts: { status?: string; limit?: string; json?: boolean }) => tasksCommand(config(), opts)));

tasks
  .command('show <id>')
  .description('one task with its units and log')
  .option('--json', 'machine-readable output')
  .action(run((id: string, opts: { json?: boolean }) => taskShowCommand(config(), id, opts)));

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
