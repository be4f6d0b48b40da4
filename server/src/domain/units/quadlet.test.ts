import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQuadletContainer, parseUnitFile } from './quadlet.js';

const FIXTURES = new URL('../../../../tests/fixtures/quadlet/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

describe('parseUnitFile', () => {
  it('groups keys by section, keeping every value of a repeated key in order', () => {
    const s = parseUnitFile(
      ['[Unit]', 'Description=web', '', '[Container]', 'Label=a=1', 'Label=b=2', 'Image=x'].join('\n'),
    );
    expect([...s.keys()]).toEqual(['Unit', 'Container']);
    expect(s.get('Unit')?.get('Description')).toEqual(['web']);
    // Only the first "=" separates key and value.
    expect(s.get('Container')?.get('Label')).toEqual(['a=1', 'b=2']);
    expect(s.get('Container')?.get('Image')).toEqual(['x']);
  });

  it('skips # and ; comments, including indented ones', () => {
    const s = parseUnitFile(
      ['[Container]', '# Image=commented', '; Image=also', '   # Image=indented', 'Image=real'].join('\n'),
    );
    expect(s.get('Container')?.get('Image')).toEqual(['real']);
  });

  it('joins backslash continuations into one value', () => {
    const s = parseUnitFile('[Container]\nPodmanArgs=--memory 512m \\\n  --cpus 2\nImage=x\n');
    const args = s.get('Container')?.get('PodmanArgs')?.[0];
    expect(args?.split(/\s+/)).toEqual(['--memory', '512m', '--cpus', '2']);
    expect(s.get('Container')?.get('Image')).toEqual(['x']);
  });

  it('handles CRLF line endings', () => {
    const s = parseUnitFile('[Container]\r\nImage=a\r\nAutoUpdate=registry\r\n');
    expect(s.get('Container')?.get('Image')).toEqual(['a']);
    expect(s.get('Container')?.get('AutoUpdate')).toEqual(['registry']);
  });

  it('trims whitespace around keys and values', () => {
    const s = parseUnitFile('[Container]\n  Image  =  ghcr.io/a/b:1  \n');
    expect(s.get('Container')?.get('Image')).toEqual(['ghcr.io/a/b:1']);
  });

  it('ignores keys before the first section and lines without a key', () => {
    const s = parseUnitFile('Image=outside\n[Container]\n=novalue\njunk\nImage=inside\n');
    expect(s.get('Container')?.get('Image')).toEqual(['inside']);
    expect([...(s.get('Container')?.keys() ?? [])]).toEqual(['Image']);
  });

  it('merges a section that appears twice', () => {
    const s = parseUnitFile('[Container]\nImage=a\n[Service]\nRestart=always\n[Container]\nImage=b\n');
    expect(s.get('Container')?.get('Image')).toEqual(['a', 'b']);
    expect(s.get('Service')?.get('Restart')).toEqual(['always']);
  });
});

describe('parseQuadletContainer', () => {
  it('returns undefined for files that are not .container', () => {
    const text = '[Container]\nImage=ghcr.io/a/b:1\n';
    expect(parseQuadletContainer('web.volume', text)).toBeUndefined();
    expect(parseQuadletContainer('web.pod', text)).toBeUndefined();
    expect(parseQuadletContainer('web.container.bak', text)).toBeUndefined();
  });

  it('names the unit after the file stem and reads image, policy and container name', () => {
    const q = parseQuadletContainer(
      'shop.container',
      '[Container]\nImage=ghcr.io/acme/shop:1.2\nAutoUpdate=registry\nContainerName=shop-1\n',
    );
    expect(q).toEqual({
      unit: 'shop.service',
      image: 'ghcr.io/acme/shop:1.2',
      autoUpdate: 'registry',
      containerName: 'shop-1',
      labels: {},
    });
  });

  it('takes the last Image= when repeated', () => {
    const q = parseQuadletContainer(
      'a.container',
      '[Container]\nImage=ghcr.io/a/old:1\nImage=ghcr.io/a/new:2\n',
    );
    expect(q?.image).toBe('ghcr.io/a/new:2');
  });

  it('strips double quotes around a value', () => {
    const q = parseQuadletContainer('a.container', '[Container]\nImage="ghcr.io/a/b:1"\n');
    expect(q?.image).toBe('ghcr.io/a/b:1');
  });

  it('lower-cases AutoUpdate=', () => {
    expect(parseQuadletContainer('a.container', '[Container]\nAutoUpdate=Registry\n')?.autoUpdate).toBe(
      'registry',
    );
    expect(parseQuadletContainer('a.container', '[Container]\nAutoUpdate=LOCAL\n')?.autoUpdate).toBe('local');
  });

  it('treats an empty value as unset', () => {
    const q = parseQuadletContainer('a.container', '[Container]\nImage=ghcr.io/a/b:1\nImage=\nAutoUpdate=\n');
    expect(q?.image).toBeUndefined();
    expect(q?.autoUpdate).toBeUndefined();
  });

  it('uses ServiceName= without .service, appending it', () => {
    const q = parseQuadletContainer('web.container', '[Container]\nImage=x/y:1\nServiceName=acme-web\n');
    expect(q?.unit).toBe('acme-web.service');
  });

  it('uses ServiceName= that already ends in .service as it is', () => {
    const q = parseQuadletContainer('web.container', '[Container]\nServiceName=acme-web.service\n');
    expect(q?.unit).toBe('acme-web.service');
  });

  it('ignores keys of other sections when reading [Container]', () => {
    const q = parseQuadletContainer(
      'a.container',
      '[Unit]\nImage=ghcr.io/wrong/x:1\n[Container]\nImage=ghcr.io/right/x:1\n',
    );
    expect(q?.image).toBe('ghcr.io/right/x:1');
  });

  it('without a [Container] section still names the unit, with nothing else known', () => {
    const q = parseQuadletContainer('lonely.container', '[Unit]\nDescription=no container section\n');
    expect(q).toEqual({
      unit: 'lonely.service',
      image: undefined,
      autoUpdate: undefined,
      containerName: undefined,
      labels: {},
    });
  });

  it('keeps a template file name', () => {
    expect(parseQuadletContainer('worker@.container', '[Container]\nImage=a/b:1\n')?.unit).toBe(
      'worker@.service',
    );
  });
});

describe('parseQuadletContainer on fixture files', () => {
  it('web.container: tag-following with AutoUpdate=registry', () => {
    expect(parseQuadletContainer('web.container', fixture('web.container'))).toEqual({
      unit: 'web.service',
      image: 'ghcr.io/acme-corp/web:stable',
      autoUpdate: 'registry',
      containerName: 'acme-web',
      labels: { app: 'web' },
    });
  });

  it('web.container: the continued Environment= line and the ; comment are parsed as systemd would', () => {
    const s = parseUnitFile(fixture('web.container'));
    const env = s.get('Container')?.get('Environment')?.[0];
    expect(env?.split(/\s+/)).toEqual(['NODE_ENV=production', 'LOG_LEVEL=info']);
    expect(s.get('Container')?.has('; health check of the app itself')).toBe(false);
    expect(s.get('Container')?.get('HealthCmd')).toEqual([
      '/usr/bin/curl -fsS http://127.0.0.1:8080/healthz',
    ]);
    expect(s.get('Install')?.get('WantedBy')).toEqual(['default.target']);
  });

  it('pinned.container: image with its digest, no policy', () => {
    const q = parseQuadletContainer('pinned.container', fixture('pinned.container'));
    expect(q?.unit).toBe('pinned.service');
    expect(q?.image).toMatch(/^ghcr\.io\/acme-corp\/reports:2024\.06@sha256:[0-9a-f]{64}$/);
    expect(q?.autoUpdate).toBeUndefined();
    expect(q?.containerName).toBe('acme-reports');
  });

  it('nested/api.container: quoted image, mixed-case policy, ServiceName=', () => {
    expect(parseQuadletContainer('api.container', fixture('nested/api.container'))).toEqual({
      unit: 'acme-api.service',
      image: 'ghcr.io/acme-corp/api:v2',
      autoUpdate: 'registry',
      containerName: undefined,
      labels: {},
    });
  });
});
