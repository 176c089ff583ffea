import { LRU_NONE } from './constants';

/** include/linux/huge_mm.h: HPAGE_PMD_ORDER on x86-64 (2 MiB = 512 × 4 KiB); also the pageblock order. */
export const HPAGE_PMD_ORDER = 9;
export const HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;
/** `obj` of a frame whose memory block is offline (memory hot-plug): neither free nor used by a page. */
export const OFFLINE = -3;

/**
 * Every usable page frame of the machine in parallel typed arrays (no object
 * per page). Frames are numbered node by node: node n owns
 * [base[n], base[n] + managed[n]). A frame is either free (linked through
 * `next` on its node's free list) or holds page `idx` of memory object
 * `obj` and sits on one LRU list of one lruvec (doubly linked through
 * prev/next, head = most recent).
 *
 * Free frames are doubly linked (prev/next are free while a frame is off
 * the LRU), so a whole 2 MiB block can be taken out of the free list for a
 * huge page. `blockFree` counts the free frames of each aligned 512-frame
 * block (frame f is in block f >> 9): a fully free block is a free order-9
 * buddy.
 *
 * Frames never handed out yet are not linked: on each node they come after
 * its free list in index order (`untouched[node]` is the first of them), the
 * same order a list pre-linked base → base+1 → … gives. Boot then costs
 * nothing per frame: no O(frames) loop and no fill, so the typed arrays'
 * pages stay untouched (the host maps them on first write) and memory
 * follows the frames a run uses, not the machine's declared size. A frame's
 * fields are meaningful only once handed out; `list` is set to LRU_NONE then.
 */
export class FrameTable {
  readonly size: number;
  readonly obj: Int32Array;
  readonly idx: Int32Array;
  readonly prev: Int32Array;
  readonly next: Int32Array;
  /** When the frame was added to its list or last had its references checked (s). */
  readonly time: Float32Array;
  /** Owning lruvec (memcg index) and list; LRU_NONE when free. */
  readonly lv: Uint16Array;
  readonly list: Uint8Array;
  /** First frame of each node, plus the end (base[nodes] = size). */
  readonly base: Int32Array;
  /** Head of each node's list of released frames, -1 when empty. */
  private readonly freeHead: Int32Array;
  /** Per node: frames from here to the node's end were never allocated (all free). */
  private readonly untouched: Int32Array;
  /** Free frames per node (NR_FREE_PAGES of the node's zone). */
  readonly nrFreeNode: Int32Array;
  nrFree: number;
  /** Free frames per aligned 512-frame block. */
  readonly blockFree: Int16Array;
  /** The node a block lies in, -1 when it straddles two nodes or the end (never a huge page). */
  readonly blockNode: Int8Array;
  /** Fully free blocks per node (free order-9 pages). */
  readonly freeBlocks: Int32Array;
  /** Where each node's search for a free block goes on (next fit). */
  private readonly blockCursor: Int32Array;

  /** `managed`: frames per node (a number for one node). */
  constructor(managed: number | readonly number[]) {
    const per = typeof managed === 'number' ? [managed] : managed;
    const size = per.reduce((a, b) => a + b, 0);
    this.size = size;
    this.obj = new Int32Array(size);
    this.idx = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.next = new Int32Array(size);
    this.time = new Float32Array(size);
    this.lv = new Uint16Array(size);
    this.list = new Uint8Array(size);
    this.base = new Int32Array(per.length + 1);
    this.freeHead = new Int32Array(per.length).fill(-1);
    this.untouched = new Int32Array(per.length);
    this.nrFreeNode = new Int32Array(per.length);
    let b = 0;
    per.forEach((n, node) => {
      this.base[node] = b;
      this.untouched[node] = b;
      this.nrFreeNode[node] = n;
      b += n;
    });
    this.base[per.length] = size;
    this.nrFree = size;
    const blocks = Math.ceil(size / HPAGE_PMD_NR);
    this.blockFree = new Int16Array(blocks);
    this.blockNode = new Int8Array(blocks).fill(-1);
    this.freeBlocks = new Int32Array(per.length);
    this.blockCursor = new Int32Array(per.length);
    for (let b = 0; b < blocks; b++) {
      const lo = b * HPAGE_PMD_NR;
      const hi = Math.min(size, lo + HPAGE_PMD_NR);
      this.blockFree[b] = hi - lo;
      const node = this.nodeOf(lo);
      if (hi - lo === HPAGE_PMD_NR && this.nodeOf(hi - 1) === node) {
        this.blockNode[b] = node;
        this.freeBlocks[node]!++;
      }
    }
    for (let n = 0; n < per.length; n++) this.blockCursor[n] = this.base[n]! >> HPAGE_PMD_ORDER;
  }

  get nrNodes(): number {
    return this.freeHead.length;
  }

  /** The node a frame belongs to (pfn_to_nid). */
  nodeOf(f: number): number {
    const base = this.base;
    let n = 0;
    while (f >= base[n + 1]!) n++;
    return n;
  }

  /** End of node n's frames ever handed out: frames from here to the node's end are free and were never written. */
  touchedEnd(node: number): number {
    return this.untouched[node]!;
  }

  /** Take a free frame of node 0 (one-node machines), or -1 when none is left. */
  alloc(): number {
    return this.allocOn(0);
  }

  /** Take a free frame of `node`, or -1 when that node has none. */
  allocOn(node: number): number {
    let f = this.freeHead[node]!;
    if (f >= 0) {
      const n = this.next[f]!;
      this.freeHead[node] = n;
      if (n >= 0) this.prev[n] = -1;
    } else {
      f = this.untouched[node]!;
      if (f >= this.base[node + 1]!) return -1;
      this.untouched[node] = f + 1;
      this.list[f] = LRU_NONE;
    }
    this.nrFreeNode[node]!--;
    this.nrFree--;
    if (this.blockFree[f >> HPAGE_PMD_ORDER]!-- === HPAGE_PMD_NR) this.freeBlocks[node]!--;
    return f;
  }

  /**
   * allocOn(node) n times when those calls would hand out n consecutive
   * never-used frames (the node's free list is empty and the never-allocated
   * suffix holds n more): the first of them, or -1 (nothing taken) when not.
   * Their `list` is not written: the caller links them on an LRU list at once.
   */
  allocRun(node: number, n: number): number {
    const f = this.untouched[node]!;
    if (this.freeHead[node]! >= 0 || f + n > this.base[node + 1]!) return -1;
    this.untouched[node] = f + n;
    this.nrFreeNode[node]! -= n;
    this.nrFree -= n;
    const end = f + n;
    for (let lo = f; lo < end; ) {
      const b = lo >> HPAGE_PMD_ORDER;
      const hi = Math.min(end, (b + 1) << HPAGE_PMD_ORDER);
      if (this.blockFree[b] === HPAGE_PMD_NR) this.freeBlocks[node]!--;
      this.blockFree[b]! -= hi - lo;
      lo = hi;
    }
    return f;
  }

  release(f: number): void {
    const node = this.freeHead.length === 1 ? 0 : this.nodeOf(f);
    this.list[f] = LRU_NONE;
    this.obj[f] = -1;
    this.pushFree(node, f);
    this.nrFreeNode[node]!++;
    this.nrFree++;
    const b = f >> HPAGE_PMD_ORDER;
    if (++this.blockFree[b]! === HPAGE_PMD_NR && this.blockNode[b] === node) this.freeBlocks[node]!++;
  }

  /**
   * release(f) for f = lo, lo + 1, …, lo + n − 1 in that order, in one pass
   * (a migrated huge page's source block): the same free list — the run at
   * the head, lo + n − 1 → … → lo → old head —, counters and block counts.
   * Frames of one node; a run across a node boundary goes frame by frame.
   */
  releaseRun(lo: number, n: number): void {
    if (n <= 0) return;
    const hi = lo + n;
    const node = this.freeHead.length === 1 ? 0 : this.nodeOf(lo);
    if (node !== (this.freeHead.length === 1 ? 0 : this.nodeOf(hi - 1))) {
      for (let f = lo; f < hi; f++) this.release(f);
      return;
    }
    this.list.fill(LRU_NONE, lo, hi);
    this.obj.fill(-1, lo, hi);
    const prev = this.prev;
    const next = this.next;
    const h = this.freeHead[node]!;
    next[lo] = h;
    for (let f = lo + 1; f < hi; f++) next[f] = f - 1;
    for (let f = lo; f < hi - 1; f++) prev[f] = f + 1;
    prev[hi - 1] = -1;
    if (h >= 0) prev[h] = lo;
    this.freeHead[node] = hi - 1;
    this.nrFreeNode[node]! += n;
    this.nrFree += n;
    // Per block: release()'s `++blockFree[b] === HPAGE_PMD_NR` holds for exactly one frame when the count crosses it.
    for (let f = lo; f < hi; ) {
      const b = f >> HPAGE_PMD_ORDER;
      const end = Math.min(hi, (b + 1) << HPAGE_PMD_ORDER);
      const before = this.blockFree[b]!;
      this.blockFree[b] = before + (end - f);
      if (before < HPAGE_PMD_NR && before + (end - f) >= HPAGE_PMD_NR && this.blockNode[b] === node) this.freeBlocks[node]!++;
      f = end;
    }
  }

  private pushFree(node: number, f: number): void {
    const h = this.freeHead[node]!;
    this.prev[f] = -1;
    this.next[f] = h;
    if (h >= 0) this.prev[h] = f;
    this.freeHead[node] = f;
  }

  /** Whether frame f is free (on the free list, obj −1, or never handed out). */
  isFree(f: number): boolean {
    return f >= this.untouched[this.nodeOf(f)]! || (this.list[f] === LRU_NONE && this.obj[f] === -1);
  }

  /**
   * Take a fully free aligned 512-frame block of `node` (an order-9 page
   * from the buddy allocator) and return its first frame, or -1 when the
   * node has none.
   */
  allocBlock(node: number): number {
    if (this.freeBlocks[node]! === 0) return -1;
    const first = this.base[node]! >> HPAGE_PMD_ORDER;
    const end = (this.base[node + 1]! + HPAGE_PMD_NR - 1) >> HPAGE_PMD_ORDER;
    const span = end - first;
    let b = this.blockCursor[node]!;
    for (let i = 0; i < span; i++, b++) {
      if (b >= end) b = first;
      if (this.blockFree[b] === HPAGE_PMD_NR && this.blockNode[b] === node) {
        this.blockCursor[node] = b + 1;
        this.takeBlock(node, b);
        return b << HPAGE_PMD_ORDER;
      }
    }
    return -1;
  }

  /**
   * Take every free frame of block b out of node `node`'s free frames (all
   * of them for a free block; compaction captures a partly used block, then
   * migrates the rest out). Taken frames are marked obj −2 until mapped.
   */
  takeBlock(node: number, b: number): void {
    const lo = b << HPAGE_PMD_ORDER;
    const hi = lo + HPAGE_PMD_NR;
    const u = this.untouched[node]!;
    // Frames below the never-allocated suffix are linked: unlink them.
    // A wholly free block that a migrated huge page left (releaseRun) is one run on the list: cut it out at once.
    const asRun = hi <= u && this.blockFree[b] === HPAGE_PMD_NR && this.unlinkFreeBlock(node, lo);
    if (!asRun) {
      for (let f = lo; f < Math.min(hi, u); f++) {
        if (this.list[f] === LRU_NONE && this.obj[f] === -1) {
          this.unlinkFree(node, f);
          this.obj[f] = -2;
        }
      }
    }
    if (hi > u) {
      // Never-handed-out frames get their fields written now (the table is not filled at boot).
      for (let f = Math.max(lo, u); f < hi; f++) {
        this.obj[f] = -2;
        this.list[f] = LRU_NONE;
      }
      // The block reaches into the never-allocated suffix: link the frames before it, then move the suffix past it.
      for (let f = u; f < lo; f++) {
        this.obj[f] = -1;
        this.list[f] = LRU_NONE;
        this.pushFree(node, f);
      }
      this.untouched[node] = hi;
    }
    const taken = this.blockFree[b]!;
    this.nrFreeNode[node]! -= taken;
    this.nrFree -= taken;
    if (taken === HPAGE_PMD_NR) this.freeBlocks[node]!--;
    this.blockFree[b] = 0;
  }

  /**
   * Memory offlining (mm/memory_hotplug.c: offline_pages): take frames
   * [lo, hi) of `node` out of service. Free ones leave the free lists now;
   * used ones stay where they are (the caller migrates them, then calls
   * `retire`). Returns how many were free.
   */
  isolateRange(node: number, lo: number, hi: number): number {
    const u = this.untouched[node]!;
    if (hi > u) {
      // The range reaches into the never-allocated suffix: link the frames before it, move the suffix past it.
      for (let f = u; f < lo; f++) {
        this.obj[f] = -1;
        this.list[f] = LRU_NONE;
        this.pushFree(node, f);
      }
      for (let f = Math.max(lo, u); f < hi; f++) this.list[f] = LRU_NONE;
      this.untouched[node] = Math.max(u, hi);
    }
    let taken = 0;
    for (let f = lo; f < hi; f++) {
      const fresh = f >= u;
      if (!fresh && !(this.list[f] === LRU_NONE && this.obj[f] === -1)) continue;
      if (!fresh) this.unlinkFree(node, f);
      this.obj[f] = OFFLINE;
      taken++;
      if (this.blockFree[f >> HPAGE_PMD_ORDER]!-- === HPAGE_PMD_NR && this.blockNode[f >> HPAGE_PMD_ORDER] === node) this.freeBlocks[node]!--;
    }
    this.nrFreeNode[node]! -= taken;
    this.nrFree -= taken;
    return taken;
  }

  /** A frame whose page was migrated away during offlining (still counted used): mark it offline. */
  retire(f: number): void {
    this.obj[f] = OFFLINE;
    this.list[f] = LRU_NONE;
  }

  /** online_pages(): frames [lo, hi) of `node`, all offline, join the node's free list. */
  onlineRange(lo: number, hi: number): void {
    for (let f = hi - 1; f >= lo; f--) this.release(f);
  }

  /** Take the specific free frame f of `node` off the free lists (−1 if it is not free). */
  takeFree(node: number, f: number): number {
    if (!this.isFree(f)) return -1;
    if (f >= this.untouched[node]!) {
      this.isolateRange(node, f, f + 1);
    } else {
      this.unlinkFree(node, f);
      this.nrFreeNode[node]!--;
      this.nrFree--;
      if (this.blockFree[f >> HPAGE_PMD_ORDER]!-- === HPAGE_PMD_NR && this.blockNode[f >> HPAGE_PMD_ORDER] === node) this.freeBlocks[node]!--;
    }
    this.obj[f] = -2;
    this.list[f] = LRU_NONE;
    return f;
  }

  /**
   * unlinkFree() of frames lo … lo + 511 of a wholly free block, in that
   * order, and obj −2 for each (takeBlock's loop), when the block sits on
   * the free list as the one run releaseRun() links (lo + 511 → … → lo):
   * its outer neighbours join and its links are cleared. False (nothing
   * done) when it does not.
   */
  private unlinkFreeBlock(node: number, lo: number): boolean {
    const hi = lo + HPAGE_PMD_NR;
    const prev = this.prev;
    const next = this.next;
    for (let f = hi - 1; f > lo; f--) if (next[f] !== f - 1) return false;
    const p = prev[hi - 1]!;
    const n = next[lo]!;
    if (p >= 0) next[p] = n;
    else this.freeHead[node] = n;
    if (n >= 0) prev[n] = p;
    prev.fill(-1, lo, hi);
    next.fill(-1, lo, hi);
    this.obj.fill(-2, lo, hi);
    return true;
  }

  private unlinkFree(node: number, f: number): void {
    const p = this.prev[f]!;
    const n = this.next[f]!;
    if (p >= 0) this.next[p] = n;
    else this.freeHead[node] = n;
    if (n >= 0) this.prev[n] = p;
    this.prev[f] = -1;
    this.next[f] = -1;
  }
}
