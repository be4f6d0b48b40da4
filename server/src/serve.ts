/**
 * `podup serve` without the rest of the CLI: what socket activation starts on every cold start, so it loads
 * only the server (bin/podup.js takes this path for a bare `podup serve`).
 */
import { runServe } from './entry.js';

await runServe();
