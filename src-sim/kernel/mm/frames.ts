import { LRU_NONE } from './constants';

/**
 * Every usable page frame of the machine in parallel typed arrays (no object
 * per page). Frames are numbered node by node: node n owns
 * [base[n], base[n] + managed[n]). A frame is either free (linked through
 * `next` on its node's free list) or holds page `idx` of memory object
 * `obj` and sits on one LRU list of one lruvec (doubly linked through
 * prev/next, head = most recent).
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
    if (f >= 0) this.freeHead[node] = this.next[f]!;
    else {
      f = this.untouched[node]!;
      if (f >= this.base[node + 1]!) return -1;
      this.untouched[node] = f + 1;
      this.list[f] = LRU_NONE;
    }
    this.nrFreeNode[node]!--;
    this.nrFree--;
    return f;
  }

  release(f: number): void {
    const node = this.freeHead.length === 1 ? 0 : this.nodeOf(f);
    this.list[f] = LRU_NONE;
    this.obj[f] = -1;
    this.next[f] = this.freeHead[node]!;
    this.freeHead[node] = f;
    this.nrFreeNode[node]!++;
    this.nrFree++;
  }
}
