/**
 * PUT /api/units/:unit/policy, POST /api/units/:unit/skip | /snooze: the operator's runtime word on a unit's
 * updates. GET /api/check: what would update and why not (changes nothing). Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CheckReply, PolicyReply } from '../../contract/api.js';
import { parsePolicyBody, parseSkipBody, parseSnoozeBody } from '../../contract/policy-input.js';
import { toCheckReply, toPolicyReply, toSkipReply, toSnoozeReply } from '../../contract/views.js';
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
      return toPolicyReply(unit);
    });

    app.post<UnitParams>('/api/units/:unit/skip', async (request): Promise<PolicyReply> => {
      const { unit } = request.params;
      const { digest } = parseSkipBody(request.body ?? {});
      const { cancelled } = await policies.skip(unit, digest, originOf(request));
      return toSkipReply(unit, digest, cancelled);
    });

    app.post<UnitParams>('/api/units/:unit/snooze', async (request): Promise<PolicyReply> => {
      const { unit } = request.params;
      const until = await policies.snooze(unit, parseSnoozeBody(request.body ?? {}), originOf(request));
      return toSnoozeReply(unit, until);
    });

    app.get('/api/check', async (): Promise<CheckReply> => toCheckReply(await check.check()));
  };
}
