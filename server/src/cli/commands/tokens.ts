/**
 * podup tokens (list), podup tokens create --name N --scope S [--units P] [--expires 90d] (prints the token once),
 * podup tokens revoke NAME. Through the running server when it runs, in-process otherwise.
 */
import type { Config } from '../../config.js';
import type { CreateTokenBody } from '../../contract/api.js';
import { withBackend } from '../backend.js';
import { shortTime } from '../format.js';
import { printJson, printTable } from '../output.js';

export interface CreateTokenOptions {
  name: string;
  scope: string[];
  units?: string[];
  expires?: string;
  json?: boolean;
}

/** `--scope trigger,read` and `--scope trigger --scope read` mean the same. */
const splitAll = (values: readonly string[] | undefined): string[] | undefined =>
  values
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

export async function tokensCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const { tokens } = await withBackend(config, { readOnly: true }, (b) => b.tokens());
  if (opts.json) {
    printJson({ tokens });
    return 0;
  }
  printTable(
    ['NAME', 'SCOPES', 'UNITS', 'CREATED', 'EXPIRES', 'LAST USED', 'FROM'],
    tokens.map((t) => [
      t.name,
      t.scopes.join(','),
      t.units.join(','),
      shortTime(t.createdAt),
      t.expiresAt ? shortTime(t.expiresAt) : 'never',
      t.lastUsedAt ? shortTime(t.lastUsedAt) : 'never',
      t.lastUsedFrom ?? '-',
    ]),
  );
  return 0;
}

export async function createTokenCommand(config: Config, opts: CreateTokenOptions): Promise<number> {
  const created = await withBackend(config, {}, (b) =>
    b.createToken({
      name: opts.name,
      // Checked where the token is made (server or in-process), with the message the API gives.
      scopes: (splitAll(opts.scope) ?? []) as CreateTokenBody['scopes'],
      units: splitAll(opts.units),
      expires: opts.expires,
    }),
  );
  if (opts.json) {
    printJson(created);
    return 0;
  }
  process.stdout.write(`${created.token}\n`);
  process.stderr.write(
    `token ${created.name} (${created.scopes.join(', ')} on ${created.units.join(', ')}, ` +
      `${created.expiresAt ? `expires ${shortTime(created.expiresAt)}` : 'no expiry'}): ` +
      'shown once, podup keeps only its hash; send it as Authorization: Bearer <token>\n',
  );
  return 0;
}

export async function revokeTokenCommand(config: Config, name: string): Promise<number> {
  await withBackend(config, {}, (b) => b.revokeToken(name));
  process.stdout.write(`token ${name} revoked\n`);
  return 0;
}
