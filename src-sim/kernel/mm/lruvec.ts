import { LRU_NONE, NR_LRU_LISTS } from './constants';
import type { FrameTable } from './frames';

/**
 * One memcg's LRU lists on the (pooled) node: inactive/active × anon/file,
 * doubly linked through the frame table, plus the reclaim cost and
 * workingset ages the kernel keeps per lruvec.
 */
export class Lruvec {
  readonly head = new Int32Array(NR_LRU_LISTS).fill(-1);
  readonly tail = new Int32Array(NR_LRU_LISTS).fill(-1);
  readonly size = new Float64Array(NR_LRU_LISTS);
  /** mm/workingset.c: nonresident_age (evictions + activations). */
  nonresidentAge = 0;
  /** mm/vmscan.c: lru_note_cost(): recent reclaim cost of each type. */
  anonCost = 0;
  fileCost = 0;
  /** WORKINGSET_ACTIVATE_FILE at the last reclaim (target_lruvec->refaults[]). */
  refaultsSeen = 0;

  constructor(
    readonly id: number,
    private readonly ft: FrameTable,
  ) {}

  /** list_add: frame becomes the most recent entry of `list`. */
  addHead(list: number, f: number, nowSec: number): void {
    const ft = this.ft;
    const h = this.head[list]!;
    ft.prev[f] = -1;
    ft.next[f] = h;
    if (h >= 0) ft.prev[h] = f;
    else this.tail[list] = f;
    this.head[list] = f;
    ft.lv[f] = this.id;
    ft.list[f] = list;
    ft.time[f] = nowSec;
    this.size[list]!++;
  }

  remove(f: number): void {
    const ft = this.ft;
    const list = ft.list[f]!;
    if (list === LRU_NONE) return;
    const p = ft.prev[f]!;
    const n = ft.next[f]!;
    if (p >= 0) ft.next[p] = n;
    else this.head[list] = n;
    if (n >= 0) ft.prev[n] = p;
    else this.tail[list] = p;
    ft.list[f] = LRU_NONE;
    this.size[list]!--;
  }

  total(): number {
    const s = this.size;
    return s[0]! + s[1]! + s[2]! + s[3]!;
  }
}
