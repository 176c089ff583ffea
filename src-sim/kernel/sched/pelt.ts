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

import { LAST_UPDATE, LOAD_AVG, LOAD_SUM, PERIOD_CONTRIB, RUNNABLE_AVG, RUNNABLE_SUM, UTIL_AVG, UTIL_SUM } from './sched-store';

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

/** struct sched_avg as plain numbers: what cold readers (/proc, tests) get from `readPelt`. */
export interface PeltSnapshot {
  lastUpdate: number;
  loadSum: number;
  runnableSum: number;
  utilSum: number;
  periodContrib: number;
  loadAvg: number;
  runnableAvg: number;
  utilAvg: number;
}

/** A copy of the block at `o` of `d` (see sched-store.ts for the layout). */
export function readPelt(d: Float64Array, o: number): PeltSnapshot {
  return {
    lastUpdate: d[o + LAST_UPDATE]!,
    loadSum: d[o + LOAD_SUM]!,
    runnableSum: d[o + RUNNABLE_SUM]!,
    utilSum: d[o + UTIL_SUM]!,
    periodContrib: d[o + PERIOD_CONTRIB]!,
    loadAvg: d[o + LOAD_AVG]!,
    runnableAvg: d[o + RUNNABLE_AVG]!,
    utilAvg: d[o + UTIL_AVG]!,
  };
}

/** kernel/sched/pelt.c: __accumulate_pelt_segments. */
function segments(periods: number, d1: number, d3: number): number {
  const c1 = decayLoad(d1, periods);
  const c2 = periods > DECAY_LIMIT ? C2_DECAYED : C2[periods]!;
  return c1 + c2 + d3;
}

/**
 * ___update_load_sum + ___update_load_avg on the block at `o` of `d`:
 * account the time since the last update in the state it had (`load`,
 * `runnable`, `running`), then recompute the averages if a period boundary
 * was crossed. `weight` scales load_avg (the entity's weight, or 1 for a run
 * queue whose `load` is its weight). Returns whether the averages changed.
 */
export function updatePelt(d: Float64Array, o: number, now: number, load: number, runnable: number, running: number, weight: number): boolean {
  const last = d[o + LAST_UPDATE]!;
  let delta = now - last;
  if (delta < 0) {
    d[o + LAST_UPDATE] = now;
    return false;
  }
  delta = Math.floor(delta / 1024);
  if (delta === 0) return false;
  d[o + LAST_UPDATE] = last + delta * 1024;
  // running is a subset of runnable, which is a subset of load (___update_load_sum)
  if (!load) {
    runnable = 0;
    running = 0;
  }
  const pc = d[o + PERIOD_CONTRIB]!;
  delta += pc;
  const periods = Math.floor(delta / 1024);
  let contrib = delta;
  let loadSum = d[o + LOAD_SUM]!;
  let runnableSum = d[o + RUNNABLE_SUM]!;
  let utilSum = d[o + UTIL_SUM]!;
  if (periods) {
    loadSum = decayLoad(loadSum, periods);
    runnableSum = decayLoad(runnableSum, periods);
    utilSum = decayLoad(utilSum, periods);
    // delta %= 1024, exactly (whole ns units), without a float modulo
    delta -= periods * 1024;
    contrib = load ? segments(periods, 1024 - pc, delta) : 0;
  }
  d[o + PERIOD_CONTRIB] = delta;
  if (load) loadSum += load * contrib;
  if (runnable) runnableSum += runnable * contrib * CAPACITY_SCALE;
  if (running) utilSum += contrib * CAPACITY_SCALE;
  d[o + LOAD_SUM] = loadSum;
  d[o + RUNNABLE_SUM] = runnableSum;
  d[o + UTIL_SUM] = utilSum;
  if (!periods) return false;
  // ___update_load_avg (with get_pelt_divider)
  const divider = LOAD_AVG_MAX - 1024 + delta;
  d[o + LOAD_AVG] = Math.floor((weight * loadSum) / divider);
  d[o + RUNNABLE_AVG] = Math.floor(runnableSum / divider);
  d[o + UTIL_AVG] = Math.floor(utilSum / divider);
  return true;
}

/** reweight_entity: load_avg follows a new weight at once (load_sum is unweighted). */
export function refreshLoadAvg(d: Float64Array, o: number, weight: number): void {
  d[o + LOAD_AVG] = Math.floor((weight * d[o + LOAD_SUM]!) / (LOAD_AVG_MAX - 1024 + d[o + PERIOD_CONTRIB]!));
}

/**
 * A new task (kernel/sched/fair.c: init_entity_runnable_average,
 * post_init_entity_util_avg, attach_entity_load_avg): load_avg starts at the
 * full weight; util_avg at the queue's utilisation shared by weight, at most
 * half the spare capacity (half of 1024 on an idle CPU); runnable_avg =
 * util_avg; the sums are set to match, aligned to the queue's period.
 * `o` is the entity's block, `qo` its queue's.
 */
export function initEntityAvg(d: Float64Array, o: number, weight: number, qo: number): void {
  const qUtil = d[qo + UTIL_AVG]!;
  const cap = Math.floor((CAPACITY_SCALE - qUtil) / 2);
  let util = 0;
  if (cap > 0) util = qUtil !== 0 ? Math.min(cap, Math.floor((qUtil * weight) / (d[qo + LOAD_AVG]! + 1))) : cap;
  d[o + LAST_UPDATE] = d[qo + LAST_UPDATE]!;
  const pc = d[qo + PERIOD_CONTRIB]!;
  d[o + PERIOD_CONTRIB] = pc;
  const divider = LOAD_AVG_MAX - 1024 + pc;
  d[o + LOAD_AVG] = weight;
  d[o + LOAD_SUM] = divider;
  d[o + UTIL_AVG] = util;
  d[o + RUNNABLE_AVG] = util;
  d[o + UTIL_SUM] = util * divider;
  d[o + RUNNABLE_SUM] = util * divider;
}
