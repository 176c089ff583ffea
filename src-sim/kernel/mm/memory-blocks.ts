/**
 * Memory blocks and memory hot-plug (drivers/base/memory.c,
 * mm/memory_hotplug.c): the machine's RAM cut into blocks of
 * `block_size_bytes`, each online in ZONE_NORMAL or ZONE_MOVABLE, offline,
 * or absent (hot-removed, or never added). The files are in
 * memory-hotplug-files.ts; this is the state and the operations.
 */
import { KernelError } from '../../vfs/errors';
import { emitUevent } from '../hotplug/uevent';
import { memoryBlockLayout } from './memory-block-layout';
import type { Mm } from './mm';

/** CPU cost of migrating one page while offlining (copy + remap), the compaction model's figure. */
const MIGRATE_PAGE_NS = 800;

export { memoryBlockSize } from './memory-block-layout';

export type BlockState = 'online' | 'offline' | 'absent';
export type BlockZone = 'Normal' | 'Movable';
/** mm/memory_hotplug.c: mhp_online_type_from_str(). */
export type OnlineType = 'online' | 'online_kernel' | 'online_movable';
export const ONLINE_TYPES: readonly string[] = ['offline', 'online', 'online_kernel', 'online_movable'];

export interface MemoryBlock {
  /** phys_index: first pfn / pages per block; the N of memoryN. */
  readonly id: number;
  readonly node: number;
  /** Pages of physical memory the block spans on its node. */
  readonly pages: number;
  /** Pages of the node's memmap (reserved at boot by memblock) inside the block: never movable. */
  readonly reserved: number;
  /** Frame range [lo, hi) of the FrameTable that the block's usable pages are. */
  readonly lo: number;
  readonly hi: number;
  state: BlockState;
  zone: BlockZone;
  /** The zone it was last online in (MMOP_ONLINE puts it back there). */
  onlinedBefore: boolean;
}

export class MemoryBlocks {
  readonly blockBytes: number;
  readonly blockPages: number;
  readonly blocks: MemoryBlock[] = [];
  /** /sys/devices/system/memory/auto_online_blocks (CONFIG_MHP_DEFAULT_ONLINE_TYPE_OFFLINE: "offline"). */
  autoOnline: 'offline' | OnlineType = 'offline';
  /** Pages migrated away by offlining (counted in pgmigrate_success). */
  migrated = 0;
  /** Per node: pages present / managed in ZONE_MOVABLE. */
  readonly movablePresent: number[];
  readonly movableManaged: number[];
  /** Per node: ZONE_MOVABLE was ever populated (zoneinfo keeps showing it, as the zone's span stays). */
  readonly movableSpanned: boolean[];
  /** Called after every block state change (the files follow it). */
  onChange: (b: MemoryBlock) => void = () => undefined;

  constructor(private readonly mm: Mm) {
    const nodes = mm.k.scenario.machine.numa.nodes;
    const layout = memoryBlockLayout(nodes);
    this.blockBytes = layout.blockBytes;
    this.blockPages = this.blockBytes / 4096;
    this.movablePresent = nodes.map(() => 0);
    this.movableManaged = nodes.map(() => 0);
    this.movableSpanned = nodes.map(() => false);
    for (const p of layout.blocks) {
      // The node's frames start after its memmap (mm.ts: managed = present − memmap).
      const z = mm.zones[p.node]!;
      const memmap = z.present - z.managed;
      const base = mm.ft.base[p.node]!;
      const lo = base + Math.max(0, p.offset - memmap);
      const hi = base + Math.max(0, p.offset + p.pages - memmap);
      this.blocks.push({ id: p.id, node: p.node, pages: p.pages, reserved: p.reserved, lo, hi, state: 'online', zone: 'Normal', onlinedBefore: true });
    }
  }

  byId(id: number): MemoryBlock | undefined {
    return this.blocks.find((b) => b.id === id);
  }

  /** Whether frame f lies in an online ZONE_MOVABLE block. */
  inMovable(f: number): boolean {
    for (const b of this.blocks) if (f >= b.lo && f < b.hi) return b.zone === 'Movable' && b.state === 'online';
    return false;
  }

  /** valid_zones: the zone of an online block; for an offline one, the zones it could go to (default first). */
  validZones(b: MemoryBlock): string {
    if (b.state === 'online') return b.zone;
    // A block holding boot memmap can only be kernel memory.
    if (b.reserved > 0) return 'Normal';
    return b.onlinedBefore && b.zone === 'Movable' ? 'Movable Normal' : 'Normal Movable';
  }

  /**
   * mm/memory_hotplug.c: online_pages(): the block's frames join the node's
   * free list in the zone `type` picks; present/managed pages, MemTotal and
   * the watermarks grow (setup_per_zone_wmarks).
   */
  online(b: MemoryBlock, type: OnlineType): void {
    const zone: BlockZone = type === 'online_movable' ? 'Movable' : type === 'online_kernel' ? 'Normal' : b.onlinedBefore ? b.zone : 'Normal';
    if (zone === 'Movable' && b.reserved > 0) throw new KernelError('EINVAL', '', 'the block holds boot memmap, which can only be in ZONE_NORMAL');
    const mm = this.mm;
    mm.ft.onlineRange(b.lo, b.hi);
    b.state = 'online';
    b.zone = zone;
    b.onlinedBefore = true;
    this.account(b, 1);
    emitUevent(mm.k, { ACTION: 'online', DEVPATH: `/devices/system/memory/memory${b.id}`, SUBSYSTEM: 'memory' });
    this.onChange(b);
  }

  /**
   * mm/memory_hotplug.c: offline_pages(): EBUSY when the block has pages
   * that cannot move (has_unmovable_pages: memmap reserved at boot, pinned
   * or kernel memory); otherwise isolate the block's free pages, migrate
   * every used page elsewhere (do_migrate_range → migrate_pages), and take
   * the block's pages out of the zone.
   */
  offline(b: MemoryBlock): { migrated: number; costNs: number } {
    const mm = this.mm;
    const ft = mm.ft;
    if (b.reserved > 0) throw new KernelError('EBUSY', '', `memory${b.id} holds ${b.reserved} reserved pages (boot memmap)`);
    let used = 0;
    for (let f = b.lo; f < b.hi; f++) {
      if (ft.isFree(f)) continue;
      used++;
      const id = ft.obj[f]!;
      const o = id >= 0 ? mm.objects[id] : null;
      if (!o) throw new KernelError('EBUSY', '', `memory${b.id}: frame ${f} is not an LRU page (being compacted or collapsed)`);
      if (o.unmovable) throw new KernelError('EBUSY', '', `memory${b.id} holds unmovable (pinned) pages`);
    }
    // Room for the migrated pages above the min watermarks of the other blocks' free pages.
    let room = 0;
    for (const z of mm.zones) room += Math.max(0, ft.nrFreeNode[z.node]! - z.wm.min);
    const freeInside = b.hi - b.lo - used;
    if (used > room - freeInside) throw new KernelError('ENOMEM', '', `memory${b.id}: no room elsewhere for its ${used} used pages`);
    ft.isolateRange(b.node, b.lo, b.hi);
    let migrated = 0;
    const order = [b.node, ...mm.nodeIds.filter((n) => n !== b.node)];
    for (let f = b.lo; f < b.hi; f++) {
      const id = ft.obj[f]!;
      if (id < 0) continue;
      const o = mm.objects[id]!;
      // alloc_migration_target(): the page's node first, then the others (by number, not distance).
      const nd = order.find((n) => ft.nrFreeNode[n]! > 0);
      if (nd === undefined) return mm.k.engine.fail('mm', `memory${b.id}: no free frame to migrate to`);
      const to = ft.allocOn(nd);
      // Pages under writeback are waited for (MIGRATE_SYNC) and moved; the wait is not modelled.
      mm.movePage(o, ft.idx[f]!, to, true);
      ft.retire(f);
      migrated++;
    }
    this.migrated += migrated;
    b.state = 'offline';
    this.account(b, -1);
    emitUevent(mm.k, { ACTION: 'offline', DEVPATH: `/devices/system/memory/memory${b.id}`, SUBSYSTEM: 'memory' });
    this.onChange(b);
    return { migrated, costNs: migrated * MIGRATE_PAGE_NS };
  }

  /** add_memory(): an absent block appears, offline, then onlined as auto_online_blocks says. */
  add(b: MemoryBlock): void {
    b.state = 'offline';
    b.onlinedBefore = false;
    b.zone = 'Normal';
    emitUevent(this.mm.k, { ACTION: 'add', DEVPATH: `/devices/system/memory/memory${b.id}`, SUBSYSTEM: 'memory' });
    this.onChange(b);
    if (this.autoOnline !== 'offline') this.online(b, this.autoOnline);
  }

  /** remove_memory(): an offline block goes away (try_remove_memory refuses an online one with EBUSY). */
  remove(b: MemoryBlock): void {
    if (b.state === 'online') throw new KernelError('EBUSY', '', `memory${b.id} is online`);
    b.state = 'absent';
    emitUevent(this.mm.k, { ACTION: 'remove', DEVPATH: `/devices/system/memory/memory${b.id}`, SUBSYSTEM: 'memory' });
    this.onChange(b);
  }

  /** Present/managed pages, MemTotal and watermarks after a block came (+1) or went (−1). */
  private account(b: MemoryBlock, sign: 1 | -1): void {
    const mm = this.mm;
    const z = mm.zones[b.node]!;
    const frames = b.hi - b.lo;
    z.present += sign * b.pages;
    z.managed += sign * frames;
    mm.totalPages += sign * frames;
    if (b.zone === 'Movable') {
      this.movablePresent[b.node]! += sign * b.pages;
      this.movableManaged[b.node]! += sign * frames;
      this.movableSpanned[b.node] = true;
    }
    mm.setupWatermarks();
  }

  /** Free frames of node `n` in online ZONE_MOVABLE blocks (zoneinfo's Movable "pages free"). */
  movableFree(n: number): number {
    let c = 0;
    for (const b of this.blocks) {
      if (b.node !== n || b.zone !== 'Movable' || b.state !== 'online') continue;
      for (let f = b.lo; f < b.hi; f++) if (this.mm.ft.isFree(f)) c++;
    }
    return c;
  }

  /**
   * A frame for a page that may not live in ZONE_MOVABLE (pinned or kernel
   * memory: GFP without __GFP_MOVABLE). `f` is what the allocator gave;
   * when it is in a movable block it goes back, and a free frame of an
   * online Normal block is taken instead: on f's node first, searching down
   * from the node's top (a cursor per node, so a run of pinned pages costs
   * O(frames) in all), then the other nodes. −1 when no Normal frame is free.
   */
  kernelFrame(f: number): number {
    if (f < 0 || !this.inMovable(f)) return f;
    const ft = this.mm.ft;
    const node = ft.nodeOf(f);
    ft.release(f);
    for (const n of [node, ...this.mm.nodeIds.filter((x) => x !== node)]) {
      const g = this.scanNormal(n);
      if (g >= 0) return ft.takeFree(n, g);
    }
    return -1;
  }

  private readonly cursor = new Map<number, number>();

  private scanNormal(n: number): number {
    const ft = this.mm.ft;
    const lo = ft.base[n]!;
    const top = ft.base[n + 1]! - 1;
    const from = this.cursor.get(n) ?? top;
    for (const [a, b] of [[from, lo], [top, from + 1]] as const) {
      for (let g = a; g >= b; g--) {
        const blk = this.blockOf(g);
        if (blk === undefined || blk.state !== 'online' || blk.zone !== 'Normal') {
          if (blk !== undefined) g = blk.lo;
          continue;
        }
        if (ft.isFree(g)) {
          this.cursor.set(n, g - 1 < lo ? top : g - 1);
          return g;
        }
      }
    }
    return -1;
  }

  private blockOf(f: number): MemoryBlock | undefined {
    return this.blocks.find((b) => f >= b.lo && f < b.hi);
  }

}
