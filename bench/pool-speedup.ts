import { availableParallelism } from 'node:os';
import { WorkerPool } from '../src-main/sim-host/pool';
import { cpuReferenceScenario } from './cpu-reference';
import type { BenchResult } from './result';

const RUNS = 8;

/** Run `RUNS` independent seeds through a pool of `size` workers; wall and CPU seconds. */
async function runAll(size: number, seconds: number): Promise<{ wallS: number; cpuS: number }> {
  const pool = new WorkerPool({ size });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: RUNS }, (_, i) => pool.start({ ...cpuReferenceScenario(seconds, 0.5), seed: i + 1 }).done),
  );
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await pool.close();
  for (const r of results) if (r.status !== 'complete') throw new Error(`pool run ${r.status}: ${'error' in r ? r.error : ''}`);
  return { wallS, cpuS: (c.user + c.system) / 1e6 };
}

/**
 * Multi-core: a run is single-threaded, independent runs (seeds, sweep
 * points, Compare) go through the worker pool. 8 seeds of the CPU reference
 * (1,000 tasks) on one worker vs one worker per core.
 */
export async function benchPoolSpeedup(): Promise<BenchResult> {
  const seconds = Number(process.env.BENCH_POOL_SECONDS ?? 2);
  const cores = availableParallelism();
  const one = await runAll(1, seconds);
  const all = await runAll(cores, seconds);
  const speedup = one.wallS / all.wallS;
  return {
    name: 'pool-speedup',
    figures: {
      cores,
      'runs': RUNS,
      'wall s, 1 worker': one.wallS,
      'wall s, 1 worker per core': all.wallS,
      'CPU s, 1 worker': one.cpuS,
      'CPU s, 1 worker per core': all.cpuS,
      // How many cores the runs actually got: on a loaded machine the pool cannot use cores it is not given.
      'cores used (CPU s / wall s), 1 worker': one.cpuS / one.wallS,
      'cores used (CPU s / wall s), 1 worker per core': all.cpuS / all.wallS,
      'speed-up (wall)': speedup,
      'parallel efficiency (speed-up / cores)': speedup / cores,
    },
    target: `≈ ${cores}× with ${cores} cores (runs are independent)`,
    ratio: speedup / cores,
    notes:
      'Wall-clock: on a shared machine the other load takes cores too, so the speed-up is a lower bound; equal CPU s in both ' +
      'arms shows the pool adds no work per run. BENCH_POOL_SECONDS sets each run\'s simulated time.',
  };
}
