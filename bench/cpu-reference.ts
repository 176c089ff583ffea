import { baseScenario, flatMachine, taskSpec } from '../src-sim/scenario/defaults';
import type { CgroupSpec, TaskSpec } from '../src-sim/scenario/types';
import { inRunTimeScaling, measureRun, scalingRatio, speedFigures, warmUp } from './measure';
import type { BenchResult } from './result';

const MS = 1e6;
const WEIGHTS = [100, 200, 50, 300, 100, 150, 75, 500];
// cpu.max per group ("max" = unlimited): a mix of tight, loose and no limits
const LIMITS = ['max', '1600000 100000', 'max', '800000 100000', 'max', '2400000 100000', '400000 100000', 'max'];

/**
 * Issue 2 §8 CPU reference scenario: 64 CPUs, 2,000 tasks (320 hogs and 1,680
 * periodic sleepers waking 50–250 times a second) in 8 cgroups with weights
 * and cpu.max. Simulated seconds per wall second; target ≥ 20× real time.
 * `taskScale` multiplies every task count (0.5 = 1,000 tasks, for the scaling check).
 */
export function cpuReferenceScenario(seconds: number, taskScale = 1) {
  const cgroups: CgroupSpec[] = [];
  const tasks: TaskSpec[] = [];
  for (let g = 0; g < 8; g++) {
    const path = `/g${g}`;
    cgroups.push({ path, writes: [['cpu.weight', String(WEIGHTS[g])], ['cpu.max', LIMITS[g]!]] });
    tasks.push(taskSpec({ name: `hog${g}`, cgroup: path, count: Math.round(40 * taskScale) }));
    // 21 rates from 50 to 250 Hz, 10 tasks each: 210 sleepers per group
    for (let r = 0; r < 21; r++) {
      const hz = 50 + r * 10;
      tasks.push(
        taskSpec({
          name: `tick${g}.${hz}`,
          cgroup: path,
          count: Math.round(10 * taskScale),
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

/**
 * The reference at BENCH_CPU_SECONDS (default 60) simulated seconds, then at
 * half the time and at half the time with half the tasks: CPU cost per
 * (simulated s × task) stays flat when the cost is linear in both.
 */
export async function benchCpuReference(): Promise<BenchResult> {
  const seconds = Number(process.env.BENCH_CPU_SECONDS ?? 60);
  warmUp(cpuReferenceScenario(1));
  const full = measureRun(cpuReferenceScenario(seconds), 0.5e9);
  let switches = 0;
  for (const task of full.sim.kernel.tasks.values()) switches += task.pcount;
  const half = measureRun(cpuReferenceScenario(seconds / 2), 0.5e9);
  const halfTasks = measureRun(cpuReferenceScenario(seconds / 2, 0.5), 0.5e9);
  const ratio = full.simS / full.wallS;
  return {
    name: 'cpu-reference',
    figures: {
      ...speedFigures('2000 tasks', full),
      'context switches in (pcount) per simulated s': switches / full.simS,
      'CPU µs per context switch': (full.cpuS * 1e6) / switches,
      'time scaling: CPU per sim s, full / half time': scalingRatio(half, 1, full, 1),
      'time scaling in the run: CPU per sim s, last / second quarter': inRunTimeScaling(full),
      'task scaling: CPU per sim s per task, 2000 / 1000 tasks': scalingRatio(halfTasks, 1000, half, 2000),
      ...speedFigures('1000 tasks, half time', halfTasks),
      'ratio per CPU s (sim s per CPU s / 20)': full.simS / full.cpuS / 20,
    },
    target: '≥ 20× real time',
    ratio: ratio / 20,
    notes:
      'BENCH_CPU_SECONDS shortens the run. Scaling ratios ≈ 1 mean linear. Bounded by per-event model work: ~1.4 events per ' +
      'periodic job (timer wakeup, burst end), each a wakeup placement, enqueue/dequeue through 2 group levels with ' +
      'calc_group_shares, an EEVDF pick, PSI changes for 3 groups and re-arming the CPU event (see bench/PROFILES.md).',
  };
}
