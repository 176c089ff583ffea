import type { CachedFile, PageRange } from '../mm/page-cache-api';
import type { Step, Task } from '../task';

/** What writeback offers the rest of the kernel: `k.writeback`. */
export interface WritebackApi {
  /**
   * folio_wait_stable() (mm/page-writeback.c): call before a buffered write
   * modifies `range`. On a device with stable_writes=1, if any of those pages
   * is under writeback the writer must wait: returns a `block` step (stall
   * 'io') and wakes the task through the scheduler when that writeback
   * ends. Returns null when the write may proceed now.
   */
  waitStable(task: Task, file: CachedFile, range: PageRange, now: number): Step | null;
  /**
   * fsync / filemap_write_and_wait_range: write back every dirty page of the
   * file now (attributed like the flusher's writeback) and call `done` when
   * none of its pages is dirty or under writeback; `ok` false if a write failed.
   */
  syncFile(file: CachedFile, task: Task | null, done: (ok: boolean, now: number) => void): void;
  /** Dirty pages per bdi (device name) as the flusher sees them, for traces. */
  wbDirty(device: string): number;
  /** global_dirty_limits() in pages: /proc/vmstat nr_dirty_threshold and nr_dirty_background_threshold. */
  globalDirtyLimits(): { thresh: number; bgThresh: number };
}
