#!/usr/bin/env node
// Where a benchmark scenario allocates, garbage included: V8's sampling heap
// profiler keeps only live objects unless asked to keep what the minor and
// major GCs collected, and per-event garbage (boxed doubles, closures, step
// objects) is what costs the simulator GC time. Runs one scenario in process
// (dist/bench.mjs --profile) and prints bytes allocated per function.
//   node scripts/build.mjs
//   node scripts/alloc-profile.mjs bench-cpu-reference 2 [TOP]
import { inspectorPost, runProfileScenario, scenarioArgs } from './inspector-bench.mjs';

const { name, seconds, top } = scenarioArgs('alloc-profile.mjs', '2', 25);
const post = inspectorPost();

await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
await runProfileScenario(name, seconds);
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
for (const [key, b] of [...bytes].sort((x, y) => y[1] - x[1]).slice(0, top)) {
  process.stdout.write(`${(b / 2 ** 20).toFixed(1).padStart(8)} MiB  ${key}\n`);
}
