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

function divider(q: CfsRq): number {
  return PELT_MIN_DIVIDER + q.avg.periodContrib;
}

/**
 * kernel/sched/fair.c: update_tg_cfs_load — the group entity above `gq`
 * takes a runnable sum that follows its queue gaining (`prop` > 0) or losing
 * (`prop` < 0) a task's unweighted load_sum, and its parent queue's load
 * moves by the difference.
 */
function updateTgCfsLoad(gse: SchedEntity, gq: CfsRq, prop: number): void {
  const q = gse.cfsRq;
  const div = divider(q);
  const a = gse.avg;
  let runnable: number;
  if (prop >= 0) {
    // add runnable, clipped at the divider: until the CPU is saturated, running == runnable
    runnable = Math.min(prop + a.loadSum, div);
  } else {
    // estimate the queue's unweighted runnable sum assuming all its tasks are equally runnable
    const est = gq.load > 0 ? Math.floor(gq.avg.loadSum / gq.load) : 0;
    runnable = Math.min(a.loadSum, est);
  }
  runnable = Math.max(runnable, Math.floor(a.utilSum / 1024));
  const loadSum = gse.weight * runnable;
  const loadAvg = Math.floor(loadSum / div);
  const deltaAvg = loadAvg - a.loadAvg;
  if (!deltaAvg) return;
  const deltaSum = loadSum - gse.weight * a.loadSum;
  a.loadSum = runnable;
  a.loadAvg = loadAvg;
  q.avg.loadAvg = Math.max(0, q.avg.loadAvg + deltaAvg);
  q.avg.loadSum = Math.max(q.avg.loadAvg * PELT_MIN_DIVIDER, q.avg.loadSum + deltaSum);
}

/** Bring a task entity and every queue and group entity above it up to `now` (update_load_avg per level). */
function syncChain(now: number, se: SchedEntity): void {
  for (let s: SchedEntity | null = se; s; s = s.parent) updateLoadAvg(now, s.cfsRq, s);
}

/**
 * kernel/sched/fair.c: update_tg_cfs_util / update_tg_cfs_runnable — the
 * group entity's utilisation and runnable averages become its queue's, and
 * its parent queue moves by the difference.
 */
function updateTgCfsUtil(gse: SchedEntity, gq: CfsRq): void {
  const q = gse.cfsRq;
  const a = gse.avg;
  const qa = q.avg;
  const div = divider(q);
  const du = gq.avg.utilAvg - a.utilAvg;
  if (du) {
    const sum = gq.avg.utilAvg * div;
    const ds = sum - a.utilSum;
    a.utilAvg = gq.avg.utilAvg;
    a.utilSum = sum;
    qa.utilAvg = Math.max(0, qa.utilAvg + du);
    qa.utilSum = Math.max(qa.utilAvg * PELT_MIN_DIVIDER, qa.utilSum + ds);
  }
  const dr = gq.avg.runnableAvg - a.runnableAvg;
  if (dr) {
    const sum = gq.avg.runnableAvg * div;
    const ds = sum - a.runnableSum;
    a.runnableAvg = gq.avg.runnableAvg;
    a.runnableSum = sum;
    qa.runnableAvg = Math.max(0, qa.runnableAvg + dr);
    qa.runnableSum = Math.max(qa.runnableAvg * PELT_MIN_DIVIDER, qa.runnableSum + ds);
  }
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
  const q = se.cfsRq;
  const a = se.avg;
  const div = divider(q);
  a.lastUpdate = q.avg.lastUpdate;
  a.periodContrib = q.avg.periodContrib;
  a.utilSum = a.utilAvg * div;
  a.runnableSum = a.runnableAvg * div;
  const ls = a.loadAvg * div;
  a.loadSum = se.weight < ls ? Math.floor(ls / se.weight) : 1;
  const qa = q.avg;
  qa.loadAvg += a.loadAvg;
  qa.loadSum += se.weight * a.loadSum;
  qa.utilAvg += a.utilAvg;
  qa.utilSum += a.utilSum;
  qa.runnableAvg += a.runnableAvg;
  qa.runnableSum += a.runnableSum;
  propagate(q, a.loadSum);
}

/** kernel/sched/fair.c: detach_entity_load_avg (sub_positive, sums kept ≥ avg · PELT_MIN_DIVIDER), propagated upwards. */
export function detachTaskLoad(now: number, se: SchedEntity): void {
  syncChain(now, se);
  const q = se.cfsRq;
  const a = se.avg;
  const qa = q.avg;
  qa.loadAvg = Math.max(0, qa.loadAvg - a.loadAvg);
  qa.loadSum = Math.max(qa.loadAvg * PELT_MIN_DIVIDER, qa.loadSum - se.weight * a.loadSum);
  qa.utilAvg = Math.max(0, qa.utilAvg - a.utilAvg);
  qa.utilSum = Math.max(qa.utilAvg * PELT_MIN_DIVIDER, qa.utilSum - a.utilSum);
  qa.runnableAvg = Math.max(0, qa.runnableAvg - a.runnableAvg);
  qa.runnableSum = Math.max(qa.runnableAvg * PELT_MIN_DIVIDER, qa.runnableSum - a.runnableSum);
  propagate(q, -a.loadSum);
}

/**
 * kernel/sched/fair.c: task_h_load — the task's load_avg as a share of its
 * CPU's load: update_cfs_rq_h_load walks from the root (h_load = the root's
 * load_avg) down, scaling by each group entity's load_avg over its parent
 * queue's load_avg + 1.
 */
export function taskHLoad(se: SchedEntity): number {
  let q: CfsRq = se.cfsRq;
  // the chain of queues from the task's up to the root
  const chain: CfsRq[] = [q];
  while (q.se) {
    q = q.se.cfsRq;
    chain.push(q);
  }
  let hLoad = chain[chain.length - 1]!.avg.loadAvg;
  for (let i = chain.length - 1; i > 0; i--) {
    const parent = chain[i]!;
    const gse = chain[i - 1]!.se!;
    hLoad = Math.floor((hLoad * gse.avg.loadAvg) / (parent.avg.loadAvg + 1));
  }
  const own = chain[0]!;
  return Math.floor((se.avg.loadAvg * hLoad) / (own.avg.loadAvg + 1));
}
