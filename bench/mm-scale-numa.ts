import { Simulation } from '../src-sim/simulation';
import type { Scenario } from '../src-sim/scenario/types';
import { mmScaleScenario } from './mm-scale';
import type { BenchResult } from './result';

const MiB = 1024 ** 2;
const SIM_NS = 60e9;

/** The mm-scale scenario on two NUMA nodes (32 CPUs and half the memory each, SLIT 21), NUMA balancing on (the default). */
export function mmScaleNumaScenario(memGiB: number, durationNs = SIM_NS): Scenario {
  const s = mmScaleScenario(memGiB, durationNs);
  const half = s.machine.memoryBytes / 2;
  const cpus = s.machine.cpus / 2;
  s.machine.numa = {
    nodes: [0, 1].map((n) => ({ cpus: Array.from({ length: cpus }, (_, i) => n * cpus + i), memoryBytes: half })),
    distances: [
      [10, 21],
      [21, 10],
    ],
  };
  // THP on for the working sets (MADV_HUGEPAGE under the default enabled=madvise, defrag=madvise: direct compaction).
  const tasks = s.tasks.map((t) => (t.run.type === 'workingset' ? { ...t, run: { ...t.run, madvise: 'hugepage' as const } } : t));
  return { ...s, tasks, name: `mm-scale-numa-${memGiB}G`, record: [...s.record, '/sys/devices/system/node/node0/numastat'] };
}

function vmstat(sim: Simulation, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/vmstat'));
  return m ? Number(m[1]) : 0;
}

/** bench (issue 10): 64 GiB on 2 nodes, 200 tasks, NUMA balancing and THP on, 60 s simulated; target ≥ 20× real time, ≤ 1 GiB RSS. */
export async function benchMmScaleNuma(): Promise<BenchResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const sim = new Simulation(mmScaleNumaScenario(64));
  let peak = process.memoryUsage().rss;
  for (let t = 1e9; t <= SIM_NS; t += 1e9) {
    sim.advance(t);
    peak = Math.max(peak, process.memoryUsage().rss);
    sim.recorder.take();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const perCpu = SIM_NS / 1e6 / cpuMs;
  return {
    name: 'mm-scale-numa',
    figures: {
      'sim_seconds_per_wall_second (64G, 2 nodes)': SIM_NS / 1e6 / wallMs,
      'sim_seconds_per_cpu_second (64G, 2 nodes)': perCpu,
      'cpu_ms (64G, 2 nodes)': cpuMs,
      'peak_rss_MiB': peak / MiB,
      numa_hint_faults: vmstat(sim, 'numa_hint_faults'),
      numa_pages_migrated: vmstat(sim, 'numa_pages_migrated'),
      numa_pte_updates: vmstat(sim, 'numa_pte_updates'),
      thp_fault_alloc: vmstat(sim, 'thp_fault_alloc'),
      thp_fault_fallback: vmstat(sim, 'thp_fault_fallback'),
      thp_split_pmd: vmstat(sim, 'thp_split_pmd'),
      compact_stall: vmstat(sim, 'compact_stall'),
      thp_collapse_alloc: vmstat(sim, 'thp_collapse_alloc'),
    },
    target: '≥ 20× real time per CPU second, ≤ 1 GiB peak RSS (issue 10; THP on: the working sets are madvised)',
    ratio: perCpu / 20,
  };
}
