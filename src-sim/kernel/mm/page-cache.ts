import type { FileSpec } from '../../scenario/types';
import type { Cgroup } from '../cgroup/cgroup';
import type { Memcg } from '../memcg/memcg';
import type { Task } from '../task';
import { LRU_ACTIVE_FILE, LRU_INACTIVE_FILE, PAGE_COUNTER_MAX } from './constants';
import type { Mm } from './mm';
import type { MemObject } from './objects';
import { PG_DIRTY, PG_WRITEBACK } from './objects';
import type { BackingStore, CachedFile, DirtyThrottle, MemcgDirtyInfo, PageCacheApi, PageRange } from './page-cache-api';
import { PAGE_SIZE } from './page-cache-api';

/** The page cache: one MemObject per file, indexed like the file's pages. */
export class PageCache implements PageCacheApi {
  private readonly list: CachedFile[] = [];
  private readonly byPath = new Map<string, CachedFile>();
  private readonly obj: MemObject[] = [];
  private readonly fileOfObj = new Map<number, CachedFile>();
  private readonly writeErrors = new Set<number>();
  private dirtyTotal = 0;
  private writebackTotal = 0;
  backingStore: BackingStore;
  throttle: DirtyThrottle | null = null;
  private readonly dirtyListeners: ((nrDirty: number, now: number) => void)[] = [];
  /**
   * Per file id: every dirty page lies in [dirtyLo, dirtyHi). Only markDirty
   * sets PG_DIRTY and it widens the window; nextDirtyRange scans inside it
   * and narrows it when a scan proves a part clean. An fsync or a flusher pass
   * then costs the dirty span, not the file size (a log appended to an 8 GiB
   * file used to scan all 2 M page states on every fsync).
   */
  private readonly dirtyLo: number[] = [];
  private readonly dirtyHi: number[] = [];

  constructor(
    private readonly mm: Mm,
    specs: FileSpec[],
  ) {
    this.backingStore = mm.store;
    for (const s of specs) this.addFile(s.path, s.sizeBytes, s.device);
  }

  /** Declare a file (scenario files, or ones created while running). */
  addFile(path: string, sizeBytes: number, device: string | null): CachedFile {
    const found = this.byPath.get(path);
    if (found) return found;
    const pages = Math.ceil(sizeBytes / PAGE_SIZE);
    const f: CachedFile = { id: this.list.length, path, sizeBytes, pages, device, dirtiedWhenNs: -1, nrDirty: 0, nrWriteback: 0 };
    this.list.push(f);
    this.dirtyLo.push(pages);
    this.dirtyHi.push(0);
    this.byPath.set(path, f);
    const o = this.mm.newObject(true, pages, null);
    this.obj.push(o);
    this.fileOfObj.set(o.id, f);
    return f;
  }

  objectOf(file: CachedFile): MemObject {
    return this.obj[file.id]!;
  }

  files(): readonly CachedFile[] {
    return this.list;
  }

  file(path: string): CachedFile | null {
    return this.byPath.get(path) ?? null;
  }

  isCached(file: CachedFile, index: number): boolean {
    return this.obj[file.id]!.isResident(index);
  }

  isDirty(file: CachedFile, index: number): boolean {
    return (this.obj[file.id]!.state[index]! & PG_DIRTY) !== 0;
  }

  isWriteback(file: CachedFile, index: number): boolean {
    return (this.obj[file.id]!.state[index]! & PG_WRITEBACK) !== 0;
  }

  chargedTo(file: CachedFile, index: number): Cgroup | null {
    const o = this.obj[file.id]!;
    if (!o.isResident(index)) return null;
    return this.memcgAt(o, index).cg;
  }

  /** Pages that are dirty/under writeback move between memcg counters with the page. */
  accountDirty(o: MemObject, m: Memcg, d: number): void {
    m.fileDirty += d;
    this.dirtyTotal += d;
    const f = this.fileOfObj.get(o.id);
    if (f) f.nrDirty += d;
  }

  accountWriteback(o: MemObject, m: Memcg, d: number): void {
    m.fileWriteback += d;
    this.writebackTotal += d;
    const f = this.fileOfObj.get(o.id);
    if (f) f.nrWriteback += d;
  }

  /** The memcg of resident page i (its frame's lruvec). */
  private memcgAt(o: MemObject, i: number): Memcg {
    return this.mm.memcgs[this.mm.ft.lv[o.frameOf(i)]!]!;
  }

  /**
   * Cache the missing pages of `range` for `task` (charged to its group,
   * or the root for the kernel). Returns false when memory could not be had.
   */
  populate(file: CachedFile, range: PageRange, task: Task | null): boolean {
    const o = this.obj[file.id]!;
    const m = task ? this.mm.memcgOf(task.cgroup) : this.mm.rootMemcg;
    let missing = 0;
    for (let i = range.index; i < range.index + range.pages; i++) if (!o.isResident(i)) missing++;
    if (missing === 0) return true;
    const g = this.mm.grant(task, m, missing);
    if (!g.ok) return false;
    for (let i = range.index; i < range.index + range.pages; i++) if (!o.isResident(i)) this.mm.mapPage(o, i, m);
    return true;
  }

  markDirty(file: CachedFile, range: PageRange, task: Task | null, now: number): number {
    const o = this.obj[file.id]!;
    const end = Math.min(file.pages, range.index + range.pages);
    if (!this.populate(file, { index: range.index, pages: end - range.index }, task)) return 0;
    const state = o.state;
    const lvOf = this.mm.ft.lv;
    let n = 0;
    // Counters are added once per run of pages charged to one memcg (the
    // same sums as page by page: integer adds, nothing reads them meanwhile).
    let runMemcg = -1;
    let run = 0;
    for (let i = range.index; i < end; i++) {
      const st = state[i]!;
      if (st & PG_DIRTY || !o.isResident(i)) continue;
      state[i] = st | PG_DIRTY;
      const mi = lvOf[o.frameOf(i)]!;
      if (mi !== runMemcg) {
        if (run > 0) this.addDirty(file, runMemcg, run);
        runMemcg = mi;
        run = 0;
      }
      run++;
      n++;
    }
    if (run > 0) this.addDirty(file, runMemcg, run);
    if (n > 0) {
      if (range.index < this.dirtyLo[file.id]!) this.dirtyLo[file.id] = range.index;
      if (end > this.dirtyHi[file.id]!) this.dirtyHi[file.id] = end;
      if (file.dirtiedWhenNs < 0) file.dirtiedWhenNs = now;
    }
    return n;
  }

  /** accountDirty() for `d` pages of `file` charged to memcg index `mi` (the frame's lruvec, as memcgAt). */
  private addDirty(file: CachedFile, mi: number, d: number): void {
    this.mm.memcgs[mi]!.fileDirty += d;
    this.dirtyTotal += d;
    file.nrDirty += d;
  }

  /** accountWriteback() for `d` pages of `file` charged to memcg index `mi`. */
  private addWriteback(file: CachedFile, mi: number, d: number): void {
    this.mm.memcgs[mi]!.fileWriteback += d;
    this.writebackTotal += d;
    file.nrWriteback += d;
  }

  nextDirtyRange(file: CachedFile, fromIndex: number, maxPages: number): PageRange | null {
    if (file.nrDirty === 0) return null;
    const st = this.obj[file.id]!.state;
    const id = file.id;
    const lo = this.dirtyLo[id]!;
    const hi = this.dirtyHi[id]!;
    // No page outside [lo, hi) is dirty: the same answer as scanning the whole file.
    let i = Math.max(0, fromIndex, lo);
    while (i < hi && !(st[i]! & PG_DIRTY)) i++;
    if (i >= hi) {
      // [max(fromIndex, lo), hi) is clean: narrow the window.
      if (fromIndex <= lo) {
        this.dirtyLo[id] = file.pages;
        this.dirtyHi[id] = 0;
      } else if (fromIndex < hi) this.dirtyHi[id] = fromIndex;
      return null;
    }
    if (fromIndex <= lo) this.dirtyLo[id] = i;
    let j = i;
    while (j < hi && j - i < maxPages && st[j]! & PG_DIRTY) j++;
    return { index: i, pages: j - i };
  }

  startWriteback(file: CachedFile, range: PageRange): number {
    const o = this.obj[file.id]!;
    const state = o.state;
    const lvOf = this.mm.ft.lv;
    const end = Math.min(file.pages, range.index + range.pages);
    let n = 0;
    let runMemcg = -1;
    let run = 0;
    for (let i = range.index; i < end; i++) {
      const st = state[i]!;
      if (!(st & PG_DIRTY) || !o.isResident(i)) continue;
      state[i] = (st & ~PG_DIRTY) | PG_WRITEBACK;
      const mi = lvOf[o.frameOf(i)]!;
      if (mi !== runMemcg) {
        if (run > 0) this.moveToWriteback(file, runMemcg, run);
        runMemcg = mi;
        run = 0;
      }
      run++;
      n++;
    }
    if (run > 0) this.moveToWriteback(file, runMemcg, run);
    if (file.nrDirty === 0) file.dirtiedWhenNs = -1;
    return n;
  }

  private moveToWriteback(file: CachedFile, mi: number, d: number): void {
    this.addDirty(file, mi, -d);
    this.addWriteback(file, mi, d);
  }

  endWriteback(file: CachedFile, range: PageRange, ok: boolean): void {
    const o = this.obj[file.id]!;
    const state = o.state;
    const lvOf = this.mm.ft.lv;
    const end = Math.min(file.pages, range.index + range.pages);
    let runMemcg = -1;
    let run = 0;
    for (let i = range.index; i < end; i++) {
      const st = state[i]!;
      if (!(st & PG_WRITEBACK)) continue;
      state[i] = st & ~PG_WRITEBACK;
      if (!o.isResident(i)) continue;
      const mi = lvOf[o.frameOf(i)]!;
      if (mi !== runMemcg) {
        if (run > 0) this.addWriteback(file, runMemcg, -run);
        runMemcg = mi;
        run = 0;
      }
      run++;
    }
    if (run > 0) this.addWriteback(file, runMemcg, -run);
    if (!ok) this.writeErrors.add(file.id);
  }

  dirtyFiles(): CachedFile[] {
    return this.list.filter((f) => f.nrDirty > 0).sort((a, b) => a.dirtiedWhenNs - b.dirtiedWhenNs || a.id - b.id);
  }

  takeWriteError(file: CachedFile): boolean {
    return this.writeErrors.delete(file.id);
  }

  nrFileDirty(): number {
    return this.dirtyTotal;
  }

  nrWriteback(): number {
    return this.writebackTotal;
  }

  private filePages(m: Memcg | null): number {
    let s = 0;
    for (const g of m ? m.walk() : this.mm.memcgs) s += g.lruvec.size[LRU_INACTIVE_FILE]! + g.lruvec.size[LRU_ACTIVE_FILE]!;
    return s;
  }

  dirtyableMemory(): number {
    return Math.max(0, this.mm.nrFree() + this.filePages(null) - this.mm.totalReserve);
  }

  /** mm/page-writeback.c: mem_cgroup_wb_stats() + mdtc_calc_avail(). */
  memcgDirty(cg: Cgroup): MemcgDirtyInfo {
    const m = this.mm.memcgOf(cg);
    const file = this.filePages(m);
    const fileDirty = m.sum((g) => g.fileDirty);
    const fileWriteback = m.sum((g) => g.fileWriteback);
    let headroom = PAGE_COUNTER_MAX;
    for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) {
      headroom = Math.min(headroom, Math.max(0, Math.min(g.max, g.high) - g.usage));
    }
    const gAvail = this.dirtyableMemory();
    const gDirty = this.dirtyTotal + this.writebackTotal;
    const clean = file - Math.min(file, fileDirty + fileWriteback);
    const globalClean = gAvail - Math.min(gAvail, gDirty);
    const otherClean = globalClean - Math.min(globalClean, clean);
    return { fileDirty, fileWriteback, file, dirtyable: file + Math.min(headroom, otherClean) };
  }

  setBackingStore(store: BackingStore): void {
    this.backingStore = store;
  }

  setDirtyThrottle(fn: DirtyThrottle): void {
    this.throttle = fn;
  }

  onReclaimDirty(fn: (nrDirty: number, now: number) => void): void {
    this.dirtyListeners.push(fn);
  }

  /** Reclaim ran into dirty pages: tell the flusher, or write them back here when there is none. */
  reclaimFoundDirty(nrDirty: number): void {
    if (nrDirty === 0) return;
    if (this.dirtyListeners.length > 0) {
      for (const l of this.dirtyListeners) l(nrDirty, this.mm.now);
      return;
    }
    for (const f of this.dirtyFiles()) this.writeback(f, null, () => undefined);
  }

  /**
   * Write every dirty page of `file` back through the backing store
   * (fsync, or the stand-in flusher); `done` when all have completed.
   */
  writeback(file: CachedFile, task: Task | null, done: (ok: boolean, now: number) => void): void {
    let pending = 0;
    let allOk = true;
    let from = 0;
    let submitted = false;
    for (;;) {
      const r = this.nextDirtyRange(file, from, 256);
      if (r === null) break;
      this.startWriteback(file, r);
      pending++;
      submitted = true;
      from = r.index + r.pages;
      const cg = this.chargedTo(file, r.index);
      this.backingStore.write(file, r, task, cg, (ok, now) => {
        this.endWriteback(file, r, ok);
        allOk &&= ok;
        if (--pending === 0) done(allOk && !this.takeWriteError(file), now);
      });
    }
    if (!submitted) this.mm.k.engine.after(1, (now) => done(!this.takeWriteError(file), now));
  }

  dropClean(file: CachedFile): number {
    const o = this.obj[file.id]!;
    let n = 0;
    for (let i = 0; i < file.pages; i++) {
      const f = o.frameOf(i);
      if (f < 0 || o.state[i]! & (PG_DIRTY | PG_WRITEBACK)) continue;
      this.mm.evictPage(o, i, f, this.memcgAt(o, i));
      n++;
    }
    return n;
  }
}
