/**
 * podup setup --user | --system [--uninstall]: installs (or removes) this podup as a socket-activated systemd
 * service, then checks it the way an operator would: a request through the socket, and `podup doctor`.
 * The work is in cli/setup/; this file turns flags into options and prints what happened and what to paste
 * into GitHub.
 */
import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { CONFIG_VARIABLES, loadConfig, type SystemdScope } from '../../config.js';
import { AppError } from '../../errors.js';
import { PACKAGE_ROOT, VERSION } from '../../version.js';
import { installPaths, withInstalledInstance, type InstallPaths } from '../installed.js';
import { realSetupHost, SetupLog, type SetupLine } from '../setup/actions.js';
import { envValueProblem } from '../setup/env-file.js';
import { install, listenAddress, DEFAULT_ADDRESS, DEFAULT_PORT, type Installed } from '../setup/install.js';
import { uninstall } from '../setup/uninstall.js';
import { doctorLines, printDoctor } from './doctor.js';

export interface SetupOptions {
  user?: boolean;
  system?: boolean;
  uninstall?: boolean;
  purge?: boolean;
  dryRun?: boolean;
  address?: string;
  port?: string;
  publicUrl?: string;
  set?: string[];
  webhookSecretFile?: string;
  adminTokenFile?: string;
  /** commander's --no-admin-token */
  adminToken?: boolean;
  rotateWebhookSecret?: boolean;
  rotateAdminToken?: boolean;
  /** --linger / --no-linger; undefined: ask when there is a terminal. */
  linger?: boolean;
  doctor?: boolean;
}

/** Variables `--set` may write: podup's own, and the launcher's. */
const SETTABLE = new Set([...CONFIG_VARIABLES, 'PODUP_NODE', 'PODUP_SNAPSHOT']);

function scopeOf(opts: SetupOptions): SystemdScope {
  if (opts.user === opts.system)
    throw new AppError(
      'BAD_REQUEST',
      'say which systemd manager: podup setup --user (rootless) or --system (root)',
    );
  if (opts.system && process.getuid?.() !== 0)
    throw new AppError('BAD_REQUEST', 'podup setup --system needs root', {
      hint: 'sudo podup setup --system ...',
    });
  return opts.user ? 'user' : 'system';
}

function parseSet(entries: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq) : entry;
    const value = eq > 0 ? entry.slice(eq + 1) : '';
    const problem =
      eq <= 0
        ? `${entry}: use --set KEY=VALUE`
        : !SETTABLE.has(key)
          ? `${key}: not a podup variable (see .env.example)`
          : envValueProblem(key, value);
    if (problem) problems.push(problem);
    else out[key] = value;
  }
  if (problems.length > 0) throw new AppError('BAD_REQUEST', `--set: ${problems.join('; ')}`);
  return out;
}

export function formatLine(line: SetupLine, dryRun: boolean): string {
  const verb = dryRun && line.changed ? `would be ${line.verb}` : line.verb;
  const text = line.content === undefined ? '' : line.content.replace(/^(?=.)/gm, '      | ');
  return `  ${verb.padEnd(dryRun ? 20 : 10)}  ${line.target}${line.detail ? `  (${line.detail})` : ''}\n${text}`;
}

const printLine = (line: SetupLine, dryRun: boolean): void => {
  process.stdout.write(formatLine(line, dryRun));
};

async function ask(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes|)$/i.test((await rl.question(`${question} [Y/n] `)).trim());
  } finally {
    rl.close();
  }
}

/** The URL podup answers on through its socket (0.0.0.0 and :: are reached on loopback). */
const localUrl = (listen: string): string =>
  `http://${listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:')}`;

async function answers(log: SetupLog, listen: string): Promise<boolean> {
  const url = `${localUrl(listen)}/healthz`;
  try {
    // The first request starts podup through podup.socket: a cold start.
    const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
    const body = (await res.json()) as { status?: string; version?: string; listener?: string };
    const ok = res.ok && body.status === 'ok';
    log.add(ok ? 'answers' : 'FAILED', url, false, `podup ${body.version ?? '?'}, ${body.listener ?? '?'}`);
    return ok;
  } catch (e) {
    log.add('FAILED', url, false, `no answer: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

/** What setup prints last: where podup listens, what to paste into GitHub, where the rest is. */
export function gitHubText(scope: SystemdScope, paths: InstallPaths, done: Installed): string {
  const user = scope === 'user' ? ' --user' : '';
  const payload = done.publicUrl
    ? `${done.publicUrl}/webhooks/github`
    : `https://<your TLS proxy>/webhooks/github   (it forwards to ${localUrl(done.listen)}; name it with podup setup${user} --public-url URL)`;
  return `
podup listens on ${done.listen} (podup.socket starts it on the first request; it starts at boot, too, to run
what came due meanwhile).

In GitHub (repository or organisation) > Settings > Webhooks > Add webhook:
  Payload URL   ${payload}
  Content type  application/json
  Secret        the content of ${done.secretFile}   (read it: cat ${done.secretFile})
  Events        Let me select individual events: Packages (and/or Registry packages)
GitHub's ping is then answered 200 {"status":"pong"}.
${done.tokenFile ? `The admin token (task panel sign-in; the CLI reads it itself): ${done.tokenFile}\n` : 'No admin token (--no-admin-token): the admin API and the panel answer 503 unless ForwardAuth lets a request in.\n'}Settings: ${paths.envFile}; journal: journalctl${user} -u podup.service; runbook: ${PACKAGE_ROOT}/docs/OPERATIONS.md
`;
}

export async function setupCommand(opts: SetupOptions): Promise<number> {
  const scope = scopeOf(opts);
  const paths = installPaths(process.env, scope);
  const dryRun = opts.dryRun ?? false;
  const log = new SetupLog(dryRun, printLine);
  const host = realSetupHost(scope);
  const action = opts.uninstall ? 'setup --uninstall' : 'setup';
  process.stdout.write(
    `podup ${VERSION} ${action} --${scope}${dryRun ? ' --dry-run: nothing is changed' : ''}\n`,
  );

  if (opts.uninstall) {
    uninstall(log, { paths, host, purge: opts.purge ?? false });
    if (!log.changed) process.stdout.write('nothing to remove\n');
    return 0;
  }

  const root = realpathSync(PACKAGE_ROOT);
  const node = realpathSync(process.execPath);
  const set = parseSet(opts.set ?? []);
  const port = opts.port === undefined ? undefined : Number(opts.port);
  // Everything given is checked before anything is written.
  loadConfig({
    ...set,
    PODUP_HTTP_ADDR: listenAddress(opts.address ?? DEFAULT_ADDRESS, port ?? DEFAULT_PORT),
    ...(opts.publicUrl === undefined ? {} : { PODUP_PUBLIC_URL: opts.publicUrl }),
  });
  process.stdout.write(`  podup ${root}, node ${node}\n`);

  const done = await install(log, {
    paths,
    host,
    root,
    node,
    address: opts.address,
    port,
    publicUrl: opts.publicUrl,
    set,
    webhookSecretFile: opts.webhookSecretFile,
    adminTokenFile: opts.adminTokenFile,
    adminToken: opts.adminToken ?? true,
    rotateWebhookSecret: opts.rotateWebhookSecret ?? false,
    rotateAdminToken: opts.rotateAdminToken ?? false,
    linger: opts.linger === undefined ? 'ask' : opts.linger ? 'yes' : 'no',
    ask,
  });
  if (!log.changed) process.stdout.write(dryRun ? 'nothing would change\n' : 'nothing changed\n');
  if (dryRun) return 0;

  let status = (await answers(log, done.listen)) ? 0 : 1;
  if (opts.doctor !== false) {
    process.stdout.write('\n');
    const config = loadConfig(
      withInstalledInstance({ ...process.env, PODUP_SYSTEMD_SCOPE: scope }, process.getuid?.() ?? 0),
    );
    const lines = await doctorLines(config);
    printDoctor(lines);
    if (lines.some((l) => l.level === 'fail')) status = 1;
  }
  process.stdout.write(gitHubText(scope, paths, done));
  return status;
}
