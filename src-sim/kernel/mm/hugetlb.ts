import { HPAGE_PMD_NR } from './frames';
import type { Mm } from './mm';

/**
 * The persistent hugetlbfs pool of 2 MiB pages (mm/hugetlb.c, default
 * hstate). Growing it takes order-9 blocks from the buddy allocator one at
 * a time, nodes interleaved round-robin starting at next_nid_to_alloc
 * (alloc_pool_huge_folio / for_each_node_mask_to_alloc); a node that has
 * no free block above its low watermark gets one direct-compaction attempt
 * (the pool allocation's __GFP_RETRY_MAYFAIL), and when every node fails
 * the pool stays smaller than asked (set_max_huge_pages stops early).
 * Shrinking frees free huge pages back, round-robin from next_nid_to_free
 * (remove_pool_hugetlb_folio). Pool pages are taken frames (obj −2): they
 * are not on any LRU, so compaction and reclaim leave them alone.
 */
export class Hugetlb {
  /** Free pool pages per node: first frame of each 512-frame block. */
  private readonly freeList: number[][];
  /** /sys/kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages (stored; no surplus pages are made: see README). */
  nrOvercommit = 0;
  private nextNidToAlloc = 0;
  private nextNidToFree = 0;

  constructor(private readonly mm: Mm) {
    const n = mm.zones.length;
    this.freeList = Array.from({ length: n }, () => []);
  }

  /** Nodes with memory (N_MEMORY), the pool's node mask. */
  private get nodes(): number[] {
    return this.mm.zones.filter((z) => z.managed > 0).map((z) => z.node);
  }

  /** Pool pages on node n (nothing maps pool pages in the model yet, so all of them are free: see README). */
  nrNode(n: number): number {
    return this.freeList[n]!.length;
  }

  freeNode(n: number): number {
    return this.freeList[n]!.length;
  }

  get total(): number {
    let s = 0;
    for (let n = 0; n < this.freeList.length; n++) s += this.nrNode(n);
    return s;
  }

  get free(): number {
    let s = 0;
    for (const l of this.freeList) s += l.length;
    return s;
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

  /** alloc_pool_huge_folio(): try each node once, starting at next_nid_to_alloc. */
  private grow(): boolean {
    const mask = this.nodes;
    if (mask.length === 0) return false;
    let nd = mask.includes(this.nextNidToAlloc) ? this.nextNidToAlloc : Hugetlb.nextIn(mask, this.nextNidToAlloc);
    for (let i = 0; i < mask.length; i++) {
      const f = this.allocOn(nd);
      nd = Hugetlb.nextIn(mask, nd);
      this.nextNidToAlloc = nd;
      if (f >= 0) {
        this.freeList[this.mm.ft.nodeOf(f)]!.push(f);
        return true;
      }
    }
    return false;
  }

  /** remove_pool_hugetlb_folio(): free one free huge page, nodes round-robin from next_nid_to_free. */
  private shrink(): boolean {
    const n = this.freeList.length;
    for (let i = 0; i < n; i++) {
      const nd = (this.nextNidToFree + i) % n;
      const f = this.freeList[nd]!.pop();
      if (f === undefined) continue;
      this.nextNidToFree = (nd + 1) % n;
      for (let x = f; x < f + HPAGE_PMD_NR; x++) this.mm.ft.release(x);
      return true;
    }
    return false;
  }

  /**
   * set_max_huge_pages(): grow or shrink toward `count`; the pool never
   * drops below the pages in use. Returns the pool size reached.
   */
  setTotal(count: number): number {
    while (this.total < count && this.grow());
    while (this.total > count && this.shrink());
    return this.total;
  }

  /** nodeN/hugepages/.../nr_hugepages: the same on one node only (__nr_hugepages_store_common with a node id). */
  setNodeTotal(nd: number, count: number): number {
    const l = this.freeList[nd]!;
    while (l.length < count) {
      const f = this.allocOn(nd);
      if (f < 0) break;
      l.push(f);
    }
    while (l.length > count) {
      const f = l.pop()!;
      for (let x = f; x < f + HPAGE_PMD_NR; x++) this.mm.ft.release(x);
    }
    return l.length;
  }
}
