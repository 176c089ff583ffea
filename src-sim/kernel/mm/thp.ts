import type { Memcg } from '../memcg/memcg';
import type { Task } from '../task';
import { COST, LRU_INACTIVE_ANON, LRU_NONE } from './constants';
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from './frames';
import type { Mm } from './mm';
import { PG_NUMA_HINT, PG_SWAPPED, PG_WRITEBACK, type MemObject } from './objects';
import { EV } from './stats';

export type ThpEnabled = 'always' | 'madvise' | 'never';
export type ThpDefrag = 'always' | 'defer' | 'defer+madvise' | 'madvise' | 'never';
export const THP_ENABLED: readonly ThpEnabled[] = ['always', 'madvise', 'never'];
export const THP_DEFRAG: readonly ThpDefrag[] = ['always', 'defer', 'defer+madvise', 'madvise', 'never'];

/** madvise() advice on an anon region (MADV_HUGEPAGE / MADV_NOHUGEPAGE), or none. */
export type HugeAdvice = 'hugepage' | 'nohugepage' | null;

/**
 * Model calibration, not kernel constants: clearing a 2 MiB page
 * (clear_huge_page, ≈ 10 GB/s), migrating one 4 KiB page during compaction
 * (isolate, copy, remap), and scanning one frame of a pageblock.
 */
export const THP_COST = {
  hugeFaultNs: HPAGE_PMD_NR * COST.copyPageNs,
  migratePageNs: 800,
  compactScanNs: 10,
} as const;

/** vmstat event counters of THP and compaction (mm/vmstat.c names). */
export const THP_EV = [
  'compact_migrate_scanned',
  'compact_free_scanned',
  'compact_isolated',
  'compact_stall',
  'compact_fail',
  'compact_success',
  'compact_daemon_wake',
  'compact_daemon_migrate_scanned',
  'compact_daemon_free_scanned',
  'thp_fault_alloc',
  'thp_fault_fallback',
  'thp_fault_fallback_charge',
  'thp_collapse_alloc',
  'thp_collapse_alloc_failed',
  'thp_split_page',
  'thp_split_pmd',
] as const;
export type ThpEvent = (typeof THP_EV)[number];

/**
 * The TLB model (model parameters, not kernel constants): a second-level
 * TLB of 1536 entries shared by 4 KiB and 2 MiB translations (Intel
 * Skylake and later), and a task whose every access misses it runs
 * DEFAULT_TLB_WALK_PCT percent slower than one that always hits (page walks
 * take up to about half the cycles of big-memory workloads: Basu et al.,
 * "Efficient virtual memory for big memory servers", ISCA 2013).
 */
export const STLB_ENTRIES = 1536;
export const DEFAULT_TLB_WALK_PCT = 50;

/** `MemObject.huge` bits per 2 MiB extent: mapped by one PMD (THP). */
export const HUGE_MAPPED = 1;
/** NUMA balancing made the PMD PROT_NONE (change_huge_pmd with MM_CP_PROT_NUMA); its next touch is one hint fault. */
export const HUGE_NUMA_HINT = 2;

/** What a huge-page fault did. */
export interface HugeFault {
  mapped: boolean;
  /** CPU time of direct compaction (a memory stall). */
  compactNs: number;
}

/**
 * Transparent huge pages (mm/huge_memory.c) on the 4 KiB frame model: a
 * huge page is 512 consecutive pages of an anon object in one aligned,
 * fully free 512-frame block, mapped by one fault. Its subpages stay on the
 * LRU one by one; reclaiming, migrating or freeing one splits the mapping
 * (thp_split_pmd). Compaction (mm/compaction.c) frees a block by migrating
 * the pages of the least-used movable block elsewhere on the node.
 */
export class Thp {
  /** Default madvise (Debian/Ubuntu's CONFIG_TRANSPARENT_HUGEPAGE_MADVISE; upstream's Kconfig default is always): see README. */
  enabled: ThpEnabled = 'madvise';
  /** The kernel's default (defrag_flags: TRANSPARENT_HUGEPAGE_DEFRAG_REQ_MADV_FLAG). */
  defrag: ThpDefrag = 'madvise';
  /** Simulator knob vm.lab_tlb_walk_pct: how much slower (percent) a task runs when every access misses the STLB. */
  tlbWalkPct = DEFAULT_TLB_WALK_PCT;
  readonly ev = new Float64Array(THP_EV.length);
  /** Huge mappings now (AnonHugePages / 2 MiB). */
  mapped = 0;

  constructor(private readonly mm: Mm) {}

  count(e: ThpEvent, n = 1): void {
    this.ev[THP_EV.indexOf(e)]! += n;
  }

  get(e: ThpEvent): number {
    return this.ev[THP_EV.indexOf(e)]!;
  }

  /** transparent_hugepage/enabled against the region's advice (vma_thp_enabled / hugepage_vma_check). */
  eligible(o: MemObject): boolean {
    if (o.file || o.pages < HPAGE_PMD_NR || o.advice === 'nohugepage') return false;
    return this.enabled === 'always' || (this.enabled === 'madvise' && o.advice === 'hugepage');
  }

  /** do_huge_pmd_anonymous_page() only runs when the PMD is empty: no page of the extent is mapped or swapped. */
  extentEmpty(o: MemObject, p: number): boolean {
    const lo = (p >> HPAGE_PMD_ORDER) << HPAGE_PMD_ORDER;
    this.cleanObj = null;
    if (lo + HPAGE_PMD_NR > o.pages) return false;
    const state = o.state;
    let any = 0;
    for (let q = lo; q < lo + HPAGE_PMD_NR; q++) {
      const st = state[q]!;
      if (o.isResident(q) || st & PG_SWAPPED) return false;
      any |= st;
    }
    if (any === 0) {
      this.cleanObj = o;
      this.cleanLo = lo;
    }
    return true;
  }

  /** The extent extentEmpty() last found empty with every page's state zero (never touched or fully forgotten); null if not. */
  private cleanObj: MemObject | null = null;
  private cleanLo = 0;

  /** defrag: direct compaction for this fault (stall), else at most a kcompactd wake-up (gfp of alloc_hugepage_direct_gfpmask). */
  private directCompaction(o: MemObject): boolean {
    const d = this.defrag;
    return d === 'always' || ((d === 'madvise' || d === 'defer+madvise') && o.advice === 'hugepage');
  }

  /**
   * A fault on page p of an empty extent: charge 512 pages, take a free
   * block above the low watermark on an allowed node (direct compaction
   * first when defrag says so), map the whole extent. On failure the caller
   * faults a 4 KiB page (thp_fault_fallback / _charge).
   */
  fault(task: Task, o: MemObject, p: number, m: Memcg): HugeFault {
    const mm = this.mm;
    if (mm.chargeRoom(m) < HPAGE_PMD_NR) {
      this.count('thp_fault_fallback');
      this.count('thp_fault_fallback_charge');
      return { mapped: false, compactNs: 0 };
    }
    const nodes = mm.numa ? mm.numa.allocNodes(task) : mm.nodeIds;
    let first = -1;
    for (const nd of nodes) {
      if (mm.ft.nrFreeNode[nd]! - HPAGE_PMD_NR < mm.zones[nd]!.wm.low) continue;
      first = mm.ft.allocBlock(nd);
      if (first >= 0) break;
    }
    let compactNs = 0;
    if (first < 0) {
      if (this.directCompaction(o)) {
        let r = this.compact(nodes, false);
        compactNs = r.ns;
        if (r.skipped) {
          // __alloc_pages_slowpath(): compaction had too few free pages to work with; reclaim compact_gap, then compact again.
          const rr = mm.reclaim.globalReclaim(2 * HPAGE_PMD_NR, false, nodes);
          mm.memcgOf(task.cgroup).ev[EV.allocstall]!++;
          compactNs += mm.reclaim.costNs(rr);
          r = this.compact(nodes, false);
          compactNs += r.ns;
        }
        first = r.first;
      } else if (this.defrag === 'defer' || this.defrag === 'defer+madvise') {
        this.wakeKcompactd(nodes);
      }
    }
    if (first < 0) {
      this.count('thp_fault_fallback');
      return { mapped: false, compactNs };
    }
    const g = mm.tryCharge(task, m, HPAGE_PMD_NR);
    if (!g.ok) {
      this.releaseBlock(first);
      this.count('thp_fault_fallback');
      this.count('thp_fault_fallback_charge');
      return { mapped: false, compactNs: compactNs + g.reclaimNs };
    }
    const lo = (p >> HPAGE_PMD_ORDER) << HPAGE_PMD_ORDER;
    if (this.cleanObj === o && this.cleanLo === lo && !o.file) this.mapCleanExtent(o, lo, m, first);
    else for (let i = 0; i < HPAGE_PMD_NR; i++) mm.mapPageAt(o, lo + i, m, first + i);
    this.cleanObj = null;
    o.huge ??= new Uint8Array(Math.ceil(o.pages / HPAGE_PMD_NR));
    o.huge[lo >> HPAGE_PMD_ORDER] = HUGE_MAPPED;
    o.hugeMapped++;
    this.mapped++;
    this.count('thp_fault_alloc');
    return { mapped: true, compactNs };
  }

  /**
   * migrate_misplaced_folio() of a PMD-mapped THP: the whole folio moves
   * into the free block at `first` (taken by the caller) and stays mapped by
   * one PMD (remove_migration_pmd), so nothing is split. Each subpage keeps
   * its LRU list and age, memcg and state; the old block is freed. Node
   * accounting is the caller's (all 512 pages move from one node to one).
   */
  moveExtent(o: MemObject, lo: number, first: number): void {
    const mm = this.mm;
    const ft = mm.ft;
    const src = o.frameOf(lo);
    // The usual case: the subpages are still the run their fault linked (one splice instead of 512 unlinks and links).
    if (mm.lruvecOfFrame(src).moveBlock(src, first, HPAGE_PMD_NR)) {
      ft.obj.fill(o.id, first, first + HPAGE_PMD_NR);
      const idx = ft.idx;
      const idle = mm.pageIdle;
      for (let i = 0; i < HPAGE_PMD_NR; i++) {
        idx[first + i] = lo + i;
        idle.move(src + i, first + i);
        o.setFrame(lo + i, first + i);
      }
      // The 512 release(src + i) calls as one run (the same free list, counters and block counts).
      ft.releaseRun(src, HPAGE_PMD_NR);
      return;
    }
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      const q = lo + i;
      const f = o.frameOf(q);
      const to = first + i;
      const lv = mm.lruvecOfFrame(f);
      const list = ft.list[f]!;
      const time = ft.time[f]!;
      lv.remove(f);
      ft.obj[to] = o.id;
      ft.idx[to] = q;
      lv.addHead(list, to, time);
      mm.pageIdle.move(f, to);
      o.setFrame(q, to);
      ft.release(f);
    }
  }

  /**
   * mapPageAt(o, lo + i, m, first + i) for i = 0 … 511 in one pass, for an
   * anon extent whose pages all have state zero (no refault, no shadow, so
   * every page goes to the inactive anon list and its state stays zero):
   * the same frame table, LRU order, fault index and counters as the 512
   * calls, with the runs written as runs.
   */
  private mapCleanExtent(o: MemObject, lo: number, m: Memcg, first: number): void {
    const mm = this.mm;
    const ft = mm.ft;
    const end = first + HPAGE_PMD_NR;
    ft.obj.fill(o.id, first, end);
    const idx = ft.idx;
    for (let i = 0; i < HPAGE_PMD_NR; i++) idx[first + i] = lo + i;
    const idle = mm.pageIdle;
    for (let f = first; f < end; f++) idle.clear(f);
    for (let i = 0; i < HPAGE_PMD_NR; i++) o.setFrame(lo + i, first + i);
    o.resident += HPAGE_PMD_NR;
    o.markResidentRun(lo, HPAGE_PMD_NR);
    m.anon += HPAGE_PMD_NR;
    m.ev[EV.pgalloc]! += HPAGE_PMD_NR;
    m.lruvec.addHeadBlock(LRU_INACTIVE_ANON, first, HPAGE_PMD_NR, mm.nowSec);
    if (mm.numa) mm.numa.account(o, lo, first, m, HPAGE_PMD_NR);
  }

  /** A captured block that will not be used goes back to the free lists frame by frame. */
  private releaseBlock(first: number): void {
    for (let f = first; f < first + HPAGE_PMD_NR; f++) this.mm.ft.release(f);
  }

  /**
   * How much faster a memory-touching task's work runs for the huge pages
   * of its region `o` (≤ 1): with accesses spread evenly over the region, a
   * TLB of E entries holding the most recent translations hits with
   * probability min(1, E / N), N = translations of the region (4 KiB pages +
   * huge pages). The work is calibrated with 4 KiB pages, so the factor is
   * (1 + w·miss(now)) / (1 + w·miss(all 4 KiB)), w = lab_tlb_walk_pct / 100.
   */
  tlbFactor(o: MemObject): number {
    return this.tlbFactorOf(o.pages, o.hugeMapped);
  }

  /** The same for a region of `pages` 4 KiB pages of which `huge` 2 MiB extents are mapped huge (THP or hugetlb). */
  tlbFactorOf(pages: number, huge: number): number {
    const miss = (n: number): number => Math.max(0, 1 - STLB_ENTRIES / n);
    const w = this.tlbWalkPct / 100;
    const now = pages - huge * (HPAGE_PMD_NR - 1);
    return (1 + w * miss(now)) / (1 + w * miss(pages));
  }

  /** zap_huge_pmd() for every huge mapping of an object being unmapped (no split). */
  unmapAll(o: MemObject): void {
    if (o.hugeMapped === 0) return;
    this.mapped -= o.hugeMapped;
    o.hugeMapped = 0;
    o.huge!.fill(0);
  }

  /**
   * Split the huge mapping covering page p (split_huge_pmd): its pages stay
   * where they are as 4 KiB mappings. A PROT_NONE (NUMA hint) PMD splits into
   * ordinary PTEs: __split_huge_pmd_locked() does not transfer NUMA hinting
   * restrictions, so the hint is dropped with the PMD.
   */
  split(o: MemObject, p: number): void {
    const e = p >> HPAGE_PMD_ORDER;
    if (o.huge === null || o.huge[e] === 0) return;
    o.huge[e] = 0;
    o.hugeMapped--;
    this.mapped--;
    this.count('thp_split_pmd');
    this.count('thp_split_page');
  }

  /**
   * mm/compaction.c: try_to_compact_pages() for one order-9 page over
   * `nodes`: a node is skipped unless free pages ≥ low watermark + 2 × 512
   * (__compaction_suitable, compact_gap); on a suitable node the block with
   * the fewest used frames whose pages can all move (on an LRU, not under
   * writeback) is captured and its pages migrated elsewhere on the node
   * (compaction capture). Returns the block's first frame (−1 on failure)
   * and the CPU time spent.
   */
  compact(nodes: readonly number[], daemon: boolean): { first: number; ns: number; skipped: boolean } {
    const mm = this.mm;
    const ft = mm.ft;
    let ns = 0;
    let ran = false;
    for (const nd of nodes) {
      if (ft.nrFreeNode[nd]! < mm.zones[nd]!.wm.low + 2 * HPAGE_PMD_NR) continue;
      ran = true;
      const lo = ft.base[nd]! >> HPAGE_PMD_ORDER;
      const hi = ft.base[nd + 1]! >> HPAGE_PMD_ORDER;
      let best = -1;
      let bestFree = 0;
      for (let b = lo; b < hi; b++) {
        const free = ft.blockFree[b]!;
        if (free <= bestFree || free >= HPAGE_PMD_NR || ft.blockNode[b] !== nd) continue;
        if (!this.movable(b)) continue;
        best = b;
        bestFree = free;
      }
      const scanned = (hi - lo) * 8;
      ns += scanned * THP_COST.compactScanNs;
      if (best < 0) {
        this.count(daemon ? 'compact_daemon_migrate_scanned' : 'compact_migrate_scanned', scanned);
        continue;
      }
      const used = HPAGE_PMD_NR - bestFree;
      ft.takeBlock(nd, best);
      const first = best << HPAGE_PMD_ORDER;
      for (let f = first; f < first + HPAGE_PMD_NR; f++) {
        if (ft.obj[f]! < 0) continue;
        const o = mm.objects[ft.obj[f]!]!;
        const to = ft.allocOn(nd);
        mm.movePage(o, ft.idx[f]!, to, true);
      }
      ns += used * THP_COST.migratePageNs;
      this.count(daemon ? 'compact_daemon_migrate_scanned' : 'compact_migrate_scanned', scanned + HPAGE_PMD_NR);
      this.count(daemon ? 'compact_daemon_free_scanned' : 'compact_free_scanned', used);
      this.count('compact_isolated', 2 * used);
      if (!daemon) {
        this.count('compact_stall');
        this.count('compact_success');
      }
      return { first, ns, skipped: false };
    }
    if (ran && !daemon) {
      this.count('compact_stall');
      this.count('compact_fail');
    }
    return { first: -1, ns, skipped: !ran };
  }

  /** Every used frame of block b is an LRU page not under writeback (isolate_migratepages_block would take it). */
  private movable(b: number): boolean {
    const ft = this.mm.ft;
    const first = b << HPAGE_PMD_ORDER;
    for (let f = first; f < first + HPAGE_PMD_NR; f++) {
      if (ft.isFree(f)) continue;
      if (ft.list[f] === LRU_NONE) return false;
      const o = this.mm.objects[ft.obj[f]!];
      if (!o || o.state[ft.idx[f]!]! & PG_WRITEBACK || o.unmovable) return false;
    }
    return true;
  }

  /** kcompactd (wakeup_kcompactd): one background compaction pass per node that has no free block, without a stall. */
  wakeKcompactd(nodes: readonly number[]): void {
    const mm = this.mm;
    for (const nd of nodes) {
      if (this.kcompactdPending[nd]) continue;
      this.kcompactdPending[nd] = true;
      this.count('compact_daemon_wake');
      mm.k.engine.after(1_000_000, () => {
        this.kcompactdPending[nd] = false;
        // kcompactd_do_work(): compact until a free block exists (a few blocks at most per wake-up).
        for (let i = 0; i < 4 && mm.ft.freeBlocks[nd]! === 0; i++) {
          const r = this.compact([nd], true);
          mm.kswapdCpuNs += r.ns;
          if (r.first < 0) break;
          this.releaseBlock(r.first);
        }
      });
    }
  }

  private readonly kcompactdPending: boolean[] = [];

  // ---- khugepaged (mm/khugepaged.c) ---------------------------------------

  /** /sys/kernel/mm/transparent_hugepage/khugepaged/* (kernel defaults). */
  khugepagedSleepMs = 10_000;
  khugepagedAllocSleepMs = 60_000;
  khugepagedPagesToScan = 4096;
  khugepagedDefrag = 1;
  maxPtesNone = HPAGE_PMD_NR - 1;
  pagesCollapsed = 0;
  fullScans = 0;
  khugepagedCpuNs = 0;
  private khugepagedRunning = false;
  private scanObj = 0;
  private scanExtent = 0;

  /** khugepaged_enter_vma(): the first eligible region starts the thread (it sleeps scan_sleep_millisecs between passes). */
  enterKhugepaged(): void {
    if (this.khugepagedRunning) return;
    this.khugepagedRunning = true;
    this.mm.k.engine.after(this.khugepagedSleepMs * 1e6, () => this.khugepagedScan());
  }

  /**
   * khugepaged_do_scan(): look at up to pages_to_scan pages of eligible anon
   * regions, round-robin, and collapse each 2 MiB extent with at most
   * max_ptes_none unmapped pages (never swapped or evicted ones) into a new
   * huge page: take a free block (compaction first when khugepaged/defrag
   * is set), charge the missing pages, copy the present ones in, map it.
   * An allocation failure ends the pass and sleeps alloc_sleep_millisecs.
   */
  private khugepagedScan(): void {
    const mm = this.mm;
    let budget = this.khugepagedPagesToScan;
    let sleepMs = this.khugepagedSleepMs;
    let wrapped = false;
    while (budget > 0) {
      if (this.scanObj >= mm.objects.length) {
        this.scanObj = 0;
        this.scanExtent = 0;
        this.fullScans++;
        if (wrapped) break;
        wrapped = true;
      }
      const o = mm.objects[this.scanObj];
      const extents = o ? Math.floor(o.pages / HPAGE_PMD_NR) : 0;
      if (!o || o.owner === null || !this.eligible(o) || this.scanExtent >= extents) {
        this.scanObj++;
        this.scanExtent = 0;
        continue;
      }
      const e = this.scanExtent++;
      budget -= HPAGE_PMD_NR;
      if (o.huge !== null && o.huge[e] !== 0) continue;
      const r = this.collapse(o, e);
      if (r === 'alloc-failed') {
        sleepMs = this.khugepagedAllocSleepMs;
        break;
      }
    }
    mm.k.engine.after(sleepMs * 1e6, () => this.khugepagedScan());
  }

  /** collapse_huge_page() for extent e of o. */
  private collapse(o: MemObject, e: number): 'done' | 'skip' | 'alloc-failed' {
    const mm = this.mm;
    const lo = e * HPAGE_PMD_NR;
    let none = 0;
    let node = -1;
    for (let q = lo; q < lo + HPAGE_PMD_NR; q++) {
      if (o.isResident(q)) {
        if (node < 0) node = mm.ft.nodeOf(o.frameOf(q));
        continue;
      }
      // A swapped or evicted page would need a swap-in first (max_ptes_swap); the model skips such extents.
      if (o.state[q] !== 0) return 'skip';
      none++;
    }
    if (node < 0 || none > this.maxPtesNone) return 'skip';
    const owner = o.owner!;
    const m = mm.memcgOf(owner.cgroup);
    if (mm.chargeRoom(m) < none) return 'skip';
    let first = mm.ft.nrFreeNode[node]! - HPAGE_PMD_NR >= mm.zones[node]!.wm.low ? mm.ft.allocBlock(node) : -1;
    if (first < 0 && this.khugepagedDefrag) {
      const r = this.compact([node], false);
      this.khugepagedCpuNs += r.ns;
      first = r.first;
    }
    if (first < 0) {
      this.count('thp_collapse_alloc_failed');
      return 'alloc-failed';
    }
    const g = mm.tryCharge(null, m, none);
    if (!g.ok) {
      this.releaseBlock(first);
      return 'skip';
    }
    let copied = 0;
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      const q = lo + i;
      if (o.isResident(q)) {
        mm.movePage(o, q, first + i);
        // The new PMD is made from vma->vm_page_prot: PTEs NUMA balancing had made PROT_NONE are gone with the page table.
        if (o.state[q]! & PG_NUMA_HINT) o.state[q] = o.state[q]! & ~PG_NUMA_HINT;
        copied++;
      } else {
        mm.mapPageAt(o, q, m, first + i);
      }
    }
    this.khugepagedCpuNs += copied * THP_COST.migratePageNs + none * COST.copyPageNs;
    o.huge ??= new Uint8Array(Math.ceil(o.pages / HPAGE_PMD_NR));
    o.huge[e] = HUGE_MAPPED;
    o.hugeMapped++;
    this.mapped++;
    this.pagesCollapsed++;
    this.count('thp_collapse_alloc');
    return 'done';
  }
}
