import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockState, recordedTransport } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

afterEach(() => vi.restoreAllMocks());

const tokensTable = async () =>
  within((await screen.findByRole('heading', { name: 'Tokens' })).closest('section') as HTMLElement);

describe('Tokens', () => {
  it('lists each token with its scopes, units, expiry and last use, never the token itself', async () => {
    renderApp('/tokens');
    const table = await tokensTable();
    const recorded = mockState().data.tokens.list.body.tokens;
    expect(recorded.length).toBeGreaterThan(0);
    for (const t of recorded) expect(await table.findByText(t.name)).toBeInTheDocument();
    const ci = table.getByText('ci-deploy').closest('tr') as HTMLElement;
    expect(within(ci).getByText('trigger')).toBeInTheDocument();
    expect(within(ci).getByText('web*')).toBeInTheDocument();
    expect(within(ci).getByText(/from 127\.0\.0\.1/)).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/pdp_/);
  });

  it('creates a token and shows its plain text once, with a copy button', async () => {
    const { user } = renderApp('/tokens');
    await tokensTable();
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.type(screen.getByLabelText('Name'), 'release-bot');
    await user.type(screen.getByLabelText(/^Units/), 'web*, api*');
    await user.click(screen.getByRole('checkbox', { name: /^read/ }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    const dialog = await screen.findByRole('dialog', { name: 'Token release-bot' });
    const token = mockState().data.tokens.create.reply.body.token;
    expect(within(dialog).getByText(token)).toBeInTheDocument();
    expect(within(dialog).getByText(/will not show it again/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: `Copy token: ${token}` }));
    expect(writeText).toHaveBeenCalledWith(token);
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(token)).not.toBeInTheDocument();

    const row = (await (await tokensTable()).findByText('release-bot')).closest('tr') as HTMLElement;
    expect(within(row).getByText('trigger')).toBeInTheDocument();
    expect(within(row).getByText('read')).toBeInTheDocument();
    expect(within(row).getByText('web*, api*')).toBeInTheDocument();
  });

  it('revokes a token after asking', async () => {
    const { user } = renderApp('/tokens');
    const table = await tokensTable();
    await user.click(await table.findByRole('button', { name: 'Revoke grafana' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke grafana?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Revoked grafana: its next request is refused')).toBeInTheDocument();
    await waitFor(() => expect(table.queryByText('grafana')).not.toBeInTheDocument());
  });

  it('empty: says what tokens are for', async () => {
    renderApp('/tokens', { profile: 'empty' });
    expect(await screen.findByText('No API tokens yet')).toBeInTheDocument();
  });

  it('rate-limited: creating answers the recorded 429', async () => {
    const { user } = renderApp('/tokens', { profile: 'rate-limited' });
    await tokensTable();
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(
      await screen.findByText(recordedTransport().rateLimited.body.error.message, { exact: false }),
    ).toBeInTheDocument();
  });
});
