/**
 * `npm run bench`: runs every entry of bench/registry.ts (or those named on
 * the command line) and prints figures and ratios against their targets.
 * Never pass/fail: the machines are shared and noisy.
 */
import { availableParallelism, loadavg } from 'node:os';
import { benches } from './registry';
import type { BenchResult } from './result';

function show(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function print(r: BenchResult): void {
  const lines = [`■ ${r.name}`];
  for (const [k, v] of Object.entries(r.figures)) lines.push(`    ${k.padEnd(44)} ${show(v)}`);
  if (r.target) lines.push(`    target: ${r.target}${r.ratio !== undefined ? `   ratio: ${r.ratio.toFixed(2)}×` : ''}`);
  if (r.notes) lines.push(`    ${r.notes}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runAll(filter: string[]): Promise<void> {
  const chosen = filter.length ? benches.filter((b) => filter.some((f) => b.name.includes(f))) : benches;
  // Wall-clock figures on a shared machine mean little without its load.
  process.stdout.write(`Kernel Lab benchmarks — node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const results: BenchResult[] = [];
  for (const b of chosen) {
    try {
      const r = await b.run();
      results.push(r);
      print(r);
    } catch (e) {
      process.stdout.write(`■ ${b.name}: error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  if (process.env.BENCH_JSON) process.stdout.write(`${JSON.stringify(results)}\n`);
}

await runAll(process.argv.slice(2));
