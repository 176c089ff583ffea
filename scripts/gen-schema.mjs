// Writes resources/schema/scenario.schema.json from the zod schema in
// src-sim/scenario/schema.ts (zod 4's z.toJSONSchema, input side).
// Run after changing the scenario format: node scripts/gen-schema.mjs
// test/src-sim/scenario/json-schema.test.ts fails when the file is stale.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const out = resolve('.tsbuild/gen-schema.mjs');
await build({
  entryPoints: ['src-sim/scenario/schema.ts'],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const { scenarioJsonSchema } = await import(pathToFileURL(out).href);
mkdirSync('resources/schema', { recursive: true });
writeFileSync('resources/schema/scenario.schema.json', `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log('wrote resources/schema/scenario.schema.json');
