import { http, HttpResponse } from 'msw';
import type { Readiness } from '@contract';
import { health } from '../db';
import { wait } from './utils';

const started = Date.now();

export const healthHandlers = [
  http.get('/healthz', async () => {
    await wait();
    return HttpResponse.json({
      status: 'ok',
      version: '0.1.0-mock',
      uptimeSec: Math.round((Date.now() - started) / 1000),
      listener: 'address',
    });
  }),

  http.get('/readyz', async () => {
    await wait();
    const h = health();
    const checks = {
      db: { ...h.db, ms: 1 },
      dbus: { ...h.dbus, ms: h.dbus.ok ? 3 : 2001 },
      podman: { ...h.podman, ms: 6 },
    };
    const ready = checks.db.ok && checks.dbus.ok && checks.podman.ok;
    const body: Readiness = ready
      ? { status: 'ready', checks }
      : {
          status: 'not-ready',
          checks,
          error: {
            code: 'NOT_READY',
            message: 'D-Bus is not reachable',
            ...(h.dbus.ok ? {} : { hint: h.dbus.hint }),
          },
        };
    return HttpResponse.json(body, { status: ready ? 200 : 503 });
  }),
];
