import type { Task } from '../task';
import { handleOverHigh } from '../memcg/over-high';
import { COST, MEMCG_CHARGE_BATCH, PAGE_COUNTER_MAX } from './constants';
import type { Memcg } from '../memcg/memcg';
import { MAP_WORKINGSET, type Mm } from './mm';
import type { MemObject } from './objects';
import { PG_SWAPPED } from './objects';
import { EV } from './stats';
import { THP_COST } from './thp';

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

/**
 * A pick source that can hand out several first-touch picks at once: the
 * next picks, while they all come from one bucket whose touched part is
 * empty, are never-touched pages in a known order (MemObject.freshTop), so
 * faultAnonPages maps them as one run (Mm.mapFreshAnonRun).
 */
export interface FreshRuns {
  /**
   * Make up to `max` of the next picks at once, when the next pick and
   * those after it come from one bucket b with nv[b] = 0: consume exactly
   * what that many pick() calls would (their random draws included), set
   * `bucket` to b and return how many. 0: nothing consumed, call pick().
   */
  take(max: number): number;
  bucket: number;
}

function highApplies(m: Memcg): boolean {
  for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) if (g.high < PAGE_COUNTER_MAX) return true;
  return false;
}

/**
 * Fault in `n` non-resident pages of anon object `o`, chosen one at a time
 * by `pick`. The kernel faults page by page; try_charge() charges
 * MEMCG_CHARGE_BATCH pages at once for the per-CPU stock and falls back to
 * the single page when the batch does not fit (mm/memcontrol.c: `if (batch >
 * nr_pages) { batch = nr_pages; goto retry; }`). So pages are granted in
 * batches of MEMCG_CHARGE_BATCH, cut to the room left under the nearest
 * memory.max, and one page at a time at the limit: usage reaches the limit
 * exactly and the faulting task holds everything it faulted when the OOM
 * killer compares badness (however large the workload's step). Each batch
 * is one return to user space that may sleep for memory.high; the run stops
 * early at a penalty, a kill or a failure.
 */
export function faultAnonPages(
  mm: Mm,
  task: Task,
  o: MemObject,
  n: number,
  pick: () => number,
  out: FaultOutcome,
  runs: FreshRuns | null = null,
): FaultOutcome {
  const m = mm.memcgOf(task.cgroup);
  const high = highApplies(m);
  const thp = mm.thp.eligible(o);
  if (thp) mm.thp.enterKhugepaged();
  // First-touch faults take mapFreshAnon() (same effect as mapPage, less work) where nothing places pages.
  const freshPath = !thp && !o.file && mm.numa === null && !(o.unmovable && mm.memoryBlocks !== null);
  const freshRuns = freshPath ? runs : null;
  while (out.done < n) {
    const b = Math.max(1, Math.min(MEMCG_CHARGE_BATCH, n - out.done, mm.chargeRoom(m)));
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
      if (freshRuns !== null) {
        const k = freshRuns.take(b - i);
        if (k > 0) {
          mm.mapFreshAnonRun(o, freshRuns.bucket, k, m);
          m.ev[EV.pgfault]! += k;
          out.minor += k;
          i += k - 1;
          continue;
        }
      }
      const p = pick();
      // Nothing left to fault (a huge page mapped what the touches would have hit), or already mapped by one.
      if (p < 0) {
        mm.uncharge(m, b - i);
        out.done = n;
        return out;
      }
      // A page from the never-touched part of the fault index has all-zero state: nothing to read.
      const fresh = o.pickedNeverTouched(p);
      if (fresh && freshPath) {
        mm.mapFreshAnon(o, p, m);
        m.ev[EV.pgfault]!++;
        out.minor++;
        continue;
      }
      if (!fresh && o.isResident(p)) {
        mm.uncharge(m, 1);
        continue;
      }
      if (thp && mm.thp.extentEmpty(o, p)) {
        const h = mm.thp.fault(task, o, p, m);
        out.reclaimNs += h.compactNs;
        if (h.mapped) {
          // One fault maps 512 pages; the page charged for this touch was charged again with them.
          mm.uncharge(m, 1);
          m.ev[EV.pgfault]!++;
          out.minor++;
          out.faultNs += THP_COST.hugeFaultNs - COST.minorFaultNs;
          continue;
        }
      }
      const swapped = !fresh && (o.state[p]! & PG_SWAPPED) !== 0;
      // zswap_load(): a stored page is decompressed (CPU) instead of read from the device.
      const zns = swapped && mm.zswap !== null ? mm.zswap.load(o, p) : -1;
      if (swapped) mm.releaseSwap(o, p);
      const r = mm.mapPage(o, p, m, fresh);
      m.ev[EV.pgfault]!++;
      if (swapped && zns >= 0) {
        // do_swap_page() counts the major fault before swap_read_folio(); no pswpin, no bio. A workingset refault is a memory stall.
        m.ev[EV.pgmajfault]!++;
        if (r & MAP_WORKINGSET) out.reclaimNs += zns;
        else out.faultNs += zns;
      } else if (swapped) {
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
    if (!high) continue;
    const h = handleOverHigh(mm, task);
    out.reclaimNs += h.reclaimNs;
    if (h.sleepNs > 0) {
      out.sleepNs = h.sleepNs;
      return out;
    }
  }
  return out;
}
