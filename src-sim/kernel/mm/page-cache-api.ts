import type { Cgroup } from '../cgroup/cgroup';
import type { Step, Task } from '../task';

/**
 * The page cache as writeback, the block layer and filesystems see it
 * (`k.mm.pageCache`). Pages are addressed by (file, page index); a file is a
 * FileSpec of the scenario (or one created later). All counts are in 4 KiB
 * pages unless a name says bytes.
 */

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** A file whose pages can be cached (an inode). */
export interface CachedFile {
  /** Dense id, 0.. in declaration order. */
  readonly id: number;
  readonly path: string;
  readonly sizeBytes: number;
  /** ceil(sizeBytes / PAGE_SIZE). */
  readonly pages: number;
  /** Block device name from the scenario, or null for the fixed-latency store. */
  readonly device: string | null;
  /** Simulated time the inode first became dirty (inode->dirtied_when), or -1 when clean. */
  dirtiedWhenNs: number;
  /** Pages of this file currently dirty / under writeback. */
  nrDirty: number;
  nrWriteback: number;
}

/** A contiguous run of pages of one file. */
export interface PageRange {
  index: number;
  pages: number;
}

/**
 * Moves file pages between memory and storage. The default is a
 * fixed-latency store (./backing-store.ts); the block layer replaces it with
 * one that submits bios to the file's device. `done` is called exactly once.
 * `task` is the issuer (null for the flusher / reclaim), `cgroup` the memcg
 * the pages are charged to (for cgroup writeback attribution).
 */
export interface BackingStore {
  read(file: CachedFile, range: PageRange, task: Task | null, cgroup: Cgroup | null, done: (ok: boolean, now: number) => void): void;
  write(file: CachedFile, range: PageRange, task: Task | null, cgroup: Cgroup | null, done: (ok: boolean, now: number) => void): void;
}

/**
 * balance_dirty_pages as the writeback engineer provides it: called after a
 * buffered write dirtied `pages` pages; returns a pause step (sleep, at most
 * MAX_PAUSE) or null to continue at once.
 */
export type DirtyThrottle = (task: Task, file: CachedFile, pages: number, now: number) => Step | null;

/** Per-memcg dirty/writeback state (memory.stat file_dirty / file_writeback, in pages). */
export interface MemcgDirtyInfo {
  fileDirty: number;
  fileWriteback: number;
  /** Clean + dirty file pages charged to the group (memory.stat file, in pages). */
  file: number;
  /** The group's dirtyable memory (mm/page-writeback.c: mdtc_calc_avail): min(limit headroom + file, global dirtyable). */
  dirtyable: number;
}

export interface PageCacheApi {
  /** Every known file, by id. */
  files(): readonly CachedFile[];
  /** File by path, or null. */
  file(path: string): CachedFile | null;

  // Per-page state (index must be < file.pages).
  isCached(file: CachedFile, index: number): boolean;
  isDirty(file: CachedFile, index: number): boolean;
  isWriteback(file: CachedFile, index: number): boolean;
  /** The memcg the page is charged to, or null when not cached. */
  chargedTo(file: CachedFile, index: number): Cgroup | null;

  /**
   * Buffered write: the pages become cached (charged to `task`'s group if
   * new) and dirty. Returns how many pages went from clean to dirty.
   */
  markDirty(file: CachedFile, range: PageRange, task: Task | null, now: number): number;
  /** Dirty pages from `fromIndex` on, as at most one range of ≤ maxPages pages, or null. */
  nextDirtyRange(file: CachedFile, fromIndex: number, maxPages: number): PageRange | null;
  /** Writeback starts: dirty → writeback (clear_page_dirty_for_io + set_page_writeback). Returns pages moved. */
  startWriteback(file: CachedFile, range: PageRange): number;
  /** Writeback ended (end_page_writeback). Pages become clean; a failed write leaves them clean and marks the mapping with AS_EIO. */
  endWriteback(file: CachedFile, range: PageRange, ok: boolean): void;
  /** Files with dirty pages, oldest dirtied_when first (b_dirty order). */
  dirtyFiles(): CachedFile[];
  /** The mapping has a pending write error (AS_EIO); fsync returns it once and clears it. */
  takeWriteError(file: CachedFile): boolean;

  /** Global NR_FILE_DIRTY and NR_WRITEBACK (pages). */
  nrFileDirty(): number;
  nrWriteback(): number;
  /** Global dirtyable memory (mm/page-writeback.c: global_dirtyable_memory): free + file LRU − totalreserve_pages. */
  dirtyableMemory(): number;
  memcgDirty(cg: Cgroup): MemcgDirtyInfo;

  /** Replace the backing store (the block layer does this at install). */
  setBackingStore(store: BackingStore): void;
  readonly backingStore: BackingStore;
  /** Install balance_dirty_pages; without one, buffered writers are never paused. */
  setDirtyThrottle(fn: DirtyThrottle): void;
  /** Reclaim met dirty file pages it could not free (wakeup_flusher_threads(WB_REASON_VMSCAN)). */
  onReclaimDirty(fn: (nrDirty: number, now: number) => void): void;
  /** Drop the clean cached pages of a file (POSIX_FADV_DONTNEED / drop_caches 1). Returns pages dropped. */
  dropClean(file: CachedFile): number;
}
