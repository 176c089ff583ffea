import type { ReclaimResult } from '../mm/reclaim';
import type { Mm } from '../mm/mm';
import { SWAP_CLUSTER_MAX } from '../mm/constants';
import type { Memcg } from './memcg';

// mm/memcontrol.c (3.x): MEM_CGROUP_MAX_RECLAIM_LOOPS bounds one group's soft reclaim.
const MEM_CGROUP_MAX_RECLAIM_LOOPS = 100;

function excess(m: Memcg): number {
  return Math.max(0, m.usage - m.softLimit);
}

/**
 * cgroup v1 soft-limit reclaim under global pressure, before regular reclaim.
 *
 * 'largest-excess' is what the kernel did from 2.6.32 until its removal
 * (mem_cgroup_soft_limit_reclaim): take the group furthest above its soft
 * limit from the per-zone tree and reclaim it until it is back under, then
 * the next. 'round-robin' is the fairness variant proposed on linux-mm in
 * 2011 (select with vm.lab_soft_limit_policy): every group above its soft
 * limit gives up SWAP_CLUSTER_MAX pages in turn.
 */
export function softLimitReclaim(mm: Mm, want: number, kswapd: boolean): ReclaimResult {
  const over = mm.memcgs.filter((m) => !m.isRoot && excess(m) > 0);
  const total: ReclaimResult = { scanned: 0, reclaimed: 0 };
  if (over.length === 0) return total;
  if (mm.softLimitPolicy === 'largest-excess') {
    for (let loops = 0; loops < MEM_CGROUP_MAX_RECLAIM_LOOPS && total.reclaimed < want; loops++) {
      let worst: Memcg | null = null;
      for (const m of over) if (excess(m) > 0 && (worst === null || excess(m) > excess(worst))) worst = m;
      if (worst === null) break;
      const r = mm.reclaim.shrinkOne(worst, Math.min(excess(worst), want - total.reclaimed), kswapd);
      total.scanned += r.scanned;
      total.reclaimed += r.reclaimed;
      if (r.reclaimed === 0) over.splice(over.indexOf(worst), 1);
      if (over.length === 0) break;
    }
    return total;
  }
  // The turn carries over between calls (mm.softLimitTurn), so small requests do not always start at the first group.
  for (let loops = 0; loops < MEM_CGROUP_MAX_RECLAIM_LOOPS && total.reclaimed < want; loops++) {
    let progress = 0;
    for (let i = 0; i < over.length; i++) {
      const m = over[mm.softLimitTurn++ % over.length]!;
      if (excess(m) <= 0) continue;
      const r = mm.reclaim.shrinkOne(m, Math.min(SWAP_CLUSTER_MAX, excess(m)), kswapd);
      total.scanned += r.scanned;
      total.reclaimed += r.reclaimed;
      progress += r.reclaimed;
      if (total.reclaimed >= want) break;
    }
    if (progress === 0) break;
  }
  return total;
}
