/**
 * Defaults that depend on `kernel.version`, in one table: each entry says
 * from which release a value holds and cites the change. Subsystems read
 * their version-dependent defaults from `kernelDefaults(version)` instead of
 * comparing versions themselves, so a scenario written for 5.15 gets 5.15's
 * defaults everywhere. (Which *files* exist per version is a separate
 * question: the files a subsystem registers.)
 */

/** A release as [major, minor, sub]; 2.6.x releases count their third number as `sub`, later ones 0. */
export type Release = readonly [number, number, number];

/** "6.1", "6.1.55", "2.6.32" → comparable release (the patch level of 3.x+ does not change defaults). */
export function parseRelease(version: string): Release {
  const [a = 0, b = 0, c = 0] = version.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return a === 2 && b === 6 ? [2, 6, c] : [a, b, 0];
}

export function releaseAtLeast(version: string, at: Release): boolean {
  const r = parseRelease(version);
  for (let i = 0; i < 3; i++) if (r[i] !== at[i]) return r[i]! > at[i]!;
  return true;
}

/** One default and the releases it changed in: the last entry whose `from` ≤ version applies. */
interface Step<T> {
  from: Release;
  value: T;
  /** The change that set it. */
  source: string;
}

function pick<T>(version: string, steps: readonly Step<T>[]): T {
  let v = steps[0]!.value;
  for (const s of steps) if (releaseAtLeast(version, s.from)) v = s.value;
  return v;
}

const TABLE = {
  scheduler: [
    { from: [2, 6, 23], value: 'cfs', source: 'v2.6.23: CFS replaces the O(1) scheduler' },
    { from: [6, 6, 0], value: 'eevdf', source: 'v6.6: "sched/fair: Implement an EEVDF-like scheduling policy"' },
  ] as Step<'cfs' | 'eevdf'>[],
  /** kernel/sched/fair.c: normalized_sysctl_sched_base_slice (EEVDF; CFS's min_granularity before 6.6), ns. */
  baseSliceNs: [
    { from: [2, 6, 23], value: 750_000, source: 'kernel/sched/fair.c: normalized_sysctl_sched_min_granularity 0.75 ms' },
    { from: [6, 15, 0], value: 700_000, source: 'v6.15: "sched: Reduce the default slice to avoid tasks getting an extra tick"' },
  ] as Step<number>[],
  /** EEVDF clamps lag by the largest slice on the queue instead of the entity's own (fair.c: update_entity_lag). */
  lagLimitMaxSlice: [
    { from: [6, 6, 0], value: false, source: 'v6.6: limit = calc_delta_fair(max(2*se->slice, TICK_NSEC), se)' },
    { from: [6, 15, 0], value: true, source: 'v6.15: cfs_rq_max_slice() bounds the lag' },
  ] as Step<boolean>[],
  /**
   * The fair (deadline) server gives fair tasks 50 ms per 1 s on every CPU,
   * and RT throttling is gone unless CONFIG_RT_GROUP_SCHED (off in the
   * common distribution configs, and not modelled).
   */
  fairServer: [
    { from: [2, 6, 0], value: false, source: 'kernel/sched/rt.c: def_rt_bandwidth throttles RT per CPU' },
    { from: [6, 12, 0], value: true, source: 'v6.12: "sched/fair: Fair server interface", "sched/rt: Remove default bandwidth control"' },
  ] as Step<boolean>[],
  /** EEVDF's DELAY_DEQUEUE feature exists (on by default); not modelled, noted in the run's log. */
  delayDequeue: [
    { from: [2, 6, 0], value: false, source: 'kernel/sched/fair.c: dequeue_entity removes a sleeping entity at once' },
    { from: [6, 12, 0], value: true, source: 'v6.12: "sched/fair: Implement delayed dequeue" (DELAY_DEQUEUE, DELAY_ZERO)' },
  ] as Step<boolean>[],
  /** Fair tunables under /sys/kernel/debug/sched/ (true) or /proc/sys/kernel/sched_* (false). */
  schedTunablesInDebugfs: [
    { from: [2, 6, 23], value: false, source: 'kernel/sysctl.c: sched_*_ns sysctls' },
    { from: [5, 13, 0], value: true, source: 'v5.13: "sched: Move SCHED_DEBUG sysctl to debugfs"' },
  ] as Step<boolean>[],
  /** mm/page-writeback.c: vm_dirty_ratio / dirty_background_ratio defaults (percent). */
  dirtyRatio: [
    { from: [2, 6, 0], value: 40, source: 'v2.6.0: vm_dirty_ratio 40' },
    { from: [2, 6, 22], value: 10, source: 'v2.6.22: "Change default dirty-writeback limits"' },
    { from: [2, 6, 30], value: 20, source: 'v2.6.30: "writeback: double the dirty_ratio default"' },
  ] as Step<number>[],
  dirtyBackgroundRatio: [
    { from: [2, 6, 0], value: 10, source: 'v2.6.0: dirty_background_ratio 10' },
    { from: [2, 6, 22], value: 5, source: 'v2.6.22: commit 07db59bd6b0f' },
    { from: [2, 6, 30], value: 10, source: 'v2.6.30: commit 1b5e62b42b55' },
  ] as Step<number>[],
  /**
   * Multi-gen LRU (CONFIG_LRU_GEN, /sys/kernel/mm/lru_gen/enabled) exists.
   * The simulator models the two-list active/inactive LRU either way; a
   * reproduction script turns MGLRU off on a real machine where it exists.
   */
  mglruAvailable: [
    { from: [2, 6, 0], value: false, source: 'mm/vmscan.c: active/inactive lists' },
    { from: [6, 1, 0], value: true, source: 'v6.1: "mm: multi-gen LRU: groundwork"' },
  ] as Step<boolean>[],
};

export interface KernelDefaults {
  scheduler: 'cfs' | 'eevdf';
  baseSliceNs: number;
  lagLimitMaxSlice: boolean;
  schedTunablesInDebugfs: boolean;
  dirtyRatio: number;
  dirtyBackgroundRatio: number;
  mglruAvailable: boolean;
  fairServer: boolean;
  delayDequeue: boolean;
}

/** The version-dependent defaults of a `kernel.version`. */
export function kernelDefaults(version: string): KernelDefaults {
  return {
    scheduler: pick(version, TABLE.scheduler),
    baseSliceNs: pick(version, TABLE.baseSliceNs),
    lagLimitMaxSlice: pick(version, TABLE.lagLimitMaxSlice),
    schedTunablesInDebugfs: pick(version, TABLE.schedTunablesInDebugfs),
    dirtyRatio: pick(version, TABLE.dirtyRatio),
    dirtyBackgroundRatio: pick(version, TABLE.dirtyBackgroundRatio),
    mglruAvailable: pick(version, TABLE.mglruAvailable),
    fairServer: pick(version, TABLE.fairServer),
    delayDequeue: pick(version, TABLE.delayDequeue),
  };
}

/** The table as rows (for documentation and tests): key, from-release, value, source. */
export function kernelDefaultRows(): { key: string; from: string; value: string; source: string }[] {
  return Object.entries(TABLE).flatMap(([key, steps]) =>
    (steps as Step<unknown>[]).map((s) => ({ key, from: s.from[0] === 2 ? s.from.join('.') : `${s.from[0]}.${s.from[1]}`, value: String(s.value), source: s.source })),
  );
}
