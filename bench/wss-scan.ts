import { baseScenario, flatMachine, taskSpec } from '../src-sim/scenario/defaults';
import type { Scenario, TaskSpec } from '../src-sim/scenario/types';
import { measureRun } from './measure';
import type { BenchResult } from './result';

const GiB = 1024 ** 3;
const SIM_NS = 30e9;
const PERIOD_NS = 5e9;
/** The model's CPU charge per PFN per scan (resolve.ts DEFAULT_WSS_PAGE_COST_NS). */
const SIMULATED_PAGE_COST_NS = 290;

/**
 * A 16 GiB machine whose memory is mostly in use (four 3 GiB uniform working
 * sets), with or without a wss-scanner scanning every 5 s. The difference
 * in host CPU between the two runs, per PFN scanned, is what idle page
 * tracking costs the simulator; it should stay far below the 290 ns the
 * scan charges the simulated CPU.
 */
function scenario(withScanner: boolean): Scenario {
  const tasks: TaskSpec[] = [0, 1, 2, 3].map((g) =>
    taskSpec({ name: `ws${g}`, cgroup: `/g${g}`, run: { type: 'workingset', sizeBytes: 3 * GiB, pattern: 'uniform', theta: 0, ratePerSec: 4_000_000 } }),
  );
  if (withScanner) tasks.push(taskSpec({ name: 'wss', cgroup: '/system', run: { type: 'wss-scanner', periodNs: PERIOD_NS, pageCostNs: SIMULATED_PAGE_COST_NS } }));
  return baseScenario({ name: `wss-scan-${withScanner ? 'on' : 'off'}`, durationNs: SIM_NS, sampleIntervalNs: 1e9, machine: flatMachine(8, 16 * GiB), tasks });
}

export async function benchWssScan(): Promise<BenchResult> {
  const off = measureRun(scenario(false));
  const on = measureRun(scenario(true));
  const scans = on.sim.kernel.log.entries.filter((e) => e.kind === 'wss_scan').length + 1;
  const pfns = on.sim.kernel.mm!.totalPages;
  const hostNsPerPfn = ((on.cpuS - off.cpuS) * 1e9) / (scans * pfns);
  return {
    name: 'wss-scan',
    figures: {
      'scans (16 GiB, every 5 s, 30 s simulated)': scans,
      'PFNs per scan': pfns,
      'host CPU s without scanner': off.cpuS,
      'host CPU s with scanner': on.cpuS,
      'host CPU ns per PFN scanned': hostNsPerPfn,
      'simulated CPU ns per PFN scanned': SIMULATED_PAGE_COST_NS,
      'simulated s per CPU s with scanner': on.simS / on.cpuS,
      'peak RSS MiB with scanner': on.peakRssMiB,
    },
    target: 'host CPU per scanned PFN well below the 290 ns the scan charges the simulated CPU (ratio = 290 / host ns, ≥ 5)',
    ratio: SIMULATED_PAGE_COST_NS / hostNsPerPfn,
    notes: 'CPU time of this process (the box is shared); the difference of two runs, so noisy at the ±10 % level',
  };
}
