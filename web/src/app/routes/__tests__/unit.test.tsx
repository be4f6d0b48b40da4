import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/testing/mocks/server';
import { mockState } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

const recordedUnit = (name: string) => mockState().reads.units.body.units.find((u) => u.unit === name)!;
/** The unit's tasks as the mock lists them, newest first. */
const tasksOf = (name: string) => mockState().tasks.filter((t) => t.units.includes(name));
const section = (heading: string) =>
  screen.getByRole('heading', { name: heading }).closest('section') as HTMLElement;

describe('Unit page', () => {
  it('happy-path: image, digests, policy, its tasks newest first each opening its drawer', async () => {
    const { router } = renderApp('/units/web.service');
    expect(await screen.findByRole('heading', { level: 1, name: 'web.service' })).toBeInTheDocument();
    const unit = recordedUnit('web.service');
    await screen.findByRole('heading', { name: 'Image and policy' });
    const facts = section('Image and policy');
    expect(within(facts).getByText(unit.image!)).toBeInTheDocument();
    expect(within(facts).getByRole('combobox', { name: /Update policy of web.service/ })).toBeInTheDocument();

    const history = await screen.findByRole('list', { name: 'Tasks of this unit' });
    const expected = tasksOf('web.service').slice(0, 20);
    const rows = within(history).getAllByRole('listitem');
    expect(rows).toHaveLength(expected.length);
    expect(within(rows[0]!).getByRole('link')).toHaveAttribute('href', `/tasks?task=${expected[0]!.task.id}`);
    expect(
      within(section('History')).getByRole('link', { name: 'All tasks of web.service' }),
    ).toHaveAttribute('href', '/tasks?unit=web.service');
    // Actions of the units table, here too.
    expect(screen.getByRole('button', { name: 'Dry run web.service' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Update now: web.service' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toMatch(/web\.service · podup$/));
    expect(router.state.location.pathname).toBe('/units/web.service');
  });

  it('happy-path: the last failure with its reason and log excerpt, linking to its task', async () => {
    const name = mockState()
      .tasks.filter((t) => t.task.status === 'failed' || t.task.status === 'rolled-back')
      .flatMap((t) => t.units)
      .find((u) => recordedUnit(u))!;
    const failure = tasksOf(name).find((t) => t.task.status === 'failed' || t.task.status === 'rolled-back')!;
    renderApp(`/units/${name}`);
    const card = (await screen.findByRole('heading', { name: 'Last failure' })).closest('section')!;
    expect(within(card).getByRole('link', { name: 'Open task' })).toHaveAttribute(
      'href',
      `/tasks?task=${failure.task.id}`,
    );
    expect(await within(card).findByLabelText('Log of the last failure')).toHaveAttribute('tabindex', '0');
  });

  it('a unit without tasks says so; its dependents are not known yet', async () => {
    renderApp('/units/adminer.service');
    expect(await screen.findByText('No tasks yet')).toBeInTheDocument();
    expect(within(section('Dependents')).getByText(/Known after its first update/)).toBeInTheDocument();
    expect(screen.getByText('not updated by podup')).toBeInTheDocument();
  });

  it('a unit podup does not know', async () => {
    renderApp('/units/nope.service');
    expect(await screen.findByText('No such unit')).toBeInTheDocument();
  });

  it('the units table links each unit to its page', async () => {
    const { user, router } = renderApp('/units');
    await user.click(await screen.findByRole('link', { name: 'worker.service' }));
    await screen.findByRole('heading', { level: 1, name: 'worker.service' });
    expect(router.state.location.pathname).toBe('/units/worker.service');
  });

  it('says so when its tasks cannot be loaded', async () => {
    server.use(
      http.get('/api/tasks', () =>
        HttpResponse.json({ error: { code: 'INTERNAL', message: 'boom' } }, { status: 500 }),
      ),
    );
    renderApp('/units/web.service');
    expect(await screen.findByText(/^Could not load its tasks/)).toBeInTheDocument();
  });

  it('busy: a unit a queued or running task moves says it is updating', async () => {
    renderApp('/units', { profile: 'busy' });
    const moving = mockState().tasks.find(
      (t) => (t.task.status === 'running' || t.task.status === 'queued') && t.units.length > 0,
    );
    expect(moving).toBeDefined();
    cleanup();
    renderApp(`/units/${moving!.units[0]!}`, { profile: 'busy' });
    expect(await screen.findByText('updating', { selector: '.page-head .badge' })).toBeInTheDocument();
  });
});
