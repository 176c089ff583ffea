#!/usr/bin/env node
// How many JavaScript function calls a benchmark scenario makes per event,
// by function: V8's precise coverage with call counts (every invocation,
// inlined or not), over one in-process run of dist/bench.mjs --profile. A
// flat CPU profile says where time goes; this says how much work each event
// does, which is what a redesign has to cut (block-nvme: ≈ 110 calls per
// event, ≈ 215 per I/O). Coverage counters slow the run; the counts do not
// depend on speed.
//   node scripts/build.mjs
//   node scripts/calls-per-event.mjs bench-block-nvme 0.3 [TOP]
import { inspectorPost, runProfileScenario, scenarioArgs } from './inspector-bench.mjs';

const { name, seconds, top } = scenarioArgs('calls-per-event.mjs', '0.3', 40);
const post = inspectorPost();

await post('Profiler.enable');
await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
// The --profile line carries the figures; keep it to learn the event count.
let line = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  line += String(chunk);
  return write(chunk, ...rest);
};
await runProfileScenario(name, seconds);
const { result } = await post('Profiler.takePreciseCoverage');
process.stdout.write = write;

const figures = JSON.parse(line.slice(line.indexOf('{')));
const events = figures[' events per simulated s'] * figures[' simulated s'];
const calls = new Map();
let total = 0;
for (const script of result) {
  if (!script.url.endsWith('/dist/bench.mjs')) continue;
  for (const f of script.functions) {
    const n = f.ranges[0]?.count ?? 0;
    if (n === 0 || !f.functionName) continue;
    total += n;
    calls.set(f.functionName, (calls.get(f.functionName) ?? 0) + n);
  }
}
write(`${Math.round(events)} events, ${(total / events).toFixed(1)} calls per event (simulator code, boot included)\n`);
for (const [fn, n] of [...calls].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  write(`${(n / events).toFixed(2).padStart(8)}  ${fn}\n`);
}
