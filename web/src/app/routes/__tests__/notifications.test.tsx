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
    // Channels from the configuration are changed there, not here.
    expect(ntfy.queryByRole('button', { name: 'Remove' })).not.toBeInTheDocument();
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
