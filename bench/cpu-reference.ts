import { baseScenario, flatMachine, taskSpec } from '../src-sim/scenario/defaults';
import type { CgroupSpec, TaskSpec } from '../src-sim/scenario/types';
import { Simulation } from '../src-sim/simulation';
import type { BenchResult } from './result';

const MS = 1e6;
const WEIGHTS = [100, 200, 50, 300, 100, 150, 75, 500];
// cpu.max per group ("max" = unlimited): a mix of tight, loose and no limits
const LIMITS = ['max', '1600000 100000', 'max', '800000 100000', 'max', '2400000 100000', '400000 100000', 'max'];

/**
 * Issue 2 §8 CPU reference scenario: 64 CPUs, 2,000 tasks (320 hogs and 1,680
 * periodic sleepers waking 50–250 times a second) in 8 cgroups with weights
 * and cpu.max. Simulated seconds per wall second; target ≥ 20× real time.
 */
export function cpuReferenceScenario(seconds: number) {
  const cgroups: CgroupSpec[] = [];
  const tasks: TaskSpec[] = [];
  for (let g = 0; g < 8; g++) {
    const path = `/g${g}`;
    cgroups.push({ path, writes: [['cpu.weight', String(WEIGHTS[g])], ['cpu.max', LIMITS[g]!]] });
    tasks.push(taskSpec({ name: `hog${g}`, cgroup: path, count: 40 }));
    // 21 rates from 50 to 250 Hz, 10 tasks each: 210 sleepers per group
    for (let r = 0; r < 21; r++) {
      const hz = 50 + r * 10;
      tasks.push(
        taskSpec({
          name: `tick${g}.${hz}`,
          cgroup: path,
          count: 10,
          nice: (r % 5) - 2,
          run: { type: 'periodic', busyNs: 0.1 * MS, periodNs: Math.round(1e9 / hz), jitter: 0.1 },
        }),
      );
    }
  }
  return baseScenario({
    name: 'bench-cpu-reference',
    machine: flatMachine(64),
    durationNs: seconds * 1e9,
    sampleIntervalNs: 100 * MS,
    cgroups,
    tasks,
    record: cgroups.map((c) => `/sys/fs/cgroup${c.path}/cpu.stat`).concat(['/proc/stat', '/proc/pressure/cpu']),
  });
}

export async function benchCpuReference(): Promise<BenchResult> {
  const seconds = Number(process.env.BENCH_CPU_SECONDS ?? 60);
  const s = cpuReferenceScenario(seconds);
  let peakRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const sim = new Simulation(s);
  let wakeups = 0;
  for (let t = 0.5e9; !sim.done; t += 0.5e9) {
    sim.advance(t);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  for (const task of sim.kernel.tasks.values()) wakeups += task.pcount;
  const ratio = seconds / wall;
  return {
    name: 'cpu-reference',
    figures: {
      'simulated seconds': seconds,
      'wall seconds': wall,
      'simulated s per wall s': ratio,
      'simulated s per CPU s (this process)': seconds / cpu,
      'engine events per simulated s': sim.kernel.engine.executed / seconds,
      'engine events per wall s': sim.kernel.engine.executed / wall,
      'context switches in (pcount) per simulated s': wakeups / seconds,
      'peak RSS MiB': peakRss / 1024 / 1024,
    },
    target: '≥ 20× real time',
    ratio: ratio / 20,
    notes:
      'BENCH_CPU_SECONDS shortens the run. Bounded by per-event model work (~2 events per periodic job: wakeup and burst end, ' +
      'each with enqueue/dequeue through 2 group levels, EEVDF pick, PSI for 3 groups, re-arming the CPU event), not by the queue.',
  };
}
