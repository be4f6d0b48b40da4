import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatTime } from '@/lib/format';
import { mockState } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

/** The recorded task whose summary starts so (the happy path's operator story records one of each). */
const taskSaying = (start: string) => {
  const t = mockState().tasks.find((x) => x.task.summary?.startsWith(start));
  if (!t) throw new Error(`the happy path recorded no task saying "${start}"`);
  return t.task;
};

async function openDrawer(id: string) {
  const view = renderApp(`/tasks?task=${id}`);
  const element = await screen.findByRole('dialog', { name: `Task ${id}` });
  const drawer = within(element);
  // Loaded: its details are there.
  await drawer.findByText('Details');
  const details = async (): Promise<Map<string, string>> => {
    const summary = drawer.getByText('Details');
    await view.user.click(summary);
    const out = new Map<string, string>();
    for (const row of summary.closest('details')!.querySelectorAll('dl > div'))
      out.set(row.querySelector('dt')!.textContent ?? '', row.querySelector('dd')!.textContent ?? '');
    return out;
  };
  return { ...view, drawer, details };
}

describe('Policy states in the task drawer', () => {
  it('a forced update says the policy was overridden (--force)', async () => {
    const forced = mockState().tasks.find((t) => t.task.force)!.task;
    expect(forced).toMatchObject({ status: 'succeeded', units: ['api.service'] });
    const { details } = await openDrawer(forced.id);
    const rows = await details();
    expect(rows.get('Policy')).toBe('overridden (--force)');
    expect(rows.get('Reason')).toBe(forced.reason);
  });

  it('an update that was not forced has no such line', async () => {
    const plain = mockState().tasks.find((t) => !t.task.force && t.task.status === 'succeeded')!.task;
    const { details } = await openDrawer(plain.id);
    expect((await details()).has('Policy')).toBe(false);
  });

  it('an approval nobody answered in time: cancelled, says it expired, offers no decision', async () => {
    const expired = taskSaying('approval expired');
    expect(expired.status).toBe('cancelled');
    const { drawer } = await openDrawer(expired.id);
    expect(drawer.getByText('approval expired: nobody approved or rejected it in time')).toBeInTheDocument();
    expect(drawer.getByText('Cancelled')).toBeInTheDocument();
    expect(drawer.queryByRole('button', { name: /^Approve/ })).not.toBeInTheDocument();
    expect(drawer.queryByRole('button', { name: /^Reject/ })).not.toBeInTheDocument();
  });

  it('a task replaced by a newer digest says so and leads to the task that took its place', async () => {
    const replaced = taskSaying('replaced by task ');
    const newer = /^replaced by task (\S+):/.exec(replaced.summary!)![1]!;
    expect(replaced.status).toBe('cancelled');
    const { drawer, details, user, router } = await openDrawer(replaced.id);
    expect(drawer.getByText(replaced.summary!)).toHaveTextContent('has a newer digest');
    const rows = await details();
    expect(rows.get('Replaced by')).toBe(newer);
    await user.click(drawer.getByRole('link', { name: newer }));
    expect(router.state.location.search).toBe(`?task=${newer}`);
    expect(await screen.findByRole('dialog', { name: `Task ${newer}` })).toBeInTheDocument();
  });

  it('a task deferred by the minimum image age: deferred until when, and why', async () => {
    const age = mockState().tasks.find(
      (t) => t.task.status === 'deferred' && t.task.summary?.includes('minimum image age'),
    )!.task;
    const { drawer, details } = await openDrawer(age.id);
    expect(drawer.getByText(age.summary!)).toHaveTextContent('minimum image age 3d (override)');
    const rows = await details();
    expect(rows.get('Deferred until')).toBe(formatTime(age.notBefore));
  });
});
