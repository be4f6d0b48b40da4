// The snapshot's part of the rolldown configuration (../rolldown.config.mjs): dist/serve-snapshot.cjs, the script
// `node --build-snapshot` runs (build.mjs). One CommonJS file, as --build-snapshot requires, holding every
// dependency but undici and dbus-next. Everything a snapshot cannot hold is shimmed here, for this bundle only,
// so the server's own code has no snapshot cases (README.md).
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { snapshotOff } from './switch.mjs';

const LAZY_BUILTIN = fileURLToPath(new URL('./lazy-builtin.cjs', import.meta.url));
// What Fastify reads from these modules when it loads, i.e. while the snapshot is built (lazy-builtin.cjs).
const LAZY_BUILTINS = {
  http: { STATUS_CODES: http.STATUS_CODES, METHODS: http.METHODS },
  https: {},
  http2: {},
};

const lazyBuiltins = {
  name: 'podup-snapshot-lazy-builtins',
  resolveId(id) {
    const name = id.replace(/^node:/, '');
    return Object.hasOwn(LAZY_BUILTINS, name) ? `\0lazy-builtin:${name}` : null;
  },
  load(id) {
    if (!id.startsWith('\0lazy-builtin:')) return null;
    const name = id.slice('\0lazy-builtin:'.length);
    return `module.exports = require(${JSON.stringify(LAZY_BUILTIN)})('${name}', ${JSON.stringify(LAZY_BUILTINS[name])});`;
  },
};

// undici and dbus-next are half of the server's code, and a cold start never needs them (the adapters import()
// them on first use). The snapshot has no module loader for import(), so node's require loads them from
// node_modules at run time.
const LOADED_AT_RUN_TIME = ['undici', 'dbus-next'];

const loadedAtRunTime = {
  name: 'podup-snapshot-loaded-at-run-time',
  resolveId(id) {
    return LOADED_AT_RUN_TIME.includes(id) ? `\0run-time:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0run-time:')) return null;
    const name = id.slice('\0run-time:'.length);
    return `module.exports = process.getBuiltinModule('node:module').createRequire(__filename)('${name}');`;
  },
};

// better-sqlite3 loads its native addon through the `bindings` package, which searches for it from the caller's
// file (in this bundle: the wrong place) and loads it with a require the snapshot's script does not have. The
// addon's path is known now; this `bindings` loads it when the first database opens (a snapshot cannot hold an
// addon), which also spares every start the search.
const SQLITE_ADDON = createRequire(import.meta.url).resolve(
  'better-sqlite3/build/Release/better_sqlite3.node',
);

const sqliteAddon = {
  name: 'podup-snapshot-sqlite-addon',
  resolveId(id) {
    return id === 'bindings' ? '\0sqlite-addon' : null;
  },
  load(id) {
    if (id !== '\0sqlite-addon') return null;
    return `module.exports = function bindings(name) {
  if (name !== 'better_sqlite3.node') throw new Error('the snapshot bundle only has the addon of better-sqlite3, not ' + name);
  const addon = { exports: {} };
  process.dlopen(addon, ${JSON.stringify(SQLITE_ADDON)});
  return addon.exports;
};`;
  },
};

/** The snapshot bundle's rolldown options (none with PODUP_SNAPSHOT=off); `common` is what every bundle shares. */
export function snapshotBundles(common) {
  if (snapshotOff) return [];
  return [
    {
      ...common,
      external: [],
      plugins: [...common.plugins, lazyBuiltins, loadedAtRunTime, sqliteAddon],
      input: 'dist/snapshot/entry.js',
      output: {
        file: 'dist/serve-snapshot.cjs',
        format: 'cjs',
        codeSplitting: false,
        // Function and class names kept: the source text is part of the snapshot (7.7 instead of 11 MB, which
        // deserialises faster), and stack traces keep their names.
        minify: { compress: { keepNames: { function: true, class: true } }, mangle: { keepNames: true } },
      },
    },
  ];
}
