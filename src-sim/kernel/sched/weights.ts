/** kernel/sched/core.c: sched_prio_to_weight[40], nice -20 … 19. */
export const SCHED_PRIO_TO_WEIGHT: readonly number[] = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991,
  1586, 1277, 1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];

/** kernel/sched/core.c: sched_prio_to_wmult[40] = 2^32 / weight. */
export const SCHED_PRIO_TO_WMULT: readonly number[] = [
  48388, 59856, 76040, 92818, 118348, 147320, 184698, 229616, 287308, 360437, 449829, 563644, 704093, 875809, 1099582,
  1376151, 1717300, 2157191, 2708050, 3363326, 4194304, 5237765, 6557202, 8165337, 10153587, 12820798, 15790321,
  19976592, 24970740, 31350126, 39045157, 49367440, 61356676, 76695844, 95443717, 119304647, 148102320, 186737708,
  238609294, 286331153,
];

/** kernel/sched/sched.h: NICE_0_LOAD (unscaled, as user space sees it). */
export const NICE_0_LOAD = 1024;
/** kernel/sched/sched.h: WEIGHT_IDLEPRIO, the SCHED_IDLE / cpu.idle weight. */
export const WEIGHT_IDLEPRIO = 3;
/** kernel/sched/sched.h: MIN_SHARES, MAX_SHARES (cpu.shares range, group entity floor). */
export const MIN_SHARES = 2;
export const MAX_SHARES = 1 << 18;
/** include/linux/cgroup.h: CGROUP_WEIGHT_MIN/DFL/MAX. */
export const CGROUP_WEIGHT_MIN = 1;
export const CGROUP_WEIGHT_DFL = 100;
export const CGROUP_WEIGHT_MAX = 10000;

export function niceToWeight(nice: number): number {
  return SCHED_PRIO_TO_WEIGHT[nice + 20]!;
}

/** Fixed-point inverse weight (kernel's wmult) for the table entries. */
export function niceToWmult(nice: number): number {
  return SCHED_PRIO_TO_WMULT[nice + 20]!;
}

/** kernel/sched/fair.c: calc_delta_fair — wall ns → virtual ns at `weight`. */
export function calcDeltaFair(delta: number, weight: number): number {
  return weight === NICE_0_LOAD ? delta : (delta * NICE_0_LOAD) / weight;
}

/** DIV_ROUND_CLOSEST for non-negative integers. */
export function divRoundClosest(a: number, b: number): number {
  return Math.floor((a + Math.floor(b / 2)) / b);
}

/** kernel/sched/core.c: sched_weight_from_cgroup — cpu.weight → shares. */
export function weightFromCgroup(w: number): number {
  return divRoundClosest(w * NICE_0_LOAD, CGROUP_WEIGHT_DFL);
}

/** kernel/sched/core.c: sched_weight_to_cgroup — shares → cpu.weight, clamped to 1..10000. */
export function weightToCgroup(shares: number): number {
  const w = divRoundClosest(shares * CGROUP_WEIGHT_DFL, NICE_0_LOAD);
  return Math.min(CGROUP_WEIGHT_MAX, Math.max(CGROUP_WEIGHT_MIN, w));
}

/** kernel/sched/core.c: cpu_weight_nice_read_s64 — the nice whose weight is closest to `shares`. */
export function niceFromShares(shares: number): number {
  let lastDelta = Infinity;
  let prio = 0;
  for (; prio < SCHED_PRIO_TO_WEIGHT.length; prio++) {
    const delta = Math.abs(SCHED_PRIO_TO_WEIGHT[prio]! - shares);
    if (delta >= lastDelta) break;
    lastDelta = delta;
  }
  return prio - 1 - 20;
}
