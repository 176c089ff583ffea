import { LRU_NONE } from './constants';

/**
 * Every usable page frame of the machine in parallel typed arrays (no object
 * per page). A frame is either free (linked through `next` on the free
 * list) or holds page `idx` of memory object `obj` and sits on one LRU list
 * of one lruvec (doubly linked through prev/next, head = most recent).
 */
export class FrameTable {
  readonly obj: Int32Array;
  readonly idx: Int32Array;
  readonly prev: Int32Array;
  readonly next: Int32Array;
  /** When the frame was added to its list or last had its references checked (s). */
  readonly time: Float32Array;
  /** Owning lruvec (memcg index) and list; LRU_NONE when free. */
  readonly lv: Uint16Array;
  readonly list: Uint8Array;
  private freeHead: number;
  nrFree: number;

  constructor(readonly size: number) {
    this.obj = new Int32Array(size);
    this.idx = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.next = new Int32Array(size);
    this.time = new Float32Array(size);
    this.lv = new Uint16Array(size);
    this.list = new Uint8Array(size).fill(LRU_NONE);
    for (let i = 0; i < size; i++) this.next[i] = i + 1 < size ? i + 1 : -1;
    this.freeHead = size > 0 ? 0 : -1;
    this.nrFree = size;
  }

  /** Take a free frame, or -1 when none is left. */
  alloc(): number {
    const f = this.freeHead;
    if (f < 0) return -1;
    this.freeHead = this.next[f]!;
    this.nrFree--;
    return f;
  }

  release(f: number): void {
    this.list[f] = LRU_NONE;
    this.obj[f] = -1;
    this.next[f] = this.freeHead;
    this.freeHead = f;
    this.nrFree++;
  }
}
