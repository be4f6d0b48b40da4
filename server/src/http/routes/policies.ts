/**
 * PUT /api/v1/units/:unit/policy (admin), POST /api/v1/units/:unit/skip | /snooze (approve, within the
 * credential's units): the operator's runtime word on a unit's updates. GET /api/v1/check (read): what would
 * update and why not (changes nothing).
 */
import type { FastifyInstance } from 'fastify';
import type { CheckReply, PolicyReply } from '../../contract/api.js';
import { parsePolicyBody, parseSkipBody, parseSnoozeBody } from '../../contract/policy-input.js';
import { toCheckReply, toPolicyReply, toSkipReply, toSnoozeReply } from '../../contract/views.js';
import { api, type RequireScope } from '../api-paths.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

type UnitParams = { Params: { unit: string } };

export function policyRoutes(deps: Deps, need: RequireScope) {
  const { policies, check } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.put<UnitParams>(
      api('/units/:unit/policy'),
      { preHandler: need('admin') },
      async (request): Promise<PolicyReply> => {
        const { unit } = request.params;
        await policies.setPolicy(unit, parsePolicyBody(request.body ?? {}), originOf(request));
        return toPolicyReply(unit);
      },
    );

    app.post<UnitParams>(
      api('/units/:unit/skip'),
      { preHandler: need('approve') },
      async (request): Promise<PolicyReply> => {
        const { unit } = request.params;
        const { digest } = parseSkipBody(request.body ?? {});
        const { cancelled } = await policies.skip(unit, digest, originOf(request));
        return toSkipReply(unit, digest, cancelled);
      },
    );

    app.post<UnitParams>(
      api('/units/:unit/snooze'),
      { preHandler: need('approve') },
      async (request): Promise<PolicyReply> => {
        const { unit } = request.params;
        const until = await policies.snooze(unit, parseSnoozeBody(request.body ?? {}), originOf(request));
        return toSnoozeReply(unit, until);
      },
    );

    app.get(api('/check'), { preHandler: need('read') }, async (): Promise<CheckReply> =>
      toCheckReply(await check.check()),
    );
  };
}
