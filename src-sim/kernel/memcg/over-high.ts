import type { Task } from '../task';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from '../mm/constants';
import type { Mm } from '../mm/mm';
import { taskMm } from '../mm/task-mm';
import type { Memcg } from './memcg';
import { highPenaltyJiffies } from './high-delay';

export interface OverHigh {
  /** CPU time spent reclaiming (memory stall). */
  reclaimNs: number;
  /** Penalty sleep (memory stall), 0 when none is due. */
  sleepNs: number;
}

/** mm/memcontrol.c: reclaim_high(): every group from the task's up that is over high reclaims `nr`. */
function reclaimHigh(mm: Mm, m: Memcg, nr: number): { reclaimed: number; ns: number } {
  let reclaimed = 0;
  let ns = 0;
  for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) {
    if (g.usage <= g.high) continue;
    g.event('high');
    const r = mm.reclaim.memcgReclaim(g, nr, true);
    reclaimed += r.reclaimed;
    ns += mm.reclaim.costNs(r);
  }
  return { reclaimed, ns };
}

/**
 * mm/memcontrol.c: mem_cgroup_handle_over_high(), run on return to user
 * space: reclaim the overage, and if reclaim stops making progress while
 * the penalty is above HZ/100, sleep for it (capped at 2 s).
 */
export function handleOverHigh(mm: Mm, task: Task): OverHigh {
  const tm = taskMm(task);
  const nr = tm.overHigh;
  const out: OverHigh = { reclaimNs: 0, sleepNs: 0 };
  if (nr === 0) return out;
  tm.overHigh = 0;
  const m = mm.memcgOf(task.cgroup);
  const hz = mm.k.scenario.kernel.hz;
  let retries = MAX_RECLAIM_RETRIES;
  let inRetry = false;
  for (let guard = 0; guard < 100_000; guard++) {
    const r = reclaimHigh(mm, m, inRetry ? SWAP_CLUSTER_MAX : nr);
    out.reclaimNs += r.ns;
    const penalty = highPenaltyJiffies(m, nr, hz);
    if (penalty === 0) return out;
    if (r.reclaimed > 0 || retries-- > 0) {
      inRetry = true;
      continue;
    }
    out.sleepNs = Math.round((penalty * 1e9) / hz);
    return out;
  }
  return out;
}
