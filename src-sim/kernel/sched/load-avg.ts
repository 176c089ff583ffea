/**
 * Moving a task's PELT load between queues and reading it back for load
 * balancing, after kernel/sched/fair.c: attach_entity_load_avg,
 * detach_entity_load_avg, propagate_entity_load_avg / update_tg_cfs_load,
 * update_cfs_rq_h_load and task_h_load.
 *
 * A queue's signal (cfs_rq->avg) is the decayed sum of what was queued on
 * it; a task that migrates, changes group, forks or exits takes its share
 * with it at once, as the kernel's attach/detach do, instead of leaving it
 * to decay where it was. The kernel applies a detached task's removal and
 * the group-level propagation at the next update of each queue; here both
 * happen at the moment of the move.
 */
import type { CfsRq, SchedEntity } from './entities';
import { updateLoadAvg, updateTgLoadAvg } from './fair';
import { PELT_MIN_DIVIDER } from './pelt';
import { LAST_UPDATE, LOAD_AVG, LOAD_SUM, PERIOD_CONTRIB, RUNNABLE_AVG, RUNNABLE_SUM, UTIL_AVG, UTIL_SUM } from './sched-store';

// Blocks of the scheduler's store (sched-store.ts) are read and written
// directly: `d` is the store's array, `o`/`qo`/`go` an entity's, its queue's
// and a group queue's slot.

function divider(d: Float64Array, q: CfsRq): number {
  return PELT_MIN_DIVIDER + d[q.slot + PERIOD_CONTRIB]!;
}

/**
 * kernel/sched/fair.c: update_tg_cfs_load — the group entity above `gq`
 * takes a runnable sum that follows its queue gaining (`prop` > 0) or losing
 * (`prop` < 0) a task's unweighted load_sum, and its parent queue's load
 * moves by the difference.
 */
function updateTgCfsLoad(gse: SchedEntity, gq: CfsRq, prop: number): void {
  const d = gse.store.d;
  const q = gse.cfsRq;
  const div = divider(d, q);
  const o = gse.slot;
  const aLoadSum = d[o + LOAD_SUM]!;
  let runnable: number;
  if (prop >= 0) {
    // add runnable, clipped at the divider: until the CPU is saturated, running == runnable
    runnable = Math.min(prop + aLoadSum, div);
  } else {
    // estimate the queue's unweighted runnable sum assuming all its tasks are equally runnable
    const est = gq.load > 0 ? Math.floor(d[gq.slot + LOAD_SUM]! / gq.load) : 0;
    runnable = Math.min(aLoadSum, est);
  }
  runnable = Math.max(runnable, Math.floor(d[o + UTIL_SUM]! / 1024));
  const loadSum = gse.weight * runnable;
  const loadAvg = Math.floor(loadSum / div);
  const deltaAvg = loadAvg - d[o + LOAD_AVG]!;
  if (!deltaAvg) return;
  const deltaSum = loadSum - gse.weight * aLoadSum;
  d[o + LOAD_SUM] = runnable;
  d[o + LOAD_AVG] = loadAvg;
  const qo = q.slot;
  const qLoadAvg = Math.max(0, d[qo + LOAD_AVG]! + deltaAvg);
  d[qo + LOAD_AVG] = qLoadAvg;
  d[qo + LOAD_SUM] = Math.max(qLoadAvg * PELT_MIN_DIVIDER, d[qo + LOAD_SUM]! + deltaSum);
}

/** Bring a task entity and every queue and group entity above it up to `now` (update_load_avg per level). */
function syncChain(now: number, se: SchedEntity): void {
  for (let s: SchedEntity | null = se; s; s = s.parent) updateLoadAvg(now, s.cfsRq, s);
}

/**
 * One signal (`avg` at offset AVG, `sum` at SUM) of the group entity at `o`
 * becomes its group queue's (at `go`), and its parent queue (at `qo`) moves
 * by the difference: update_tg_cfs_util / update_tg_cfs_runnable.
 */
function takeGroupSignal(d: Float64Array, o: number, go: number, qo: number, div: number, AVG: number, SUM: number): void {
  const gAvg = d[go + AVG]!;
  const delta = gAvg - d[o + AVG]!;
  if (!delta) return;
  const sum = gAvg * div;
  const ds = sum - d[o + SUM]!;
  d[o + AVG] = gAvg;
  d[o + SUM] = sum;
  const qAvg = Math.max(0, d[qo + AVG]! + delta);
  d[qo + AVG] = qAvg;
  d[qo + SUM] = Math.max(qAvg * PELT_MIN_DIVIDER, d[qo + SUM]! + ds);
}

/**
 * kernel/sched/fair.c: update_tg_cfs_util / update_tg_cfs_runnable — the
 * group entity's utilisation and runnable averages become its queue's, and
 * its parent queue moves by the difference.
 */
function updateTgCfsUtil(gse: SchedEntity, gq: CfsRq): void {
  const d = gse.store.d;
  const q = gse.cfsRq;
  const div = divider(d, q);
  takeGroupSignal(d, gse.slot, gq.slot, q.slot, div, UTIL_AVG, UTIL_SUM);
  takeGroupSignal(d, gse.slot, gq.slot, q.slot, div, RUNNABLE_AVG, RUNNABLE_SUM);
}

/**
 * propagate_entity_load_avg at every level from `q` to the root (util and
 * runnable first, then load, as the kernel orders them: the load estimate
 * is floored by the entity's already updated running sum), then fold every
 * level into its tg (update_tg_load_avg).
 */
function propagate(q: CfsRq, prop: number): void {
  updateTgLoadAvg(q);
  for (let gq = q; gq.se; gq = gq.se.cfsRq) {
    updateTgCfsUtil(gq.se, gq);
    if (prop) updateTgCfsLoad(gq.se, gq, prop);
    updateTgLoadAvg(gq.se.cfsRq);
  }
}

/**
 * kernel/sched/fair.c: attach_entity_load_avg for a task entity on its
 * (new) queue `se.cfsRq`: align the entity to the queue's period, add its
 * averages and sums, propagate upwards.
 */
export function attachTaskLoad(now: number, se: SchedEntity): void {
  syncChain(now, se);
  const d = se.store.d;
  const q = se.cfsRq;
  const o = se.slot;
  const qo = q.slot;
  const div = divider(d, q);
  d[o + LAST_UPDATE] = d[qo + LAST_UPDATE]!;
  d[o + PERIOD_CONTRIB] = d[qo + PERIOD_CONTRIB]!;
  d[o + UTIL_SUM] = d[o + UTIL_AVG]! * div;
  d[o + RUNNABLE_SUM] = d[o + RUNNABLE_AVG]! * div;
  const ls = d[o + LOAD_AVG]! * div;
  d[o + LOAD_SUM] = se.weight < ls ? Math.floor(ls / se.weight) : 1;
  d[qo + LOAD_AVG] += d[o + LOAD_AVG]!;
  d[qo + LOAD_SUM] += se.weight * d[o + LOAD_SUM]!;
  d[qo + UTIL_AVG] += d[o + UTIL_AVG]!;
  d[qo + UTIL_SUM] += d[o + UTIL_SUM]!;
  d[qo + RUNNABLE_AVG] += d[o + RUNNABLE_AVG]!;
  d[qo + RUNNABLE_SUM] += d[o + RUNNABLE_SUM]!;
  propagate(q, d[o + LOAD_SUM]!);
}

/** d[at] − v, floored at 0 (sub_positive); returns the result. */
function subPositive(d: Float64Array, at: number, v: number): number {
  const r = Math.max(0, d[at]! - v);
  d[at] = r;
  return r;
}

/** kernel/sched/fair.c: detach_entity_load_avg (sub_positive, sums kept ≥ avg · PELT_MIN_DIVIDER), propagated upwards. */
export function detachTaskLoad(now: number, se: SchedEntity): void {
  syncChain(now, se);
  const d = se.store.d;
  const q = se.cfsRq;
  const o = se.slot;
  const qo = q.slot;
  const la = subPositive(d, qo + LOAD_AVG, d[o + LOAD_AVG]!);
  d[qo + LOAD_SUM] = Math.max(la * PELT_MIN_DIVIDER, d[qo + LOAD_SUM]! - se.weight * d[o + LOAD_SUM]!);
  const ua = subPositive(d, qo + UTIL_AVG, d[o + UTIL_AVG]!);
  d[qo + UTIL_SUM] = Math.max(ua * PELT_MIN_DIVIDER, d[qo + UTIL_SUM]! - d[o + UTIL_SUM]!);
  const ra = subPositive(d, qo + RUNNABLE_AVG, d[o + RUNNABLE_AVG]!);
  d[qo + RUNNABLE_SUM] = Math.max(ra * PELT_MIN_DIVIDER, d[qo + RUNNABLE_SUM]! - d[o + RUNNABLE_SUM]!);
  propagate(q, -d[o + LOAD_SUM]!);
}

/**
 * kernel/sched/fair.c: task_h_load — the task's load_avg as a share of its
 * CPU's load: update_cfs_rq_h_load walks from the root (h_load = the root's
 * load_avg) down, scaling by each group entity's load_avg over its parent
 * queue's load_avg + 1.
 */
export function taskHLoad(se: SchedEntity): number {
  const d = se.store.d;
  let q: CfsRq = se.cfsRq;
  // the chain of queues from the task's up to the root
  const chain: CfsRq[] = [q];
  while (q.se) {
    q = q.se.cfsRq;
    chain.push(q);
  }
  let hLoad = d[chain[chain.length - 1]!.slot + LOAD_AVG]!;
  for (let i = chain.length - 1; i > 0; i--) {
    const parent = chain[i]!;
    const gse = chain[i - 1]!.se!;
    hLoad = Math.floor((hLoad * d[gse.slot + LOAD_AVG]!) / (d[parent.slot + LOAD_AVG]! + 1));
  }
  const own = chain[0]!;
  return Math.floor((d[se.slot + LOAD_AVG]! * hLoad) / (d[own.slot + LOAD_AVG]! + 1));
}
