/**
 * The script of `podup serve`'s V8 startup snapshot (server/snapshot/README.md): bundled into
 * dist/serve-snapshot.cjs, run once by `node --build-snapshot` (server/snapshot/build.mjs), which keeps the
 * compiled server and the warm-up's bytecode in dist/serve.blob. Each start from the blob runs only the
 * deserialise-main function: `podup serve` as usual.
 */
import { startupSnapshot } from 'node:v8';
import { runServe } from '../entry.js';
import { warmUp } from './warm-up.js';

if (startupSnapshot.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(() => void runServe(true));
  // The snapshot is taken once the event loop is empty, so an asynchronous warm-up is complete by then.
  warmUp().catch((e: unknown) => {
    process.stderr.write(`podup: snapshot warm-up failed: ${String(e)}\n`);
    process.exitCode = 1;
  });
} else {
  // Run as a plain script (node dist/serve-snapshot.cjs): no snapshot, same server.
  void runServe();
}
