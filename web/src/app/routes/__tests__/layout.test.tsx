import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockState } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

describe('Layout', () => {
  it('navigates between pages from the main navigation and marks the current one', async () => {
    const { user, router } = renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    await user.click(within(nav).getByRole('link', { name: 'Events' }));
    expect(await screen.findByRole('heading', { name: 'Events', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/events');
    expect(within(nav).getByRole('link', { name: 'Events' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByRole('link', { name: 'Overview' })).not.toHaveAttribute('aria-current');
    expect(screen.getByRole('link', { name: 'Skip to content' })).toHaveAttribute('href', '#main');

    await user.click(within(nav).getByRole('link', { name: 'Schedules' }));
    expect(await screen.findByRole('heading', { name: 'Schedules', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/schedules');
  });

  it('shows the version from /healthz', async () => {
    renderApp('/');
    const { version } = mockState().reads.healthz.body;
    expect(await screen.findByText(`v${version}`)).toBeInTheDocument();
  });

  it('theme toggle: system -> light -> dark -> system, applied to <html> and remembered', async () => {
    const { user, unmount } = renderApp('/');
    const toggle = await screen.findByRole('button', { name: /^Theme: system/ });
    expect(document.documentElement.dataset.theme).toBeUndefined();
    await user.click(toggle);
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem('podup:theme')).toBe('light');
    await user.click(screen.getByRole('button', { name: /^Theme: light/ }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    unmount();

    // A new visit starts from the remembered choice.
    renderApp('/');
    expect(await screen.findByRole('button', { name: 'Theme: dark. Switch to system' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /^Theme: dark/ }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(localStorage.getItem('podup:theme')).toBeNull();
  });

  it('an unknown address shows a not-found page inside the shell', async () => {
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/no/such/page')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
  });
});

describe('page titles', () => {
  it.each([
    ['/tasks', 'Tasks'],
    ['/units', 'Units'],
    ['/schedules', 'Schedules'],
    ['/events', 'Events'],
    ['/notifications', 'Notifications'],
    ['/tokens', 'Tokens'],
    ['/settings', 'Settings'],
  ])('%s is titled "%s", after the failures of the last 24 h', async (url, name) => {
    renderApp(url, { profile: 'degraded' });
    const failed = mockState().reads.overview.body.counts.failed24h;
    expect(failed).toBeGreaterThan(0);
    await waitFor(() => expect(document.title).toBe(`(${failed} failed) ${name} · podup`));
  });
});
