/**
 * The CLI's one data path, chosen once per command: the running server's API when a podup answers on
 * PODUP_HTTP_ADDR (one writer, the server's own runner), else the same use cases in-process over the state
 * directory. Both answer in the API's contract, so every command prints the same either way.
 */
import type {
  ApiTaskDetail,
  ApiSchedule,
  CheckReply,
  PolicyBody,
  ScheduleBody,
  ScheduleEditBody,
  ScheduleRunReply,
  SchedulesReply,
  PolicyReply,
  CreatedToken,
  CreateTokenBody,
  EventsPage,
  PruneBody,
  PruneReply,
  TaskActionReply,
  TasksPage,
  TokensReply,
  TriggerBody,
  TriggerReply,
  UnitsReply,
} from '../contract/api.js';
import type { Config } from '../config.js';
import { inProcessBackend } from './in-process-backend.js';
import { serverBackend } from './server-backend.js';

export interface Backend {
  /** Where the answers come from, for the messages a command prints. */
  readonly via: string;
  readonly kind: 'server' | 'in-process';
  units(): Promise<UnitsReply>;
  trigger(body: TriggerBody): Promise<TriggerReply>;
  /** Query parameters as in GET /api/tasks. */
  tasks(query: Record<string, string>): Promise<TasksPage>;
  task(id: string, logAfter?: number): Promise<ApiTaskDetail>;
  stop(id: string, kind: 'stop' | 'force'): Promise<TaskActionReply>;
  retry(id: string): Promise<TaskActionReply>;
  /** Query parameters as in GET /api/events. */
  events(query: Record<string, string>): Promise<EventsPage>;
  prune(body: PruneBody): Promise<PruneReply>;
  check(): Promise<CheckReply>;
  setPolicy(unit: string, body: PolicyBody): Promise<PolicyReply>;
  skip(unit: string, digest: string): Promise<PolicyReply>;
  /** `until`: a time or a duration from now; null ends the snooze. */
  snooze(unit: string, until: string | null): Promise<PolicyReply>;
  approve(id: string): Promise<TaskActionReply>;
  schedules(): Promise<SchedulesReply>;
  addSchedule(body: ScheduleBody): Promise<ApiSchedule>;
  editSchedule(name: string, body: ScheduleEditBody): Promise<ApiSchedule>;
  removeSchedule(name: string): Promise<{ message: string }>;
  scheduleAction(name: string, action: 'pause' | 'resume'): Promise<ApiSchedule>;
  runSchedule(name: string): Promise<ScheduleRunReply>;
  reject(id: string): Promise<TaskActionReply>;
  tokens(): Promise<TokensReply>;
  createToken(body: CreateTokenBody): Promise<CreatedToken>;
  revokeToken(name: string): Promise<void>;
  /** Waits for work the command started in-process (a triggered task) and releases everything. */
  close(): Promise<void>;
}

export interface BackendOptions {
  /**
   * In-process only: the command only reads, so a missing database is an error (it would show an empty
   * state directory as "nothing happened") instead of being created.
   */
  readOnly?: boolean;
}

export async function openBackend(config: Config, options: BackendOptions = {}): Promise<Backend> {
  return (await serverBackend(config)) ?? inProcessBackend(config, options);
}

/** Runs `fn` with the backend and always closes it. */
export async function withBackend<T>(
  config: Config,
  options: BackendOptions,
  fn: (backend: Backend) => Promise<T>,
): Promise<T> {
  const backend = await openBackend(config, options);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}
