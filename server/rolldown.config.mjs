import http from 'node:http';

// One ES module per entry point: loading one file instead of ~350 cuts the cold start under socket
// activation (docs/benchmarks.md). serve.mjs is `podup serve` alone (what systemd starts on each activation);
// podup.mjs is the whole CLI. The native addon and the adapters' lazily imported clients stay external.

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

// node:http (and what builds on it) cannot be in a V8 startup snapshot: its parser binding holds handles the
// snapshot cannot keep. In the snapshot bundle these modules load on first use at run time instead; while the
// snapshot is built, only the plain data Fastify reads when it loads is there (node's own values, same node).
const LAZY_BUILTINS = {
  http: { STATUS_CODES: http.STATUS_CODES, METHODS: http.METHODS },
  https: {},
  http2: {},
};

const lazyBuiltins = {
  name: 'podup-lazy-builtins',
  resolveId(id) {
    const name = id.replace(/^node:/, '');
    return Object.hasOwn(LAZY_BUILTINS, name) ? `\0lazy-builtin:${name}` : null;
  },
  load(id) {
    if (!id.startsWith('\0lazy-builtin:')) return null;
    const name = id.slice('\0lazy-builtin:'.length);
    return `const { startupSnapshot } = process.getBuiltinModule('node:v8');
const whileBuilding = ${JSON.stringify(LAZY_BUILTINS[name])};
let loaded;
function real(use) {
  if (startupSnapshot.isBuildingSnapshot()) {
    throw new Error('node:${name} (' + use + ') was used while building the startup snapshot');
  }
  return (loaded ??= process.getBuiltinModule('node:${name}'));
}
module.exports = new Proxy({}, {
  get: (_, key) =>
    startupSnapshot.isBuildingSnapshot() && Object.hasOwn(whileBuilding, key) ? whileBuilding[key] : real(String(key))[key],
  has: (_, key) => key in real('in'),
  ownKeys: () => Reflect.ownKeys(real('keys')),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Object.getOwnPropertyDescriptor(real(String(key)), key);
    return d && { ...d, configurable: true };
  },
});
`;
  },
};

// undici and dbus-next are half of the server's code, and a cold start never needs them (podup loads them on
// first use). Outside the snapshot they cost nothing until then; node's module loader, which the snapshot does
// not have for import(), loads them from node_modules.
const LOADED_AT_RUN_TIME = ['undici', 'dbus-next'];

const loadedAtRunTime = {
  name: 'podup-loaded-at-run-time',
  resolveId(id) {
    return LOADED_AT_RUN_TIME.includes(id) ? `\0run-time:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0run-time:')) return null;
    const name = id.slice('\0run-time:'.length);
    return `module.exports = process.getBuiltinModule('node:module').createRequire(__filename)('${name}');`;
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
  {
    // The startup snapshot's script (build-snapshot.mjs turns it into dist/serve.blob). One CommonJS file, as
    // node --build-snapshot requires, holding every dependency but undici and dbus-next (above);
    // better-sqlite3's addon is loaded by path when the database opens (db/database.ts). Minified with function
    // and class names kept: the source text is part of the snapshot (7.7 instead of 11 MB, which deserialises
    // faster), and stack traces keep their names.
    ...common,
    external: [],
    plugins: [stubUnused, lazyBuiltins, loadedAtRunTime],
    input: 'dist/serve-snapshot.js',
    output: {
      file: 'dist/serve-snapshot.cjs',
      format: 'cjs',
      codeSplitting: false,
      minify: { compress: { keepNames: { function: true, class: true } }, mangle: { keepNames: true } },
    },
  },
];
