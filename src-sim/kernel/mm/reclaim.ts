import type { Memcg } from '../memcg/memcg';
import { belowLow, belowMin, calculateProtection } from '../memcg/protection';
import { softLimitReclaim } from '../memcg/soft-limit';
import {
  COST,
  DEF_PRIORITY,
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  MAX_SWAPPINESS,
  NR_LRU_LISTS,
  SWAP_CLUSTER_MAX,
} from './constants';
import type { Lruvec } from './lruvec';
import type { Mm } from './mm';
import { PG_DIRTY, PG_REFERENCED, PG_WORKINGSET, PG_WRITEBACK } from './objects';
import { EV } from './stats';
import { inactiveIsLow } from './watermarks';
import { ZSWAP_KEEP, ZSWAP_REJECT } from './zswap';

export interface ReclaimResult {
  scanned: number;
  reclaimed: number;
  /** CPU time beyond scanning and freeing (zswap compression), charged to the reclaimer. */
  extraNs?: number;
}

/** mm/vmscan.c: struct scan_control, the parts the model uses. */
interface ScanControl {
  target: Memcg;
  /** The node being shrunk (shrink_node's pgdat). */
  node: number;
  nrToReclaim: number;
  priority: number;
  kswapd: boolean;
  global: boolean;
  mayswap: boolean;
  memcgLowReclaim: boolean;
  memcgLowSkipped: boolean;
  cacheTrim: boolean;
  fileIsTiny: boolean;
  mayDeactivateAnon: boolean;
  mayDeactivateFile: boolean;
  scanned: number;
  reclaimed: number;
  nrDirty: number;
  extraNs: number;
}

const SCAN_EQUAL = 0;
const SCAN_FRACT = 1;
const SCAN_ANON = 2;
const SCAN_FILE = 3;

/**
 * Page reclaim (mm/vmscan.c): shrink_node over the memcgs of the reclaim
 * root with protection, get_scan_count's anon/file balance, and the
 * inactive/active list shrinkers. Whether a page was referenced since it
 * was last looked at is derived from its owner's touch rate (see
 * AccessPattern), so cost follows the scan rate, never the touch rate.
 */
export class Reclaimer {
  private readonly nr = new Float64Array(4);

  constructor(private readonly mm: Mm) {}

  /** CPU time of a reclaim run (model calibration, see COST). */
  costNs(r: ReclaimResult): number {
    return r.scanned * COST.scanPageNs + r.reclaimed * COST.reclaimPageNs + (r.extraNs ?? 0);
  }

  private control(target: Memcg, nr: number, kswapd: boolean, mayswap: boolean): ScanControl {
    return {
      target,
      node: 0,
      nrToReclaim: nr,
      priority: DEF_PRIORITY,
      kswapd,
      global: target.isRoot,
      mayswap,
      memcgLowReclaim: false,
      memcgLowSkipped: false,
      cacheTrim: false,
      fileIsTiny: false,
      mayDeactivateAnon: false,
      mayDeactivateFile: false,
      scanned: 0,
      reclaimed: 0,
      nrDirty: 0,
      extraNs: 0,
    };
  }

  /**
   * try_to_free_pages(): direct reclaim by an allocating task on the nodes
   * of its zonelist (shrink_zones; a bind policy's nodemask limits them).
   */
  globalReclaim(nr: number, kswapd: boolean, nodes: readonly number[] = this.allNodes): ReclaimResult {
    const soft = this.mm.k.scenario.cgroupVersion === 1 ? softLimitReclaim(this.mm, nr, kswapd) : { scanned: 0, reclaimed: 0 };
    if (soft.reclaimed >= nr) return soft;
    const r = this.doTryToFreePages(this.control(this.mm.rootMemcg, nr - soft.reclaimed, kswapd, true), nodes);
    return { scanned: r.scanned + soft.scanned, reclaimed: r.reclaimed + soft.reclaimed, extraNs: (r.extraNs ?? 0) + (soft.extraNs ?? 0) };
  }

  /** try_to_free_mem_cgroup_pages(): limit reclaim inside `target`, over the nodes of the local zonelist. */
  memcgReclaim(target: Memcg, nr: number, mayswap: boolean, nodes: readonly number[] = this.allNodes): ReclaimResult {
    return this.doTryToFreePages(this.control(target, nr, false, mayswap), nodes);
  }

  /** Every node in number order (one-node machines: [0]). */
  get allNodes(): readonly number[] {
    return this.mm.nodeIds;
  }

  /** One balance_pgdat() pass of node `node`'s kswapd at `priority`. */
  kswapdPass(want: number, priority: number, node = 0): ReclaimResult {
    const soft = this.mm.k.scenario.cgroupVersion === 1 ? softLimitReclaim(this.mm, want, true) : { scanned: 0, reclaimed: 0 };
    if (soft.reclaimed >= want) return soft;
    const sc = this.control(this.mm.rootMemcg, want - soft.reclaimed, true, true);
    sc.node = node;
    sc.priority = priority;
    calculateProtection(sc.target);
    this.shrinkNode(sc);
    if (sc.reclaimed === 0 && sc.memcgLowSkipped) {
      sc.memcgLowReclaim = true;
      this.shrinkNode(sc);
    }
    this.mm.pageCache.reclaimFoundDirty(sc.nrDirty);
    return { scanned: sc.scanned + soft.scanned, reclaimed: sc.reclaimed + soft.reclaimed, extraNs: sc.extraNs + (soft.extraNs ?? 0) };
  }

  /** Shrink one memcg's own lruvec (soft-limit reclaim): priority loop over its nodes until `nr` are freed. */
  shrinkOne(m: Memcg, nr: number, kswapd: boolean): ReclaimResult {
    const sc = this.control(m, nr, kswapd, true);
    sc.global = true;
    for (sc.priority = DEF_PRIORITY; sc.priority >= 0 && sc.reclaimed < nr; sc.priority--) {
      for (const node of this.allNodes) {
        sc.node = node;
        this.prepare(sc, m.lruvec);
        this.shrinkLruvec(m, sc);
        if (sc.reclaimed >= nr) break;
      }
    }
    return { scanned: sc.scanned, reclaimed: sc.reclaimed, extraNs: sc.extraNs };
  }

  /** mm/vmscan.c: do_try_to_free_pages(): per priority, shrink_zones() over `nodes`. */
  private doTryToFreePages(sc: ScanControl, nodes: readonly number[]): ReclaimResult {
    calculateProtection(sc.target);
    for (;;) {
      for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
        for (const node of nodes) {
          sc.node = node;
          this.shrinkNode(sc);
        }
        if (sc.reclaimed >= sc.nrToReclaim) break;
      }
      if (sc.reclaimed > 0 || !sc.memcgLowSkipped || sc.memcgLowReclaim) break;
      // Only protected memory was left: retry, reclaiming below memory.low.
      sc.memcgLowReclaim = true;
      sc.memcgLowSkipped = false;
    }
    this.mm.pageCache.reclaimFoundDirty(sc.nrDirty);
    return { scanned: sc.scanned, reclaimed: sc.reclaimed, extraNs: sc.extraNs };
  }

  /** mm/vmscan.c: prepare_scan_control(): deactivation and cache-trim decisions. */
  private prepare(sc: ScanControl, lv: Lruvec): void {
    const refaults = this.mm.memcgs[lv.id]!.evTotal(EV.workingset_activate_file);
    const b = sc.node * NR_LRU_LISTS;
    const sz = lv.nodeSize;
    sc.mayDeactivateAnon = inactiveIsLow(sz[b + LRU_INACTIVE_ANON]!, sz[b + LRU_ACTIVE_ANON]!);
    sc.mayDeactivateFile = refaults !== lv.refaultsSeen || inactiveIsLow(sz[b + LRU_INACTIVE_FILE]!, sz[b + LRU_ACTIVE_FILE]!);
    const inactiveFile = sc.target.lruTotalNode(LRU_INACTIVE_FILE, sc.node);
    sc.cacheTrim = Math.floor(inactiveFile / 2 ** sc.priority) > 0 && !sc.mayDeactivateFile;
    sc.fileIsTiny = false;
    if (sc.global) {
      // The node's own file pages and free frames against its zone's high watermark.
      const file = inactiveFile + sc.target.lruTotalNode(LRU_ACTIVE_FILE, sc.node);
      const anon = sc.target.lruTotalNode(LRU_INACTIVE_ANON, sc.node) + sc.target.lruTotalNode(LRU_ACTIVE_ANON, sc.node);
      const free = this.mm.ft.nrFreeNode[sc.node]!;
      sc.fileIsTiny = file + free <= this.mm.zones[sc.node]!.wm.high && !sc.mayDeactivateAnon && Math.floor(anon / 2 ** sc.priority) > 0;
    }
  }

  private subtreeSize(m: Memcg, lru: number): number {
    return m.lruTotal(lru);
  }

  /** mm/vmscan.c: shrink_node_memcgs(): every group under the target, protection first. */
  private shrinkNode(sc: ScanControl): void {
    this.prepare(sc, sc.target.lruvec);
    for (const m of sc.target.walk()) {
      if (belowMin(sc.target, m)) continue;
      if (belowLow(sc.target, m)) {
        if (!sc.memcgLowReclaim) {
          sc.memcgLowSkipped = true;
          continue;
        }
        m.event('low');
      }
      this.shrinkLruvec(m, sc);
      if (!sc.global && sc.reclaimed >= sc.nrToReclaim) break;
    }
    sc.target.lruvec.refaultsSeen = sc.target.evTotal(EV.workingset_activate_file);
  }

  /** mm/vmscan.c: get_scan_count() into this.nr. */
  private getScanCount(m: Memcg, sc: ScanControl): void {
    const mm = this.mm;
    const lv = m.lruvec;
    const swappiness = mm.swappinessOf(m);
    let balance = SCAN_FRACT;
    if (!sc.mayswap || mm.swapRoom(m) <= 0) balance = SCAN_FILE;
    else if (!sc.global && swappiness === 0) balance = SCAN_FILE;
    else if (sc.priority === 0 && swappiness > 0) balance = SCAN_EQUAL;
    else if (sc.fileIsTiny) balance = SCAN_ANON;
    else if (sc.cacheTrim) balance = SCAN_FILE;
    let fa = 1;
    let ff = 1;
    let denom = 1;
    if (balance === SCAN_FRACT) {
      const tl = sc.target.lruvec;
      let total = tl.anonCost + tl.fileCost;
      const anonCost = total + tl.anonCost;
      const fileCost = total + tl.fileCost;
      total = anonCost + fileCost;
      const ap = Math.floor((swappiness * (total + 1)) / (anonCost + 1));
      const fp = Math.floor(((MAX_SWAPPINESS - swappiness) * (total + 1)) / (fileCost + 1));
      fa = ap;
      ff = fp;
      denom = ap + fp;
    }
    let protection = 0;
    let lowProt = false;
    if (m !== sc.target && !m.isRoot && (m.emin > 0 || m.elow > 0)) {
      if (!sc.memcgLowReclaim && m.elow > m.emin) {
        protection = m.elow;
        lowProt = true;
      } else {
        protection = m.emin;
      }
    }
    if (lowProt) sc.memcgLowSkipped = true;
    const cgroupSize = Math.max(m.usage, protection);
    const b = sc.node * NR_LRU_LISTS;
    for (let lru = 0; lru < 4; lru++) {
      const size = lv.nodeSize[b + lru]!;
      let scan = size;
      if (protection > 0) {
        scan = size - Math.floor((size * protection) / (cgroupSize + 1));
        scan = Math.max(scan, SWAP_CLUSTER_MAX);
      }
      scan = Math.floor(scan / 2 ** sc.priority);
      const file = lru >= LRU_INACTIVE_FILE;
      if (balance === SCAN_FRACT) scan = denom > 0 ? Math.floor((scan * (file ? ff : fa)) / denom) : 0;
      else if (balance === SCAN_FILE && !file) scan = 0;
      else if (balance === SCAN_ANON && file) scan = 0;
      this.nr[lru] = Math.min(scan, size);
    }
  }

  /** mm/vmscan.c: shrink_lruvec(). */
  private shrinkLruvec(m: Memcg, sc: ScanControl): void {
    const nr = this.nr;
    this.getScanCount(m, sc);
    const lv = m.lruvec;
    const start = sc.reclaimed;
    while (nr[LRU_INACTIVE_ANON]! > 0 || nr[LRU_ACTIVE_FILE]! > 0 || nr[LRU_INACTIVE_FILE]! > 0) {
      for (let lru = 0; lru < 4; lru++) {
        const n = Math.min(nr[lru]!, SWAP_CLUSTER_MAX);
        if (n <= 0) continue;
        nr[lru] = nr[lru]! - n;
        if (lru === LRU_ACTIVE_ANON || lru === LRU_ACTIVE_FILE) {
          const file = lru === LRU_ACTIVE_FILE;
          if (file ? sc.mayDeactivateFile : sc.mayDeactivateAnon) this.shrinkActiveList(m, lru, n, sc);
        } else {
          this.shrinkInactiveList(m, lru, n, sc);
        }
      }
      // shrink_lruvec(): stop once this lruvec gave nr_to_reclaim, except that
      // direct global reclaim at DEF_PRIORITY keeps scanning proportionally.
      const proportional = sc.global && !sc.kswapd && sc.priority === DEF_PRIORITY;
      if (!proportional && sc.reclaimed - start >= sc.nrToReclaim) break;
    }
    const b = sc.node * NR_LRU_LISTS;
    if (sc.mayswap && this.mm.swapRoom(m) > 0 && inactiveIsLow(lv.nodeSize[b + LRU_INACTIVE_ANON]!, lv.nodeSize[b + LRU_ACTIVE_ANON]!)) {
      this.shrinkActiveList(m, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX, sc);
    }
  }

  /** mm/vmscan.c: shrink_active_list(): deactivate from the tail (referenced or not, except exec file pages). */
  private shrinkActiveList(m: Memcg, lru: number, n: number, sc: ScanControl): void {
    const mm = this.mm;
    const ft = mm.ft;
    const lv = m.lruvec;
    const now = mm.nowSec;
    const at = sc.node * NR_LRU_LISTS + lru;
    for (let i = 0; i < n; i++) {
      const f = lv.tail[at]!;
      if (f < 0) break;
      const o = mm.objects[ft.obj[f]!]!;
      const p = ft.idx[f]!;
      lv.remove(f);
      o.state[p] = o.state[p]! | PG_WORKINGSET;
      lv.addHead(lru - 1, f, now);
      m.ev[EV.pgrefill]!++;
      m.ev[EV.pgdeactivate]!++;
      sc.scanned++;
    }
  }

  /** mm/vmscan.c: shrink_inactive_list() + shrink_folio_list() + folio_check_references(). */
  private shrinkInactiveList(m: Memcg, lru: number, n: number, sc: ScanControl): void {
    const mm = this.mm;
    const ft = mm.ft;
    const lv = m.lruvec;
    const now = mm.nowSec;
    const rng = mm.rng;
    const file = lru === LRU_INACTIVE_FILE;
    let scanned = 0;
    let reclaimed = 0;
    let pageout = 0;
    const at = sc.node * NR_LRU_LISTS + lru;
    for (let i = 0; i < n; i++) {
      const f = lv.tail[at]!;
      if (f < 0) break;
      scanned++;
      const o = mm.objects[ft.obj[f]!]!;
      const p = ft.idx[f]!;
      const st = o.state[p]!;
      // The accessed bit, derived from the owner's touch rate since the page was last looked at.
      const rate = o.pattern === null ? 0 : o.pageRate(p);
      const x = rate * (now - ft.time[f]!);
      // P(touched since last look) = 1 − e^(−λΔt); beyond λΔt = 40 it is 1 to double precision.
      const young = x > 0 && (x > 40 || rng.next() < 1 - Math.exp(-x));
      const referenced = (st & PG_REFERENCED) !== 0;
      if (young) {
        lv.remove(f);
        if (referenced) {
          o.state[p] = st & ~PG_REFERENCED;
          lv.addHead(lru + 1, f, now);
          m.ev[EV.pgactivate]!++;
        } else {
          o.state[p] = st | PG_REFERENCED;
          lv.addHead(lru, f, now);
        }
        continue;
      }
      if (file && st & (PG_DIRTY | PG_WRITEBACK)) {
        // Dirty or under writeback: not written from reclaim; activated, flusher woken.
        if (st & PG_DIRTY) sc.nrDirty++;
        lv.remove(f);
        lv.addHead(lru + 1, f, now);
        m.ev[EV.pgactivate]!++;
        continue;
      }
      if (!file) {
        if (mm.swapRoom(m) <= 0) {
          lv.remove(f);
          lv.addHead(lru + 1, f, now);
          m.ev[EV.pgactivate]!++;
          continue;
        }
        // swap_writepage(): zswap first; a rejected page goes to the device, or stays when memory.zswap.writeback is 0.
        const z = mm.zswap ? mm.zswap.tryStore(o, p, m, sc.node) : ZSWAP_REJECT;
        if (z === ZSWAP_KEEP) {
          lv.remove(f);
          lv.addHead(lru + 1, f, now);
          m.ev[EV.pgactivate]!++;
          continue;
        }
        if (z >= 0) {
          sc.extraNs += z;
        } else {
          pageout++;
          m.ev[EV.pswpout]!++;
          m.ev[EV.pgpgout]!++;
        }
      }
      mm.evictPage(o, p, f, m);
      reclaimed++;
    }
    m.ev[sc.kswapd ? EV.pgscan_kswapd : EV.pgscan_direct]! += scanned;
    m.ev[sc.kswapd ? EV.pgsteal_kswapd : EV.pgsteal_direct]! += reclaimed;
    m.ev[file ? EV.pgscan_file : EV.pgscan_anon]! += scanned;
    m.ev[file ? EV.pgsteal_file : EV.pgsteal_anon]! += reclaimed;
    sc.scanned += scanned;
    sc.reclaimed += reclaimed;
    // pageout(): the swapped-out anon pages are written to the swap device (async; on a fixed-speed swap, free).
    if (pageout > 0) mm.swapIo.swapOut(pageout, m.cg);
    // lru_note_cost(): IO is expensive, rotations are cheap.
    this.noteCost(m, file, pageout * SWAP_CLUSTER_MAX + (scanned - reclaimed));
  }

  /** mm/vmscan.c: lru_note_cost(), up the hierarchy, halving both when they outgrow a quarter of the lists. */
  noteCost(m: Memcg, file: boolean, cost: number): void {
    if (cost <= 0) return;
    for (let g: Memcg | null = m; g !== null; g = g.parent) {
      const lv = g.lruvec;
      if (file) lv.fileCost += cost;
      else lv.anonCost += cost;
      if (lv.fileCost + lv.anonCost > g.lruAll() / 4) {
        lv.fileCost /= 2;
        lv.anonCost /= 2;
      }
    }
  }

  /**
   * mm/workingset.c: workingset_test_recent(): the refault distance (evictions
   * and activations since this page's eviction) against the workingset size
   * of the evicting lruvec.
   */
  refaultIsRecent(evict: Memcg, file: boolean, shadow: number): boolean {
    const lv = evict.lruvec;
    const distance = (lv.nonresidentAge - shadow) >>> 0;
    // Memcg lruvec statistics are hierarchical (rstat), like the ages.
    let ws = this.subtreeSize(evict, LRU_ACTIVE_FILE);
    if (!file) ws += this.subtreeSize(evict, LRU_INACTIVE_FILE);
    if (this.mm.swapRoom(evict) > 0) {
      ws += this.subtreeSize(evict, LRU_ACTIVE_ANON);
      if (file) ws += this.subtreeSize(evict, LRU_INACTIVE_ANON);
    }
    return distance <= ws;
  }
}
