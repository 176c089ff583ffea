import { LRU_NONE, NR_LRU_LISTS } from './constants';
import type { FrameTable } from './frames';

/**
 * One memcg's LRU lists: inactive/active × anon/file per NUMA node (the
 * kernel's lruvec is per memcg and node: mem_cgroup_lruvec(memcg, pgdat)),
 * doubly linked through the frame table. List `l` of node `n` is at index
 * n × NR_LRU_LISTS + l of head/tail/nodeSize; on one node that is just `l`.
 * `size` keeps the sum over nodes (memory.stat, meminfo). The reclaim cost
 * and workingset ages are kept per memcg, summed over nodes (README).
 */
export class Lruvec {
  readonly head: Int32Array;
  readonly tail: Int32Array;
  /** Pages per (node, list). */
  readonly nodeSize: Float64Array;
  /** Pages per list over all nodes. */
  readonly size = new Float64Array(NR_LRU_LISTS);
  /** mm/workingset.c: nonresident_age (evictions + activations). */
  nonresidentAge = 0;
  /** mm/vmscan.c: lru_note_cost(): recent reclaim cost of each type. */
  anonCost = 0;
  fileCost = 0;
  /** WORKINGSET_ACTIVATE_FILE at the last reclaim (target_lruvec->refaults[]). */
  refaultsSeen = 0;
  private readonly oneNode: boolean;

  constructor(
    readonly id: number,
    private readonly ft: FrameTable,
  ) {
    const n = ft.nrNodes * NR_LRU_LISTS;
    this.head = new Int32Array(n).fill(-1);
    this.tail = new Int32Array(n).fill(-1);
    this.nodeSize = new Float64Array(n);
    this.oneNode = ft.nrNodes === 1;
  }

  /** list_add: frame becomes the most recent entry of `list` on its node. */
  addHead(list: number, f: number, nowSec: number): void {
    const ft = this.ft;
    const at = this.oneNode ? list : ft.nodeOf(f) * NR_LRU_LISTS + list;
    const h = this.head[at]!;
    ft.prev[f] = -1;
    ft.next[f] = h;
    if (h >= 0) ft.prev[h] = f;
    else this.tail[at] = f;
    this.head[at] = f;
    ft.lv[f] = this.id;
    ft.list[f] = list;
    ft.time[f] = nowSec;
    this.size[list]!++;
    this.nodeSize[at]!++;
  }

  /**
   * addHead(list, f, nowSec) for f = first, first + 1, …, first + n − 1 in
   * that order (the subpages of a huge page mapped by one fault: consecutive
   * frames of one node), linked in one pass: the same list as n calls give.
   */
  addHeadBlock(list: number, first: number, n: number, nowSec: number): void {
    const ft = this.ft;
    const at = this.oneNode ? list : ft.nodeOf(first) * NR_LRU_LISTS + list;
    this.linkRunAtHead(at, list, first, n);
    ft.time.fill(nowSec, first, first + n);
    this.size[list]! += n;
    this.nodeSize[at]! += n;
  }

  /**
   * Link frames first … first+n−1 at the head of list slot `at` as n addHead
   * calls in frame order would (head-side first+n−1 → … → first → old head),
   * and mark them as on `list` of this lruvec.
   */
  private linkRunAtHead(at: number, list: number, first: number, n: number): void {
    const ft = this.ft;
    const prev = ft.prev;
    const next = ft.next;
    const lv = ft.lv;
    const lists = ft.list;
    const id = this.id;
    const h = this.head[at]!;
    const last = first + n - 1;
    // One pass writing each frame's four fields (runs are short in a working set's fill: ≈ 16 frames).
    for (let f = first; f <= last; f++) {
      prev[f] = f + 1;
      next[f] = f - 1;
      lv[f] = id;
      lists[f] = list;
    }
    prev[last] = -1;
    next[first] = h;
    if (h >= 0) prev[h] = first;
    else this.tail[at] = first;
    this.head[at] = last;
  }

  /**
   * Move a huge page's n subpages from frames src … src+n−1 to the free
   * frames dst … dst+n−1 of another node, as remove(src + i) then
   * addHead(list, dst + i, time of src + i) for i = 0 … n−1 would — when
   * they sit as one run on one list (head-side src+n−1 → … → src, as
   * addHeadBlock left them and nothing rotated since): the run is cut out of
   * the source node's list in one step and relinked at the head of the
   * destination node's. False (nothing done) when they do not.
   */
  moveBlock(src: number, dst: number, n: number): boolean {
    const ft = this.ft;
    const list = ft.list[src + n - 1]!;
    if (list === LRU_NONE) return false;
    const next = ft.next;
    const prev = ft.prev;
    for (let f = src + n - 1; f > src; f--) if (next[f] !== f - 1) return false;
    const from = ft.nodeOf(src) * NR_LRU_LISTS + list;
    const to = ft.nodeOf(dst) * NR_LRU_LISTS + list;
    if (from === to) return false;
    // Cut the run out: its outer neighbours join.
    const p = prev[src + n - 1]!;
    const nx = next[src]!;
    if (p >= 0) next[p] = nx;
    else this.head[from] = nx;
    if (nx >= 0) prev[nx] = p;
    else this.tail[from] = p;
    for (let f = src; f < src + n; f++) ft.list[f] = LRU_NONE;
    this.nodeSize[from]! -= n;
    // Link the new frames at the destination's head, each keeping its page's age.
    this.linkRunAtHead(to, list, dst, n);
    ft.time.copyWithin(dst, src, src + n);
    this.nodeSize[to]! += n;
    return true;
  }

  remove(f: number): void {
    const ft = this.ft;
    const list = ft.list[f]!;
    if (list === LRU_NONE) return;
    const at = this.oneNode ? list : ft.nodeOf(f) * NR_LRU_LISTS + list;
    const p = ft.prev[f]!;
    const n = ft.next[f]!;
    if (p >= 0) ft.next[p] = n;
    else this.head[at] = n;
    if (n >= 0) ft.prev[n] = p;
    else this.tail[at] = p;
    ft.list[f] = LRU_NONE;
    this.size[list]!--;
    this.nodeSize[at]!--;
  }

  total(): number {
    const s = this.size;
    return s[0]! + s[1]! + s[2]! + s[3]!;
  }

  /** Pages on all lists of node `n`. */
  nodeTotal(n: number): number {
    const s = this.nodeSize;
    const b = n * NR_LRU_LISTS;
    return s[b]! + s[b + 1]! + s[b + 2]! + s[b + 3]!;
  }
}
