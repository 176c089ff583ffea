#!/usr/bin/env node
// The `kernel-lab` command. The TypeScript sources are bundled into dist/ by
// `npm install` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('kernel-lab: dist/cli.mjs is missing; run `npm run build` first\n');
  process.exit(1);
}
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));
