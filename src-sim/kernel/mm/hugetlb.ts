import type { Task } from '../task';
import { HPAGE_PMD_NR } from './frames';
import type { Mm } from './mm';
import { taskMm } from './task-mm';

/**
 * One private MAP_HUGETLB mapping of 2 MiB pages (a hugetlbfs VMA). Its
 * pages were reserved at mmap (hugetlb_reserve_pages), are taken from the
 * pool at their first touch (hugetlb_fault → alloc_hugetlb_folio) and go
 * back at munmap/exit. They are never on an LRU, never swapped and never
 * migrated by reclaim or compaction.
 */
export class HugetlbMapping {
  /** First frame of each huge page; −1 until faulted. */
  readonly frames: Int32Array;
  /** Huge pages faulted in. */
  faulted = 0;
  /** Reservations not yet consumed by a fault (the VMA's resv_map). */
  resvLeft: number;
  /** Faulted huge pages per node, in 4 KiB pages (the NUMA access-cost model reads it like MemObject.nodePages). */
  readonly nodePages: Int32Array;

  constructor(
    readonly pages: number,
    nodes: number,
    readonly owner: Task,
  ) {
    this.frames = new Int32Array(pages).fill(-1);
    this.resvLeft = pages;
    this.nodePages = new Int32Array(nodes);
  }

  /** Size in 4 KiB pages. */
  get smallPages(): number {
    return this.pages * HPAGE_PMD_NR;
  }
}

/** Why an mmap(MAP_HUGETLB) failed: hugetlb_acct_memory()'s two checks. */
export type HugetlbReserveFailure = 'pool' | 'nodes';

/**
 * The persistent hugetlbfs pool of 2 MiB pages (mm/hugetlb.c, default
 * hstate). Growing it takes order-9 blocks from the buddy allocator one at
 * a time, nodes interleaved round-robin starting at next_nid_to_alloc
 * (alloc_pool_huge_folio / for_each_node_mask_to_alloc); a node that has
 * no free block above its low watermark gets one direct-compaction attempt
 * (the pool allocation's __GFP_RETRY_MAYFAIL), and when every node fails
 * the pool stays smaller than asked (set_max_huge_pages stops early).
 * Shrinking frees free huge pages back, round-robin from next_nid_to_free
 * (remove_pool_hugetlb_folio), but never the pages in use or those held
 * for reservations: what cannot be freed becomes surplus and goes back to
 * the buddy allocator when freed (adjust_pool_surplus, free_huge_folio).
 * Pool pages are taken frames (obj −2): they are not on any LRU, so
 * compaction and reclaim leave them alone.
 */
export class Hugetlb {
  /** Free pool pages per node: first frame of each 512-frame block (hugepage_freelists). */
  private readonly freeList: number[][];
  /** nr_huge_pages_node: pool pages per node, free + in use (surplus included). */
  private readonly nrNodes: number[];
  /** surplus_huge_pages_node. */
  private readonly surplusNodes: number[];
  /** resv_huge_pages: reserved at mmap, not yet faulted. */
  resv = 0;
  /** /sys/kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages (stored; no surplus pages are allocated on demand: see README). */
  nrOvercommit = 0;
  private nextNidToAlloc = 0;
  private nextNidToFree = 0;

  constructor(private readonly mm: Mm) {
    const n = mm.zones.length;
    this.freeList = Array.from({ length: n }, () => []);
    this.nrNodes = Array.from({ length: n }, () => 0);
    this.surplusNodes = Array.from({ length: n }, () => 0);
  }

  /** Nodes with memory (N_MEMORY), the pool's node mask. */
  private get nodes(): number[] {
    return this.mm.zones.filter((z) => z.managed > 0).map((z) => z.node);
  }

  /** nr_huge_pages_node[n]. */
  nrNode(n: number): number {
    return this.nrNodes[n]!;
  }

  /** free_huge_pages_node[n]. */
  freeNode(n: number): number {
    return this.freeList[n]!.length;
  }

  /** surplus_huge_pages_node[n]. */
  surplusNode(n: number): number {
    return this.surplusNodes[n]!;
  }

  /** nr_huge_pages: HugePages_Total. */
  get total(): number {
    let s = 0;
    for (const x of this.nrNodes) s += x;
    return s;
  }

  /** free_huge_pages: HugePages_Free. */
  get free(): number {
    let s = 0;
    for (const l of this.freeList) s += l.length;
    return s;
  }

  /** surplus_huge_pages: HugePages_Surp. */
  get surplus(): number {
    let s = 0;
    for (const x of this.surplusNodes) s += x;
    return s;
  }

  /** persistent_huge_pages(): nr_huge_pages − surplus_huge_pages (what vm.nr_hugepages reads). */
  get persistent(): number {
    return this.total - this.surplus;
  }

  /** One order-9 block from node nd: a free one above the low watermark, else what direct compaction frees; −1 on failure. */
  private allocOn(nd: number): number {
    const mm = this.mm;
    if (mm.ft.nrFreeNode[nd]! - HPAGE_PMD_NR >= mm.zones[nd]!.wm.low) {
      const f = mm.ft.allocBlock(nd);
      if (f >= 0) return f;
    }
    const r = mm.thp.compact([nd], false);
    mm.kswapdCpuNs += r.ns;
    return r.first;
  }

  /** for_each_node_mask_to_alloc: the next node in the mask after `nd`, wrapping. */
  private static nextIn(mask: readonly number[], nd: number): number {
    const i = mask.findIndex((x) => x > nd);
    return i >= 0 ? mask[i]! : mask[0]!;
  }

  /** alloc_pool_huge_folio(): try each node of the mask once, starting at next_nid_to_alloc. */
  private grow(mask: readonly number[]): boolean {
    if (mask.length === 0) return false;
    let nd = mask.includes(this.nextNidToAlloc) ? this.nextNidToAlloc : Hugetlb.nextIn(mask, this.nextNidToAlloc);
    for (let i = 0; i < mask.length; i++) {
      const f = this.allocOn(nd);
      nd = Hugetlb.nextIn(mask, nd);
      this.nextNidToAlloc = nd;
      if (f >= 0) {
        const n = this.mm.ft.nodeOf(f);
        this.freeList[n]!.push(f);
        this.nrNodes[n]!++;
        return true;
      }
    }
    return false;
  }

  /** The huge page at frame f goes back to the buddy allocator (update_and_free_hugetlb_folio). */
  private toBuddy(f: number): void {
    for (let x = f; x < f + HPAGE_PMD_NR; x++) this.mm.ft.release(x);
  }

  /**
   * remove_pool_hugetlb_folio(): free one free huge page of the mask, nodes
   * round-robin from next_nid_to_free; with `acctSurplus` only from a node
   * that has surplus pages, and that surplus drops.
   */
  private removeFree(mask: readonly number[], acctSurplus: boolean): boolean {
    const n = this.freeList.length;
    for (let i = 0; i < n; i++) {
      const nd = (this.nextNidToFree + i) % n;
      if (!mask.includes(nd) || (acctSurplus && this.surplusNodes[nd] === 0)) continue;
      const f = this.freeList[nd]!.pop();
      if (f === undefined) continue;
      this.nextNidToFree = (nd + 1) % n;
      this.nrNodes[nd]!--;
      if (acctSurplus) this.surplusNodes[nd]!--;
      this.toBuddy(f);
      return true;
    }
    return false;
  }

  /**
   * adjust_pool_surplus(): +1 marks one more pool page of the mask surplus
   * (a node with non-surplus pages, round-robin to free); −1 makes one
   * surplus page persistent again.
   */
  private adjustSurplus(mask: readonly number[], delta: 1 | -1): boolean {
    const n = this.freeList.length;
    for (let i = 0; i < n; i++) {
      const nd = ((delta > 0 ? this.nextNidToFree : this.nextNidToAlloc) + i) % n;
      if (!mask.includes(nd)) continue;
      const ok = delta < 0 ? this.surplusNodes[nd]! > 0 : this.surplusNodes[nd]! < this.nrNodes[nd]!;
      if (!ok) continue;
      if (delta > 0) this.nextNidToFree = (nd + 1) % n;
      this.surplusNodes[nd]! += delta;
      return true;
    }
    return false;
  }

  /**
   * set_max_huge_pages() over `mask`: make surplus pages persistent, grow,
   * then free free pages down to max(count, in use + reserved) and mark
   * what is still above `count` surplus (it goes back to the buddy
   * allocator when its user frees it). Returns the persistent pool size.
   */
  private setMax(count: number, mask: readonly number[]): number {
    while (this.surplus > 0 && count > this.persistent) if (!this.adjustSurplus(mask, -1)) break;
    while (count > this.persistent) if (!this.grow(mask)) break;
    // min_count = resv_huge_pages + nr_huge_pages − free_huge_pages: pages in use and pages promised to reservations stay.
    const minCount = Math.max(count, this.resv + this.total - this.free);
    while (minCount < this.persistent) if (!this.removeFree(mask, false)) break;
    while (count < this.persistent) if (!this.adjustSurplus(mask, 1)) break;
    return this.persistent;
  }

  /** vm.nr_hugepages / hugepages-2048kB/nr_hugepages: the whole pool over the nodes with memory. */
  setTotal(count: number): number {
    return this.setMax(count, this.nodes);
  }

  /** nodeN/hugepages/.../nr_hugepages: __nr_hugepages_store_common() with a node id turns the node's count into a global one, nodes_allowed = {nd}. */
  setNodeTotal(nd: number, count: number): number {
    const global = count + this.persistent - (this.nrNodes[nd]! - this.surplusNodes[nd]!);
    this.setMax(global, [nd]);
    return this.nrNodes[nd]!;
  }

  // ---- MAP_HUGETLB mappings -------------------------------------------------

  /**
   * hugetlb_reserve_pages() → hugetlb_acct_memory() for a private mapping of
   * `pages` huge pages: gather_surplus_pages() needs resv + pages ≤ free
   * (surplus pages are never allocated: nr_overcommit_hugepages is not
   * simulated), and allowed_mems_nr() needs the free pages on the nodes the
   * task may use (cpuset.mems ∩ a bind policy) to cover them. Null with the
   * reason on failure (mmap returns ENOMEM).
   */
  map(task: Task, pages: number, allowed: readonly number[]): HugetlbMapping | HugetlbReserveFailure {
    if (this.resv + pages > this.free) return 'pool';
    let onNodes = 0;
    for (const n of allowed) onNodes += this.freeList[n]!.length;
    if (pages > onNodes) return 'nodes';
    this.resv += pages;
    const m = new HugetlbMapping(pages, this.freeList.length, task);
    taskMm(task).hugetlb.push(m);
    return m;
  }

  /**
   * hugetlb_no_page() → alloc_hugetlb_folio() for huge page `i` of `m`:
   * dequeue_hugetlb_folio_nodemask() walks `order` (the policy's zonelist
   * and nodemask) for a free page, consuming the mapping's reservation.
   * Returns false when no allowed node has one (the fault is SIGBUS).
   */
  fault(m: HugetlbMapping, i: number, order: readonly number[]): boolean {
    if (m.frames[i]! >= 0) return true;
    for (const nd of order) {
      const f = this.freeList[nd]!.pop();
      if (f === undefined) continue;
      m.frames[i] = f;
      m.faulted++;
      m.nodePages[nd]! += HPAGE_PMD_NR;
      taskMm(m.owner).numa.costNode = -1;
      if (m.resvLeft > 0) {
        m.resvLeft--;
        this.resv--;
      }
      return true;
    }
    return false;
  }

  /**
   * munmap / exit_mmap(): every faulted page goes through free_huge_folio()
   * (back on its node's free list, or to the buddy allocator while the node
   * has surplus pages), then hugetlb_vm_op_close() gives back the unused
   * reservations (return_unused_surplus_pages(): free surplus pages go too).
   */
  unmap(m: HugetlbMapping): void {
    for (let i = 0; i < m.pages; i++) {
      const f = m.frames[i]!;
      if (f < 0) continue;
      m.frames[i] = -1;
      const nd = this.mm.ft.nodeOf(f);
      m.nodePages[nd]! -= HPAGE_PMD_NR;
      taskMm(m.owner).numa.costNode = -1;
      if (this.surplusNodes[nd]! > 0) {
        this.surplusNodes[nd]!--;
        this.nrNodes[nd]!--;
        this.toBuddy(f);
      } else {
        this.freeList[nd]!.push(f);
      }
    }
    m.faulted = 0;
    const unused = m.resvLeft;
    m.resvLeft = 0;
    this.resv -= unused;
    for (let k = Math.min(unused, this.surplus); k > 0; k--) if (!this.removeFree(this.nodes, true)) break;
    const list = taskMm(m.owner).hugetlb;
    const at = list.indexOf(m);
    if (at >= 0) list.splice(at, 1);
  }

  /** exit_mmap(): the task's hugetlb mappings (idempotent). */
  releaseTask(task: Task): void {
    const list = taskMm(task).hugetlb;
    while (list.length > 0) this.unmap(list[list.length - 1]!);
  }
}
