import type { BlockDeviceInfo } from '../block/bio';
import type { CachedFile, PageRange } from '../mm/page-cache-api';
import type { Task } from '../task';
import { initialRates, type WbRates } from './bandwidth';

/** mm/page-writeback.c: VM_COMPLETIONS_PERIOD_LEN = 3·HZ (the writeout-fraction half-life). */
export const VM_COMPLETIONS_PERIOD_NS = 3e9;

/**
 * One fsync (filemap_write_and_wait_range): the pages dirty when it was
 * called are tagged (TOWRITE) and written; it completes when those writes
 * and the writes already in flight for the file at the call have ended.
 * Pages dirtied afterwards are not waited for, so a busy writer cannot
 * starve it.
 */
export interface SyncWork {
  file: CachedFile;
  /** Tagged ranges not yet submitted, in index order. */
  tagged: PageRange[];
  /** Ids of submitted writes still to complete. */
  readonly waitIds: Set<number>;
  done: (ok: boolean, now: number) => void;
}

/** A task waiting for a page under writeback (stable pages) or for completion credit. */
export interface Waiter {
  task: Task;
  file: CachedFile;
  range: PageRange;
}

/**
 * One bdi_writeback: the writeback state of one backing device (cgroup
 * writeback's per-memcg wbs are folded into it; see README). Named like
 * /sys/class/bdi: "MAJ:MIN" of the disk.
 */
export class Wb {
  readonly rates: WbRates;
  /** Pages dirtied on / written by this wb since boot (WB_DIRTIED / WB_WRITTEN). */
  dirtied = 0;
  written = 0;
  /** Writeout completions, decayed by half every 3 s (fprop_local). */
  private completions = 0;
  private period = 0;
  /** /sys/class/bdi/<bdi>/min_ratio and max_ratio, percent. */
  minRatio = 0;
  maxRatio = 100;
  /** wb->dirty_exceeded: throttled tasks poll every 8 pages. */
  dirtyExceeded = false;
  /** Write ranges submitted and not yet completed. */
  inflight = 0;
  /** Files the wb works on, with the range_cyclic cursor (writeback_index). */
  readonly cursor = new Map<number, number>();
  /** The file being written and pages written from it this round (writeback_chunk_size). */
  current: CachedFile | null = null;
  currentPages = 0;
  background = false;
  /** Periodic (kupdate) writeback of expired inodes running now. */
  kupdate = false;
  periodicTimer = 0;
  /** Delayed bandwidth update after an inode's writeback ends (bw_dwork). */
  bwTimer = 0;
  lastOldFlushNs = 0;
  /** fsync works in arrival order (WB_SYNC_ALL over the pages dirty at the call). */
  readonly syncs: SyncWork[] = [];
  readonly stableWaiters: Waiter[] = [];

  constructor(
    readonly name: string,
    /** Device name in the scenario ("sda"), or null for the fixed-latency store. */
    readonly device: string | null,
    readonly disk: BlockDeviceInfo | null,
    /** Max write ranges in flight (stands in for queue/nr_requests back-pressure). */
    readonly maxInflight: number,
    /** Max pages per write range (queue/max_sectors_kb). */
    readonly maxRangePages: number,
    nowJiffies: number,
  ) {
    this.rates = initialRates(nowJiffies);
  }

  private decay(nowNs: number): void {
    const p = Math.floor(nowNs / VM_COMPLETIONS_PERIOD_NS);
    if (p > this.period) {
      this.completions /= 2 ** Math.min(p - this.period, 60);
      this.period = p;
    }
  }

  /** wb_domain_writeout_add(): `pages` writeout completions now. */
  addCompletions(pages: number, nowNs: number): void {
    this.decay(nowNs);
    this.completions += pages;
  }

  recentCompletions(nowNs: number): number {
    this.decay(nowNs);
    return this.completions;
  }
}

/**
 * __wb_calc_thresh(): the wb's share of a domain threshold follows its
 * fraction of recent writeout completions, bounded by min_ratio/max_ratio
 * (bdi_min_ratio = sum of every bdi's min_ratio).
 */
export function wbCalcThresh(wb: Wb, all: readonly Wb[], thresh: number, nowNs: number): number {
  let den = 0;
  for (const w of all) den += w.recentCompletions(nowNs);
  const num = wb.recentCompletions(nowNs);
  let sumMin = 0;
  for (const w of all) sumMin += w.minRatio;
  let t = (thresh * (100 - sumMin)) / 100;
  // A freshly booted simulated machine has no writeout history at all
  // (fprop_fraction would give 0/1); count every bdi as owning the whole share
  // until the first completion, as a machine that has been writing would.
  t = den > 0 ? Math.floor((t * num) / den) : Math.floor(t);
  t += Math.floor((thresh * wb.minRatio) / 100);
  const cap = Math.floor((thresh * wb.maxRatio) / 100);
  return Math.min(t, cap);
}
