#!/usr/bin/env node
// Entry point of the `podup` command: runs the compiled CLI (npm ci builds it; see package.json "prepare").
import { existsSync } from 'node:fs';

const cli = new URL('../server/dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('podup: server/dist is missing; run "npm run build" in the podup checkout first\n');
  process.exit(1);
}
await import(cli.href);
