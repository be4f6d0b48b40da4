/**
 * podup policy UNIT auto|notify|approve|off|default [--min-age AGE] [--window WINDOWS], podup skip UNIT DIGEST,
 * podup snooze UNIT UNTIL, podup approve TASK, podup reject TASK: the operator's runtime word on updates.
 */
import type { Config } from '../../config.js';
import type { PolicyBody } from '../../contract/api.js';
import { withBackend } from '../backend.js';
import { printJson } from '../output.js';

export interface PolicyOptions {
  minAge?: string;
  window?: string;
  json?: boolean;
}

const say = (reply: { message: string }, json: boolean | undefined): number => {
  if (json) printJson(reply);
  else process.stdout.write(`${reply.message}\n`);
  return 0;
};

export async function policyCommand(
  config: Config,
  unit: string,
  policy: string | undefined,
  opts: PolicyOptions,
): Promise<number> {
  const body: PolicyBody = {};
  if (policy !== undefined) body.policy = policy as PolicyBody['policy'];
  if (opts.minAge !== undefined) body.minAge = opts.minAge === 'default' ? null : opts.minAge;
  if (opts.window !== undefined) body.window = opts.window === 'default' ? null : opts.window;
  return say(await withBackend(config, {}, (b) => b.setPolicy(unit, body)), opts.json);
}

export async function skipCommand(config: Config, unit: string, digest: string, opts: { json?: boolean }) {
  return say(await withBackend(config, {}, (b) => b.skip(unit, digest)), opts.json);
}

/** UNTIL: a time, a duration from now (2h, 3d), or "off" to end the snooze. */
export async function snoozeCommand(config: Config, unit: string, until: string, opts: { json?: boolean }) {
  const end = until.trim().toLowerCase() === 'off' ? null : until;
  return say(await withBackend(config, {}, (b) => b.snooze(unit, end)), opts.json);
}

export async function decisionCommand(
  config: Config,
  action: 'approve' | 'reject',
  id: string,
  opts: { json?: boolean },
): Promise<number> {
  return say(await withBackend(config, {}, (b) => b[action](id)), opts.json);
}
