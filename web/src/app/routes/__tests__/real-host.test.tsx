import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { isDelivery } from '@contract';
import { SIGNATURE_MISMATCH } from '@/features/events/components/traffic';
import { mockState } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

/**
 * The real-host profile: an afternoon of a host in use, recorded from the server. Hundreds of the panel's own
 * reads, probes and scrapes went by; the event log holds the deliveries, and the refusals folded per minute.
 */
const bodyRows = () => within(screen.getByRole('table')).getAllByRole('row').slice(1);
const routes = () => bodyRows().map((r) => r.textContent ?? '');

describe('real host: the event log is deliveries, not the panel talking to itself', () => {
  it('shows the webhooks, the bot and the stale secret by default; the scanner, expired tab and sign-in on request', async () => {
    const { user } = renderApp('/events', { profile: 'real-host' });
    await screen.findByRole('table');
    const events = mockState().events;
    const deliveries = events.filter(isDelivery);
    expect(bodyRows()).toHaveLength(deliveries.length);
    expect(routes().filter((r) => r.includes('/webhooks/github'))).toHaveLength(3);
    expect(routes().some((r) => r.includes('/api/v1/tasks'))).toBe(true);
    for (const noise of ['/wp-login.php', '/api/overview', '/api/session', '/healthz', '/metrics'])
      expect(routes().some((r) => r.includes(noise))).toBe(false);
    expect(screen.getByText(SIGNATURE_MISMATCH)).toBeInTheDocument();

    await user.click(screen.getByLabelText('Show panel and health traffic'));
    await waitFor(() => expect(bodyRows()).toHaveLength(events.length));
    expect(routes().some((r) => r.includes('/wp-login.php'))).toBe(true);
    // The expired tab's refusals: one row a minute, with how many it stands for.
    const folded = events.filter((e) => e.route === '/api/overview' && e.status === 401);
    expect(folded.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(12);
    for (const e of folded)
      expect(screen.getByTitle(`${e.count} requests folded into this row`)).toBeInTheDocument();
    // Neither the reads nor the probes and scrapes left a row.
    expect(events.some((e) => e.status === 200 && e.method === 'GET')).toBe(false);
  });

  it('the overview counts deliveries, and the bot is named on its task', async () => {
    renderApp('/', { profile: 'real-host' });
    const tile = await screen.findByRole('link', { name: /Deliveries \(24 h\)/ });
    const deliveries = mockState().events.filter(isDelivery).length;
    expect(tile).toHaveTextContent(String(deliveries));
    expect(deliveries).toBeLessThan(mockState().events.length);
    const bot = mockState().tasks.find((t) => t.task.actor === 'ci-bot')!;
    expect(bot.task).toMatchObject({ trigger: 'api', caller: 'deploy pipeline', units: ['web.service'] });
  });
});
