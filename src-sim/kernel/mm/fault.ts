import type { Task } from '../task';
import { handleOverHigh } from '../memcg/over-high';
import { COST, MEMCG_CHARGE_BATCH, PAGE_COUNTER_MAX } from './constants';
import type { Memcg } from '../memcg/memcg';
import { MAP_WORKINGSET, type Mm } from './mm';
import type { MemObject } from './objects';
import { PG_SWAPPED } from './objects';
import { EV } from './stats';

/** What faulting a run of pages cost the task. */
export interface FaultOutcome {
  /** Pages faulted in. */
  done: number;
  minor: number;
  /** Swap-ins (major faults). */
  major: number;
  /** Major faults on pages that were part of the workingset (memory stall, not I/O). */
  workingsetMajor: number;
  /** CPU time of direct, limit and high reclaim (memory stall). */
  reclaimNs: number;
  /** CPU time of the faults themselves. */
  faultNs: number;
  /** memory.high penalty to sleep (memory stall). */
  sleepNs: number;
  /** The task was OOM-killed while faulting. */
  killed: boolean;
  /** No memory could be had (no OOM victim). */
  failed: boolean;
}

export function emptyOutcome(): FaultOutcome {
  return { done: 0, minor: 0, major: 0, workingsetMajor: 0, reclaimNs: 0, faultNs: 0, sleepNs: 0, killed: false, failed: false };
}

function highApplies(m: Memcg): boolean {
  for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) if (g.high < PAGE_COUNTER_MAX) return true;
  return false;
}

/**
 * Fault in `n` non-resident pages of anon object `o`, chosen one at a time
 * by `pick`. Charges go in MEMCG_CHARGE_BATCH batches when memory.high is
 * set anywhere above (each batch is one return to user space that may
 * sleep); the run stops early at a penalty, a kill or a failure.
 */
export function faultAnonPages(mm: Mm, task: Task, o: MemObject, n: number, pick: () => number, out: FaultOutcome): FaultOutcome {
  const m = mm.memcgOf(task.cgroup);
  const batch = highApplies(m) ? MEMCG_CHARGE_BATCH : n;
  while (out.done < n) {
    const b = Math.min(batch, n - out.done);
    const g = mm.grant(task, m, b);
    out.reclaimNs += g.reclaimNs;
    if (g.selfKilled) {
      out.killed = true;
      return out;
    }
    if (!g.ok) {
      out.failed = true;
      return out;
    }
    for (let i = 0; i < b; i++) {
      const p = pick();
      const swapped = (o.state[p]! & PG_SWAPPED) !== 0;
      if (swapped) mm.releaseSwap(o, p);
      const r = mm.mapPage(o, p, m);
      m.ev[EV.pgfault]!++;
      if (swapped) {
        out.major++;
        m.ev[EV.pgmajfault]!++;
        m.ev[EV.pswpin]!++;
        m.ev[EV.pgpgin]!++;
        if (r & MAP_WORKINGSET) out.workingsetMajor++;
      } else {
        out.minor++;
      }
    }
    out.done += b;
    out.faultNs += b * COST.minorFaultNs;
    const h = handleOverHigh(mm, task);
    out.reclaimNs += h.reclaimNs;
    if (h.sleepNs > 0) {
      out.sleepNs = h.sleepNs;
      return out;
    }
  }
  return out;
}
