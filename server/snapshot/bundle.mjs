// The snapshot's part of the rolldown configuration (../rolldown.config.mjs): dist/serve-snapshot.cjs, the script
// `node --build-snapshot` runs (build.mjs). One CommonJS file, as --build-snapshot requires, holding every
// dependency but undici and dbus-next. Everything a snapshot cannot hold is shimmed here, for this bundle only,
// so the server's own code has no snapshot cases (README.md).
import http from 'node:http';
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
// them on first use). The snapshot has no module loader for import(), so node's require loads their bundles in
// dist/vendor (../rolldown.config.mjs) at run time, from where the snapshot was built (__filename).

const loadedAtRunTime = (vendored) => ({
  name: 'podup-snapshot-loaded-at-run-time',
  resolveId(id) {
    return Object.hasOwn(vendored, id) ? `\0run-time:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0run-time:')) return null;
    const file = vendored[id.slice('\0run-time:'.length)];
    // require() of a vendor bundle yields its namespace; the bundle's import() reads module.exports as node reads a
    // CommonJS package, so a default export (dbus-next's) stands for the package's module.exports.
    return `const ns = process.getBuiltinModule('node:module').createRequire(__filename)('${file}');
module.exports = ns.default ?? ns;`;
  },
});

// better-sqlite3 loads its native addon through the `bindings` package, which searches for it from the caller's
// file (in this bundle: the wrong place) and loads it with a require the snapshot's script does not have. This
// `bindings` resolves the addon's one path from where the snapshot was built (the checkout, or the installed
// package: the bundle is made when packing, the snapshot where podup runs) and loads it when the first database
// opens (a snapshot cannot hold an addon).
const SQLITE_ADDON = 'better-sqlite3/build/Release/better_sqlite3.node';

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
  process.dlopen(addon, process.getBuiltinModule('node:module').createRequire(__filename).resolve(${JSON.stringify(SQLITE_ADDON)}));
  return addon.exports;
};`;
  },
};

/**
 * The snapshot bundle's rolldown options (none with PODUP_SNAPSHOT=off); `common` is what every bundle shares,
 * `vendor` the bundles of dist/vendor by the name the adapters import.
 */
export function snapshotBundles(common, vendor) {
  if (snapshotOff) return [];
  return [
    {
      ...common,
      external: [],
      plugins: [...common.plugins, lazyBuiltins, loadedAtRunTime(vendor), sqliteAddon],
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
