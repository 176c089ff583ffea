/**
 * The fair class on one cfs_rq, after kernel/sched/fair.c: EEVDF (6.6+) or
 * CFS (≤ 6.5), chosen per kernel. Functions mirror the kernel's names.
 * Virtual times are float ns; entity keys are kept relative to min_vruntime
 * (as the kernel's avg_vruntime does) so that the weighted sums stay exact.
 *
 * An entity's and a queue's doubles (vruntime, deadline, min_vruntime, the
 * PELT signals, …) live in the scheduler's store (sched-store.ts), read and
 * written here as `d[slot + FIELD]`; `d` is the store's array, which only
 * grows at fork and cgroup creation, never inside these functions. Integer
 * fields (weight, load, nr_running) stay on the objects: V8 keeps small
 * integers inline, doubles in boxes.
 */
import { calcDeltaFair } from './weights';
import type { CfsRq, SchedEntity } from './entities';
import { PELT_MIN_DIVIDER, refreshLoadAvg, updatePelt } from './pelt';
import { AVG_VRUNTIME, DEADLINE, EXEC_START, LAST_UPDATE, LEFT_V, LOAD_AVG, LOAD_SUM, MIN_VRUNTIME, PREV_SUM_EXEC, QINDEX, SLICE, SUM_EXEC, VLAG, VRUNTIME } from './sched-store';
import type { FairTunables } from './tunables';

export const ENQUEUE_WAKEUP = 1;
export const ENQUEUE_INITIAL = 2;

/** kernel/sched/features.h: the scheduler features modelled (toggled via debugfs `features`). */
export interface SchedFeatures {
  PLACE_LAG: boolean;
  PLACE_DEADLINE_INITIAL: boolean;
  RUN_TO_PARITY: boolean;
  WAKEUP_PREEMPTION: boolean;
  GENTLE_FAIR_SLEEPERS: boolean;
  START_DEBIT: boolean;
  HRTICK: boolean;
}

export function defaultFeatures(): SchedFeatures {
  return {
    PLACE_LAG: true,
    PLACE_DEADLINE_INITIAL: true,
    RUN_TO_PARITY: true,
    WAKEUP_PREEMPTION: true,
    GENTLE_FAIR_SLEEPERS: true,
    START_DEBIT: true,
    HRTICK: false,
  };
}

export interface FairCtx {
  eevdf: boolean;
  feat: SchedFeatures;
  tun: FairTunables;
  /** TICK_NSEC (1e9 / HZ). */
  tickNs: number;
  /** 6.15+: lag clamp ±(max slice + tick); before: ±max(2·slice, tick). */
  lagLimitMaxSlice: boolean;
  /** Set by update_curr/checks when the running entity should be rescheduled. */
  resched: boolean;
  /**
   * Set by pickNextEntity: the entity returned passed entity_eligible's exact
   * test against the same V (false = not known, check it).
   */
  pickedEligible: boolean;
  now: number;
  /** Task accounting and bandwidth (account_cfs_rq_runtime) for `delta` ns of `curr` on `q`. */
  onUpdateCurr: (q: CfsRq, curr: SchedEntity, delta: number) => void;
}

/**
 * kernel/sched/fair.c: update_load_avg for an entity and its queue, before
 * their state changes (queued, running, load), so the time since the last
 * update is accounted in the state it had.
 */
export function updateLoadAvg(now: number, q: CfsRq, se: SchedEntity): void {
  // most calls come again at the same `now` (every level and step of one
  // event): updatePelt would return at once when less than 1024 ns passed
  const d = se.store.d;
  const o = se.slot;
  const dt = now - d[o + LAST_UPDATE]!;
  if (dt < 0 || dt >= 1024) {
    const on = se.onRq ? 1 : 0;
    updatePelt(d, o, now, on, se.myQ ? se.myQ.hNrRunning : on, q.curr === se ? 1 : 0, se.weight);
  }
  updateCfsAvg(now, q);
}

/**
 * update_cfs_rq_load_avg: the queue's own signal (load = load.weight,
 * runnable = h_nr_running), then update_tg_load_avg when it decayed (the
 * UPDATE_TG of update_load_avg).
 */
export function updateCfsAvg(now: number, q: CfsRq): void {
  const d = q.store.d;
  const o = q.slot;
  const dt = now - d[o + LAST_UPDATE]!;
  if (dt >= 0 && dt < 1024) return;
  if (updatePelt(d, o, now, q.load, q.hNrRunning, q.curr ? 1 : 0, 1)) updateTgLoadAvg(q);
}

/**
 * kernel/sched/fair.c: update_tg_load_avg — fold this queue's load_avg into
 * tg->load_avg, but only when it moved by more than 1/64 of what was last
 * folded in (the filter that keeps the shared atomic from bouncing). The
 * 6.7+ once-per-ms rate limit is implied: a queue's load_avg only changes at
 * a period boundary (≈1 ms).
 */
export function updateTgLoadAvg(q: CfsRq): void {
  if (!q.tg.parent) return;
  const loadAvg = q.store.d[q.slot + LOAD_AVG]!;
  const delta = loadAvg - q.tgLoadAvgContrib;
  if (Math.abs(delta) > Math.floor(q.tgLoadAvgContrib / 64)) {
    q.tg.loadAvg += delta;
    q.tgLoadAvgContrib = loadAvg;
  }
}

function setLoad(q: CfsRq, delta: number): void {
  q.load += delta;
}

function queueAdd(q: CfsRq, se: SchedEntity): void {
  const d = q.store.d;
  const o = se.slot;
  d[o + QINDEX] = q.queue.length;
  q.queue.push(o);
  const qo = q.slot;
  const v = d[o + VRUNTIME]!;
  if (v < d[qo + LEFT_V]!) d[qo + LEFT_V] = v;
  d[qo + AVG_VRUNTIME] += (v - d[qo + MIN_VRUNTIME]!) * se.weight;
  q.avgLoad += se.weight;
}

function queueRemove(q: CfsRq, se: SchedEntity): void {
  const arr = q.queue;
  const d = q.store.d;
  const o = se.slot;
  const i = d[o + QINDEX]!;
  const last = arr.pop()!;
  if (last !== o) {
    arr[i] = last;
    // the moved entity's index is in its block (read by the pick), not its object
    d[last + QINDEX] = i;
  }
  d[o + QINDEX] = -1;
  const qo = q.slot;
  const v = d[o + VRUNTIME]!;
  if (v === d[qo + LEFT_V]) q.leftValid = false;
  d[qo + AVG_VRUNTIME] -= (v - d[qo + MIN_VRUNTIME]!) * se.weight;
  q.avgLoad -= se.weight;
}

/** kernel/sched/fair.c: avg_vruntime — V, the load-weighted mean vruntime (curr included). */
export function avgVruntime(q: CfsRq): number {
  const d = q.store.d;
  const minV = d[q.slot + MIN_VRUNTIME]!;
  let avg = d[q.slot + AVG_VRUNTIME]!;
  let load = q.avgLoad;
  const curr = q.curr;
  if (curr && curr.onRq) {
    avg += (d[curr.slot + VRUNTIME]! - minV) * curr.weight;
    load += curr.weight;
  }
  return load > 0 ? minV + avg / load : minV;
}

/** kernel/sched/fair.c: entity_eligible — lag ≥ 0, i.e. v ≤ V (no division). */
export function entityEligible(q: CfsRq, se: SchedEntity): boolean {
  const d = q.store.d;
  const minV = d[q.slot + MIN_VRUNTIME]!;
  let avg = d[q.slot + AVG_VRUNTIME]!;
  let load = q.avgLoad;
  const curr = q.curr;
  if (curr && curr.onRq) {
    avg += (d[curr.slot + VRUNTIME]! - minV) * curr.weight;
    load += curr.weight;
  }
  // Tolerance of a thousandth of a virtual ns absorbs float rounding.
  return avg >= (d[se.slot + VRUNTIME]! - minV - 1e-3) * load;
}

/** The smallest vruntime waiting in `q` (Infinity if none): the cached leftmost. */
export function leftmostVruntime(q: CfsRq): number {
  const d = q.store.d;
  if (!q.leftValid) {
    const arr = q.queue;
    let v = Infinity;
    for (let i = 0; i < arr.length; i++) {
      const x = d[arr[i]! + VRUNTIME]!;
      if (x < v) v = x;
    }
    d[q.slot + LEFT_V] = v;
    q.leftValid = true;
  }
  return d[q.slot + LEFT_V]!;
}

/** kernel/sched/fair.c: update_min_vruntime (monotonic). */
export function updateMinVruntime(q: CfsRq): void {
  const curr = q.curr;
  let v = leftmostVruntime(q);
  const d = q.store.d;
  if (curr && curr.onRq) {
    const cv = d[curr.slot + VRUNTIME]!;
    if (cv < v) v = cv;
  }
  const qo = q.slot;
  const minV = d[qo + MIN_VRUNTIME]!;
  if (v === Infinity || v <= minV) return;
  // avg_vruntime_update: keys shift by the delta
  d[qo + AVG_VRUNTIME] -= q.avgLoad * (v - minV);
  d[qo + MIN_VRUNTIME] = v;
}

/** kernel/sched/fair.c: __sched_period (CFS) */
function schedPeriod(ctx: FairCtx, nr: number): number {
  return nr > ctx.tun.nrLatency ? nr * ctx.tun.minGranularity : ctx.tun.latency;
}

/**
 * kernel/sched/fair.c: sched_slice (CFS, ALT_PERIOD + BASE_SLICE): the wall
 * time `se` may run in one period, split by weight at every level.
 */
export function schedSlice(ctx: FairCtx, se: SchedEntity, hNrRunning: number): number {
  let slice = schedPeriod(ctx, hNrRunning + (se.onRq ? 0 : 1));
  for (let s: SchedEntity | null = se; s; s = s.parent) {
    const load = s.onRq ? s.cfsRq.load : s.cfsRq.load + s.weight;
    slice = (slice * s.weight) / load;
  }
  return Math.max(slice, ctx.tun.minGranularity);
}

/**
 * kernel/sched/fair.c: update_curr for one level. Returns the wall ns
 * accounted; sets ctx.resched when the entity used up its request.
 */
export function updateCurr(ctx: FairCtx, q: CfsRq): number {
  const curr = q.curr;
  if (!curr) return 0;
  const d = q.store.d;
  const o = curr.slot;
  const now = ctx.now;
  const delta = now - d[o + EXEC_START]!;
  if (delta <= 0) return 0;
  d[o + EXEC_START] = now;
  d[o + SUM_EXEC] += delta;
  d[o + VRUNTIME] += calcDeltaFair(delta, curr.weight);
  ctx.onUpdateCurr(q, curr, delta);
  if (ctx.eevdf) {
    // update_deadline: a new request once the current one is served
    const v = d[o + VRUNTIME]!;
    if (v >= d[o + DEADLINE]! - 1e-3) {
      d[o + DEADLINE] = v + calcDeltaFair(d[o + SLICE]!, curr.weight);
      if (q.nrRunning > 1) ctx.resched = true;
    }
  }
  updateMinVruntime(q);
  return delta;
}

/** Wall ns until the running entity of `q` should be preempted by the slice rules (Infinity if never). */
export function sliceLeft(ctx: FairCtx, q: CfsRq, hNrRunning: number): number {
  const curr = q.curr!;
  if (q.nrRunning <= 1) return Infinity;
  const d = q.store.d;
  const o = curr.slot;
  if (ctx.eevdf) {
    const v = d[o + DEADLINE]! - d[o + VRUNTIME]!;
    return v <= 0 ? 0 : (v * curr.weight) / 1024;
  }
  // check_preempt_tick: ran past its ideal slice, or ahead of the leftmost by more than it
  const ideal = schedSlice(ctx, curr, hNrRunning);
  const ran = d[o + SUM_EXEC]! - d[o + PREV_SUM_EXEC]!;
  let t = ideal - ran;
  const leftV = leftmostVruntime(q);
  if (leftV !== Infinity) {
    const tv = ((leftV + ideal - d[o + VRUNTIME]!) * curr.weight) / 1024;
    const t2 = Math.max(ctx.tun.minGranularity - ran, tv);
    if (t2 < t) t = t2;
  }
  return t < 0 ? 0 : t;
}

/** kernel/sched/fair.c: place_entity (EEVDF, 6.6+) */
function placeEeevdf(ctx: FairCtx, q: CfsRq, se: SchedEntity, flags: number): void {
  const V = avgVruntime(q);
  const d = q.store.d;
  const o = se.slot;
  const slice = se.customSlice > 0 ? se.customSlice : ctx.tun.baseSlice;
  d[o + SLICE] = slice;
  let vslice = calcDeltaFair(slice, se.weight);
  let lag = 0;
  const vlag = d[o + VLAG]!;
  if (ctx.feat.PLACE_LAG && q.nrRunning > 0 && vlag !== 0) {
    // PLACE_LAG: inflate the lag so that it survives joining, (W + w_i)/W
    let load = q.avgLoad;
    if (q.curr && q.curr.onRq) load += q.curr.weight;
    lag = (vlag * (load + se.weight)) / Math.max(load, 1);
  }
  const v = V - lag;
  d[o + VRUNTIME] = v;
  // PLACE_DEADLINE_INITIAL: new tasks get half a slice for their first deadline
  if (ctx.feat.PLACE_DEADLINE_INITIAL && flags & ENQUEUE_INITIAL) vslice /= 2;
  d[o + DEADLINE] = v + vslice;
}

/** kernel/sched/fair.c: place_entity (CFS, ≤ 6.5): START_DEBIT and GENTLE_FAIR_SLEEPERS. */
function placeCfs(ctx: FairCtx, q: CfsRq, se: SchedEntity, initial: boolean, hNrRunning: number): void {
  const d = q.store.d;
  let v = d[q.slot + MIN_VRUNTIME]!;
  if (initial && ctx.feat.START_DEBIT) v += calcDeltaFair(schedSlice(ctx, se, hNrRunning), se.weight);
  else if (!initial) v -= ctx.feat.GENTLE_FAIR_SLEEPERS ? ctx.tun.latency / 2 : ctx.tun.latency;
  const o = se.slot + VRUNTIME;
  d[o] = initial ? v : Math.max(d[o]!, v);
}

/** kernel/sched/fair.c: enqueue_entity (load accounting, placement, queue). */
export function enqueueEntity(ctx: FairCtx, q: CfsRq, se: SchedEntity, flags: number, hNrRunning: number): void {
  updateCurr(ctx, q);
  updateLoadAvg(ctx.now, q, se);
  if (ctx.eevdf) placeEeevdf(ctx, q, se, flags);
  else if (flags & (ENQUEUE_WAKEUP | ENQUEUE_INITIAL)) placeCfs(ctx, q, se, (flags & ENQUEUE_INITIAL) !== 0, hNrRunning);
  setLoad(q, se.weight);
  q.nrRunning++;
  queueAdd(q, se);
  se.onRq = true;
}

/** kernel/sched/fair.c: update_entity_lag — save the clamped lag on dequeue (EEVDF). */
function updateEntityLag(ctx: FairCtx, q: CfsRq, se: SchedEntity): void {
  const d = q.store.d;
  const lag = avgVruntime(q) - d[se.slot + VRUNTIME]!;
  const slice = d[se.slot + SLICE]!;
  let limitWall: number;
  if (ctx.lagLimitMaxSlice) {
    let maxSlice = slice;
    const arr = q.queue;
    for (let i = 0; i < arr.length; i++) {
      const s = d[arr[i]! + SLICE]!;
      if (s > maxSlice) maxSlice = s;
    }
    limitWall = maxSlice + ctx.tickNs;
  } else {
    limitWall = Math.max(2 * slice, ctx.tickNs);
  }
  const limit = calcDeltaFair(limitWall, se.weight);
  d[se.slot + VLAG] = lag < -limit ? -limit : lag > limit ? limit : lag;
}

/** kernel/sched/fair.c: dequeue_entity. `se` must not be the running entity (put it first). */
export function dequeueEntity(ctx: FairCtx, q: CfsRq, se: SchedEntity): void {
  updateCurr(ctx, q);
  updateLoadAvg(ctx.now, q, se);
  if (ctx.eevdf) updateEntityLag(ctx, q, se);
  queueRemove(q, se);
  se.onRq = false;
  setLoad(q, -se.weight);
  q.nrRunning--;
  updateMinVruntime(q);
}

/** kernel/sched/fair.c: set_next_entity */
export function setNextEntity(ctx: FairCtx, q: CfsRq, se: SchedEntity): void {
  updateLoadAvg(ctx.now, q, se);
  queueRemove(q, se);
  q.curr = se;
  const d = q.store.d;
  const o = se.slot;
  d[o + EXEC_START] = ctx.now;
  d[o + PREV_SUM_EXEC] = d[o + SUM_EXEC]!;
  // RUN_TO_PARITY: protected until this request is served (vlag == deadline marks it)
  if (ctx.eevdf) d[o + VLAG] = d[o + DEADLINE]!;
}

/** kernel/sched/fair.c: put_prev_entity */
export function putPrevEntity(ctx: FairCtx, q: CfsRq, se: SchedEntity): void {
  if (se.onRq) updateCurr(ctx, q);
  updateLoadAvg(ctx.now, q, se);
  if (se.onRq) queueAdd(q, se);
  q.curr = null;
}

/** kernel/sched/fair.c: pick_eevdf (with curr) or the leftmost vruntime (CFS). */
export function pickNextEntity(ctx: FairCtx, q: CfsRq): SchedEntity | null {
  const arr = q.queue;
  const d = q.store.d;
  let curr = q.curr && q.curr.onRq ? q.curr : null;
  if (!ctx.eevdf) {
    let best = curr ? curr.slot : -1;
    let bestV = curr ? d[curr.slot + VRUNTIME]! : 0;
    for (let i = 0; i < arr.length; i++) {
      const v = d[arr[i]! + VRUNTIME]!;
      if (best < 0 || v < bestV) {
        best = arr[i]!;
        bestV = v;
      }
    }
    return best < 0 ? null : curr && best === curr.slot ? curr : q.store.entity(best);
  }
  ctx.pickedEligible = false;
  if (arr.length === 0) return curr;
  // entity_eligible for every candidate against one V: avg ≥ key · load
  let avg = d[q.slot + AVG_VRUNTIME]!;
  let load = q.avgLoad;
  const minV = d[q.slot + MIN_VRUNTIME]!;
  if (curr) {
    const cv = d[curr.slot + VRUNTIME]!;
    avg += (cv - minV) * curr.weight;
    load += curr.weight;
    if (avg < (cv - minV - 1e-3) * load) curr = null;
  }
  if (ctx.feat.RUN_TO_PARITY && curr && d[curr.slot + VLAG] === d[curr.slot + DEADLINE]) {
    ctx.pickedEligible = true;
    return curr;
  }
  // candidates by slot: only the winner's object is touched
  let bestSlot = -1;
  let bestDl = 0;
  for (let i = 0; i < arr.length; i++) {
    const o = arr[i]!;
    const dl = d[o + DEADLINE]!;
    if (bestSlot >= 0 && dl >= bestDl) continue;
    if (avg >= (d[o + VRUNTIME]! - minV - 1e-3) * load) {
      bestSlot = o;
      bestDl = dl;
    }
  }
  let best = bestSlot >= 0 ? q.store.entity(bestSlot) : null;
  if (!best || (curr && d[curr.slot + DEADLINE]! < bestDl)) best = curr ?? best;
  // best (a tested candidate or the eligible curr) is eligible; the leftmost is a fallback
  ctx.pickedEligible = best !== null;
  if (best) return best;
  // Nothing eligible (float rounding): the first smallest vruntime, found only
  // on this rare path instead of tracked on every pick.
  let leftmost = arr[0]!;
  for (let i = 1; i < arr.length; i++) if (d[arr[i]! + VRUNTIME]! < d[leftmost + VRUNTIME]!) leftmost = arr[i]!;
  return q.store.entity(leftmost);
}

/**
 * reweight_entity's dequeue_load_avg / enqueue_load_avg: the entity's
 * load_avg follows its new weight at once (its load_sum is unweighted), and
 * so does the queue's, which is the sum of its entities' (se.weight is new).
 */
function reweightLoadAvg(q: CfsRq, se: SchedEntity, oldWeight: number): void {
  const d = se.store.d;
  const o = se.slot;
  const qo = q.slot;
  const before = d[o + LOAD_AVG]!;
  refreshLoadAvg(d, o, se.weight);
  const qLoadAvg = Math.max(0, d[qo + LOAD_AVG]! + d[o + LOAD_AVG]! - before);
  d[qo + LOAD_AVG] = qLoadAvg;
  d[qo + LOAD_SUM] = Math.max(qLoadAvg * PELT_MIN_DIVIDER, d[qo + LOAD_SUM]! + (se.weight - oldWeight) * d[o + LOAD_SUM]!);
}

/** kernel/sched/fair.c: reweight_entity (with reweight_eevdf on 6.7+). */
export function reweightEntity(ctx: FairCtx, q: CfsRq, se: SchedEntity, weight: number): void {
  const old = se.weight;
  if (weight === old) return;
  const d = q.store.d;
  const o = se.slot;
  if (!se.onRq) {
    if (ctx.eevdf) d[o + VLAG] = (d[o + VLAG]! * old) / weight;
    se.weight = weight;
    reweightLoadAvg(q, se, old);
    return;
  }
  const isCurr = q.curr === se;
  if (isCurr) updateCurr(ctx, q);
  updateLoadAvg(ctx.now, q, se);
  const V = avgVruntime(q);
  if (!isCurr) queueRemove(q, se);
  setLoad(q, -old);
  if (ctx.eevdf) {
    const vlag = ((V - d[o + VRUNTIME]!) * old) / weight;
    d[o + VRUNTIME] = V - vlag;
    d[o + DEADLINE] = V + ((d[o + DEADLINE]! - V) * old) / weight;
  }
  se.weight = weight;
  reweightLoadAvg(q, se, old);
  setLoad(q, weight);
  if (!isCurr) queueAdd(q, se);
  updateMinVruntime(q);
}
