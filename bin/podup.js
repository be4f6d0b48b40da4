#!/usr/bin/env node
// Entry point of the `podup` command: runs the compiled CLI (npm ci builds it; see package.json "prepare").
// server/dist/*.mjs are bundles (one file loads faster than ~350 modules); a bare `podup serve`, which systemd
// socket activation starts on every cold start, takes the server-only bundle.
import { existsSync } from 'node:fs';

const dist = (file) => new URL(`../server/dist/${file}`, import.meta.url);
const serveOnly = process.argv.length === 3 && process.argv[2] === 'serve';
const entry = [serveOnly ? dist('serve.mjs') : dist('podup.mjs'), dist('cli.js')].find((f) => existsSync(f));
if (!entry) {
  process.stderr.write('podup: server/dist is missing; run "npm run build" in the podup checkout first\n');
  process.exit(1);
}
await import(entry.href);
