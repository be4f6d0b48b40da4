#!/usr/bin/env node
// Entry point of the `podup` command: runs the compiled CLI (npm ci builds it; see package.json "prepare").
// server/dist/podup.mjs is the same CLI bundled into one file, which starts faster than ~350 modules.
import { existsSync } from 'node:fs';

const bundle = new URL('../server/dist/podup.mjs', import.meta.url);
const modules = new URL('../server/dist/cli.js', import.meta.url);
const entry = existsSync(bundle) ? bundle : modules;
if (!existsSync(entry)) {
  process.stderr.write('podup: server/dist is missing; run "npm run build" in the podup checkout first\n');
  process.exit(1);
}
await import(entry.href);
