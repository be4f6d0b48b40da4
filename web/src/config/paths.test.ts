import { describe, expect, it } from 'vitest';
import { paths, safeNext } from './paths';

describe('sign-in redirects', () => {
  it('come back only to paths of this site', () => {
    expect(safeNext('/tasks?status=failed')).toBe('/tasks?status=failed');
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'tasks'])
      expect(safeNext(bad)).toBe('/');
  });

  it('carry the page to come back to, except the overview and the sign-in page itself', () => {
    expect(paths.signInThenBack('/units')).toBe('/sign-in?next=%2Funits');
    expect(paths.signInThenBack('/')).toBe('/sign-in');
    expect(paths.signInThenBack('/sign-in?next=x')).toBe('/sign-in');
  });
});
