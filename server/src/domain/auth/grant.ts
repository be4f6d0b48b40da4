/**
 * What a credential may do: scopes, and for the scopes that move units, which units (glob patterns). The admin
 * token, a panel session, ForwardAuth and the open development mode hold everything; an API token holds what
 * it was created with. Pure.
 */
import { AppError } from '../../errors.js';
import type { Scope } from './scopes.js';

export { SCOPES, type Scope } from './scopes.js';

export interface Grant {
  /** Who acts, as written on tasks, log lines and event rows: "admin", or the API token's name. */
  name: string;
  scopes: readonly Scope[];
  /** Unit name patterns (`*` matches any run of characters); ["*"] for every unit. */
  units: readonly string[];
}

export const EVERY_UNIT: readonly string[] = ['*'];

export const rootGrant = (name: string): Grant => ({ name, scopes: ['admin'], units: EVERY_UNIT });

export const allows = (grant: Grant, scope: Scope): boolean =>
  grant.scopes.includes('admin') || grant.scopes.includes(scope);

const patternCache = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`);
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re;
}

/** `web-*` matches web-app.service: a pattern without a unit type matches the name with ".service" removed too. */
export function unitMatches(pattern: string, unit: string): boolean {
  const re = patternRegExp(pattern);
  return re.test(unit) || (unit.endsWith('.service') && re.test(unit.slice(0, -'.service'.length)));
}

export const mayTouch = (grant: Grant, unit: string): boolean =>
  grant.scopes.includes('admin') || grant.units.some((p) => unitMatches(p, unit));

export const touchesEveryUnit = (grant: Grant): boolean =>
  grant.scopes.includes('admin') || grant.units.includes('*');

/** Throws FORBIDDEN naming the units `grant` may not touch. */
export function assertMayTouch(grant: Grant | undefined, units: readonly string[], what: string): void {
  if (!grant) return;
  const refused = units.filter((u) => !mayTouch(grant, u));
  if (refused.length > 0)
    throw new AppError(
      'FORBIDDEN',
      `token ${grant.name} may not ${what} ${refused.join(', ')} (its units: ${grant.units.join(', ')})`,
    );
}

/** Names an operator gives tokens; the ones podup writes itself as actors are reserved. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const RESERVED = new Set([
  'admin',
  'bearer',
  'cookie',
  'open',
  'forward-auth',
  'github',
  'anonymous',
  'none',
]);

export function tokenNameProblem(name: string): string | undefined {
  if (!TOKEN_NAME.test(name))
    return 'a token name is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';
  if (RESERVED.has(name.toLowerCase()) || /^cli:/i.test(name))
    return `"${name}" is reserved for what podup records itself`;
  return undefined;
}

/** A unit pattern: unit-name characters and `*`. */
export const UNIT_PATTERN = /^[A-Za-z0-9:_.@\\*-]{1,256}$/;

/** API tokens start with this, so secret scanners recognise them. */
export const TOKEN_PREFIX = 'pdp_';
