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
// The addon's path, looked up once when the bundle is evaluated, i.e. while the snapshot is built (the stamp ties
// the snapshot to this directory): the lookup would cost each cold start a millisecond. The bundle's first lines
// (the output's intro), because its modules are evaluated on first use, at run time.
const SQLITE_ADDON_PATH = '__podupSqliteAddon';
const SQLITE_ADDON_INTRO = `var ${SQLITE_ADDON_PATH};
try { ${SQLITE_ADDON_PATH} = require('node:module').createRequire(__filename).resolve(${JSON.stringify(SQLITE_ADDON)}); } catch {}`;

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
  process.dlopen(addon, ${SQLITE_ADDON_PATH} ?? process.getBuiltinModule('node:module').createRequire(__filename).resolve(${JSON.stringify(SQLITE_ADDON)}));
  return addon.exports;
};`;
  },
};

// V8 keeps a script's source in the snapshot, as one-byte (Latin-1) text only when every character fits: a single
// '…' in a message makes the whole ~1 MB source two-byte, doubling it in the snapshot (and in the time to
// deserialise it). Escaping the few non-ASCII characters keeps it one-byte; they only occur in string, template
// and regular-expression literals, where \uXXXX means the same character.
const asciiOnly = {
  name: 'podup-snapshot-ascii-only',
  // After minification, which writes such escapes back as the characters.
  generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      // A backslash before the character (an identity escape, e.g. "\…") is dropped: "\u2026" is the escape.
      chunk.code = chunk.code.replace(/(\\*)([^\p{ASCII}])/gu, (_, slashes, c) => {
        const kept = slashes.length % 2 === 1 ? slashes.slice(1) : slashes;
        // Each UTF-16 unit (two for a character beyond the BMP), as a string literal spells it.
        const units = [...Array(c.length).keys()].map((i) => c.charCodeAt(i).toString(16).padStart(4, '0'));
        return `${kept}${units.map((u) => `\\u${u}`).join('')}`;
      });
    }
  },
};

// find-my-way compiles a matcher for each static segment of the route tree with `new Function` when a route is
// added: code generation on every cold start (2.5 ms of podup's; the snapshot cannot keep it, as the tree is built
// at run time). Here it matches with a loop, as find-my-way already does for prefixes of 16 characters or more.
const GENERATED_PREFIX_MATCH =
  "return new Function('path', 'i', `'use strict'\\nreturn ${lines.join(' && ')}`)";
const prefixMatchWithoutCodegen = {
  name: 'podup-snapshot-prefix-match',
  transform(code, id) {
    if (!/find-my-way[\\/]lib[\\/]node\.js$/.test(id)) return null;
    if (!code.includes(GENERATED_PREFIX_MATCH)) {
      this.warn('find-my-way changed: its prefix matchers are generated code again (snapshot/bundle.mjs)');
      return null;
    }
    return code.replace(
      GENERATED_PREFIX_MATCH,
      `return function matchPrefix(path, i) {
    for (let j = 1; j < prefix.length; j++) if (path.charCodeAt(i + j) !== prefix.charCodeAt(j)) return false;
    return true;
  }`,
    );
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
      plugins: [
        ...common.plugins,
        lazyBuiltins,
        loadedAtRunTime(vendor),
        sqliteAddon,
        prefixMatchWithoutCodegen,
        asciiOnly,
      ],
      input: 'dist/snapshot/entry.js',
      output: {
        file: 'dist/serve-snapshot.cjs',
        format: 'cjs',
        codeSplitting: false,
        intro: SQLITE_ADDON_INTRO,
        // Function and class names kept: the source text is part of the snapshot (7.7 instead of 11 MB, which
        // deserialises faster), and stack traces keep their names.
        minify: { compress: { keepNames: { function: true, class: true } }, mangle: { keepNames: true } },
      },
    },
  ];
}
