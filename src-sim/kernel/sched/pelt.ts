/**
 * Per-entity load tracking, after kernel/sched/pelt.c (decay_load,
 * __accumulate_pelt_segments, accumulate_sum, ___update_load_sum,
 * ___update_load_avg) and kernel/sched/sched-pelt.h (LOAD_AVG_MAX).
 *
 * Time is cut into 1024 ns·1024 ≈ 1 ms periods; a period i periods ago
 * counts y^i with y^32 = 0.5 (a 32 ms half-life). The sums hold the decayed
 * time an entity was queued (load), runnable and running (util, scaled by
 * SCHED_CAPACITY_SCALE); the averages divide by the largest sum possible so
 * far (get_pelt_divider) and only change when a period boundary is crossed,
 * as in the kernel. Sums are kept as floats with the kernel's truncations
 * (the kernel's fixed-point y^n table differs from y^n in the last bits).
 */

/** kernel/sched/sched-pelt.h: LOAD_AVG_PERIOD, LOAD_AVG_MAX. */
export const LOAD_AVG_PERIOD = 32;
export const LOAD_AVG_MAX = 47742;
/** kernel/sched/pelt.h: PELT_MIN_DIVIDER */
export const PELT_MIN_DIVIDER = LOAD_AVG_MAX - 1024;
/** include/linux/sched.h: SCHED_CAPACITY_SHIFT. */
const CAPACITY_SCALE = 1024;
/** Periods after which decay_load returns 0 (LOAD_AVG_PERIOD * 63). */
const DECAY_LIMIT = LOAD_AVG_PERIOD * 63;

/** runnable_avg_yN_inv as fractions: y^i for i < 32, y = 0.5^(1/32). */
const Y = Float64Array.from({ length: LOAD_AVG_PERIOD }, (_, i) => Math.pow(0.5, i / LOAD_AVG_PERIOD));
/** 2^j for the whole half-lives decay_load can apply (j ≤ 63): a load instead of a pow per call. */
const HALVES = Float64Array.from({ length: 64 }, (_, j) => 2 ** j);

/** kernel/sched/pelt.c: decay_load — val · y^n, halved once per 32 periods then the table. */
export function decayLoad(val: number, n: number): number {
  if (n > DECAY_LIMIT) return 0;
  // n is a whole number of periods ≤ DECAY_LIMIT here: integer shifts, not a float modulo
  if (n < LOAD_AVG_PERIOD) return Math.floor(val * Y[n]!);
  return Math.floor(Math.floor(val / HALVES[n >> 5]!) * Y[n & (LOAD_AVG_PERIOD - 1)]!);
}

/**
 * LOAD_AVG_MAX − decay_load(LOAD_AVG_MAX, p) − 1024 for every p that does not
 * decay to 0: c2 of __accumulate_pelt_segments, the same values looked up
 * instead of recomputed on every update that crosses a period.
 */
const C2 = Float64Array.from({ length: DECAY_LIMIT + 1 }, (_, p) => LOAD_AVG_MAX - decayLoad(LOAD_AVG_MAX, p) - 1024);
const C2_DECAYED = LOAD_AVG_MAX - 1024;

/** struct sched_avg. */
export class PeltAvg {
  /** ns; advances in whole 1024 ns units like the kernel's last_update_time. */
  lastUpdate = 0;
  loadSum = 0;
  runnableSum = 0;
  utilSum = 0;
  periodContrib = 0;
  loadAvg = 0;
  runnableAvg = 0;
  utilAvg = 0;
}

/** kernel/sched/pelt.c: __accumulate_pelt_segments. */
function segments(periods: number, d1: number, d3: number): number {
  const c1 = decayLoad(d1, periods);
  const c2 = periods > DECAY_LIMIT ? C2_DECAYED : C2[periods]!;
  return c1 + c2 + d3;
}

/**
 * ___update_load_sum + ___update_load_avg: account the time since the last
 * update in the state it had (`load`, `runnable`, `running`), then recompute
 * the averages if a period boundary was crossed. `weight` scales load_avg
 * (the entity's weight, or 1 for a run queue whose `load` is its weight).
 * Returns whether the averages changed.
 */
export function updatePelt(sa: PeltAvg, now: number, load: number, runnable: number, running: number, weight: number): boolean {
  let delta = now - sa.lastUpdate;
  if (delta < 0) {
    sa.lastUpdate = now;
    return false;
  }
  delta = Math.floor(delta / 1024);
  if (delta === 0) return false;
  sa.lastUpdate += delta * 1024;
  // running is a subset of runnable, which is a subset of load (___update_load_sum)
  if (!load) {
    runnable = 0;
    running = 0;
  }
  delta += sa.periodContrib;
  const periods = Math.floor(delta / 1024);
  let contrib = delta;
  if (periods) {
    sa.loadSum = decayLoad(sa.loadSum, periods);
    sa.runnableSum = decayLoad(sa.runnableSum, periods);
    sa.utilSum = decayLoad(sa.utilSum, periods);
    // delta %= 1024, exactly (whole ns units), without a float modulo
    delta -= periods * 1024;
    contrib = load ? segments(periods, 1024 - sa.periodContrib, delta) : 0;
  }
  sa.periodContrib = delta;
  if (load) sa.loadSum += load * contrib;
  if (runnable) sa.runnableSum += runnable * contrib * CAPACITY_SCALE;
  if (running) sa.utilSum += contrib * CAPACITY_SCALE;
  if (!periods) return false;
  refreshAvg(sa, weight);
  return true;
}

/** ___update_load_avg (with get_pelt_divider), also what reweight_entity does after a weight change. */
export function refreshAvg(sa: PeltAvg, weight: number): void {
  const divider = LOAD_AVG_MAX - 1024 + sa.periodContrib;
  sa.loadAvg = Math.floor((weight * sa.loadSum) / divider);
  sa.runnableAvg = Math.floor(sa.runnableSum / divider);
  sa.utilAvg = Math.floor(sa.utilSum / divider);
}

/** reweight_entity: load_avg follows a new weight at once (load_sum is unweighted). */
export function refreshLoadAvg(sa: PeltAvg, weight: number): void {
  sa.loadAvg = Math.floor((weight * sa.loadSum) / (LOAD_AVG_MAX - 1024 + sa.periodContrib));
}

/**
 * A new task (kernel/sched/fair.c: init_entity_runnable_average,
 * post_init_entity_util_avg, attach_entity_load_avg): load_avg starts at the
 * full weight; util_avg at the queue's utilisation shared by weight, at most
 * half the spare capacity (half of 1024 on an idle CPU); runnable_avg =
 * util_avg; the sums are set to match, aligned to the queue's period.
 */
export function initEntityAvg(sa: PeltAvg, weight: number, q: PeltAvg): void {
  const cap = Math.floor((CAPACITY_SCALE - q.utilAvg) / 2);
  let util = 0;
  if (cap > 0) util = q.utilAvg !== 0 ? Math.min(cap, Math.floor((q.utilAvg * weight) / (q.loadAvg + 1))) : cap;
  sa.lastUpdate = q.lastUpdate;
  sa.periodContrib = q.periodContrib;
  const divider = LOAD_AVG_MAX - 1024 + sa.periodContrib;
  sa.loadAvg = weight;
  sa.loadSum = divider;
  sa.utilAvg = util;
  sa.runnableAvg = util;
  sa.utilSum = util * divider;
  sa.runnableSum = util * divider;
}
