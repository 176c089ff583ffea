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
// With CALLS_BY_FILE=1 the calls are also totalled by source file (esbuild's
// `// path.ts` markers in the bundle), so one subsystem's share can be read off.
// CALLS_PER=FUNCTION divides by that function's calls instead of by events
// (CALLS_PER=submitBio: calls per block I/O).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
const byFile = new Map();
const markers = fileMarkers();
let total = 0;
for (const script of result) {
  if (!script.url.endsWith('/dist/bench.mjs')) continue;
  for (const f of script.functions) {
    const n = f.ranges[0]?.count ?? 0;
    if (n === 0 || !f.functionName) continue;
    total += n;
    calls.set(f.functionName, (calls.get(f.functionName) ?? 0) + n);
    const file = fileAt(markers, f.ranges[0].startOffset);
    byFile.set(file, (byFile.get(file) ?? 0) + n);
  }
}
write(`${Math.round(events)} events, ${(total / events).toFixed(1)} calls per event (simulator code, boot included)\n`);
const per = process.env.CALLS_PER;
const unit = per ? calls.get(per) : events;
if (!unit) {
  process.stderr.write(`calls-per-event.mjs: CALLS_PER=${per}: no calls of a function of that name\n`);
  process.exit(2);
}
if (per) write(`${unit} calls of ${per}, ${(total / unit).toFixed(1)} calls per ${per} call; the lists below are per ${per} call\n`);
for (const [fn, n] of [...calls].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  write(`${(n / unit).toFixed(2).padStart(8)}  ${fn}\n`);
}

if (process.env.CALLS_BY_FILE === '1') {
  write('by source file:\n');
  for (const [file, n] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    write(`${(n / unit).toFixed(2).padStart(8)}  ${file}\n`);
  }
}

/** Offsets of esbuild's `// src-sim/….ts` markers in the bundle, ascending. */
function fileMarkers() {
  const src = readFileSync(resolve(import.meta.dirname, '../dist/bench.mjs'), 'utf8');
  const out = [];
  const re = /^\/\/ ((?:src-sim|bench|src-main)\/[^\n]+\.ts)$/gm;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) out.push({ at: m.index, file: m[1] });
  return out;
}

/** The file whose marker precedes `offset` (binary search). */
function fileAt(markers, offset) {
  let lo = 0;
  let hi = markers.length - 1;
  let best = '(bundle prelude)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (markers[mid].at <= offset) {
      best = markers[mid].file;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}
