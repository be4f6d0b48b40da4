import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ApiSchedule, ScheduleRunReply } from '@contract';
import { formatTime } from '@/lib/format';
import { mockState, recordedTransport } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

const schedules = () => mockState().reads.schedules.body.schedules;
const scheduleNamed = (name: string) => schedules().find((s) => s.name === name)!;
const rowOf = (name: string) => screen.getByText(name, { selector: 'strong' }).closest('tr') as HTMLElement;
/** The reply recorded for this change (the mocks replay it). */
const recorded = <T,>(method: string, path: string) =>
  mockState().data.exchanges.find((e) => (e.method ?? 'POST') === method && e.path === path)!.reply.body as T;

describe('Schedules', () => {
  it('happy-path: each schedule with its cron and zone, a countdown to its next run, and its last result', async () => {
    renderApp('/schedules');
    await screen.findByRole('table');
    expect(screen.getAllByRole('row')).toHaveLength(1 + schedules().length);

    const nightly = scheduleNamed('nightly-check');
    const row = within(rowOf('nightly-check'));
    expect(row.getByText(nightly.cron)).toBeInTheDocument();
    expect(row.getByText(nightly.zone)).toBeInTheDocument();
    expect(row.getByText('check · all units')).toBeInTheDocument();
    // The countdown, with the exact time in its tooltip.
    const next = row.getByTitle(formatTime(nightly.nextRunAt));
    expect(next).toHaveTextContent(/^in \d+ h \d+ min$/);
    // The registry refuses proxy.service's image: the run failed for that unit although the task it created
    // for the others ended well (it handed them to their policies: an approval, a deferral). A red dot, the
    // summary naming what was not checked, a link to the task.
    expect(nightly.lastTaskStatus).toBe('skipped');
    const dot = row.getByRole('img', { name: 'last run failed, task skipped' });
    expect(dot).toHaveClass('tone-bad');
    expect(nightly.lastSummary).toMatch(/not checked: proxy\.service: registry: .*401/);
    expect(row.getByText(nightly.lastSummary!)).toBeInTheDocument();
    expect(row.getByRole('link', { name: 'Task of the last run of nightly-check' })).toHaveAttribute(
      'href',
      `/tasks?task=${nightly.lastTaskId}`,
    );

    const docs = within(rowOf('docs-refresh'));
    expect(docs.getByText('paused')).toBeInTheDocument();
    expect(docs.getByText('never run')).toBeInTheDocument();
    expect(
      docs.getByText(`UTC · up to ${scheduleNamed('docs-refresh').randomDelay} later`),
    ).toBeInTheDocument();
    expect(docs.getByRole('button', { name: 'Resume docs-refresh' })).toBeInTheDocument();
    // Prune works on podup's own state, not on units.
    expect(within(rowOf('weekly-prune')).getByText('prune')).toBeInTheDocument();
  });

  it('run now answers with what the run did: a check with nothing to apply, a run that failed', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Run now: nightly-check' }));
    const ok = recorded<ScheduleRunReply>('POST', '/api/schedules/nightly-check/run');
    expect(await screen.findByText(`nightly-check: ${ok.summary}`)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Run now: docs-refresh' }));
    const failed = recorded<ScheduleRunReply>('POST', '/api/schedules/docs-refresh/run');
    expect(failed.status).toBe('failed');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText(`docs-refresh: ${failed.summary}`)).toBeInTheDocument();
  });

  it('a run that created a task offers to open it', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Run now: weekly-prune' }));
    const reply = recorded<ScheduleRunReply>('POST', '/api/schedules/weekly-prune/run');
    expect(await screen.findByText(`weekly-prune: ${reply.summary}`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'View task' })).toBeInTheDocument();
  });

  it('pause and resume', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Pause nightly-check' }));
    expect(await screen.findByText('nightly-check paused')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Resume docs-refresh' }));
    expect(await screen.findByText('docs-refresh resumed')).toBeInTheDocument();
  });

  it('new schedule: the next runs of the cron in its zone, checked by the server, then created', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'New schedule' }));
    const form = screen.getByRole('form', { name: 'New schedule' });
    // The first preset, previewed at once.
    expect(within(form).getByLabelText('Cron (5 fields, or 6 with seconds first)')).toHaveValue('0 3 * * *');
    const preview = within(form).getByRole('status', { name: 'Next runs' });
    await waitFor(() => expect(within(preview).getAllByRole('listitem')).toHaveLength(3));
    expect(preview).toHaveTextContent(/^Next runs \(UTC time\):/);
    // Every night at 03:00, no seconds field: no seconds shown; each run says how far off it is.
    for (const run of within(preview).getAllByRole('listitem'))
      expect(run).toHaveTextContent(/^\w{3} \d{1,2} \w{3}, 03:00 \(in \d+ (hours|minutes|day|days)\)$/);

    await user.type(within(form).getByLabelText('Name (optional)'), 'from-the-panel');
    await user.click(within(form).getByRole('button', { name: 'Create schedule' }));
    expect(await screen.findByText('Schedule from-the-panel created')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'New schedule' })).not.toBeInTheDocument();
  });

  it('a cron with a seconds field: its runs show the seconds, on the schedule’s clock, zone named', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'New schedule' }));
    const form = screen.getByRole('form', { name: 'New schedule' });
    const cron = within(form).getByLabelText('Cron (5 fields, or 6 with seconds first)');
    const zone = within(form).getByLabelText('Time zone');
    await user.clear(zone);
    await user.type(zone, 'Europe/Berlin');
    await user.clear(cron);
    await user.type(cron, '30 0 2 * * 6');
    const preview = within(form).getByRole('status', { name: 'Next runs' });
    await waitFor(() => expect(preview).toHaveTextContent(/^Next runs \(Europe\/Berlin time\):/));
    const runs = within(preview).getAllByRole('listitem');
    expect(runs).toHaveLength(3);
    const now = Date.now();
    for (const run of runs) {
      // Saturdays at 02:00:30 in Berlin, whatever the zone of the machine running the test.
      expect(run).toHaveTextContent(/^Sat \d{1,2} \w{3}, 02:00:30 \(in \d+ (hours|days)\)$/);
      const at = Date.parse(run.querySelector('time')!.getAttribute('datetime')!);
      expect(at).toBeGreaterThan(now);
    }
  });

  it('a cron the server refuses says why and cannot be saved', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'New schedule' }));
    const form = screen.getByRole('form', { name: 'New schedule' });
    const cron = within(form).getByLabelText('Cron (5 fields, or 6 with seconds first)');
    await user.clear(cron);
    await user.type(cron, 'not a cron');
    const bad = mockState().data.previews.find((p) => p.cron === 'not a cron')!.reply.body as unknown as {
      error: { message: string };
    };
    expect(await within(form).findByText(bad.error.message)).toBeInTheDocument();
    expect(cron).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByRole('button', { name: 'Create schedule' })).toBeDisabled();

    // A preset puts a good one back.
    await user.click(within(form).getByRole('button', { name: 'every 15 minutes' }));
    await waitFor(() => expect(within(form).getByRole('button', { name: 'Create schedule' })).toBeEnabled());
    await user.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
  });

  it('edit: the form holds the schedule as it is; saving sends it back', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Edit nightly-check' }));
    const form = screen.getByRole('form', { name: 'Edit schedule nightly-check' });
    const nightly: ApiSchedule = scheduleNamed('nightly-check');
    expect(within(form).getByLabelText('Name')).toHaveValue('nightly-check');
    expect(within(form).getByLabelText('Time zone')).toHaveValue(nightly.zone);
    expect(within(form).getByLabelText('Action')).toHaveValue('check');
    const preview = within(form).getByRole('status', { name: 'Next runs' });
    await waitFor(() => expect(preview).toHaveTextContent(`Next runs (${nightly.zone} time)`));
    // 03:00 on the schedule's clock, summer or winter.
    for (const run of within(preview).getAllByRole('listitem'))
      expect(run).toHaveTextContent(/, 03:00 \(in /);
    await user.click(within(form).getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Schedule nightly-check saved')).toBeInTheDocument();
  });

  it('delete asks first', async () => {
    const { user } = renderApp('/schedules');
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Delete weekly-prune' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete weekly-prune?' });
    expect(confirm).toHaveTextContent('pause it instead');
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    const { message } = recorded<{ message: string }>('DELETE', '/api/schedules/weekly-prune');
    expect(await screen.findByText(message)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('empty: says what a schedule is for', async () => {
    renderApp('/schedules', { profile: 'empty' });
    expect(await screen.findByText('No schedules yet')).toBeInTheDocument();
    expect(screen.getByText(/replaces podman-auto-update.timer/)).toBeInTheDocument();
  });

  it('rate-limited: run now fails with a toast saying when to retry', async () => {
    const { user } = renderApp('/schedules', { profile: 'rate-limited' });
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Run now: nightly-check' }));
    const { body, headers } = recordedTransport().rateLimited;
    expect(
      await screen.findByText(
        `Run of nightly-check failed: ${body.error.message}. Retry in ${headers['retry-after']} s.`,
      ),
    ).toBeInTheDocument();
  });
});
