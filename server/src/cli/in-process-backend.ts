/**
 * The CLI without a server: the same composition `podup serve` uses (logging to stderr), the same use cases,
 * answers mapped through the same views. A triggered task runs here, in this process, to its end, and what it
 * notifies is sent before the command exits.
 */
import { openPodup } from '../compose.js';
import { assertDatabaseReadable } from '../db/database.js';
import type { Config } from '../config.js';
import { parseEventsQuery } from '../contract/events-query.js';
import { parsePruneBody, toPruneReply } from '../contract/prune-body.js';
import { parseTasksQuery } from '../contract/tasks-query.js';
import { parsePolicyBody } from '../contract/policy-input.js';
import { ScheduleBody, ScheduleEditBody } from '../contract/api.js';
import { parseInput } from '../contract/parse.js';
import { parseTokenBody } from '../contract/token-body.js';
import {
  toApiTask,
  toApiTaskDetail,
  toApiSchedule,
  toApiToken,
  toApiUnit,
  toCheckReply,
  toEventsPage,
  toPolicyReply,
  toSkipReply,
  toSnoozeReply,
  toTasksPage,
  toTriggerReply,
} from '../contract/views.js';
import { createLogger } from '../logger.js';
import type { Origin } from '../use-cases/origin.js';
import type { Backend, BackendOptions } from './backend.js';
import { serverUrl } from './server-backend.js';

const flag = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
/** podup tokens create names its list options in the singular (--scope, --units as given). */
const tokenFlag = (field: string) =>
  field.startsWith('scopes') ? '--scope' : flag(field.split('.')[0] ?? field);

export function inProcessBackend(config: Config, options: BackendOptions): Backend {
  if (options.readOnly) assertDatabaseReadable(config.stateDir, config.dbPath);
  const logger = createLogger({ level: 'warn', format: 'json', destination: process.stderr });
  const podup = openPodup(config, logger);
  const { services } = podup;
  const origin: Origin = { actor: `cli:${process.env.USER ?? 'unknown'}` };
  const running: Array<Promise<unknown>> = [];

  return {
    via: `in-process: no server answers on ${serverUrl(config)}`,
    kind: 'in-process',
    units: async () => ({ units: (await services.units.list()).map(toApiUnit) }),
    async trigger(body) {
      const result = await services.trigger.trigger({ ...body, trigger: 'cli' }, origin);
      if (result.status === 'queued') running.push(services.runner.runNow(result.task.id));
      return toTriggerReply(result);
    },
    tasks: async (q) => toTasksPage(services.queries.tasks(parseTasksQuery(q, flag))),
    task: async (id, after = 0) => toApiTaskDetail(services.queries.task(id, after)),
    async stop(id, kind) {
      const r = await services.control.stop(id, kind, origin);
      return { task: toApiTask(r.task), message: r.message };
    },
    async retry(id) {
      const r = await services.control.retry(id, origin);
      running.push(services.runner.runNow(r.retry.id));
      return { task: toApiTask(r.retry), retryTaskId: r.retry.id, message: r.message };
    },
    events: async (q) => toEventsPage(services.queries.events(parseEventsQuery(q, Date.now(), flag))),
    prune: async (body) => toPruneReply(services.prune.prune(parsePruneBody(body, flag))),
    check: async () => toCheckReply(await services.check.check()),
    async setPolicy(unit, body) {
      await services.policies.setPolicy(unit, parsePolicyBody(body), origin);
      return toPolicyReply(unit);
    },
    skip: async (unit, digest) =>
      toSkipReply(unit, digest, (await services.policies.skip(unit, digest, origin)).cancelled),
    snooze: async (unit, until) => toSnoozeReply(unit, await services.policies.snooze(unit, until, origin)),
    async approve(id) {
      const r = await services.control.approve(id, origin);
      running.push(services.runner.runNow(id));
      return { task: toApiTask(r.task), message: r.message };
    },
    schedules: async () => ({
      schedules: services.schedules.views().map((v) => toApiSchedule(v.schedule, v.lastTaskStatus)),
    }),
    async addSchedule(body) {
      const s = await services.schedules.create(parseInput(ScheduleBody, body, 'BAD_REQUEST', flag), origin);
      return toApiSchedule(s, null);
    },
    async editSchedule(name, body) {
      const s = await services.schedules.edit(
        name,
        parseInput(ScheduleEditBody, body, 'BAD_REQUEST', flag),
        origin,
      );
      const v = services.schedules.view(s);
      return toApiSchedule(v.schedule, v.lastTaskStatus);
    },
    async removeSchedule(name) {
      await services.schedules.remove(name, origin);
      return { message: `schedule ${name} deleted` };
    },
    async scheduleAction(name, action) {
      const v = services.schedules.view(await services.schedules[action](name, origin));
      return toApiSchedule(v.schedule, v.lastTaskStatus);
    },
    async runSchedule(name) {
      const { schedule, run } = await services.scheduler.runNow(name, origin);
      if (run.taskId && services.queries.findTask(run.taskId)?.status === 'queued')
        running.push(services.runner.runNow(run.taskId));
      const v = services.schedules.view(schedule);
      return { schedule: toApiSchedule(v.schedule, v.lastTaskStatus), ...run };
    },
    async reject(id) {
      const r = await services.control.reject(id, origin);
      return { task: toApiTask(r.task), message: r.message };
    },
    tokens: async () => ({ tokens: services.tokens.list().map(toApiToken) }),
    async createToken(body) {
      const { token, record } = await services.tokens.create(parseTokenBody(body, tokenFlag), origin);
      return { ...toApiToken(record), token };
    },
    revokeToken: (name) => services.tokens.revoke(name, origin),
    async close() {
      await Promise.allSettled(running);
      // What the tasks run here notified goes out now, not at the next start of podup serve (bounded: a
      // receiver that is down keeps it queued for the server's retries).
      if (running.length > 0)
        await Promise.race([
          services.dispatcher.drain().catch(() => 0),
          new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
        ]);
      await podup.close();
    },
  };
}
