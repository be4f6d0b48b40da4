import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderApp } from '@/testing/test-utils';

afterEach(() => vi.restoreAllMocks());

describe('Settings', () => {
  it('shows the webhook URL to paste into GitHub, with a working copy button', async () => {
    const { user } = renderApp('/settings');
    // After renderApp: user-event installs its own clipboard at setup.
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const url = `${location.origin}/webhooks/github`;
    expect(await screen.findByText(url)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: `Copy: ${url}` }));
    expect(writeText).toHaveBeenCalledWith(url);
    expect(await screen.findByRole('button', { name: `Copy: ${url}` })).toHaveTextContent('Copied');
    expect(screen.getByText(`${location.origin}/github-package-update/<unit>`)).toBeInTheDocument();
  });

  it('says when copying is refused', async () => {
    const { user } = renderApp('/settings');
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: vi.fn(async () => Promise.reject(new Error('denied'))) },
      configurable: true,
    });
    const url = `${location.origin}/webhooks/github`;
    await user.click(await screen.findByRole('button', { name: `Copy: ${url}` }));
    expect(await screen.findByText('Copy failed')).toBeInTheDocument();
  });

  it('compares discovered and configured units, and shows secrets only as set/unset', async () => {
    renderApp('/settings');
    const units = (await screen.findByRole('heading', { name: 'Units' })).closest('section') as HTMLElement;
    expect(within(units).getByText('7 discovered on the host, 3 configured by name.')).toBeInTheDocument();
    // Configured but not found on the host: flagged.
    const legacy = within(units).getByText('legacy.service').closest('tr') as HTMLElement;
    expect(within(legacy).getByText('no')).toHaveClass('badge');
    const proxy = within(units).getByText('proxy.service').closest('tr') as HTMLElement;
    expect(
      within(proxy)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['proxy.service', 'yes (podman, config)', 'yes', 'ghcr.io/acme/proxy:latest']);

    const config = screen
      .getByRole('heading', { name: 'Effective configuration' })
      .closest('section') as HTMLElement;
    const secret = within(config).getByRole('rowheader', { name: 'webhookSecret' }).closest('tr')!;
    expect(within(secret).getByText('set')).toHaveClass('tone-ok');
    expect(config).not.toHaveTextContent(/ghp_|sha256=/);
  });

  it('empty: no units anywhere, and the missing webhook secret stands out', async () => {
    renderApp('/settings', { profile: 'empty' });
    expect(await screen.findByText('No units')).toBeInTheDocument();
    const config = screen
      .getByRole('heading', { name: 'Effective configuration' })
      .closest('section') as HTMLElement;
    const secret = within(config).getByRole('rowheader', { name: 'webhookSecret' }).closest('tr')!;
    expect(within(secret).getByText('unset')).toHaveClass('tone-warn');
  });
});
