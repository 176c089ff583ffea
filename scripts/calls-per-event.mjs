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
import inspector from 'node:inspector';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [name, secondsArg, topArg] = process.argv.slice(2);
if (!name) {
  process.stderr.write('usage: node scripts/calls-per-event.mjs SCENARIO SECONDS [TOP]\n');
  process.exit(2);
}
const bundle = resolve(import.meta.dirname, '../dist/bench.mjs');
const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((done, fail) => session.post(method, params, (err, res) => (err ? fail(err) : done(res))));

await post('Profiler.enable');
await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
// The --profile line carries the figures; keep it to learn the event count.
let line = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  line += String(chunk);
  return write(chunk, ...rest);
};
process.argv = [process.argv[0], bundle, '--profile', name, secondsArg ?? '0.3'];
await import(pathToFileURL(bundle).href);
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
for (const [fn, n] of [...calls].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 40))) {
  write(`${(n / events).toFixed(2).padStart(8)}  ${fn}\n`);
}
