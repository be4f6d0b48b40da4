/** GitHub-shaped deliveries: real payload fixtures, signed the way GitHub signs them. */
import type { FastifyInstance } from 'fastify';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const SECRET = 'it-webhook-secret-0123456789';
export const ADMIN_TOKEN = 'it-admin-token-0123456789abcdef';

export type FixtureName =
  | 'package-published'
  | 'registry-package-published'
  | 'package-published-untagged'
  | 'package-updated'
  | 'package-published-npm'
  | 'ping';

export function fixture(name: FixtureName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(repoRoot, 'tests/fixtures/github', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

export const rawFixture = (name: FixtureName): Buffer =>
  readFileSync(join(repoRoot, 'tests/fixtures/github', `${name}.json`));

export function sign(body: Buffer | string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A `package` published payload for another image/tag/digest, same shape as the fixture. */
export function packagePublished(opts: {
  owner?: string;
  name?: string;
  tag: string;
  digest: string;
  event?: 'package' | 'registry_package';
}): Buffer {
  const event = opts.event ?? 'package';
  const p = fixture(event === 'package' ? 'package-published' : 'registry-package-published');
  const pkg = p[event] as Record<string, any>;
  if (opts.owner) {
    pkg.namespace = opts.owner.toLowerCase();
    pkg.owner.login = opts.owner;
  }
  if (opts.name) pkg.name = opts.name;
  const v = pkg.package_version;
  v.version = opts.digest;
  v.name = opts.digest;
  v.container_metadata.tag = { name: opts.tag, digest: opts.digest };
  v.package_url = `ghcr.io/${pkg.namespace}/${pkg.name}:${opts.tag}`;
  return Buffer.from(JSON.stringify(p));
}

export const newDelivery = (): string => randomUUID();

export function githubHeaders(
  event: string,
  body: Buffer | string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/podup-tests',
    'x-github-event': event,
    'x-github-delivery': newDelivery(),
    'x-github-hook-id': '123456789',
    'x-hub-signature-256': sign(body),
    ...extra,
  };
}

/** A signed GitHub event POSTed to podup in-process (Fastify's inject); the response. */
export const injectEvent = (app: FastifyInstance, event: string, body: Buffer | string) =>
  app.inject({ method: 'POST', url: '/webhooks/github', headers: githubHeaders(event, body), payload: body });
