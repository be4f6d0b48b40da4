import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { http } from 'msw';
import { respond } from '@/testing/mocks/handlers/utils';
import { replay } from '@/testing/mocks/replay';
import { server } from '@/testing/mocks/server';
import { mockState } from '@/testing/mocks/state';
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

  it('sends a test delivery: podup answered, with the delivery in the event log', async () => {
    const { user } = renderApp('/settings');
    await user.click(await screen.findByRole('button', { name: 'Send a test delivery' }));
    const result = await screen.findByRole('status', { name: 'Test delivery result' });
    const url = `${location.origin}/webhooks/github`;
    expect(result).toHaveTextContent(`Delivered: podup answered the signed ping at ${url}`);
    // PODUP_PUBLIC_URL unset when recorded: the answer warns that GitHub may use another address.
    expect(result).toHaveTextContent('PODUP_PUBLIC_URL is not set');
    const reached = mockState().data.testDelivery.reached.body;
    expect(within(result).getByRole('link', { name: 'The delivery in the event log' })).toHaveAttribute(
      'href',
      `/events?delivery=${reached.delivery}`,
    );
  });

  it('a test delivery nothing answered says so, with what to check', async () => {
    const { data } = mockState();
    server.use(
      http.post('/api/v1/settings/test-delivery', ({ request }) =>
        respond(
          replay(data.testDelivery.unreached, {
            replace: new Map([[data.origin, new URL(request.url).origin]]),
          }),
        ),
      ),
    );
    const { user } = renderApp('/settings');
    await user.click(await screen.findByRole('button', { name: 'Send a test delivery' }));
    const result = await screen.findByRole('status', { name: 'Test delivery result' });
    expect(result).toHaveTextContent(
      `Not delivered: nothing answered at ${location.origin}/webhooks/github: ECONNREFUSED`,
    );
    expect(result).toHaveTextContent('the port is open from this host');
    expect(within(result).queryByRole('link')).toBeNull();
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
    const { discovered, configured } = mockState().reads.settings.body.units;
    expect(
      within(units).getByText(
        `${discovered.length} discovered on the host, ${configured.length} configured by name.`,
      ),
    ).toBeInTheDocument();
    const row = (unit: string) =>
      within(within(units).getByText(unit).closest('tr') as HTMLElement)
        .getAllByRole('cell')
        .map((c) => c.textContent);
    // Found on the host without being named in the configuration, and the other way round.
    expect(row('web.service')).toEqual([
      'web.service',
      'yes (podman, quadlet)',
      'no',
      'ghcr.io/acme/web:main',
    ]);
    expect(row('legacy.service')).toEqual(['legacy.service', 'yes (config)', 'yes', 'ghcr.io/acme/legacy:1']);
    const proxy = within(units).getByText('proxy.service').closest('tr') as HTMLElement;
    expect(
      within(proxy)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['proxy.service', 'yes (podman, config)', 'yes', 'ghcr.io/acme/proxy:latest']);

    const config = screen
      .getByRole('heading', { name: 'Effective configuration' })
      .closest('section') as HTMLElement;
    const secret = within(config)
      .getByText('PODUP_GITHUB_WEBHOOK_SECRET')
      .closest('.config-row') as HTMLElement;
    expect(within(secret).getByText('set')).toHaveClass('tone-ok');
    expect(config).not.toHaveTextContent(/ghp_|sha256=/);
  });

  it('empty: no units anywhere, and the missing webhook secret stands out', async () => {
    renderApp('/settings', { profile: 'empty' });
    expect(await screen.findByText('No units')).toBeInTheDocument();
    const config = screen
      .getByRole('heading', { name: 'Effective configuration' })
      .closest('section') as HTMLElement;
    const secret = within(config)
      .getByText('PODUP_GITHUB_WEBHOOK_SECRET')
      .closest('.config-row') as HTMLElement;
    expect(within(secret).getByText('unset')).toHaveClass('tone-warn');
    // ... and is the first warning at the top.
    const warnings = screen.getByRole('region', { name: 'Warnings' });
    expect(within(warnings).getAllByRole('listitem')[0]).toHaveTextContent(
      /^PODUP_GITHUB_WEBHOOK_SECRET is not set/,
    );
    expect(warnings).toHaveTextContent('Discovery found no unit');
  });

  it('a discovery that failed just now is the warning, with the units found last', async () => {
    const { data, reads } = mockState();
    const why = 'Podman API unreachable at /run/podman/podman.sock: ECONNREFUSED';
    server.use(
      http.get('/api/settings', ({ request }) =>
        respond(
          replay(
            {
              ...reads.settings,
              body: { ...reads.settings.body, units: { ...reads.settings.body.units, discoveryError: why } },
            },
            { replace: new Map([[data.origin, new URL(request.url).origin]]) },
          ),
        ),
      ),
    );
    renderApp('/settings');
    const warnings = await screen.findByRole('region', { name: 'Warnings' });
    expect(warnings).toHaveTextContent(`Discovery failed: ${why}. The units below are the last ones found`);
    expect(warnings).not.toHaveTextContent('Discovery found no unit');
  });

  it('names each setting by its PODUP_* variable with a readable value', async () => {
    renderApp('/settings');
    const config = (await screen.findByRole('heading', { name: 'Effective configuration' })).closest(
      'section',
    ) as HTMLElement;
    const valueOf = (env: string) =>
      within(config).getByText(env).closest('.config-row')!.querySelector('dd')!.textContent;
    const c = mockState().reads.settings.body.config;
    // The happy path lets approvals expire after a day (so it holds one that expired).
    expect(c.approvalTtlMs).toBe(86400000);
    expect(valueOf('PODUP_APPROVAL_TTL')).toBe('1 d');
    expect(valueOf('PODUP_WEBHOOK_BODY_LIMIT')).toBe('1 MiB');
    expect(valueOf('PODUP_MAX_DB_SIZE')).toBe('256 MiB');
    expect(valueOf('PODUP_HEALTH_WINDOW')).toBe('10 s');
    expect(valueOf('PODUP_RATE_LIMIT_BAD_SIGNATURE')).toBe('10 per 10 min');
    expect(valueOf('PODUP_HTTP_ADDR')).toBe('127.0.0.1:25111');
    expect(valueOf('PODUP_TRUST_PROXY')).toBe('off');
    // jsdom's page is not podup's own address: the proxy warning says what to set.
    const warnings = screen.getByRole('region', { name: 'Warnings' });
    expect(warnings).toHaveTextContent('PODUP_TRUST_PROXY');
    expect(warnings).not.toHaveTextContent('PODUP_GITHUB_WEBHOOK_SECRET');
  });
});
