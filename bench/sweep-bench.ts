import { availableParallelism } from 'node:os';
import { localExecutor } from '../src-main/experiments/executors';
import { planSweep } from '../src-main/experiments/plan';
import { redisExecutor } from '../src-main/experiments/redis/coordinator';
import { startPointWorker } from '../src-main/experiments/redis/worker';
import { runExperiment, type Executor } from '../src-main/experiments/run-experiment';
import { Session } from '../src-main/store/session';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SWEEP_FORMAT, type SweepSpec } from '../src-sim/sweep/types';
import { startRedis } from '../src-main/experiments/local-redis';
import type { BenchResult } from './result';

/** A 10-second CPU scenario: a hog under cpu.max next to periodic tasks (the swept knob is the quota). */
const SCENARIO = `format: kernel-lab/scenario@1
name: sweep-bench
seed: 1
duration: 10s
sample_interval: 100ms
cgroup_version: 2
machine: { cpus: 4, memory: 2G }
cgroups:
  /web: { cpu.max: "50000 100000" }
tasks:
  - { name: hog, cgroup: /web, count: 2, run: { type: cpu } }
  - { name: tick, count: 8, run: { type: periodic, busy: 2ms, period: 10ms } }
`;

function spec(points: number, seconds: number): SweepSpec {
  return {
    format: SWEEP_FORMAT,
    name: 'bench',
    description: '',
    scenario: 'sweep-bench.yaml',
    durationNs: seconds * 1e9,
    seeds: [1],
    knobs: [{ kind: 'file', path: '/sys/fs/cgroup/web/cpu.max', label: 'quota', values: Array.from({ length: points }, (_, i) => `${5000 + i * 1000} 100000`) }],
    metrics: [{ path: '/sys/fs/cgroup/web/cpu.stat', field: 'usage_usec', label: 'usage' }],
  };
}

async function measure(points: number, seconds: number, executor: (s: Session) => Promise<Executor>, dir: string, tag: string): Promise<{ wallS: number; cpuS: number }> {
  const s = spec(points, seconds);
  const plan = planSweep(s, { text: SCENARIO, file: 'sweep-bench.yaml', name: 'sweep-bench' }, () => '');
  const session = Session.open(join(dir, `${tag}.klab`));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runExperiment(plan, { session, executor: await executor(session) });
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  session.close();
  const bad = r.results.filter((x) => x.status !== 'complete');
  if (bad.length || r.results.length !== points) throw new Error(`sweep bench ${tag}: ${bad.length} failed, ${r.results.length}/${points} done`);
  return { wallS, cpuS: (c.user + c.system) / 1e6 };
}

/**
 * Issue 12: a 100-point sweep of a 10-second scenario on the local pool
 * (points per minute, speed-up over one core), and the same over two local
 * BullMQ workers on a real redis-server. CPU s are process-wide (worker
 * threads included): the BullMQ arm's workers run in this process too.
 * BENCH_SWEEP_POINTS and BENCH_SWEEP_SECONDS shrink it on a loaded box.
 */
export async function benchSweep(): Promise<BenchResult> {
  const points = Number(process.env.BENCH_SWEEP_POINTS ?? 100);
  const seconds = Number(process.env.BENCH_SWEEP_SECONDS ?? 10);
  const cores = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'klab-sweep-bench-'));
  const redis = await startRedis();
  try {
    const one = await measure(points, seconds, async (session) => localExecutor({ size: 1, metrics: spec(1, 1).metrics, session }), dir, 'one');
    const all = await measure(points, seconds, async (session) => localExecutor({ size: cores, metrics: spec(1, 1).metrics, session }), dir, 'all');
    const workers = [startPointWorker({ url: redis.url, name: 'w1' }), startPointWorker({ url: redis.url, name: 'w2' })];
    let bull: { wallS: number; cpuS: number };
    try {
      bull = await measure(points, seconds, (session) => redisExecutor({ url: redis.url, session, metrics: spec(1, 1).metrics, pollMs: 100 }), dir, 'bull');
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
    const perMin = (x: { wallS: number }): number => (points / x.wallS) * 60;
    return {
      name: 'sweep',
      figures: {
        cores,
        points,
        'simulated s per point': seconds,
        'points/min, 1 worker': perMin(one),
        [`points/min, ${cores} workers (local pool)`]: perMin(all),
        'points/min, 2 BullMQ workers': perMin(bull),
        'speed-up over one core (wall)': one.wallS / all.wallS,
        'BullMQ 2 workers vs local pool (wall)': all.wallS / bull.wallS,
        'CPU s per point, 1 worker': one.cpuS / points,
        [`CPU s per point, ${cores} workers`]: all.cpuS / points,
        'CPU s per point, 2 BullMQ workers': bull.cpuS / points,
      },
      target: `speed-up ≈ ${cores}× over one core; BullMQ overhead small (equal CPU s per point)`,
      ratio: one.wallS / all.wallS / cores,
      notes: 'Wall-clock figures depend on the box load; CPU s per point shows the per-point cost of each path (storing included).',
    };
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
