import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { server } from '@/testing/mocks/server';
import { ApiError, apiRequest, buildUrl, describeError, onUnauthorized, setCsrfToken } from './api-client';

describe('apiRequest', () => {
  it('sends X-CSRF-Token on state-changing requests only, once a session gave one', async () => {
    const seen: Array<[string, string | null]> = [];
    server.use(
      http.all('/api/probe', ({ request }) => {
        seen.push([request.method, request.headers.get('x-csrf-token')]);
        return HttpResponse.json({ ok: true });
      }),
    );
    await apiRequest('/api/probe', { method: 'POST' });
    setCsrfToken('tok-1');
    await apiRequest('/api/probe');
    await apiRequest('/api/probe', { method: 'POST', body: { a: 1 } });
    await apiRequest('/api/probe', { method: 'DELETE' });
    expect(seen).toEqual([
      ['POST', null],
      ['GET', null],
      ['POST', 'tok-1'],
      ['DELETE', 'tok-1'],
    ]);
  });

  it('sends JSON bodies as application/json and drops empty query values', async () => {
    let got: { url: string; type: string | null; body: unknown } | undefined;
    server.use(
      http.post('/api/probe', async ({ request }) => {
        got = { url: request.url, type: request.headers.get('content-type'), body: await request.json() };
        return HttpResponse.json({});
      }),
    );
    await apiRequest('/api/probe', {
      method: 'POST',
      body: { units: ['a'] },
      query: { a: 'x y', b: '', c: undefined },
    });
    expect(got).toEqual({
      url: `${location.origin}/api/probe?a=x+y`,
      type: 'application/json',
      body: { units: ['a'] },
    });
  });

  it('turns an ErrorBody into an ApiError with status, code, message, request id, hint and Retry-After', async () => {
    server.use(
      http.post('/api/probe', () =>
        HttpResponse.json(
          { error: { code: 'RATE_LIMITED', message: 'slow down', requestId: 'r-1', hint: 'wait' } },
          { status: 429, headers: { 'retry-after': '12' } },
        ),
      ),
    );
    const e = await apiRequest('/api/probe', { method: 'POST' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'slow down',
      requestId: 'r-1',
      hint: 'wait',
      retryAfterSec: 12,
    });
    expect(describeError(e)).toEqual({ title: 'slow down. Retry in 12 s.', hint: 'wait', requestId: 'r-1' });
  });

  it('a body that is not an ErrorBody (a proxy page) still becomes an ApiError', async () => {
    server.use(
      http.get(
        '/api/probe',
        () => new HttpResponse('<h1>Bad Gateway</h1>', { status: 502, statusText: 'Bad Gateway' }),
      ),
    );
    await expect(apiRequest('/api/probe')).rejects.toMatchObject({
      status: 502,
      code: 'HTTP_502',
      message: 'GET /api/probe answered 502 Bad Gateway',
    });
  });

  it('a network failure is status 0 with a hint', async () => {
    server.use(http.get('/api/probe', () => HttpResponse.error()));
    await expect(apiRequest('/api/probe')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });

  it('okStatuses: a 503 with a body is an answer (GET /readyz)', async () => {
    server.use(http.get('/api/probe', () => HttpResponse.json({ status: 'not-ready' }, { status: 503 })));
    await expect(apiRequest('/api/probe', { okStatuses: [503] })).resolves.toEqual({ status: 'not-ready' });
  });

  it('tells the 401 listeners, unless the caller handles 401 itself; 204 is undefined', async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    server.use(
      http.get('/api/probe', () =>
        HttpResponse.json({ error: { code: 'UNAUTHORIZED', message: 'no' } }, { status: 401 }),
      ),
      http.delete('/api/probe', () => new HttpResponse(null, { status: 204 })),
    );
    await expect(apiRequest('/api/probe', { quiet401: true })).rejects.toMatchObject({ status: 401 });
    expect(listener).not.toHaveBeenCalled();
    await expect(apiRequest('/api/probe')).rejects.toMatchObject({ status: 401 });
    expect(listener).toHaveBeenCalledTimes(1);
    off();
    await expect(apiRequest('/api/probe', { method: 'DELETE' })).resolves.toBeUndefined();
  });
});

describe('buildUrl', () => {
  it('encodes values and skips empty ones', () => {
    expect(buildUrl('/api/tasks', { q: 'a&b', status: undefined, limit: 50, unit: null })).toBe(
      '/api/tasks?q=a%26b&limit=50',
    );
    expect(buildUrl('/api/tasks', {})).toBe('/api/tasks');
  });
});
