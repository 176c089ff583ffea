import { kernelDefaults } from '../../scenario/kernel-versions';
import type { KernelSpec } from '../../scenario/types';

/** kernel/sched/fair.c: enum sched_tunable_scaling. */
export const SCHED_TUNABLESCALING_NONE = 0;
export const SCHED_TUNABLESCALING_LOG = 1;
export const SCHED_TUNABLESCALING_LINEAR = 2;

/** Compare "6.15" style versions: true if `v` ≥ major.minor. */
export function versionAtLeast(v: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = v.split('.').map((x) => Number.parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}

/**
 * The fair-class tunables. `normalized*` are the per-CPU defaults; the
 * effective values are these × the scaling factor, recomputed whenever the
 * number of online CPUs changes (kernel/sched/fair.c: update_sysctl, called
 * from rq_online_fair/rq_offline_fair).
 */
export class FairTunables {
  scaling = SCHED_TUNABLESCALING_LOG;
  // kernel/sched/fair.c: normalized_sysctl_sched_{latency,min_granularity,wakeup_granularity,base_slice}
  readonly normalizedLatency = 6_000_000;
  readonly normalizedMinGranularity = 750_000;
  readonly normalizedWakeupGranularity = 1_000_000;
  readonly normalizedBaseSlice: number;
  /** kernel/sched/fair.c: sched_nr_latency */
  readonly nrLatency = 8;
  /** kernel/sched/fair.c: sysctl_sched_migration_cost */
  migrationCost = 500_000;
  /** kernel/sched/fair.c: sysctl_sched_nr_migrate */
  nrMigrate = 32;
  latency = 0;
  minGranularity = 0;
  wakeupGranularity = 0;
  baseSlice = 0;
  factor = 1;

  constructor(kernel: KernelSpec) {
    // 0.7 ms from 6.15 (scenario/kernel-versions.ts cites the change)
    this.normalizedBaseSlice = kernelDefaults(kernel.version).baseSliceNs;
  }

  /** kernel/sched/fair.c: get_update_sysctl_factor */
  static factorFor(scaling: number, onlineCpus: number): number {
    const cpus = Math.min(onlineCpus, 8);
    if (scaling === SCHED_TUNABLESCALING_NONE) return 1;
    if (scaling === SCHED_TUNABLESCALING_LINEAR) return cpus;
    return 1 + Math.floor(Math.log2(cpus));
  }

  /** kernel/sched/fair.c: update_sysctl */
  update(onlineCpus: number): void {
    const f = FairTunables.factorFor(this.scaling, onlineCpus);
    this.factor = f;
    this.latency = f * this.normalizedLatency;
    this.minGranularity = f * this.normalizedMinGranularity;
    this.wakeupGranularity = f * this.normalizedWakeupGranularity;
    this.baseSlice = f * this.normalizedBaseSlice;
  }
}
