import { snapshotBundles } from './snapshot/bundle.mjs';

// One ES module per entry point: loading one file instead of ~350 cuts the cold start under socket
// activation (docs/benchmarks.md). serve.mjs is `podup serve` alone (what systemd starts on each activation);
// podup.mjs is the whole CLI. The startup snapshot's bundle has its own part (snapshot/bundle.mjs).
//
// undici and dbus-next, which the adapters import() on first use, are bundled on their own (dist/vendor/), so
// that a cold start does not parse them and dist/ needs no node_modules but better-sqlite3's native addon: the
// package (scripts/pack.mjs) depends on better-sqlite3 alone.

// Fastify requires these only when routes declare JSON schemas (podup validates with zod and sets its own
// schema compilers) or for inject() (tests run the sources): ~1 MB that every cold start would otherwise parse.
// dbus-next's optional usocket (a native socket) and x11 (finding a session bus through an X display): podup
// connects with unix:socket= addresses it always names, which use node's own net sockets.
const NOT_USED = [
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'light-my-request',
  'usocket',
  'x11',
];

const stubUnused = {
  name: 'podup-stub-unused',
  resolveId(id) {
    return NOT_USED.includes(id) ? `\0unused:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0unused:')) return null;
    const name = id.slice('\0unused:'.length);
    return `module.exports = function unused() { throw new Error('${name} is not bundled: podup does not use it'); };`;
  },
};

/** The bundles in dist/vendor/, by the name the adapters import. */
export const VENDORED = { undici: './vendor/undici.mjs', 'dbus-next': './vendor/dbus-next.mjs' };

const common = {
  platform: 'node',
  external: ['better-sqlite3', ...Object.keys(VENDORED)],
  plugins: [stubUnused],
  logLevel: 'warn',
};
const esm = (file) => ({ file, format: 'esm', codeSplitting: false, sourcemap: true, paths: VENDORED });

export default [
  { ...common, input: 'dist/cli.js', output: esm('dist/podup.mjs') },
  { ...common, input: 'dist/serve.js', output: esm('dist/serve.mjs') },
  ...Object.entries(VENDORED).map(([name, file]) => ({
    ...common,
    external: [],
    input: `vendor/${name}.mjs`,
    output: { file: `dist/${file.slice(2)}`, format: 'esm', codeSplitting: false },
  })),
  // The startup snapshot's script (snapshot/README.md).
  ...snapshotBundles(common, VENDORED),
];
