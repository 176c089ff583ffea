import type { Cgroup } from '../cgroup/cgroup';
import { NR_LRU_LISTS, PAGE_COUNTER_MAX } from '../mm/constants';
import type { Lruvec } from '../mm/lruvec';
import { NR_EV } from '../mm/stats';
import { MEMCG_EVENTS, type MemcgEvent } from '../mm/stats';

/**
 * A memory cgroup: page counters (hierarchical usage, as page_counter does),
 * limits and protection in pages, its own lruvec, local vm event counters
 * and memory.events. `index` is the id stored per page (charged memcg).
 */
export class Memcg {
  readonly children: Memcg[] = [];
  /** Local vm event counters (EV indices); memory.stat sums the subtree. */
  readonly ev = new Float64Array(NR_EV);
  /** memory.events (hierarchical) and memory.events.local. */
  readonly events = new Float64Array(MEMCG_EVENTS.length);
  readonly eventsLocal = new Float64Array(MEMCG_EVENTS.length);

  max = PAGE_COUNTER_MAX;
  high = PAGE_COUNTER_MAX;
  low = 0;
  min = 0;
  swapMax = PAGE_COUNTER_MAX;
  /** v1 memory.soft_limit_in_bytes, in pages. */
  softLimit = PAGE_COUNTER_MAX;
  oomGroup = false;
  /** v1 memory.swappiness; -1 = follow vm.swappiness. */
  swappiness = -1;

  /** page_counter usage including descendants (memory.current), and its watermark. */
  usage = 0;
  peak = 0;
  swap = 0;
  swapPeak = 0;
  /** v1 memory.failcnt: charges that hit the limit. */
  failcnt = 0;

  // Local (this group's own pages) resident counts.
  anon = 0;
  file = 0;
  fileDirty = 0;
  fileWriteback = 0;

  /** Effective protection from the last reclaim's calculation (emin/elow). */
  emin = 0;
  elow = 0;

  /** This group and its descendants, parents before children (kept as an array: reclaim walks it constantly). */
  readonly subtree: Memcg[] = [this];

  constructor(
    readonly index: number,
    readonly cg: Cgroup,
    readonly parent: Memcg | null,
    readonly lruvec: Lruvec,
  ) {
    parent?.children.push(this);
    for (let g = parent; g !== null; g = g.parent) g.subtree.push(this);
  }

  get isRoot(): boolean {
    return this.parent === null;
  }

  /** memcg_memory_event(): counts in this group and every ancestor below the root; .local here only. */
  event(e: MemcgEvent): void {
    const i = MEMCG_EVENTS.indexOf(e);
    this.eventsLocal[i]!++;
    if (this.isRoot) return;
    this.events[i]!++;
    for (let m = this.parent; m !== null && !m.isRoot; m = m.parent) m.events[i]!++;
  }

  eventCount(e: MemcgEvent, local = false): number {
    return (local ? this.eventsLocal : this.events)[MEMCG_EVENTS.indexOf(e)]!;
  }

  /** The subtree, parents before children. */
  walk(): readonly Memcg[] {
    return this.subtree;
  }

  /** Sum of a local event counter over the subtree (hierarchical memory.stat). */
  evTotal(i: number): number {
    const t = this.subtree;
    let s = 0;
    for (let k = 0; k < t.length; k++) s += t[k]!.ev[i]!;
    return s;
  }

  /** Sum of a local field over the subtree. */
  sum(get: (m: Memcg) => number): number {
    let s = 0;
    for (const m of this.subtree) s += get(m);
    return s;
  }

  /** Pages on one LRU list over the subtree (memcg lruvec statistics are hierarchical). */
  lruTotal(lru: number): number {
    const t = this.subtree;
    let s = 0;
    for (let k = 0; k < t.length; k++) s += t[k]!.lruvec.size[lru]!;
    return s;
  }

  /** Pages on one LRU list of node `node` over the subtree. */
  lruTotalNode(lru: number, node: number): number {
    const t = this.subtree;
    const at = node * NR_LRU_LISTS + lru;
    let s = 0;
    for (let k = 0; k < t.length; k++) s += t[k]!.lruvec.nodeSize[at]!;
    return s;
  }

  /** Pages on all LRU lists over the subtree. */
  lruAll(): number {
    const t = this.subtree;
    let s = 0;
    for (let k = 0; k < t.length; k++) s += t[k]!.lruvec.total();
    return s;
  }
}
