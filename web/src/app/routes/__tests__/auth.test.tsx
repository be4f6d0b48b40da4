import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '@/testing/mocks/server';
import { mockState, recordedTransport } from '@/testing/mocks/state';
import { currentUrl, renderApp } from '@/testing/test-utils';

/** The admin token the recordings signed in with: the one the mocks accept. */
const token = () => recordedTransport().token;

describe('Signing in', () => {
  it('auth-error: every page sends you to sign in, a wrong token is refused, the right one brings you back', async () => {
    const { user, router } = renderApp('/tasks?status=failed', { profile: 'auth-error' });

    expect(await screen.findByRole('heading', { name: 'Sign in to podup' })).toBeInTheDocument();
    expect(currentUrl(router)).toBe(`/sign-in?next=${encodeURIComponent('/tasks?status=failed')}`);
    expect(screen.getByText('/tasks?status=failed')).toBeInTheDocument();

    const field = screen.getByLabelText('Admin token');
    await user.type(field, 'not-the-token');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('That token is not right.')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');

    await user.clear(field);
    await user.type(field, token());
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Tasks' })).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/tasks?status=failed');
    const table = await screen.findByRole('table');
    const statuses = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell')[1]?.textContent);
    expect(statuses.length).toBeGreaterThan(1);
    expect(new Set(statuses)).toEqual(new Set(['Failed']));
    // Signed in with a cookie: a way out is offered.
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('tells you to wait after too many wrong tokens (429 with Retry-After)', async () => {
    const { user } = renderApp('/', { profile: 'auth-error' });
    const field = await screen.findByLabelText('Admin token');
    const button = screen.getByRole('button', { name: 'Sign in' });
    // As many as it took the server to refuse the address.
    const answers = recordedTransport().wrongTokens;
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(429);
    for (let i = 0; i < answers.length; i++) {
      await user.clear(field);
      await user.type(field, `wrong-${i}`);
      await user.click(button);
      await waitFor(() => expect(button).toBeEnabled());
    }
    expect(
      await screen.findByText(`Too many attempts. Try again in ${refused.headers['retry-after']} s.`),
    ).toBeInTheDocument();
  });

  it('a 401 in the middle of a session (expired cookie) goes to sign-in and back to the same page', async () => {
    const { user, router } = renderApp('/units');
    expect(await screen.findByText('web.service')).toBeInTheDocument();

    // The session ends on the server: every call is 401 from now on.
    server.use(
      http.all('/api/*', () =>
        HttpResponse.json({ error: { code: 'UNAUTHORIZED', message: 'session expired' } }, { status: 401 }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to podup' })).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/sign-in?next=%2Funits');

    server.resetHandlers();
    await user.type(screen.getByLabelText('Admin token'), token());
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Units' })).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/units');
  });

  it('sign out ends the session and shows the sign-in page', async () => {
    const { user, router } = renderApp('/settings');
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to podup' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/sign-in');
    // DELETE /api/session reached the mock: every /api call is 401 now, until the next sign-in.
    expect(mockState().signedIn).toBe(false);
  });

  it('open admin (no sign-in configured): no sign-in page, no sign-out button', async () => {
    server.use(
      http.get('/api/session', () =>
        HttpResponse.json({ authenticated: true, method: 'open', user: null, csrfToken: null }),
      ),
    );
    renderApp('/settings');
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  it('never follows a next= that leaves the site', async () => {
    const { user, router } = renderApp('/sign-in?next=//evil.example/x', { profile: 'auth-error' });
    await user.type(await screen.findByLabelText('Admin token'), token());
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
  });
});
