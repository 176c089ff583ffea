#!/usr/bin/env node
// Where a benchmark scenario allocates, garbage included: V8's sampling heap
// profiler keeps only live objects unless asked to keep what the minor and
// major GCs collected, and per-event garbage (boxed doubles, closures, step
// objects) is what costs the simulator GC time. Runs one scenario in process
// (dist/bench.mjs --profile) and prints bytes allocated per function.
//   node scripts/build.mjs
//   node scripts/alloc-profile.mjs bench-cpu-reference 2 [TOP]
import inspector from 'node:inspector';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [name, secondsArg, topArg] = process.argv.slice(2);
if (!name) {
  process.stderr.write('usage: node scripts/alloc-profile.mjs SCENARIO SECONDS [TOP]\n');
  process.exit(2);
}
const bundle = resolve(import.meta.dirname, '../dist/bench.mjs');
const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((done, fail) => session.post(method, params, (err, res) => (err ? fail(err) : done(res))));

await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
process.argv = [process.argv[0], bundle, '--profile', name, secondsArg ?? '2'];
await import(pathToFileURL(bundle).href);
const { profile } = await post('HeapProfiler.stopSampling');

const bytes = new Map();
let total = 0;
const stack = [profile.head];
while (stack.length) {
  const n = stack.pop();
  if (n.selfSize) {
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
    bytes.set(key, (bytes.get(key) ?? 0) + n.selfSize);
    total += n.selfSize;
  }
  for (const c of n.children) stack.push(c);
}
process.stdout.write(`allocated (sampled, garbage included): ${(total / 2 ** 20).toFixed(1)} MiB\n`);
for (const [key, b] of [...bytes].sort((x, y) => y[1] - x[1]).slice(0, Number(topArg ?? 25))) {
  process.stdout.write(`${(b / 2 ** 20).toFixed(1).padStart(8)} MiB  ${key}\n`);
}
