import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE } from '../mm/constants';
import type { Mm } from '../mm/mm';
import { PG_DIRTY, PG_WRITEBACK } from '../mm/objects';

/** Pages of one node by LRU list and state (the node's lruvec counters in the kernel). */
export interface NodeCounts {
  inactiveAnon: number;
  activeAnon: number;
  inactiveFile: number;
  activeFile: number;
  dirty: number;
  writeback: number;
}

/**
 * Count node `n`'s pages, optionally only those charged to the memcgs whose
 * index is set in `memcgs`. The model keeps LRUs per memcg, not per node,
 * so this walks the node's frames: a read costs O(node frames) (README).
 */
export function nodeCounts(mm: Mm, n: number, memcgs: Uint8Array | null = null): NodeCounts {
  const ft = mm.ft;
  const c: NodeCounts = { inactiveAnon: 0, activeAnon: 0, inactiveFile: 0, activeFile: 0, dirty: 0, writeback: 0 };
  const lists = [0, 0, 0, 0];
  // Frames past touchedEnd were never handed out: free, and their fields unwritten.
  for (let f = ft.base[n]!, end = ft.touchedEnd(n); f < end; f++) {
    const l = ft.list[f]!;
    if (l > LRU_ACTIVE_FILE) continue;
    if (memcgs !== null && memcgs[ft.lv[f]!] !== 1) continue;
    lists[l]!++;
    if (l >= LRU_INACTIVE_FILE) {
      const o = mm.objects[ft.obj[f]!];
      const st = o ? o.state[ft.idx[f]!]! : 0;
      if (st & PG_DIRTY) c.dirty++;
      if (st & PG_WRITEBACK) c.writeback++;
    }
  }
  c.inactiveAnon = lists[LRU_INACTIVE_ANON]!;
  c.activeAnon = lists[LRU_ACTIVE_ANON]!;
  c.inactiveFile = lists[LRU_INACTIVE_FILE]!;
  c.activeFile = lists[LRU_ACTIVE_FILE]!;
  return c;
}
