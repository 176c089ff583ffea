import { releaseAtLeast } from '../../scenario/kernel-versions';
import type { Memcg } from '../memcg/memcg';
import { PAGE_COUNTER_MAX } from './constants';
import type { Mm } from './mm';
import type { MemObject } from './objects';
import { EV } from './stats';
import { ZPOOL_MAX_PER_PAGE, ZSWAP_COST_NS, type ZswapSpec } from './zswap-params';

const PAGE = 4096;
/** Frame-table marker of a frame the zswap pool holds (not on an LRU, not movable). */
export const FRAME_ZSWAP = -3;

/** tryStore() outcome: the page went to the device (rejected). */
export const ZSWAP_REJECT = -1;
/** tryStore() outcome: rejected and memory.zswap.writeback is 0: the page stays in memory (AOP_WRITEPAGE_ACTIVATE). */
export const ZSWAP_KEEP = -2;

/** Per-object entry tables: sequence number of the page's entry (0 = none) and its compressed size. */
interface Entries {
  seq: Uint32Array;
  bytes: Uint16Array;
}

/** Per-memcg zswap state (local to the group; files sum the subtree). */
interface ZMemcg {
  bytes: number;
  stored: number;
  /** Pages charged to memory.current for `bytes` (obj_cgroup_charge_zswap). */
  charged: number;
  /** memory.zswap.max, pages. */
  max: number;
  /** memory.zswap.writeback. */
  writeback: boolean;
  zswpin: number;
  zswpout: number;
  zswpwb: number;
}

/**
 * zswap (mm/zswap.c): a compressed cache in RAM in front of the swap device.
 * Reclaim hands it an anon page it is swapping out (swap_writepage →
 * zswap_store); a stored page costs ⌈4096 / ratio⌉ bytes of pool instead of
 * a device write. The pool takes real frames (counted as used memory and
 * charged to the page's memcg), grows to max_pool_percent of RAM, and when
 * full either writes back its oldest entries to the device (the shrink
 * worker, 5.6+, until the pool is under accept_threshold_percent; before
 * 5.6 synchronously, one entry per store) or rejects. A swap-in of a
 * stored page is a decompression instead of a device read (zswap_load;
 * exclusive loads: the entry is freed).
 */
export class Zswap {
  enabled: boolean;
  maxPoolPercent: number;
  compressor: ZswapSpec['compressor'];
  zpool: ZswapSpec['zpool'];
  acceptThresholdPercent: number;
  shrinkerEnabled: boolean;
  /** Model: compression ratio of stored pages. */
  readonly ratio: number;

  /** Compressed bytes stored (zsmalloc: size-class packed, modelled as exact). */
  private poolBytes = 0;
  /** Frames the pool holds. */
  private readonly frames: number[] = [];
  storedPages = 0;
  // debugfs counters (mm/zswap.c: zswap_debugfs_init).
  poolLimitHit = 0;
  rejectReclaimFail = 0;
  rejectAllocFail = 0;
  rejectKmemcacheFail = 0;
  rejectCompressFail = 0;
  rejectCompressPoor = 0;
  writtenBackPages = 0;
  /** zswap_pool_reached_full: after a limit hit, reject until the pool is below the accept threshold. */
  private reachedFull = false;
  private shrinkQueued = false;
  /** CPU time of the shrink worker (kernel thread, kept apart like kswapd's). */
  workerCpuNs = 0;

  private readonly entries = new Map<number, Entries>();
  /** The zswap LRU: (object id, page, seq) triples, oldest first; stale triples are skipped. */
  private lru = new Int32Array(3 * 1024);
  private head = 0;
  private tail = 0;
  private nextSeq = 1;
  private readonly mc: ZMemcg[] = [];
  /** 5.6+: reject at the limit and let the shrink worker write back (45190f01dd40, allocation hysteresis). */
  private readonly asyncShrink: boolean;
  /** 6.8+: memory.zswap.writeback, zswpwb. */
  readonly writebackControl: boolean;
  /** 5.19+: Zswap/Zswapped in meminfo, zswpin/zswpout in vmstat, memcg accounting ("mm: zswap: add basic meminfo and vmstat coverage"). */
  readonly countersShown: boolean;

  constructor(
    private readonly mm: Mm,
    spec: ZswapSpec,
  ) {
    this.enabled = spec.enabled;
    this.maxPoolPercent = spec.maxPoolPercent;
    this.compressor = spec.compressor;
    this.zpool = spec.zpool;
    this.acceptThresholdPercent = spec.acceptThresholdPercent;
    this.shrinkerEnabled = spec.shrinkerEnabled;
    this.ratio = spec.ratio;
    const v = mm.k.scenario.kernel.version;
    this.asyncShrink = releaseAtLeast(v, [5, 6, 0]);
    this.writebackControl = releaseAtLeast(v, [6, 8, 0]);
    this.countersShown = releaseAtLeast(v, [5, 19, 0]);
  }

  /** zswap_total_pages(): frames of the pool. */
  get poolPages(): number {
    return this.frames.length;
  }

  memcg(m: Memcg): ZMemcg {
    for (let i = this.mc.length; i <= m.index; i++) {
      this.mc.push({ bytes: 0, stored: 0, charged: 0, max: PAGE_COUNTER_MAX, writeback: true, zswpin: 0, zswpout: 0, zswpwb: 0 });
    }
    return this.mc[m.index]!;
  }

  /** Sum of `f` over `m` and its descendants (memory.stat, memory.zswap.current). */
  subtree(m: Memcg, f: (z: ZMemcg) => number): number {
    let s = 0;
    for (const g of m.subtree) s += f(this.memcg(g));
    return s;
  }

  /** Sum of `f` over every memcg (/proc/vmstat). */
  total(f: (z: ZMemcg) => number): number {
    let s = 0;
    for (const z of this.mc) s += f(z);
    return s;
  }

  /** max_pool_percent of RAM (zswap_max_pages). */
  private maxPages(): number {
    return Math.floor((this.mm.totalPages * this.maxPoolPercent) / 100);
  }

  private acceptPages(): number {
    return Math.floor((this.maxPages() * this.acceptThresholdPercent) / 100);
  }

  /** Compressed size of one page with the configured ratio, at least 1/max-per-page of a pool page. */
  private entryBytes(): number {
    return Math.min(PAGE, Math.max(Math.ceil(PAGE / this.ratio), Math.ceil(PAGE / ZPOOL_MAX_PER_PAGE[this.zpool])));
  }

  /** mem_cgroup_zswap_writeback_enabled(): every ancestor must allow it. */
  private writebackAllowed(m: Memcg): boolean {
    if (!this.writebackControl) return true;
    for (let g: Memcg | null = m; g !== null; g = g.parent) if (!this.memcg(g).writeback) return false;
    return true;
  }

  /** obj_cgroup_may_zswap(): below memory.zswap.max at every non-root level. */
  private mayZswap(m: Memcg): boolean {
    for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) {
      const max = this.memcg(g).max;
      if (max === PAGE_COUNTER_MAX) continue;
      if (max === 0 || Math.floor(this.subtree(g, (z) => z.bytes) / PAGE) >= max) return false;
    }
    return true;
  }

  /** zswap_check_limits() (5.6+): the hysteresis between max_pool_percent and accept_threshold_percent. */
  private checkLimits(): boolean {
    const cur = this.poolPages;
    if (cur >= this.maxPages()) {
      this.poolLimitHit++;
      this.reachedFull = true;
    } else if (this.reachedFull && cur <= this.acceptPages()) {
      this.reachedFull = false;
    }
    return this.reachedFull;
  }

  private reject(m: Memcg): number {
    if (this.asyncShrink && this.reachedFull) this.queueShrink();
    return this.writebackAllowed(m) ? ZSWAP_REJECT : ZSWAP_KEEP;
  }

  /**
   * swap_writepage() → zswap_store() for anon page `p` of `o`, charged to
   * `m`, being swapped out from node `node`: the CPU time of the
   * compression (charged to the reclaimer) when stored, else ZSWAP_REJECT
   * (write it to the device) or ZSWAP_KEEP.
   */
  tryStore(o: MemObject, p: number, m: Memcg, node: number): number {
    if (!this.enabled) return this.writebackAllowed(m) ? ZSWAP_REJECT : ZSWAP_KEEP;
    let ns = 0;
    if (!this.mayZswap(m)) return this.reject(m);
    if (this.asyncShrink) {
      if (this.checkLimits()) return this.reject(m);
    } else if (this.poolPages > this.maxPages()) {
      // zswap_is_full() → zswap_shrink() before 5.6: write back the oldest entry first, synchronously.
      this.poolLimitHit++;
      const wb = this.writebackOne();
      if (wb < 0) {
        this.rejectReclaimFail++;
        return this.reject(m);
      }
      ns += wb;
    }
    const bytes = this.entryBytes();
    if (!this.growPool(bytes, node)) {
      this.rejectAllocFail++;
      return this.reject(m);
    }
    let e = this.entries.get(o.id);
    if (e === undefined) {
      e = { seq: new Uint32Array(o.pages), bytes: new Uint16Array(o.pages) };
      this.entries.set(o.id, e);
    }
    const seq = this.nextSeq++;
    e.seq[p] = seq;
    e.bytes[p] = bytes;
    this.pushLru(o.id, p, seq);
    this.storedPages++;
    const z = this.memcg(m);
    z.bytes += bytes;
    z.stored++;
    z.zswpout++;
    this.recharge(m, z);
    return ns + ZSWAP_COST_NS[this.compressor].compress;
  }

  /** zswap_load(): decompress page `p` of `o` if stored; its CPU time, or -1 when the page is on the device. */
  load(o: MemObject, p: number): number {
    const e = this.entries.get(o.id);
    if (e === undefined || e.seq[p] === 0) return -1;
    const m = this.mm.memcgs[o.evictedMemcg[p]! - 1]!;
    this.memcg(m).zswpin++;
    this.invalidate(o, p);
    return ZSWAP_COST_NS[this.compressor].decompress;
  }

  /** zswap_invalidate(): the swap slot of page `p` is freed (swap-in done, or the region unmapped). */
  invalidate(o: MemObject, p: number): void {
    const e = this.entries.get(o.id);
    if (e === undefined || e.seq[p] === 0) return;
    const m = this.mm.memcgs[o.evictedMemcg[p]! - 1]!;
    const bytes = e.bytes[p]!;
    e.seq[p] = 0;
    e.bytes[p] = 0;
    this.storedPages--;
    const z = this.memcg(m);
    z.bytes -= bytes;
    z.stored--;
    this.recharge(m, z);
    this.shrinkPool(bytes);
  }

  /** Keep memory.current in step with the group's compressed bytes (obj_cgroup_charge_zswap: charging must succeed). */
  private recharge(m: Memcg, z: ZMemcg): void {
    const want = Math.ceil(z.bytes / PAGE);
    const d = want - z.charged;
    if (d > 0) this.mm.commitCharge(m, d);
    else if (d < 0) this.mm.uncharge(m, -d);
    z.charged = want;
  }

  private growPool(bytes: number, node: number): boolean {
    const need = Math.ceil((this.poolBytes + bytes) / PAGE) - this.frames.length;
    const ft = this.mm.ft;
    for (let i = 0; i < need; i++) {
      let f = ft.allocOn(node);
      for (let nd = 0; f < 0 && nd < ft.nrNodes; nd++) f = ft.allocOn(nd);
      if (f < 0) return false;
      ft.obj[f] = FRAME_ZSWAP;
      this.frames.push(f);
    }
    this.poolBytes += bytes;
    return true;
  }

  private shrinkPool(bytes: number): void {
    this.poolBytes -= bytes;
    const keep = Math.ceil(this.poolBytes / PAGE);
    while (this.frames.length > keep) this.mm.ft.release(this.frames.pop()!);
  }

  private pushLru(obj: number, p: number, seq: number): void {
    if (this.tail + 3 > this.lru.length) {
      const live = this.lru.subarray(this.head, this.tail);
      const next = new Int32Array(Math.max(3 * 1024, live.length * 2));
      next.set(live);
      this.lru = next;
      this.tail -= this.head;
      this.head = 0;
    }
    this.lru[this.tail++] = obj;
    this.lru[this.tail++] = p;
    this.lru[this.tail++] = seq;
  }

  /**
   * zswap_writeback_entry() for the oldest live entry whose memcg allows
   * writeback: decompress it into a page, write it to the swap device
   * (async), free the entry. The page stays swapped out. Returns the CPU
   * time, or -1 when no entry can be written back.
   */
  private writebackOne(): number {
    const mm = this.mm;
    let skipped = 0;
    while (this.head < this.tail) {
      const obj = this.lru[this.head]!;
      const p = this.lru[this.head + 1]!;
      const seq = this.lru[this.head + 2]! >>> 0;
      this.head += 3;
      const o = mm.objects[obj];
      const e = this.entries.get(obj);
      if (!o || e === undefined || e.seq[p] !== seq) continue;
      const m = mm.memcgs[o.evictedMemcg[p]! - 1]!;
      if (!this.writebackAllowed(m)) {
        // Skipped (shrink_memcg() ignores the group): keep it, at the young end.
        this.pushLru(obj, p, seq);
        if (++skipped > this.storedPages) return -1;
        continue;
      }
      this.invalidate(o, p);
      this.writtenBackPages++;
      this.memcg(m).zswpwb++;
      m.ev[EV.pswpout]!++;
      m.ev[EV.pgpgout]!++;
      mm.swapIo.swapOut(1, m.cg);
      return ZSWAP_COST_NS[this.compressor].decompress;
    }
    return -1;
  }

  /** shrink_worker() (queued at a limit hit): write back until the pool is at the accept threshold. */
  private queueShrink(): void {
    if (this.shrinkQueued) return;
    this.shrinkQueued = true;
    this.mm.k.engine.after(10_000, () => {
      this.shrinkQueued = false;
      const thr = this.acceptPages();
      while (this.poolPages > thr) {
        const ns = this.writebackOne();
        if (ns < 0) {
          this.rejectReclaimFail++;
          break;
        }
        this.workerCpuNs += ns;
      }
    });
  }
}
