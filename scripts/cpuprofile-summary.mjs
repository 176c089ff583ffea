#!/usr/bin/env node
// Summarise a V8 CPU profile (node --cpu-prof) as bench/PROFILES.md shows it:
// self time per function, inclusive time per function, and the hottest source
// lines (positionTicks) of the bundle.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench.mjs --profile bench-cpu-reference 2
//   node scripts/cpuprofile-summary.mjs /tmp/prof/*.cpuprofile [TOP]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/cpuprofile-summary.mjs PROFILE.cpuprofile [TOP]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map();
for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;

let total = 0;
const self = new Map();
const incl = new Map();
for (const [id, t] of selfUs) {
  total += t;
  const k = name(byId.get(id));
  self.set(k, (self.get(k) ?? 0) + t);
  const seen = new Set();
  for (let x = id; x !== undefined; x = parent.get(x)) {
    const kk = name(byId.get(x));
    if (seen.has(kk)) continue;
    seen.add(kk);
    incl.set(kk, (incl.get(kk) ?? 0) + t);
  }
}
const pct = (t) => `${((t / total) * 100).toFixed(1).padStart(5)} %`;
const table = (title, m) => {
  process.stdout.write(`${title}\n`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(t)}  ${k}\n`);
};
process.stdout.write(`total sampled ${(total / 1e6).toFixed(2)} s\n`);
table('\nself time', self);
table('\ninclusive time', incl);

// Hottest lines of the bundled code (positionTicks are per line of the script).
const lines = new Map();
const sources = new Map();
let ticks = 0;
for (const n of p.nodes) {
  ticks += n.hitCount ?? 0;
  const url = n.callFrame.url;
  if (!url.startsWith('file://') || !url.includes('/dist/')) continue;
  for (const pt of n.positionTicks ?? []) {
    const k = `${url}\u0000${pt.line}`;
    lines.set(k, (lines.get(k) ?? 0) + pt.ticks);
  }
}
process.stdout.write('\nhottest lines\n');
for (const [k, t] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [url, line] = k.split('\u0000');
  if (!sources.has(url)) sources.set(url, readFileSync(fileURLToPath(url), 'utf8').split('\n'));
  const text = sources.get(url)[Number(line) - 1]?.trim().slice(0, 100) ?? '';
  process.stdout.write(`${((t / ticks) * 100).toFixed(1).padStart(5)} %  ${text}\n`);
}

// Self time of the simulator's code by source file (esbuild's `// path.ts`
// markers in the bundle), as a share of that code plus the GC: the loader
// and other start-up work of a short, loaded run drop out.
const markersOf = new Map();
const fileOf = (url, line) => {
  if (!markersOf.has(url)) {
    const src = sources.get(url) ?? readFileSync(fileURLToPath(url), 'utf8').split('\n');
    const m = [];
    src.forEach((l, i) => {
      const hit = /^\/\/ (?:.*\/)?((?:src-sim|bench|src-main)\/.+\.ts)$/.exec(l);
      if (hit) m.push([i, hit[1]]);
    });
    markersOf.set(url, m);
  }
  let f = '(bundle prelude)';
  for (const [i, name] of markersOf.get(url)) {
    if (i > line) break;
    f = name;
  }
  return f;
};
const files = new Map();
let simTotal = 0;
for (const [id, t] of selfUs) {
  const n = byId.get(id);
  const url = n.callFrame.url;
  let key = null;
  if (n.callFrame.functionName === '(garbage collector)') key = '(garbage collector)';
  else if (url.startsWith('file://') && url.endsWith('.mjs') && !url.includes('/node_modules/') && !url.includes('/scripts/')) key = fileOf(url, n.callFrame.lineNumber);
  if (key === null) continue;
  simTotal += t;
  files.set(key, (files.get(key) ?? 0) + t);
}
process.stdout.write(`\nself time by source file (simulator code + GC = ${(simTotal / 1e6).toFixed(2)} s)\n`);
for (const [k, t] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`${((t / simTotal) * 100).toFixed(1).padStart(5)} %  ${k}\n`);
}
