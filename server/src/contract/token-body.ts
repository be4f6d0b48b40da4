/** A new API token from a JSON body (POST /api/v1/tokens) or CLI flags (podup tokens create). */
import ms from 'ms';
import type { CreateTokenInput } from '../use-cases/api-tokens.js';
import { CreateTokenBody } from './api.js';
import { parseInput } from './parse.js';

export function parseTokenBody(raw: unknown, label: (field: string) => string = (f) => f): CreateTokenInput {
  const b = parseInput(CreateTokenBody, raw, 'BAD_REQUEST', label);
  return {
    name: b.name,
    scopes: b.scopes,
    units: b.units,
    expiresInMs: b.expires === undefined ? undefined : ms(b.expires as ms.StringValue),
  };
}
