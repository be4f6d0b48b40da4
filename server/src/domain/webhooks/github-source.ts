/**
 * Where a published image came from, as GitHub said in the delivery: the commit it was built from
 * (`package_version.target_oid`, with the repository's page of that commit) and the release or package-version
 * page. Shown with the task so an operator sees what code runs now. Only GitHub's own https pages are kept: the
 * panel renders them as links. Pure.
 */
import type { TaskSource } from '../tasks/task.js';

type Json = Record<string, unknown>;

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** github.com pages only, printable ASCII without spaces or quotes, of a sane length. */
const GITHUB_PAGE = /^https:\/\/github\.com\/[\x21\x23-\x26\x28-\x3b\x3d\x3f-\x7e]{1,300}$/;

const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const page = (v: unknown): string | null => (typeof v === 'string' && GITHUB_PAGE.test(v) ? v : null);

export function sourceOf(payload: Json, version: Json): TaskSource | null {
  const oid = typeof version.target_oid === 'string' ? version.target_oid.toLowerCase() : '';
  const commit = COMMIT.test(oid) ? oid : null;
  const repository = page(obj(payload.repository)?.html_url);
  const source: TaskSource = {
    commit,
    commitUrl: commit && repository ? `${repository}/commit/${commit}` : null,
    page: page(obj(version.release)?.html_url) ?? page(version.html_url),
  };
  return source.commit === null && source.page === null ? null : source;
}

export const sameSource = (a: TaskSource | null, b: TaskSource | null): boolean =>
  a === b || (a !== null && b !== null && a.commit === b.commit && a.page === b.page);
