/**
 * The reads that replay the snapshot as it was recorded: health, readiness, overview, units, settings, and the
 * Settings page's test delivery as it was answered. The one change followed: a waiting task approved, rejected
 * or cancelled in the panel leaves the overview's pending approvals and its unit's waiting list, as it would on
 * the server.
 */
import { http } from 'msw';
import type { Overview, UnitsReply } from '@contract';
import type { Recorded } from '../fixture-format';
import { replay } from '../replay';
import { findTask, mockState } from '../state';
import { guard, respond, wait } from './utils';

const stillIs = (id: string, status: string): boolean => (findTask(id)?.task.status ?? status) === status;

function overviewNow(): Recorded<Overview> {
  const read = mockState().reads.overview;
  const pending = read.body.pendingApprovals.filter((t) => stillIs(t.id, 'awaiting-approval'));
  const deferred = mockState().reads.units.body.units.flatMap((u) =>
    u.waiting.filter((w) => w.status === 'deferred' && !stillIs(w.taskId, 'deferred')),
  ).length;
  const decided = read.body.pendingApprovals.length - pending.length;
  if (decided === 0 && deferred === 0) return read;
  const counts = {
    ...read.body.counts,
    awaitingApproval: read.body.counts.awaitingApproval - decided,
    deferred: read.body.counts.deferred - deferred,
  };
  return { ...read, body: { ...read.body, counts, pendingApprovals: pending } };
}

function unitsNow(): Recorded<UnitsReply> {
  const read = mockState().reads.units;
  const units = read.body.units.map((u) => {
    const waiting = u.waiting.filter((w) => stillIs(w.taskId, w.status));
    return waiting.length === u.waiting.length ? u : { ...u, waiting };
  });
  return { ...read, body: { units } };
}

export const snapshotHandlers = [
  http.get('/healthz', async () => {
    await wait();
    return respond(mockState().reads.healthz);
  }),

  http.get('/readyz', async () => {
    await wait();
    return respond(mockState().reads.readyz);
  }),

  http.get('/api/overview', async ({ request }) => (await guard(request)) ?? respond(overviewNow())),

  http.get('/api/units', async ({ request }) => (await guard(request)) ?? respond(unitsNow())),

  http.get('/api/settings', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const { reads, data } = mockState();
    // The webhook URLs name the origin podup was reached on: the browser's, here.
    const origin = new URL(request.url).origin;
    return respond(replay(reads.settings, { replace: new Map([[data.origin, origin]]) }));
  }),

  http.post('/api/v1/settings/test-delivery', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const { data } = mockState();
    const origin = new URL(request.url).origin;
    return respond(replay(data.testDelivery.reached, { replace: new Map([[data.origin, origin]]) }));
  }),
];
