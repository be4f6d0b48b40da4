// One ES module for `podup`: loading one file instead of ~350 cuts the cold start under socket activation
// (docs/benchmarks.md). The native addon and the adapters' lazily imported clients stay external.
export default {
  input: 'dist/cli.js',
  platform: 'node',
  external: ['better-sqlite3', 'dbus-next', 'undici'],
  output: { file: 'dist/podup.mjs', format: 'esm', codeSplitting: false, sourcemap: true },
  logLevel: 'warn',
};
