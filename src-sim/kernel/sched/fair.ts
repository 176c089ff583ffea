/**
 * The fair class on one cfs_rq, after kernel/sched/fair.c: EEVDF (6.6+) or
 * CFS (≤ 6.5), chosen per kernel. Functions mirror the kernel's names.
 * Virtual times are float ns; entity keys are kept relative to min_vruntime
 * (as the kernel's avg_vruntime does) so that the weighted sums stay exact.
 */
import { calcDeltaFair } from './weights';
import type { CfsRq, SchedEntity } from './entities';
import { PELT_MIN_DIVIDER, refreshLoadAvg, updatePelt } from './pelt';
import { LAST_UPDATE, LOAD_AVG, LOAD_SUM } from './sched-store';
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

function key(q: CfsRq, se: SchedEntity): number {
  return se.vruntime - q.minVruntime;
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
  se.qIndex = q.queue.length;
  q.queue.push(se);
  if (se.vruntime < q.leftV) q.leftV = se.vruntime;
  q.avgVruntime += key(q, se) * se.weight;
  q.avgLoad += se.weight;
}

function queueRemove(q: CfsRq, se: SchedEntity): void {
  const arr = q.queue;
  const i = se.qIndex;
  const last = arr.pop()!;
  if (last !== se) {
    arr[i] = last;
    last.qIndex = i;
  }
  se.qIndex = -1;
  if (se.vruntime === q.leftV) q.leftValid = false;
  q.avgVruntime -= key(q, se) * se.weight;
  q.avgLoad -= se.weight;
}

/** kernel/sched/fair.c: avg_vruntime — V, the load-weighted mean vruntime (curr included). */
export function avgVruntime(q: CfsRq): number {
  let avg = q.avgVruntime;
  let load = q.avgLoad;
  const curr = q.curr;
  if (curr && curr.onRq) {
    avg += key(q, curr) * curr.weight;
    load += curr.weight;
  }
  return load > 0 ? q.minVruntime + avg / load : q.minVruntime;
}

/** kernel/sched/fair.c: entity_eligible — lag ≥ 0, i.e. v ≤ V (no division). */
export function entityEligible(q: CfsRq, se: SchedEntity): boolean {
  let avg = q.avgVruntime;
  let load = q.avgLoad;
  const curr = q.curr;
  if (curr && curr.onRq) {
    avg += key(q, curr) * curr.weight;
    load += curr.weight;
  }
  // Tolerance of a thousandth of a virtual ns absorbs float rounding.
  return avg >= (key(q, se) - 1e-3) * load;
}

/** The smallest vruntime waiting in `q` (Infinity if none): the cached leftmost. */
export function leftmostVruntime(q: CfsRq): number {
  if (!q.leftValid) {
    const arr = q.queue;
    let v = Infinity;
    for (let i = 0; i < arr.length; i++) if (arr[i]!.vruntime < v) v = arr[i]!.vruntime;
    q.leftV = v;
    q.leftValid = true;
  }
  return q.leftV;
}

/** kernel/sched/fair.c: update_min_vruntime (monotonic). */
export function updateMinVruntime(q: CfsRq): void {
  const curr = q.curr;
  let v = leftmostVruntime(q);
  if (curr && curr.onRq && curr.vruntime < v) v = curr.vruntime;
  if (v === Infinity || v <= q.minVruntime) return;
  // avg_vruntime_update: keys shift by the delta
  q.avgVruntime -= q.avgLoad * (v - q.minVruntime);
  q.minVruntime = v;
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
  const delta = ctx.now - curr.execStart;
  if (delta <= 0) return 0;
  curr.execStart = ctx.now;
  curr.sumExec += delta;
  curr.vruntime += calcDeltaFair(delta, curr.weight);
  ctx.onUpdateCurr(q, curr, delta);
  if (ctx.eevdf) {
    // update_deadline: a new request once the current one is served
    if (curr.vruntime >= curr.deadline - 1e-3) {
      curr.deadline = curr.vruntime + calcDeltaFair(curr.slice, curr.weight);
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
  if (ctx.eevdf) {
    const v = curr.deadline - curr.vruntime;
    return v <= 0 ? 0 : (v * curr.weight) / 1024;
  }
  // check_preempt_tick: ran past its ideal slice, or ahead of the leftmost by more than it
  const ideal = schedSlice(ctx, curr, hNrRunning);
  const ran = curr.sumExec - curr.prevSumExec;
  let t = ideal - ran;
  const leftV = leftmostVruntime(q);
  if (leftV !== Infinity) {
    const tv = ((leftV + ideal - curr.vruntime) * curr.weight) / 1024;
    const t2 = Math.max(ctx.tun.minGranularity - ran, tv);
    if (t2 < t) t = t2;
  }
  return t < 0 ? 0 : t;
}

/** kernel/sched/fair.c: place_entity (EEVDF, 6.6+) */
function placeEeevdf(ctx: FairCtx, q: CfsRq, se: SchedEntity, flags: number): void {
  const V = avgVruntime(q);
  se.slice = se.customSlice > 0 ? se.customSlice : ctx.tun.baseSlice;
  let vslice = calcDeltaFair(se.slice, se.weight);
  let lag = 0;
  if (ctx.feat.PLACE_LAG && q.nrRunning > 0 && se.vlag !== 0) {
    // PLACE_LAG: inflate the lag so that it survives joining, (W + w_i)/W
    let load = q.avgLoad;
    if (q.curr && q.curr.onRq) load += q.curr.weight;
    lag = (se.vlag * (load + se.weight)) / Math.max(load, 1);
  }
  se.vruntime = V - lag;
  // PLACE_DEADLINE_INITIAL: new tasks get half a slice for their first deadline
  if (ctx.feat.PLACE_DEADLINE_INITIAL && flags & ENQUEUE_INITIAL) vslice /= 2;
  se.deadline = se.vruntime + vslice;
}

/** kernel/sched/fair.c: place_entity (CFS, ≤ 6.5): START_DEBIT and GENTLE_FAIR_SLEEPERS. */
function placeCfs(ctx: FairCtx, q: CfsRq, se: SchedEntity, initial: boolean, hNrRunning: number): void {
  let v = q.minVruntime;
  if (initial && ctx.feat.START_DEBIT) v += calcDeltaFair(schedSlice(ctx, se, hNrRunning), se.weight);
  else if (!initial) v -= ctx.feat.GENTLE_FAIR_SLEEPERS ? ctx.tun.latency / 2 : ctx.tun.latency;
  se.vruntime = initial ? v : Math.max(se.vruntime, v);
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
  const lag = avgVruntime(q) - se.vruntime;
  let limitWall: number;
  if (ctx.lagLimitMaxSlice) {
    let maxSlice = se.slice;
    for (const o of q.queue) if (o.slice > maxSlice) maxSlice = o.slice;
    limitWall = maxSlice + ctx.tickNs;
  } else {
    limitWall = Math.max(2 * se.slice, ctx.tickNs);
  }
  const limit = calcDeltaFair(limitWall, se.weight);
  se.vlag = lag < -limit ? -limit : lag > limit ? limit : lag;
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
  se.execStart = ctx.now;
  se.prevSumExec = se.sumExec;
  // RUN_TO_PARITY: protected until this request is served (vlag == deadline marks it)
  if (ctx.eevdf) se.vlag = se.deadline;
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
  let curr = q.curr && q.curr.onRq ? q.curr : null;
  if (!ctx.eevdf) {
    let best = curr;
    for (let i = 0; i < arr.length; i++) if (!best || arr[i]!.vruntime < best.vruntime) best = arr[i]!;
    return best;
  }
  ctx.pickedEligible = false;
  if (arr.length === 0) return curr;
  // entity_eligible for every candidate against one V: avg ≥ key · load
  let avg = q.avgVruntime;
  let load = q.avgLoad;
  const minV = q.minVruntime;
  if (curr) {
    avg += (curr.vruntime - minV) * curr.weight;
    load += curr.weight;
    if (avg < (curr.vruntime - minV - 1e-3) * load) curr = null;
  }
  if (ctx.feat.RUN_TO_PARITY && curr && curr.vlag === curr.deadline) {
    ctx.pickedEligible = true;
    return curr;
  }
  let best: SchedEntity | null = null;
  for (let i = 0; i < arr.length; i++) {
    const se = arr[i]!;
    if (best && se.deadline >= best.deadline) continue;
    if (avg >= (se.vruntime - minV - 1e-3) * load) best = se;
  }
  if (!best || (curr && curr.deadline < best.deadline)) best = curr ?? best;
  // best (a tested candidate or the eligible curr) is eligible; the leftmost is a fallback
  ctx.pickedEligible = best !== null;
  if (best) return best;
  // Nothing eligible (float rounding): the first smallest vruntime, found only
  // on this rare path instead of tracked on every pick.
  let leftmost = arr[0]!;
  for (let i = 1; i < arr.length; i++) if (arr[i]!.vruntime < leftmost.vruntime) leftmost = arr[i]!;
  return leftmost;
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
  if (!se.onRq) {
    if (ctx.eevdf) se.vlag = (se.vlag * old) / weight;
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
    const vlag = ((V - se.vruntime) * old) / weight;
    se.vruntime = V - vlag;
    se.deadline = V + ((se.deadline - V) * old) / weight;
  }
  se.weight = weight;
  reweightLoadAvg(q, se, old);
  setLoad(q, weight);
  if (!isCurr) queueAdd(q, se);
  updateMinVruntime(q);
}
