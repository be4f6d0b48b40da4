#!/usr/bin/env node
// Makes the one artefact podup ships: podup-<version>.tgz, which installs with `npm install -g ./podup-<version>.tgz`
// and runs without any development toolchain.
//
//   npm run package [-- --out DIR]     build, stage .pack/podup, run `npm pack` on it
//
// Why a staged directory and a generated package.json instead of `npm pack` at the root: the root package.json
// is the development workspace's (private, workspaces, the whole toolchain as dev dependencies, the developer's
// README). The package needs another manifest: server/dist holds bundles with every dependency inside but
// better-sqlite3 (a native addon) and the vendor bundles beside them (server/rolldown.config.mjs), so the
// package depends on better-sqlite3 alone, and its README is the operator's page (packaging/README.md). The
// layout inside is the checkout's (bin/, server/dist/, web/dist/, systemd/), so every relative path podup
// uses works in both. The startup snapshot is not packed: a V8 snapshot only loads in the node that built it,
// so `podup setup` builds it where podup runs (server/snapshot/README.md).
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-build': { type: 'boolean' } } });
const out = resolve(values.out ?? root);
const stage = join(root, '.pack', 'podup');

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const serverPkg = JSON.parse(readFileSync(join(root, 'server', 'package.json'), 'utf8'));

if (!values['no-build']) {
  // The snapshot's bundle must be in the package whatever the developer's switch says.
  const env = { ...process.env };
  delete env.PODUP_SNAPSHOT;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env });
}

/** What goes in, relative to the checkout; directories whole. */
const FILES = [
  'bin/podup.js',
  'bin/podup-serve',
  'server/dist/podup.mjs',
  'server/dist/serve.mjs',
  'server/dist/serve-snapshot.cjs',
  'server/dist/serve-snapshot.id',
  'server/dist/vendor',
  'web/dist',
  'systemd',
  'docs/OPERATIONS.md',
  'packaging/Containerfile',
  'packaging/podup.container',
  '.env.example',
];

rmSync(stage, { recursive: true, force: true });
for (const f of FILES) {
  const from = join(root, f);
  if (!existsSync(from)) throw new Error(`pack: ${f} is missing (did the build run?)`);
  mkdirSync(dirname(join(stage, f)), { recursive: true });
  cpSync(from, join(stage, f), { recursive: true });
}
cpSync(join(root, 'packaging', 'README.md'), join(stage, 'README.md'));
// stamp.ts finds server/dist from the nearest package.json above the CLI bundle.
writeFileSync(
  join(stage, 'server', 'package.json'),
  `${JSON.stringify({ private: true, description: "podup's built server (see ../package.json)", type: 'module' }, null, 2)}\n`,
);

const RUNTIME = ['better-sqlite3'];
const manifest = {
  name: 'podup',
  version: rootPkg.version,
  description: rootPkg.description,
  license: rootPkg.license,
  type: 'module',
  os: ['linux'],
  engines: rootPkg.engines,
  bin: rootPkg.bin,
  dependencies: Object.fromEntries(RUNTIME.map((name) => [name, serverPkg.dependencies[name]])),
  keywords: ['podman', 'systemd', 'quadlet', 'webhook', 'github', 'auto-update'],
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

mkdirSync(out, { recursive: true });
const packed = JSON.parse(
  execFileSync('npm', ['pack', stage, '--pack-destination', out, '--json'], { cwd: root, encoding: 'utf8' }),
)[0];
const tarball = join(out, packed.filename);
const files = packed.files.map((f) => f.path);
for (const f of files) {
  if (/\.map$|(^|\/)src\/|\.ts$/.test(f)) throw new Error(`pack: ${f} must not be in the package`);
}
const size = (p) =>
  statSync(p).isDirectory() ? readdirSync(p).reduce((n, e) => n + size(join(p, e)), 0) : statSync(p).size;
process.stdout.write(
  `pack: ${relative(process.cwd(), tarball) || tarball} (${(statSync(tarball).size / 1e6).toFixed(1)} MB, ` +
    `${files.length} files, ${(size(stage) / 1e6).toFixed(1)} MB unpacked; depends on ${RUNTIME.join(', ')})\n`,
);
