import { snapshotBundles } from './snapshot/bundle.mjs';

// One ES module per entry point: loading one file instead of ~350 cuts the cold start under socket
// activation (docs/benchmarks.md). serve.mjs is `podup serve` alone (what systemd starts on each activation);
// podup.mjs is the whole CLI. The native addon and the adapters' lazily imported clients stay external.
// The startup snapshot's bundle has its own part (snapshot/bundle.mjs).

// Fastify requires these only when routes declare JSON schemas (podup validates with zod and sets its own
// schema compilers) or for inject() (tests run the sources): ~1 MB that every cold start would otherwise parse.
const NOT_USED = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'];

const stubUnused = {
  name: 'podup-stub-unused',
  resolveId(id) {
    return NOT_USED.includes(id) ? `\0unused:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0unused:')) return null;
    const name = id.slice('\0unused:'.length);
    return `module.exports = function unused() { throw new Error('${name} is not bundled: podup uses no route schemas'); };`;
  },
};

const common = {
  platform: 'node',
  external: ['better-sqlite3', 'dbus-next', 'undici'],
  plugins: [stubUnused],
  logLevel: 'warn',
};
export default [
  {
    ...common,
    input: 'dist/cli.js',
    output: { file: 'dist/podup.mjs', format: 'esm', codeSplitting: false, sourcemap: true },
  },
  {
    ...common,
    input: 'dist/serve.js',
    output: { file: 'dist/serve.mjs', format: 'esm', codeSplitting: false, sourcemap: true },
  },
  // The startup snapshot's script (snapshot/README.md).
  ...snapshotBundles(common),
];
