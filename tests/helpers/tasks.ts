/** Tasks of a running `podup serve` through its API, as the panel and the CLI read them. */
import { ApiTaskDetail, TriggerReply } from '../../server/src/contract/api.js';
import { ADMIN_TOKEN } from './github.js';

const TERMINAL = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'skipped', 'interrupted'];
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

export async function getTask(base: string, id: string): Promise<ApiTaskDetail> {
  const res = await fetch(`${base}/api/tasks/${id}`, { headers: auth });
  return ApiTaskDetail.parse(await res.json());
}

export async function waitForTask(base: string, id: string, timeoutMs = 120_000): Promise<ApiTaskDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await getTask(base, id);
    if (TERMINAL.includes(task.status)) return task;
    if (Date.now() > deadline)
      throw new Error(`task ${id} still ${task.status}:\n${task.log.map((l) => l.message).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Queues a task for named units (POST /api/tasks) and waits for its end. */
export async function updateUnits(base: string, units: string[]): Promise<ApiTaskDetail> {
  const res = await fetch(`${base}/api/tasks`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ units }),
  });
  const reply = TriggerReply.parse(await res.json());
  if (reply.status === 'dry-run') throw new Error('expected a queued task');
  return waitForTask(base, reply.taskId);
}

/** The task's log, one line per entry, for assertion messages. */
export const logOf = (t: ApiTaskDetail): string =>
  t.log.map((l) => `${l.level} ${l.step} ${l.unit ?? '-'}: ${l.message}`).join('\n');
