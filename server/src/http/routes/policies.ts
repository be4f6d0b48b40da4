/**
 * PUT /api/units/:unit/policy, POST /api/units/:unit/skip | /snooze: the operator's runtime word on a unit's
 * updates. GET /api/check: what would update and why not (changes nothing). Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CheckReply, PolicyReply } from '../../contract/api.js';
import { parsePolicyBody, parseSkipBody, parseSnoozeBody } from '../../contract/policy-input.js';
import { toCheckReply } from '../../contract/views.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

type UnitParams = { Params: { unit: string } };

export function policyRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { policies, check } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    app.put<UnitParams>('/api/units/:unit/policy', async (request): Promise<PolicyReply> => {
      const { unit } = request.params;
      await policies.setPolicy(unit, parsePolicyBody(request.body ?? {}), originOf(request));
      return { unit, message: `policy of ${unit} changed` };
    });

    app.post<UnitParams>('/api/units/:unit/skip', async (request): Promise<PolicyReply> => {
      const { unit } = request.params;
      const { digest } = parseSkipBody(request.body ?? {});
      const { cancelled } = await policies.skip(unit, digest, originOf(request));
      const ended = cancelled.length ? `; waiting task ${cancelled.join(', ')} cancelled` : '';
      return { unit, message: `${unit} will never be updated to ${digest}${ended}` };
    });

    app.post<UnitParams>('/api/units/:unit/snooze', async (request): Promise<PolicyReply> => {
      const { unit } = request.params;
      const until = await policies.snooze(unit, parseSnoozeBody(request.body ?? {}), originOf(request));
      return {
        unit,
        message: until === null ? `${unit} is no longer snoozed` : `${unit} snoozed until ${new Date(until).toISOString()}`,
      };
    });

    app.get('/api/check', async (): Promise<CheckReply> => toCheckReply(await check.check()));
  };
}
