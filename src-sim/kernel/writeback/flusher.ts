import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import type { CachedFile, PageCacheApi, PageRange } from '../mm/page-cache-api';
import { bandwidthInterval, updateWriteBandwidth } from './bandwidth';
import { domainDirtyLimits, type DirtySysctls } from './dirty-limits';
import { wbCalcThresh, type SyncWork, type Wb } from './wb';

/** fs/fs-writeback.c: MIN_WRITEBACK_PAGES = 4096 >> (PAGE_SHIFT − 10): 4 MiB per inode per round. */
export const MIN_WRITEBACK_PAGES = 1024;

/**
 * The per-device flusher (wb_workfn, fs/fs-writeback.c): fsync work first,
 * then background writeback while the domain is over its background
 * threshold, then periodic (kupdate) writeback of inodes dirtied more than
 * dirty_expire_centisecs ago, woken every dirty_writeback_centisecs while
 * the wb has dirty inodes. Oldest inode first, MIN_WRITEBACK_PAGES per inode
 * before moving on, range_cyclic within an inode. Writes are asynchronous;
 * at most `wb.maxInflight` ranges are outstanding.
 */
export class Flusher {
  /** Observers of completed writeback (stable-page waiters, completion credit). */
  /** Ids of each file's writes in flight (for fsync's wait). */
  private readonly inflightIds = new Map<CachedFile, Set<number>>();
  private lastId = 0;
  private readonly completionHooks: ((wb: Wb, file: CachedFile, range: PageRange, now: number) => void)[] = [];

  constructor(
    private readonly k: Kernel,
    private readonly pc: PageCacheApi,
    private readonly s: DirtySysctls,
    readonly wbs: Map<string, Wb>,
    private readonly wbOfFile: (file: CachedFile) => Wb,
    /** cgroup writeback (v2) attributes a page's IO to its memcg; v1 to the root. */
    private readonly cgroupWriteback: boolean,
    private readonly jiffies: () => number,
  ) {}

  private wbArray: Wb[] = [];

  /**
   * Every wb, in the Map's order: `[...wbs.values()]` made again only when a
   * wb was added (wbs are created on first use and never removed), instead of
   * on every balance_dirty_pages pass.
   */
  allWbs(): readonly Wb[] {
    if (this.wbArray.length !== this.wbs.size) this.wbArray = [...this.wbs.values()];
    return this.wbArray;
  }

  onWriteoutDone(hook: (wb: Wb, file: CachedFile, range: PageRange, now: number) => void): void {
    this.completionHooks.push(hook);
  }

  /** wb_over_bg_thresh() */
  overBgThresh(wb: Wb): boolean {
    const avail = this.pc.dirtyableMemory();
    const { bgThresh } = domainDirtyLimits(avail, this.s);
    const dirty = this.pc.nrFileDirty() + this.pc.nrWriteback();
    if (dirty > bgThresh) return true;
    const wbReclaimable = this.wbReclaimable(wb);
    return wbReclaimable > wbCalcThresh(wb, this.allWbs(), bgThresh, this.k.now);
  }

  wbReclaimable(wb: Wb): number {
    let n = 0;
    for (const f of this.pc.files()) if (this.wbOfFile(f) === wb) n += f.nrDirty;
    return n;
  }

  wbDirty(wb: Wb): number {
    let n = 0;
    for (const f of this.pc.files()) if (this.wbOfFile(f) === wb) n += f.nrDirty + f.nrWriteback;
    return n;
  }

  /** wb_start_background_writeback() */
  startBackground(wb: Wb): void {
    if (wb.background) return;
    wb.background = true;
    this.pump(wb);
  }

  /** wb_wakeup_delayed(): arm the periodic flusher if it is not armed (dirty_writeback_centisecs 0 disables it). */
  armPeriodic(wb: Wb): void {
    if (this.s.dirtyWritebackCentisecs === 0) return;
    if (wb.periodicTimer && this.k.engine.isPending(wb.periodicTimer)) return;
    wb.periodicTimer = this.k.engine.after(this.s.dirtyWritebackCentisecs * 10e6, () => this.periodic(wb));
  }

  private periodic(wb: Wb): void {
    wb.periodicTimer = 0;
    const now = this.k.now;
    // wb_check_old_data_flush(): at most once per interval.
    if (now - wb.lastOldFlushNs >= this.s.dirtyWritebackCentisecs * 10e6) {
      wb.lastOldFlushNs = now;
      wb.kupdate = true;
    }
    if (this.overBgThresh(wb)) wb.background = true;
    this.pump(wb);
    // Re-arm while the wb has dirty inodes.
    if (this.wbReclaimable(wb) > 0) this.armPeriodic(wb);
  }

  /** fsync: write the pages of `file` dirty now, `done` when they and the file's in-flight writes have ended. */
  sync(file: CachedFile, done: (ok: boolean, now: number) => void): void {
    const wb = this.wbOfFile(file);
    const tagged: PageRange[] = [];
    for (let from = 0; ; ) {
      const r = this.pc.nextDirtyRange(file, from, wb.maxRangePages);
      if (!r) break;
      tagged.push(r);
      from = r.index + r.pages;
    }
    const work: SyncWork = { file, tagged, waitIds: new Set(this.inflightIds.get(file) ?? []), done };
    if (tagged.length === 0 && work.waitIds.size === 0) {
      this.k.engine.after(0, (now) => done(!this.pc.takeWriteError(file), now));
      return;
    }
    wb.syncs.push(work);
    this.pump(wb);
  }

  /** The next tagged range of a sync work that is still dirty (parts may have been written meanwhile). */
  private nextTagged(wb: Wb, work: SyncWork): PageRange | null {
    while (work.tagged.length) {
      const t = work.tagged[0]!;
      const end = t.index + t.pages;
      const r = this.pc.nextDirtyRange(work.file, t.index, Math.min(wb.maxRangePages, t.pages));
      if (!r || r.index >= end) {
        work.tagged.shift();
        continue;
      }
      const pages = Math.min(r.pages, end - r.index);
      if (r.index + pages >= end) work.tagged.shift();
      else work.tagged[0] = { index: r.index + pages, pages: end - r.index - pages };
      return { index: r.index, pages };
    }
    return null;
  }

  /** Pick the next range to write, or null when no work applies. */
  private nextRange(wb: Wb): { file: CachedFile; range: PageRange } | null {
    for (const work of wb.syncs) {
      const r = this.nextTagged(wb, work);
      if (r) return { file: work.file, range: r };
    }
    if (wb.background && !this.overBgThresh(wb)) wb.background = false;
    if (!wb.background && !wb.kupdate) return null;
    const expireBefore = this.k.now - this.s.dirtyExpireCentisecs * 10e6;
    // Stay on the current inode for up to MIN_WRITEBACK_PAGES, then rotate.
    if (wb.current && wb.current.nrDirty > 0 && wb.currentPages < MIN_WRITEBACK_PAGES) {
      const r = this.rangeOf(wb, wb.current);
      if (r) return { file: wb.current, range: r };
    }
    const candidates = this.pc.dirtyFiles().filter((f) => this.wbOfFile(f) === wb);
    const eligible = wb.background ? candidates : candidates.filter((f) => f.dirtiedWhenNs >= 0 && f.dirtiedWhenNs <= expireBefore);
    if (eligible.length === 0) {
      wb.kupdate = false;
      if (!wb.background) return null;
    }
    // Oldest first; skip the inode that just used its chunk if another is waiting.
    let pick = eligible[0];
    if (pick && pick === wb.current && eligible.length > 1) pick = eligible[1];
    if (!pick) return null;
    if (pick !== wb.current) {
      wb.current = pick;
      wb.currentPages = 0;
    } else wb.currentPages = 0;
    const r = this.rangeOf(wb, pick);
    return r ? { file: pick, range: r } : null;
  }

  /** range_cyclic: continue from the inode's writeback_index, wrapping once. */
  private rangeOf(wb: Wb, file: CachedFile): PageRange | null {
    const from = wb.cursor.get(file.id) ?? 0;
    const r = this.pc.nextDirtyRange(file, from, wb.maxRangePages) ?? (from > 0 ? this.pc.nextDirtyRange(file, 0, wb.maxRangePages) : null);
    return r;
  }

  /** Submit writes until the in-flight budget is used or no work is left. */
  pump(wb: Wb): void {
    if (wb.inflight >= wb.maxInflight) return;
    const block = this.k.block;
    block?.startPlug?.();
    try {
      while (wb.inflight < wb.maxInflight) {
        const next = this.nextRange(wb);
        if (!next) break;
        this.submit(wb, next.file, next.range);
      }
    } finally {
      block?.finishPlug?.();
    }
  }

  private submit(wb: Wb, file: CachedFile, range: PageRange): void {
    const moved = this.pc.startWriteback(file, range);
    if (moved === 0) this.k.engine.fail('writeback', `no dirty page to write in ${file.path} [${range.index}, +${range.pages})`);
    wb.cursor.set(file.id, range.index + range.pages);
    if (file === wb.current) {
      wb.currentPages += range.pages;
      // do_writepages() returned for this inode's chunk: sample bandwidth if due.
      if (wb.currentPages >= MIN_WRITEBACK_PAGES) this.maybeUpdateBandwidth(wb);
    }
    // wb_bandwidth_estimate_start(): after an idle spell, restart the estimation period.
    const j = this.jiffies();
    if (wb.inflight === 0 && j - wb.rates.bwTimeStamp > bandwidthInterval(this.k.scenario.kernel.hz)) {
      wb.rates.writtenStamp = wb.written;
      wb.rates.dirtiedStamp = wb.dirtied;
      wb.rates.bwTimeStamp = j;
    }
    wb.inflight++;
    const id = ++this.lastId;
    let ids = this.inflightIds.get(file);
    if (!ids) {
      ids = new Set();
      this.inflightIds.set(file, ids);
    }
    ids.add(id);
    // A sync still submitting its tagged pages also waits for writes of them issued by others.
    for (const w of wb.syncs) if (w.file === file && w.tagged.length > 0) w.waitIds.add(id);
    const cg: Cgroup | null = this.cgroupWriteback ? this.pc.chargedTo(file, range.index) : null;
    this.pc.backingStore.write(file, range, null, cg, (ok, now) => this.done(wb, file, range, id, ok, now));
  }

  /** wb_update_bandwidth(): the write bandwidth only, at most every BANDWIDTH_INTERVAL. */
  maybeUpdateBandwidth(wb: Wb): void {
    const j = this.jiffies();
    const hz = this.k.scenario.kernel.hz;
    if (j - wb.rates.bwTimeStamp < bandwidthInterval(hz)) return;
    updateWriteBandwidth(wb.rates, Math.max(j - wb.rates.bwTimeStamp, 1), wb.written, hz);
    wb.rates.writtenStamp = wb.written;
    wb.rates.dirtiedStamp = wb.dirtied;
    wb.rates.bwTimeStamp = j;
  }

  private scheduleBandwidthUpdate(wb: Wb): void {
    if (wb.bwTimer && this.k.engine.isPending(wb.bwTimer)) return;
    wb.bwTimer = this.k.engine.after(bandwidthInterval(this.k.scenario.kernel.hz) * (1e9 / this.k.scenario.kernel.hz), () => this.maybeUpdateBandwidth(wb));
  }

  private done(wb: Wb, file: CachedFile, range: PageRange, id: number, ok: boolean, now: number): void {
    this.inflightIds.get(file)?.delete(id);
    this.pc.endWriteback(file, range, ok);
    wb.inflight--;
    wb.written += range.pages;
    wb.addCompletions(range.pages, now);
    // wb_inode_writeback_end(): an inode's writeback ended; update the
    // estimate BANDWIDTH_INTERVAL later (batched with other inodes).
    if (file.nrWriteback === 0) this.scheduleBandwidthUpdate(wb);
    for (const h of this.completionHooks) h(wb, file, range, now);
    for (let i = 0; i < wb.syncs.length; ) {
      const w = wb.syncs[i]!;
      w.waitIds.delete(id);
      if (w.file === file && w.tagged.length === 0 && w.waitIds.size === 0) {
        wb.syncs.splice(i, 1);
        w.done(!this.pc.takeWriteError(file), now);
      } else i++;
    }
    this.pump(wb);
  }
}
