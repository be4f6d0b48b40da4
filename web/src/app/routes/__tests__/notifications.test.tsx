import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockState } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

const card = async (name: string) =>
  within((await screen.findByRole('heading', { name })).closest('section') as HTMLElement);

describe('Notifications', () => {
  it('shows every channel redacted, with its last deliveries and failures', async () => {
    renderApp('/notifications');
    const channels = mockState().channels;
    expect(channels.map((c) => c.source)).toEqual(['env', 'env', 'api']);
    const discord = await card('ops discord');
    expect(discord.getByText('discord://…')).toBeInTheDocument();
    expect(discord.getByText(/added here/)).toBeInTheDocument();
    const failing = channels[2]!.recent.filter((d) => d.status === 'pending');
    expect(failing.length).toBeGreaterThan(0);
    expect(discord.getAllByText('discord answered HTTP 404')).toHaveLength(failing.length);
    expect(
      discord.getByText(`${channels[2]!.counts.delivered} delivered, ${failing.length} waiting, 0 given up`),
    ).toBeInTheDocument();

    const ntfy = await card('ntfy ntfy.sh');
    expect(ntfy.getByText('ntfy://ntfy.sh/…')).toBeInTheDocument();
    expect(ntfy.getByText(/from PODUP_NOTIFY/)).toBeInTheDocument();
    // Channels from the configuration are changed there, not here, and the card says so.
    expect(ntfy.queryByRole('button', { name: 'Remove' })).not.toBeInTheDocument();
    expect(ntfy.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    expect(ntfy.getByText(/from PODUP_NOTIFY \(read-only here: change it there\)/)).toBeInTheDocument();
  });

  it('edits the name and events of a channel added here', async () => {
    const { user } = renderApp('/notifications');
    const discord = await card('ops discord');
    const before = mockState().channels.find((c) => c.name === 'ops discord')!;
    expect(discord.getByText(`Events: ${before.events.join(', ')}`)).toBeInTheDocument();
    await user.click(discord.getByRole('button', { name: 'Edit' }));

    const form = within(discord.getByRole('form', { name: 'Edit ops discord' }));
    // The form starts from what the channel takes now.
    for (const ev of mockState().data.notifications.channels.body.events)
      expect(form.getByRole('checkbox', { name: ev }), ev).toHaveProperty(
        'checked',
        before.events.includes(ev),
      );
    const name = form.getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'ops pager');
    const wanted = ['failed', 'degraded'];
    for (const ev of mockState().data.notifications.channels.body.events) {
      const box = form.getByRole('checkbox', { name: ev });
      if ((box as HTMLInputElement).checked !== wanted.includes(ev)) await user.click(box);
    }
    await user.click(form.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved ops pager')).toBeInTheDocument();
    const pager = await card('ops pager');
    expect(pager.getByText('Events: failed, degraded')).toBeInTheDocument();
    expect(pager.queryByRole('form')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'ops discord' })).not.toBeInTheDocument();
  });

  it('an edit with no event left cannot be saved; cancel leaves the channel as it was', async () => {
    const { user } = renderApp('/notifications');
    const discord = await card('ops discord');
    const before = mockState().channels.find((c) => c.name === 'ops discord')!;
    await user.click(discord.getByRole('button', { name: 'Edit' }));
    const form = within(discord.getByRole('form', { name: 'Edit ops discord' }));
    for (const ev of before.events) await user.click(form.getByRole('checkbox', { name: ev }));
    expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();
    await user.click(form.getByRole('button', { name: 'Cancel' }));
    expect(discord.queryByRole('form')).not.toBeInTheDocument();
    expect(discord.getByText(`Events: ${before.events.join(', ')}`)).toBeInTheDocument();
  });

  it('adds a channel with the events ticked in the form (all but succeeded to start with)', async () => {
    const { user } = renderApp('/notifications');
    await card('ops discord');
    const add = within(
      (await screen.findByRole('heading', { name: 'Add a channel' })).closest('section') as HTMLElement,
    );
    const all = mockState().data.notifications.channels.body.events;
    for (const ev of all)
      expect(add.getByRole('checkbox', { name: ev }), ev).toHaveProperty('checked', ev !== 'succeeded');
    await user.type(add.getByLabelText('Name (optional)'), 'releases');
    await user.type(add.getByLabelText('Service URL'), 'ntfy://ntfy.sh/releases');
    for (const ev of all) if (ev !== 'rolled-back') await user.click(add.getByRole('checkbox', { name: ev }));
    // Now: succeeded (ticked from unticked) and rolled-back (left ticked).
    await user.click(add.getByRole('button', { name: 'Add channel' }));
    expect(await screen.findByText('Added releases')).toBeInTheDocument();
    const added = await card('releases');
    const events = all.filter((ev) => ev === 'succeeded' || ev === 'rolled-back');
    expect(added.getByText(`Events: ${events.join(', ')}`)).toBeInTheDocument();
  });

  it('sends a test to a channel', async () => {
    const { user } = renderApp('/notifications');
    const ntfy = await card('ntfy ntfy.sh');
    await user.click(ntfy.getByRole('button', { name: 'Send a test' }));
    expect(await screen.findByText('Test queued for ntfy ntfy.sh')).toBeInTheDocument();
  });

  it('adds a channel from a service URL, and removes one after asking', async () => {
    const { user } = renderApp('/notifications');
    await card('ops discord');
    await user.type(screen.getByLabelText('Name (optional)'), 'pager');
    await user.type(screen.getByLabelText('Service URL'), 'ntfy://ntfy.sh/secret-topic');
    await user.click(screen.getByRole('button', { name: 'Add channel' }));
    expect(await screen.findByText('Added pager')).toBeInTheDocument();
    const pager = await card('pager');
    expect(pager.queryByText(/secret-topic/)).not.toBeInTheDocument();

    await user.click(pager.getByRole('button', { name: 'Remove' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove pager?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'pager' })).not.toBeInTheDocument());
  });

  it('empty: no channels, and adding needs PODUP_NOTIFY_SECRET', async () => {
    renderApp('/notifications', { profile: 'empty' });
    expect(await screen.findByText('No notification channels')).toBeInTheDocument();
    expect(screen.getByText(/Set PODUP_NOTIFY_SECRET to add channels here/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add channel' })).toBeDisabled();
  });
});
