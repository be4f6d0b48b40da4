import { describe, expect, it } from 'vitest';
import type { ApiTask } from '@contract';
import { resultFor } from './unit-status-list';

const task = (status: ApiTask['status'], outcomes?: ApiTask['outcomes']): ApiTask =>
  ({ id: 'tsk_X', status, outcomes }) as ApiTask;

describe("a unit's result in a task, for its history strip", () => {
  it("is the unit's own result, not the task's: another unit's failure is not this one's", () => {
    const t = task('failed', [
      { unit: 'web.service', status: 'succeeded', reason: null },
      { unit: 'api.service', status: 'failed', reason: 'health gate' },
    ]);
    expect(resultFor(t, 'web.service')).toBe('succeeded');
    expect(resultFor(t, 'api.service')).toBe('failed');
  });

  it('is nothing when the task ran on other units only, and the task status when it lists no unit', () => {
    expect(
      resultFor(
        task('succeeded', [{ unit: 'api.service', status: 'succeeded', reason: null }]),
        'web.service',
      ),
    ).toBeNull();
    expect(resultFor(task('failed', []), 'web.service')).toBe('failed');
    expect(resultFor(task('cancelled'), 'web.service')).toBe('cancelled');
  });
});
