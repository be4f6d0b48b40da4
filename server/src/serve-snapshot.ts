/**
 * `podup serve` as a V8 startup snapshot (server/dist/serve.blob; bin/podup-serve starts it). Building the
 * snapshot evaluates the whole server bundle once and runs the start-up code on dummy inputs, so a cold start
 * under socket activation deserialises compiled code instead of parsing and compiling ~1 MB of JavaScript.
 * docs/benchmarks.md has the numbers; bin/podup-serve falls back to serve.mjs when the blob does not match.
 */
import { startupSnapshot } from 'node:v8';
import { runServe } from './entry.js';
import { warmUp } from './snapshot-warm-up.js';

if (startupSnapshot.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(() => void runServe(true));
  // The snapshot is taken once the event loop is empty, so an asynchronous warm-up is complete by then.
  warmUp().catch((e: unknown) => {
    process.stderr.write(`podup: snapshot warm-up failed: ${String(e)}\n`);
    process.exitCode = 1;
  });
} else {
  void runServe();
}
