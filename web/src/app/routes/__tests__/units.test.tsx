import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PolicyReply, TaskActionReply } from '@contract';
import { formatTime } from '@/lib/format';
import { recordedTransport, mockState } from '@/testing/mocks/state';
import { currentUrl, renderApp } from '@/testing/test-utils';

const units = () => mockState().reads.units.body.units;
const findUnit = (name: string) => units().find((u) => u.unit === name);
const tooManyRequests = () => {
  const { body, headers } = recordedTransport().rateLimited;
  return `${body.error.message}. Retry in ${headers['retry-after']} s.`;
};

/** The reply recorded for this change (the mocks replay it). */
const recorded = (method: string, path: string, body: Record<string, unknown>) =>
  mockState().data.exchanges.find(
    (e) =>
      (e.method ?? 'POST') === method && e.path === path && JSON.stringify(e.body) === JSON.stringify(body),
  )!.reply.body as PolicyReply;

const rowOf = (unit: string) =>
  screen.getByText(unit, { selector: 'strong > a' }).closest('tr') as HTMLElement;

describe('Units', () => {
  it('happy-path: image, running vs registry digest (shortened), and whether an update is available', async () => {
    renderApp('/units');
    await screen.findByRole('table');
    const available = units().filter((u) => u.updateAvailable === true).length;
    expect(
      screen.getByText(`${units().length} units, ${available} with an update available.`),
    ).toBeInTheDocument();

    const web = findUnit('web.service')!;
    const webRow = rowOf('web.service');
    expect(within(webRow).getByText('update available')).toBeInTheDocument();
    expect(within(webRow).getByText('ghcr.io/acme/web:main')).toBeInTheDocument();
    expect(within(webRow).getByTitle(web.runningDigest!)).toHaveTextContent(web.runningDigest!.slice(7, 19));
    expect(within(webRow).getByTitle(web.registryDigest!)).toHaveTextContent(
      web.registryDigest!.slice(7, 19),
    );

    expect(within(rowOf('adminer.service')).getByText('up to date')).toBeInTheDocument();
    const proxy = within(rowOf('proxy.service')).getByText('registry unreachable');
    expect(proxy).toHaveAttribute('title', findUnit('proxy.service')!.registryError);
  });

  it('a unit that does not opt in says why and offers no update (podup would refuse it)', async () => {
    renderApp('/units');
    await screen.findByRole('table');
    const row = within(rowOf('adminer.service'));
    expect(row.getByText(/does not opt in to updates: set AutoUpdate=registry/)).toBeInTheDocument();
    expect(row.getByText('not updated by podup')).toBeInTheDocument();
    expect(row.queryByRole('button', { name: /Update now: adminer.service/ })).not.toBeInTheDocument();
    // Listed in PODUP_UNITS: updated although it carries no label.
    expect(
      within(rowOf('backup.service')).getByRole('button', { name: 'Update now: backup.service' }),
    ).toBeInTheDocument();
  });

  it('dry run shows the plan without queueing anything', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const before = mockState().tasks.length;
    await user.click(screen.getByRole('button', { name: 'Dry run web.service' }));
    const dialog = await screen.findByRole('dialog', { name: 'Dry run: web.service' });
    expect(within(dialog).getByText('would update')).toBeInTheDocument();
    // From the digest it runs to the registry's.
    const web = findUnit('web.service')!;
    expect(within(dialog).getByTitle(web.runningDigest!)).toBeInTheDocument();
    expect(within(dialog).getByTitle(web.registryDigest!)).toBeInTheDocument();
    expect(mockState().tasks.length).toBe(before);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('update now: confirm with a reason, a toast, and the new task opens at once', async () => {
    const { user, router } = renderApp('/units');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Update now: web.service' }));
    const confirm = screen.getByRole('dialog', { name: 'Update web.service?' });
    expect(confirm).toHaveTextContent('rolls back to the current image if it does not');
    await user.type(within(confirm).getByLabelText('Reason (optional)'), 'ship the fix');
    await user.click(within(confirm).getByRole('button', { name: 'Update now' }));

    const task = mockState().tasks[0]!.task;
    expect(task).toMatchObject({ units: ['web.service'], reason: 'ship the fix', status: 'queued' });
    expect(await screen.findByText(`Update of web.service queued as ${task.id}`)).toBeInTheDocument();
    expect(await screen.findByRole('dialog', { name: `Task ${task.id}` })).toBeInTheDocument();
    expect(currentUrl(router)).toBe(`/tasks?task=${task.id}`);
  });

  it('update all: dry run of every unit names the registry error; confirming queues one task', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Dry run all' }));
    const plan = await screen.findByRole('dialog', { name: 'Dry run: every unit' });
    const managed = units().filter((u) => u.managed);
    expect(within(plan).getAllByRole('row')).toHaveLength(1 + managed.length);
    expect(within(plan).getByRole('alert')).toHaveTextContent(
      `ghcr.io/acme/proxy:latest: ${findUnit('proxy.service')!.registryError}`,
    );
    expect(within(plan).getByText('cannot plan')).toBeInTheDocument();
    await user.keyboard('{Escape}');

    await user.click(screen.getByRole('button', { name: 'Update all…' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Update every unit?' })).getByRole('button', {
        name: 'Update all',
      }),
    );
    const task = mockState().tasks[0]!.task;
    expect(await screen.findByText(`Queued ${task.id} for ${managed.length} units`)).toBeInTheDocument();
    expect(task.units).toEqual(managed.map((u) => u.unit));
    expect(task.caller).toBe('web');
    // Its drawer opens on the Tasks page.
    expect(await screen.findByRole('dialog', { name: `Task ${task.id}` })).toBeInTheDocument();
  });

  it('each unit shows its effective policy and where it came from, the check, and what waits on it', async () => {
    renderApp('/units');
    await screen.findByRole('table');
    const api = within(rowOf('api.service'));
    expect(
      api.getByRole('combobox', { name: 'Update policy of api.service: approve (set in podup)' }),
    ).toBeInTheDocument();
    expect(api.getByText('awaiting approval')).toBeInTheDocument();
    expect(api.getByRole('button', { name: 'Approve api.service' })).toBeInTheDocument();
    const check = findUnit('api.service')!.check!;
    expect(api.getByTitle(check.reason!)).toHaveTextContent(`${check.digest!.slice(7, 19)} seen`);

    // A maintenance window from the runtime override: the task waits for it.
    const grafana = findUnit('grafana.service')!;
    const g = within(rowOf('grafana.service'));
    expect(
      g.getByRole('combobox', { name: 'Update policy of grafana.service: auto (default)' }),
    ).toBeInTheDocument();
    expect(
      g.getByText(`· window ${grafana.updatePolicy.windows.value[0]} (set in podup)`),
    ).toBeInTheDocument();
    expect(g.getByText(`deferred until ${formatTime(grafana.waiting[0]!.notBefore)}`)).toBeInTheDocument();

    // Not managed: the policy shows, but cannot be changed from here.
    expect(within(rowOf('adminer.service')).getByRole('combobox')).toBeDisabled();
  });

  it('changing the policy, and back to the labels and defaults', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const select = within(rowOf('web.service')).getByRole('combobox', {
      name: /^Update policy of web.service/,
    });
    await user.selectOptions(select, 'set approve');
    const path = '/api/units/web.service/policy';
    expect(await screen.findByText(recorded('PUT', path, { policy: 'approve' }).message)).toBeInTheDocument();
    // The current value stays the visible choice.
    expect(select).toHaveValue('');
    await user.selectOptions(select, 'back to labels and defaults');
    await waitFor(() =>
      expect(screen.getAllByText(recorded('PUT', path, { policy: 'default' }).message)).toHaveLength(2),
    );
  });

  it('skip the offered version: the unit then skips one version more and offers it no longer', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const web = findUnit('web.service')!;
    const row = within(rowOf('web.service'));
    const skipped = web.updatePolicy.skipped.length;
    expect(skipped).toBeGreaterThan(0);
    // The version that crashed was skipped before.
    expect(row.getByText(`· skips ${skipped} version${skipped === 1 ? '' : 's'}`)).toHaveAttribute(
      'title',
      web.updatePolicy.skipped.join('\n'),
    );
    const digest = web.check!.digest!;
    const skip = row.getByRole('button', { name: `Skip version ${digest.slice(7, 19)} of web.service` });
    await user.click(skip);
    expect(
      await screen.findByText(recorded('POST', '/api/units/web.service/skip', { digest }).message),
    ).toBeInTheDocument();
    await waitFor(() => expect(row.getByText(`· skips ${skipped + 1} versions`)).toBeInTheDocument());
    expect(row.queryByRole('button', { name: /^Skip version/ })).not.toBeInTheDocument();
  });

  it('a snoozed unit says until when; Unsnooze ends it', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const web = findUnit('web.service')!;
    const until = web.updatePolicy.snoozedUntil!;
    expect(Date.parse(until)).toBeGreaterThan(Date.now());
    const row = within(rowOf('web.service'));
    expect(row.getByText(`· snoozed until ${formatTime(until)}`)).toBeInTheDocument();
    await user.click(
      row.getByRole('button', { name: `Unsnooze web.service (snoozed until ${formatTime(until)})` }),
    );
    expect(
      await screen.findByText(recorded('POST', '/api/units/web.service/snooze', { until: null }).message),
    ).toBeInTheDocument();
    await waitFor(() => expect(row.queryByText(/snoozed until/)).not.toBeInTheDocument());
    expect(row.getByRole('button', { name: 'Snooze web.service…' })).toBeInTheDocument();
  });

  it('snooze for a week: the unit shows the snooze it got', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const row = within(rowOf('worker.service'));
    expect(row.queryByText(/snoozed until/)).not.toBeInTheDocument();
    await user.click(row.getByRole('button', { name: 'Snooze worker.service…' }));
    const dialog = screen.getByRole('dialog', { name: 'Snooze worker.service' });
    await user.click(within(dialog).getByRole('radio', { name: '1 week' }));
    await user.click(within(dialog).getByRole('button', { name: 'Snooze' }));
    const until = findUnit('worker.service')!.updatePolicy.snoozedUntil!;
    // A week from now, as the server answered it then.
    expect(Math.abs(Date.parse(until) - Date.now() - 7 * 86_400_000)).toBeLessThan(60_000);
    expect(await screen.findByText(`worker.service snoozed until ${until}`)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(row.getByText(`· snoozed until ${formatTime(until)}`)).toBeInTheDocument();
  });

  it('snooze until a picked date and time; one gone by is refused in the dialog', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Snooze api.service…' }));
    const dialog = screen.getByRole('dialog', { name: 'Snooze api.service' });
    await user.click(within(dialog).getByRole('radio', { name: 'until a date and time' }));
    // Nothing picked yet: said at once, nothing sent.
    await user.click(within(dialog).getByRole('button', { name: 'Snooze' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Pick a date and time.');
    const localOf = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T06:30`;
    const input = within(dialog).getByLabelText('Snoozed until (your clock)');
    // A time gone by: the server's refusal shows in the dialog, which stays open.
    const past = new Date(Date.now() - 2 * 86_400_000);
    await user.type(input, localOf(past));
    await user.click(within(dialog).getByRole('button', { name: 'Snooze' }));
    const refused = mockState().data.exchanges.find(
      (e) => e.path === '/api/units/api.service/snooze' && e.reply.status === 400,
    )!.reply.body as { error: { message: string } };
    await waitFor(() => expect(within(dialog).getByRole('alert')).toHaveTextContent(refused.error.message));
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(findUnit('api.service')!.updatePolicy.snoozedUntil).toBeNull();

    const picked = new Date(Date.now() + 5 * 86_400_000);
    picked.setHours(6, 30, 0, 0);
    await user.clear(input);
    await user.type(input, localOf(picked));
    await user.click(within(dialog).getByRole('button', { name: 'Snooze' }));
    expect(await screen.findByText(`api.service snoozed until ${picked.toISOString()}`)).toBeInTheDocument();
    expect(findUnit('api.service')!.updatePolicy.snoozedUntil).toBe(picked.toISOString());
    expect(
      within(rowOf('api.service')).getByText(`· snoozed until ${formatTime(picked.toISOString())}`),
    ).toBeInTheDocument();
  });

  it('deferred by the minimum image age: the unit says until when and why', async () => {
    renderApp('/units');
    await screen.findByRole('table');
    const worker = findUnit('worker.service')!;
    expect(worker.updatePolicy.minAge).toEqual({ value: '3d', source: 'override' });
    const [waiting] = worker.waiting;
    expect(waiting?.status).toBe('deferred');
    const row = within(rowOf('worker.service'));
    expect(row.getByText('· min age 3d (set in podup)')).toBeInTheDocument();
    expect(row.getByText(`deferred until ${formatTime(waiting!.notBefore)}`)).toHaveAttribute(
      'title',
      waiting!.summary,
    );
    expect(row.getByText('minimum image age 3d (override)')).toBeInTheDocument();
  });

  it('override the minimum age: a refused value is shown at the field; a good one shows; reset goes back', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const row = within(rowOf('worker.service'));
    await user.click(row.getByRole('button', { name: 'Age & windows of worker.service' }));
    const dialog = screen.getByRole('dialog', { name: 'Minimum age and windows: worker.service' });
    const form = within(within(dialog).getByRole('form', { name: 'Minimum image age' }));
    const input = form.getByLabelText('Minimum image age');
    const path = '/api/units/worker.service/policy';

    await user.clear(input);
    await user.type(input, 'soon');
    await user.click(form.getByRole('button', { name: 'Set minimum image age' }));
    const refused = recorded('PUT', path, { minAge: 'soon' }) as unknown as { error: { message: string } };
    expect(await form.findByRole('alert')).toHaveTextContent(refused.error.message);
    expect(input).toHaveAttribute('aria-invalid', 'true');

    await user.clear(input);
    await user.type(input, '12h');
    await user.click(form.getByRole('button', { name: 'Set minimum image age' }));
    await waitFor(() => expect(row.getByText('· min age 12h (set in podup)')).toBeInTheDocument());
    expect(form.queryByRole('alert')).not.toBeInTheDocument();

    await user.click(form.getByRole('button', { name: 'Reset to the unit’s own' }));
    // Back to podup's default (none): the line no longer names an age, the field offers no reset.
    await waitFor(() => expect(row.queryByText(/min age/)).not.toBeInTheDocument());
    expect(findUnit('worker.service')!.updatePolicy.minAge.source).not.toBe('override');
    expect(form.queryByRole('button', { name: 'Reset to the unit’s own' })).not.toBeInTheDocument();
  });

  it('override the maintenance window: refused without a zone, then reset to the unit’s own', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const row = within(rowOf('grafana.service'));
    await user.click(row.getByRole('button', { name: 'Age & windows of grafana.service' }));
    const dialog = screen.getByRole('dialog', { name: 'Minimum age and windows: grafana.service' });
    const form = within(within(dialog).getByRole('form', { name: 'Maintenance windows' }));
    const input = form.getByLabelText('Maintenance windows');
    expect(input).toHaveValue('Sat 02:00-05:00 Europe/Berlin');
    await user.clear(input);
    await user.type(input, 'Sat 02:00-05:00');
    await user.click(form.getByRole('button', { name: 'Set maintenance windows' }));
    expect(await form.findByRole('alert')).toHaveTextContent('the time zone is missing');

    await user.clear(input);
    await user.type(input, 'Sat 02:00-05:00 UTC');
    await user.click(form.getByRole('button', { name: 'Set maintenance windows' }));
    await waitFor(() =>
      expect(row.getByText('· window Sat 02:00-05:00 UTC (set in podup)')).toBeInTheDocument(),
    );

    await user.click(form.getByRole('button', { name: 'Reset to the unit’s own' }));
    await waitFor(() => expect(row.queryByText(/· window/)).not.toBeInTheDocument());
  });

  it('approve a waiting update from its unit: it leaves the waiting list', async () => {
    const { user } = renderApp('/units');
    await screen.findByRole('table');
    const approve = mockState().data.control.find(
      (c) => c.status === 'awaiting-approval' && c.action === 'approve',
    )!;
    const unit = units().find((u) => u.waiting[0]?.taskId === approve.subject)!;
    const row = within(rowOf(unit.unit));
    await user.click(row.getByRole('button', { name: `Approve ${unit.unit}` }));
    expect(await screen.findByText((approve.reply.body as TaskActionReply).message)).toBeInTheDocument();
    await waitFor(() => expect(row.queryByText('awaiting approval')).not.toBeInTheDocument());
  });

  it('empty: says no unit was found and offers nothing to update', async () => {
    renderApp('/units', { profile: 'empty' });
    expect(await screen.findByText('No units found')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Update all…' })).toBeDisabled();
  });

  it('rate-limited: update and dry run both fail with a toast saying when to retry', async () => {
    const { user } = renderApp('/units', { profile: 'rate-limited' });
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Dry run api.service' }));
    expect(
      await screen.findByText(`Dry run of api.service failed: ${tooManyRequests()}`),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Update now: api.service' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Update api.service?' })).getByRole('button', {
        name: 'Update now',
      }),
    );
    expect(await screen.findByText(`Update of api.service failed: ${tooManyRequests()}`)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(mockState().tasks.some((t) => t.task.status === 'queued')).toBe(false);
  });

  it('degraded: says updates will fail while a part is down, with the fix and a link to the overview', async () => {
    renderApp('/units', { profile: 'degraded' });
    const alert = await screen.findByRole('alert', { name: 'Updates will fail' });
    const { dbus } = mockState().reads.readyz.body.checks;
    expect(alert).toHaveTextContent(/Updates will fail while D-Bus .* is down/);
    expect(alert).toHaveTextContent(dbus.detail);
    if (dbus.hint) expect(alert).toHaveTextContent(`Fix: ${dbus.hint}`);
    expect(within(alert).getByRole('link', { name: /Service health/ })).toHaveAttribute('href', '/');
  });

  it('happy path: no warning while every part is up', async () => {
    renderApp('/units');
    await screen.findByRole('table');
    expect(screen.queryByRole('alert', { name: 'Updates will fail' })).not.toBeInTheDocument();
  });
});
