import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { formatImageRef } from '../images/image-ref.js';
import { interpretGitHubEvent, type GitHubEventMeaning } from './github-event.js';

type Json = Record<string, any>;

const FIXTURES = new URL('../../../../tests/fixtures/github/', import.meta.url);
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Json;

/** The index digest tagged "stable" and the linux/amd64 manifest digest in the fixtures. */
const INDEX_DIGEST = 'sha256:81a5875901c707ac43082ecebf07d78209a61e3f05b27c4e65d2f8eabb708f95';
const PLATFORM_DIGEST = 'sha256:368e65ef86290da6c5b7a5647c834eb6551a175599c8f912f1675d8df9d89efd';

function expectInvalidPayload(fn: () => unknown, messagePart: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe('INVALID_PAYLOAD');
  expect((caught as AppError).message).toContain(messagePart);
}

function published(meaning: GitHubEventMeaning) {
  if (meaning.kind !== 'published') throw new Error(`expected published, got ${JSON.stringify(meaning)}`);
  return meaning;
}

/** A copy of the package-published fixture with the package node edited. */
function packagePayload(
  edit: (pkg: Json, payload: Json) => void,
  base = 'package-published',
  key = 'package',
): Json {
  const payload = fixture(base);
  edit(payload[key] as Json, payload);
  return payload;
}

describe('interpretGitHubEvent on the real-shaped fixtures', () => {
  it('package/published: the tagged index is published with the ghcr image, tag and digest', () => {
    const m = published(interpretGitHubEvent('package', fixture('package-published')));
    expect(m.action).toBe('published');
    expect(m.image).toEqual({
      registry: 'ghcr.io',
      repository: 'acme-corp/web-app',
      tag: 'stable',
      digest: INDEX_DIGEST,
    });
    expect(formatImageRef(m.image)).toBe(`ghcr.io/acme-corp/web-app:stable@${INDEX_DIGEST}`);
  });

  it('keeps where the image came from: the commit, its page in the repository, the package version page', () => {
    const m = published(interpretGitHubEvent('package', fixture('package-published')));
    expect(m.source).toEqual({
      commit: '2464b545bbb85c88daa132be76030aab6b5cb201',
      commitUrl: 'https://github.com/Acme-Corp/web-app/commit/2464b545bbb85c88daa132be76030aab6b5cb201',
      page: 'https://github.com/orgs/acme-corp/packages/container/web-app/612345678',
    });
  });

  it('prefers the release page; keeps only GitHub https pages and hex commits (the panel links them)', () => {
    const withRelease = packagePayload((pkg) => {
      pkg.package_version.release = { html_url: 'https://github.com/Acme-Corp/web-app/releases/tag/v1.2.0' };
    });
    expect(published(interpretGitHubEvent('package', withRelease)).source?.page).toBe(
      'https://github.com/Acme-Corp/web-app/releases/tag/v1.2.0',
    );
    const hostile = packagePayload((pkg, payload) => {
      pkg.package_version.target_oid = 'not a commit';
      pkg.package_version.html_url = 'javascript:alert(1)';
      pkg.package_version.release = { html_url: 'https://github.com.evil.example/x' };
      payload.repository.html_url = 'http://github.com/Acme-Corp/web-app';
    });
    expect(published(interpretGitHubEvent('package', hostile)).source).toBeNull();
    const quoted = packagePayload((pkg, payload) => {
      payload.repository.html_url = 'https://github.com/a"onmouseover="x';
    });
    expect(published(interpretGitHubEvent('package', quoted)).source).toMatchObject({
      commit: '2464b545bbb85c88daa132be76030aab6b5cb201',
      commitUrl: null,
    });
  });

  it('registry_package/published reads the same image from the legacy root key', () => {
    const legacy = published(interpretGitHubEvent('registry_package', fixture('registry-package-published')));
    const current = published(interpretGitHubEvent('package', fixture('package-published')));
    expect(legacy.image).toEqual(current.image);
    expect(legacy.image.tag).toBe('stable');
    expect(legacy.image.digest).toBe(INDEX_DIGEST);
  });

  it('the untagged platform manifest is "untagged" with its own digest and no tag', () => {
    const m = interpretGitHubEvent('package', fixture('package-published-untagged'));
    expect(m.kind).toBe('untagged');
    if (m.kind !== 'untagged') return;
    expect(m.action).toBe('published');
    expect(m.image).toEqual({
      registry: 'ghcr.io',
      repository: 'acme-corp/web-app',
      tag: undefined,
      digest: PLATFORM_DIGEST,
    });
  });

  it('package/updated is ignored, naming the action', () => {
    const m = interpretGitHubEvent('package', fixture('package-updated'));
    expect(m).toMatchObject({ kind: 'ignored', action: 'updated' });
    if (m.kind === 'ignored') expect(m.reason).toContain('"updated"');
  });

  it('an npm package is ignored as not a container', () => {
    const m = interpretGitHubEvent('package', fixture('package-published-npm'));
    expect(m).toMatchObject({ kind: 'ignored', action: 'published' });
    if (m.kind === 'ignored') expect(m.reason).toContain('"npm"');
  });

  it('ping answers with the zen', () => {
    expect(interpretGitHubEvent('ping', fixture('ping'))).toEqual({
      kind: 'ping',
      zen: 'Design for failure.',
    });
  });

  it('a ping without zen still is a ping', () => {
    expect(interpretGitHubEvent('ping', {})).toEqual({ kind: 'ping', zen: undefined });
  });
});

describe('interpretGitHubEvent edge cases', () => {
  it.each([null, 'text', 42, [1, 2], undefined])(
    'throws INVALID_PAYLOAD for the non-object payload %j',
    (payload) => {
      expectInvalidPayload(() => interpretGitHubEvent('package', payload), 'JSON object');
    },
  );

  it('rejects a non-object payload even for ping', () => {
    expectInvalidPayload(() => interpretGitHubEvent('ping', []), 'JSON object');
  });

  it('ignores unknown events with a reason naming the event', () => {
    const m = interpretGitHubEvent('push', fixture('package-published'));
    expect(m.kind).toBe('ignored');
    if (m.kind === 'ignored') {
      expect(m.reason).toContain('"push"');
      expect(m.action).toBe('published');
    }
  });

  it('ignores a package event without action', () => {
    const payload = fixture('package-published');
    delete payload.action;
    const m = interpretGitHubEvent('package', payload);
    expect(m).toMatchObject({ kind: 'ignored', action: undefined });
    if (m.kind === 'ignored') expect(m.reason).toContain('(none)');
  });

  it('throws when the package node is missing from a published package event', () => {
    const payload = fixture('package-published');
    delete payload.package;
    expectInvalidPayload(() => interpretGitHubEvent('package', payload), '"package" object missing');
  });

  it('looks for the node named after the event: a package payload sent as registry_package is invalid', () => {
    expectInvalidPayload(
      () => interpretGitHubEvent('registry_package', fixture('package-published')),
      '"registry_package" object missing',
    );
  });

  it('throws when no digest is anywhere in package_version', () => {
    const payload = packagePayload((pkg) => {
      const v = pkg.package_version as Json;
      delete v.container_metadata.tag.digest;
      delete v.version;
      delete v.name;
    });
    expectInvalidPayload(() => interpretGitHubEvent('package', payload), 'no sha256 digest');
  });

  it('falls back to package_version.version when tag.digest is missing', () => {
    const payload = packagePayload((pkg) => {
      delete (pkg.package_version as Json).container_metadata.tag.digest;
    });
    expect(published(interpretGitHubEvent('package', payload)).image.digest).toBe(INDEX_DIGEST);
  });

  it('throws when the digest is not sha256', () => {
    const payload = packagePayload((pkg) => {
      const v = pkg.package_version as Json;
      v.container_metadata.tag.digest = 'md5:abc';
      v.version = '1.0.0';
      v.name = '1.0.0';
    });
    expectInvalidPayload(() => interpretGitHubEvent('package', payload), 'no sha256 digest');
  });

  it('throws for missing name or package_version', () => {
    expectInvalidPayload(
      () =>
        interpretGitHubEvent(
          'package',
          packagePayload((pkg) => delete pkg.name),
        ),
      'package.name missing',
    );
    expectInvalidPayload(
      () =>
        interpretGitHubEvent(
          'package',
          packagePayload((pkg) => delete pkg.package_version),
        ),
      'package.package_version missing',
    );
  });

  it('throws when no owner can be found anywhere', () => {
    const payload = packagePayload((pkg, root) => {
      delete pkg.namespace;
      delete pkg.owner;
      delete root.organization;
      delete root.repository;
    });
    expectInvalidPayload(() => interpretGitHubEvent('package', payload), 'owner.login missing');
  });

  it('throws for a tag that is not a valid image tag', () => {
    const payload = packagePayload((pkg) => {
      (pkg.package_version as Json).container_metadata.tag.name = 'bad tag';
    });
    expectInvalidPayload(() => interpretGitHubEvent('package', payload), 'not a valid tag');
  });

  it('throws INVALID_PAYLOAD (not InvalidImageRef) when the name is not a valid repository path', () => {
    const payload = packagePayload((pkg) => {
      pkg.name = 'web..app';
    });
    expectInvalidPayload(() => interpretGitHubEvent('package', payload), 'invalid image reference');
  });

  it.each([
    ['name', (pkg: Json) => (pkg.name = '\u212Aube-app')],
    ['namespace', (pkg: Json) => (pkg.namespace = 'ac\u212Ame')],
    [
      'package_url host',
      (pkg: Json) => ((pkg.package_version as Json).package_url = 'ghcr.io\u212A/acme/app:1'),
    ],
  ])('refuses a package whose %s holds KELVIN SIGN instead of folding it into "k"', (_field, edit) => {
    const payload = packagePayload(edit);
    expectInvalidPayload(() => interpretGitHubEvent('package', payload), 'only printable ASCII');
  });

  it.each(['docker', 'DOCKER', 'Container', 'container'])(
    'accepts package_type %j as a container',
    (type) => {
      const payload = packagePayload((pkg) => {
        pkg.package_type = type;
        pkg.ecosystem = type;
      });
      expect(interpretGitHubEvent('package', payload).kind).toBe('published');
    },
  );

  it('uses ecosystem when package_type is absent', () => {
    const payload = packagePayload((pkg) => {
      delete pkg.package_type;
      pkg.ecosystem = 'docker';
    });
    expect(interpretGitHubEvent('package', payload).kind).toBe('published');
  });

  it('ignores a package with neither package_type nor ecosystem', () => {
    const payload = packagePayload((pkg) => {
      delete pkg.package_type;
      delete pkg.ecosystem;
    });
    const m = interpretGitHubEvent('package', payload);
    expect(m.kind).toBe('ignored');
    if (m.kind === 'ignored') expect(m.reason).toContain('(none)');
  });

  it('lower-cases a mixed-case owner taken from owner.login when namespace is missing', () => {
    const payload = packagePayload((pkg) => {
      delete pkg.namespace;
      pkg.owner.login = 'Acme-Corp';
      pkg.name = 'Web-App';
    });
    expect(published(interpretGitHubEvent('package', payload)).image.repository).toBe('acme-corp/web-app');
  });

  it('lower-cases a mixed-case namespace, keeping the tag case', () => {
    const payload = packagePayload((pkg) => {
      pkg.namespace = 'UtaiteBOX';
      (pkg.package_version as Json).container_metadata.tag.name = 'Release-1';
    });
    const image = published(interpretGitHubEvent('package', payload)).image;
    expect(image.repository).toBe('utaitebox/web-app');
    expect(image.tag).toBe('Release-1');
  });

  it('falls back to organization.login, then repository.owner.login, for the owner', () => {
    const orgOnly = packagePayload((pkg, root) => {
      delete pkg.namespace;
      delete pkg.owner;
      root.organization = { login: 'Org-From-Root' };
    });
    expect(published(interpretGitHubEvent('package', orgOnly)).image.repository).toBe(
      'org-from-root/web-app',
    );

    const repoOnly = packagePayload((pkg, root) => {
      delete pkg.namespace;
      delete pkg.owner;
      delete root.organization;
      root.repository = { owner: { login: 'Repo-Owner' } };
    });
    expect(published(interpretGitHubEvent('package', repoOnly)).image.repository).toBe('repo-owner/web-app');
  });

  it('keeps nested package names', () => {
    const payload = packagePayload((pkg) => {
      pkg.name = 'cadence/api';
    });
    expect(published(interpretGitHubEvent('package', payload)).image.repository).toBe(
      'acme-corp/cadence/api',
    );
  });

  it('reads the registry from a package_url that ends in a bare ":"', () => {
    const payload = packagePayload((pkg) => {
      (pkg.package_version as Json).package_url = 'ghcr.io/acme-corp/web-app:';
    });
    expect(published(interpretGitHubEvent('package', payload)).image.registry).toBe('ghcr.io');
  });

  it('takes a non-ghcr registry host (with port) from package_url', () => {
    const payload = packagePayload((pkg) => {
      (pkg.package_version as Json).package_url = 'registry.example.com:5000/acme/app:1';
    });
    const image = published(interpretGitHubEvent('package', payload)).image;
    expect(image.registry).toBe('registry.example.com:5000');
    // owner, name and tag still come from the structured fields, not from the URL
    expect(formatImageRef(image)).toBe(`registry.example.com:5000/acme-corp/web-app:stable@${INDEX_DIGEST}`);
  });

  it('strips a scheme and lower-cases the host of package_url', () => {
    const payload = packagePayload((pkg) => {
      (pkg.package_version as Json).package_url = 'https://Registry.Example.com/acme/app:1';
    });
    expect(published(interpretGitHubEvent('package', payload)).image.registry).toBe('registry.example.com');
  });

  it('defaults to ghcr.io when package_url is missing or has no host part', () => {
    const missing = packagePayload((pkg) => {
      delete (pkg.package_version as Json).package_url;
    });
    expect(published(interpretGitHubEvent('package', missing)).image.registry).toBe('ghcr.io');

    const noHost = packagePayload((pkg) => {
      (pkg.package_version as Json).package_url = 'acme-corp/web-app:stable';
    });
    expect(published(interpretGitHubEvent('package', noHost)).image.registry).toBe('ghcr.io');
  });

  it('treats an empty tag name as untagged even when package_url carries a tag', () => {
    const payload = packagePayload((pkg) => {
      (pkg.package_version as Json).container_metadata.tag.name = '';
    });
    expect(interpretGitHubEvent('package', payload).kind).toBe('untagged');
  });
});
