#!/usr/bin/env node
// Golden outputs: `kernel-lab run --json` of every preset scenario and of the
// benchmark scenarios at reduced durations (test/fixtures/bench-scenarios,
// written by `node dist/bench.mjs --write-scenarios`), with the wall-clock
// field removed, so a change to the simulator that alters any
// result shows up as a diff (test/golden.test.ts compares them).
//   node scripts/golden.mjs            rewrite test/golden/*.json
//   node scripts/golden.mjs NAME...    rewrite only the presets named
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dirs = [join(root, 'resources/scenarios'), join(root, 'test/fixtures/bench-scenarios')];
const only = process.argv.slice(2);

/** The summary without its one nondeterministic field (wall_ms), pretty-printed for readable diffs. */
export function normalise(json) {
  const summary = JSON.parse(json);
  delete summary.wall_ms;
  return JSON.stringify(summary, null, 1) + '\n';
}

const files = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f)));
for (const file of files) {
  const name = basename(file, '.yaml');
  if (only.length > 0 && !only.includes(name)) continue;
  const r = spawnSync(process.execPath, ['bin/kernel-lab.mjs', 'run', file, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    process.stderr.write(`${file}: exit ${r.status}\n${r.stderr}`);
    process.exitCode = 1;
    continue;
  }
  writeFileSync(join(root, 'test/golden', `${name}.json`), normalise(r.stdout));
  process.stdout.write(`test/golden/${name}.json\n`);
}
