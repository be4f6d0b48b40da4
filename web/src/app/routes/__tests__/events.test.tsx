import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isDelivery, type ApiEvent } from '@contract';
import { EVENT_COLUMNS } from '@/features/events/components/export';
import { SIGNATURE_MISMATCH } from '@/features/events/components/traffic';
import { mockState } from '@/testing/mocks/state';
import { currentUrl, renderApp } from '@/testing/test-utils';

/** The row button's name: its visible time, then which event it opens. */
const detailsOf = (id: number | string) => new RegExp(`, details of event ${id}$`);

const bodyRows = () => within(screen.getByRole('table')).getAllByRole('row').slice(1);
const outcomes = () => bodyRows().map((r) => within(r).getAllByRole('cell')[1]?.textContent);

/** Files the page saves, captured at URL.createObjectURL. */
let saved: Blob[] = [];
beforeEach(() => {
  saved = [];
  Object.assign(URL, {
    createObjectURL: vi.fn((b: Blob) => {
      saved.push(b);
      return `blob:mock/${saved.length}`;
    }),
    revokeObjectURL: vi.fn(),
  });
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const readBlob = (b: Blob) =>
  new Promise<string>((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.readAsText(b);
  });

describe('Events', () => {
  it('lists the newest 100 events and pages on', async () => {
    const { user } = renderApp('/events?traffic=all');
    await screen.findByRole('table');
    expect(bodyRows()).toHaveLength(100);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(200));
  });

  it('shows deliveries by default, filtered by the server (full pages); panel and health traffic on request', async () => {
    const { user, router } = renderApp('/events');
    await screen.findByRole('table');
    const deliveries = mockState().events.filter(isDelivery);
    // The recordings hold panel traffic (the sign-in): it is left out, and the page is still full.
    expect(deliveries.length).toBeLessThan(mockState().events.length);
    expect(bodyRows()).toHaveLength(Math.min(100, deliveries.length));
    expect(bodyRows().some((r) => r.textContent?.includes('/api/session'))).toBe(false);
    await user.click(screen.getByLabelText('Show panel and health traffic'));
    await waitFor(() => expect(bodyRows().some((r) => r.textContent?.includes('/api/session'))).toBe(true));
    expect(bodyRows()).toHaveLength(Math.min(100, mockState().events.length));
    expect(currentUrl(router)).toBe('/events?traffic=all');
  });

  it('says why a delivery was rejected or ignored, in a column; a 401 names the secret to check', async () => {
    renderApp('/events');
    await screen.findByRole('table');
    const rejected = mockState().events.find((e) => e.route === '/webhooks/github' && e.status === 401)!;
    const row = screen.getByRole('button', { name: detailsOf(rejected.id) }).closest('tr') as HTMLElement;
    expect(within(row).getByText(SIGNATURE_MISMATCH)).toBeInTheDocument();
    expect(SIGNATURE_MISMATCH).toBe(
      'signature mismatch: check the secret in GitHub and PODUP_GITHUB_WEBHOOK_SECRET',
    );
    const ignored = mockState().events.find((e) => e.outcome === 'ignored' && e.reason)!;
    const ignoredRow = screen
      .getByRole('button', { name: detailsOf(ignored.id) })
      .closest('tr') as HTMLElement;
    expect(within(ignoredRow).getByText(ignored.reason!)).toBeInTheDocument();
  });

  it('filters by outcome', async () => {
    const { user, router } = renderApp('/events');
    await screen.findByRole('table');
    await user.selectOptions(screen.getByLabelText('Outcome'), 'rejected');
    await waitFor(() => expect(new Set(outcomes())).toEqual(new Set(['rejected'])));
    expect(bodyRows()).toHaveLength(mockState().events.filter((e) => e.outcome === 'rejected').length);
    expect(currentUrl(router)).toBe('/events?outcome=rejected');
  });

  it('filters by event type, route and time range', async () => {
    const { user, router } = renderApp('/events');
    await screen.findByRole('table');
    await user.type(screen.getByLabelText('Event type'), 'ping');
    await waitFor(() => expect(currentUrl(router)).toBe('/events?event=ping'));
    await waitFor(() => expect(new Set(outcomes())).toEqual(new Set(['pong'])));

    // podup records the route as its pattern: the old per-unit webhook URL of pod-upgrade-trigger.
    await user.clear(screen.getByLabelText('Event type'));
    await user.type(screen.getByLabelText('Route'), '/github-package-update/:unit');
    const legacy = mockState().events.filter((e) => e.route === '/github-package-update/:unit');
    await waitFor(() => expect(bodyRows()).toHaveLength(legacy.length));
    expect(bodyRows().every((r) => r.textContent?.includes('POST /github-package-update/:unit'))).toBe(true);

    await user.clear(screen.getByLabelText('Route'));
    await user.selectOptions(screen.getByLabelText('Time'), '1h');
    await waitFor(() => expect(currentUrl(router)).toBe('/events?since=1h'));
    const lastHour = mockState().events.filter((e) => Date.parse(e.time) >= Date.now() - 3_600_000);
    await waitFor(() => expect(bodyRows()).toHaveLength(lastHour.length));

    await user.selectOptions(screen.getByLabelText('Time'), 'custom');
    expect(screen.getByLabelText('From')).toHaveAttribute('type', 'datetime-local');
    expect(screen.getByLabelText('To')).toBeInTheDocument();
  });

  it('exports exactly the loaded rows as CSV and as JSON', async () => {
    const { user } = renderApp('/events?outcome=rejected');
    await screen.findByRole('table');
    const loaded = mockState().events.filter((e) => e.outcome === 'rejected');
    await waitFor(() => expect(bodyRows()).toHaveLength(loaded.length));

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(saved).toHaveLength(1);
    expect(saved[0]!.type).toBe('text/csv');
    const csv = await readBlob(saved[0]!);
    const lines = csv.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(EVENT_COLUMNS.join(','));
    expect(lines).toHaveLength(loaded.length + 2);
    const e = loaded[0]!;
    expect(lines[1]).toBe(
      [
        e.id,
        e.time,
        e.requestId,
        e.route,
        e.method,
        e.status,
        e.count ?? 1,
        e.outcome,
        e.event ?? '',
        e.action ?? '',
        e.image ?? '',
        e.delivery ?? '',
        e.taskId ?? '',
        e.source ?? '',
        e.durationMs ?? '',
        e.reason ?? '',
      ].join(','),
    );

    await user.click(screen.getByRole('button', { name: 'Export JSON' }));
    const json = JSON.parse(await readBlob(saved[1]!)) as ApiEvent[];
    expect(json).toEqual(loaded);
  });

  it('opens an event to show every field it has', async () => {
    const { user } = renderApp('/events');
    await screen.findByRole('table');
    const e = mockState().events[0]!;
    await user.click(screen.getByRole('button', { name: detailsOf(e.id) }));
    expect(screen.getByRole('button', { name: detailsOf(e.id) })).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByText(e.requestId)).toBeInTheDocument();
  });

  it('shows how many refusals a folded row stands for', async () => {
    const db = mockState();
    const first = db.events[0]!;
    db.events[0] = { ...first, status: 401, outcome: 'rejected', count: 37 };
    const { user } = renderApp('/events');
    await screen.findByRole('table');
    expect(bodyRows()[0]).toHaveTextContent('401 ×37');
    expect(bodyRows()[1]).not.toHaveTextContent('×');
    await user.click(screen.getByRole('button', { name: detailsOf(first.id) }));
    expect(screen.getByText('37 within the minute (the first shown)')).toBeInTheDocument();
  });

  it('empty: says nothing was recorded yet and offers no export', async () => {
    renderApp('/events', { profile: 'empty' });
    expect(await screen.findByText('No deliveries yet')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Export JSON' })).toBeDisabled();
  });
});
