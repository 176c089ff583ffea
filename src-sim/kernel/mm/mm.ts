import { Hugetlb } from './hugetlb';
import type { Rng } from '../../engine/rng';
import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { Memcg } from '../memcg/memcg';
import type { MemoryApi } from './api';
import { FixedSwapIo, type SwapIo } from './swap-io';
import { FixedLatencyStore } from './backing-store';
import {
  COST,
  DEF_PRIORITY,
  DEFAULT_SWAPPINESS,
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  MAX_RECLAIM_RETRIES,
  NR_LRU_LISTS,
  STRUCT_PAGE_BYTES,
  SWAP_CLUSTER_MAX,
} from './constants';
import { FrameTable } from './frames';
import type { MemoryBlocks } from './memory-blocks';
import type { NumaMmHooks } from './numa-hooks';
import { Lruvec } from './lruvec';
import { MemObject, PageArrayArena, PG_DIRTY, PG_REFERENCED, PG_SHADOW, PG_SWAPPED, PG_WORKINGSET, PG_WRITEBACK } from './objects';
import { oomKill, type OomScope } from './oom';
import { PageCache } from './page-cache';
import { PageIdle } from './page-idle';
import { Reclaimer, type ReclaimResult } from './reclaim';
import { EV } from './stats';
import { taskMm } from './task-mm';
import { Thp } from './thp';
import { defaultMinFreeKbytes, zoneWatermarks, type Watermarks } from './watermarks';
import type { Zswap } from './zswap';
import type { Balloon } from './balloon';

/** One zone (one per NUMA node: ZONE_NORMAL; see README). */
export interface Zone {
  node: number;
  present: number;
  managed: number;
  wm: Watermarks;
}

/** What granting pages to a task cost, and whether it may go on. */
export interface Grant {
  ok: boolean;
  /** CPU time spent in direct/limit reclaim (a 'mem' stall). */
  reclaimNs: number;
  /** The requesting task was chosen by the OOM killer. */
  selfKilled: boolean;
}

/** mapPage() result bits (a number, so the per-page path allocates nothing). */
export const MAP_REFAULT = 1;
/** Refault of a page that was part of the workingset (PSI counts the wait as memory stall). */
export const MAP_WORKINGSET = 2;

/**
 * Physical memory, LRU lists, memcg charging, kswapd and the allocator's
 * watermarks: the state every memory model shares.
 */
export class Mm implements MemoryApi {
  readonly ft: FrameTable;
  readonly objects: (MemObject | null)[] = [];
  /** Per-page arrays of small objects come from shared buffers (objects.ts: PageArrayArena). */
  private readonly pageArrays = new PageArrayArena();
  readonly memcgs: Memcg[] = [];
  readonly zones: Zone[];
  /** totalram_pages(): managed pages (a balloon without deflate-on-oom takes its pages out, adjust_managed_page_count; memory hot-plug adds and removes blocks). */
  totalPages: number;
  readonly rng: Rng;
  readonly reclaim: Reclaimer;
  readonly pageCache: PageCache;
  readonly store: FixedLatencyStore;
  readonly swapStore: FixedLatencyStore;
  /** Swap-in/out I/O: the fixed-speed store, or bios on machine.swap.device (writeback/install.ts). */
  swapIo: SwapIo;
  private readonly engine: Kernel['engine'];
  /** Transparent huge pages and compaction. */
  readonly thp: Thp;
  readonly hugetlb: Hugetlb;
  /** Idle page tracking (PG_idle, /sys/kernel/mm/page_idle/bitmap). */
  readonly pageIdle: PageIdle;
  /** Set by the NUMA subsystem on machines with more than one node (per-node placement and counters). */
  numa: NumaMmHooks | null = null;
  /** The compressed swap cache (kernel.zswap in the scenario, i.e. CONFIG_ZSWAP); null without it. */
  zswap: Zswap | null = null;
  /** The virtio balloon (machine.balloon); null without one. */
  balloon: Balloon | null = null;
  /** register_oom_notifier(): pages freed instead of a global OOM kill (virtio_balloon deflate-on-oom); null = none. */
  oomNotify: (() => number) | null = null;
  /** Memory blocks and hot-plug (memory-hotplug-files.ts sets it at install). */
  memoryBlocks: MemoryBlocks | null = null;

  // Sysctls (vm.*).
  swappiness = DEFAULT_SWAPPINESS;
  minFreeKbytes: number;
  watermarkScaleFactor = 10;
  vfsCachePressure = 100;
  overcommitMemory = 0;
  overcommitRatio = 50;
  /** vm_committed_as: pages of private anonymous mappings (committed at mmap, not at fault). */
  committedPages = 0;
  panicOnOom = 0;
  oomKillAllocatingTask = 0;
  oomDumpTasks = 1;
  pageCluster = 3;
  /** Simulator knob vm.lab_soft_limit_policy (v1 soft-limit reclaim variant). */
  softLimitPolicy: 'largest-excess' | 'round-robin' = 'largest-excess';
  /** Next group's turn in round-robin soft-limit reclaim. */
  softLimitTurn = 0;

  wmin = 0;
  wlow = 0;
  whigh = 0;
  readonly swapTotal: number;
  swapUsed = 0;

  /** The task whose behaviour is running now (the OOM killer does not exit it under its feet). */
  current: Task | null = null;
  /** Node ids 0..N-1 (the order reclaim walks when no zonelist is given). */
  readonly nodeIds: readonly number[];
  // One kswapd per node (mm/vmscan.c: kswapd(pgdat)), each with its own priority and failure count.
  private readonly kswapdActive: boolean[];
  private readonly kswapdPriority: number[];
  readonly kswapdFailures: Int32Array;
  kswapdCpuNs = 0;
  /** CPU time of each node's kswapd. */
  readonly kswapdNodeCpuNs: Float64Array;
  /** vmstat counters that are not per-memcg. */
  pageoutrun = 0;
  oomNoVictim = 0;
  lastNoVictimLogNs = -1;

  constructor(readonly k: Kernel) {
    const s = k.scenario;
    this.engine = k.engine;
    this.rng = k.rng.fork('mm');
    // Each node's frames minus its memmap (struct page array) are managed pages.
    this.zones = s.machine.numa.nodes.map((n, node) => {
      const present = Math.floor(n.memoryBytes / 4096);
      const managed = present - Math.ceil((present * STRUCT_PAGE_BYTES) / 4096);
      return { node, present, managed, wm: { min: 0, low: 0, high: 0, promo: 0 } };
    });
    this.totalPages = this.zones.reduce((a, z) => a + z.managed, 0);
    this.minFreeKbytes = defaultMinFreeKbytes(this.totalPages);
    this.setupWatermarks();
    this.ft = new FrameTable(this.zones.map((z) => z.managed));
    const nodes = this.zones.length;
    this.nodeIds = this.zones.map((z) => z.node);
    this.kswapdActive = Array.from({ length: nodes }, () => false);
    this.kswapdPriority = Array.from({ length: nodes }, () => DEF_PRIORITY);
    this.kswapdFailures = new Int32Array(nodes);
    this.kswapdNodeCpuNs = new Float64Array(nodes);
    this.swapTotal = s.machine.swap ? Math.floor(s.machine.swap.sizeBytes / 4096) : 0;
    this.store = new FixedLatencyStore(k.engine);
    const sw = s.machine.swap;
    // Swap on a device has no fixed speed (latency/bandwidth 0): the device model serves it once the block layer plugs in.
    const fixed = sw !== null && sw.device === null;
    this.swapStore = new FixedLatencyStore(k.engine, fixed ? sw.latencyNs : 100_000, fixed ? sw.bandwidthBytesPerSec : 500e6);
    this.swapIo = new FixedSwapIo(this.swapStore);
    this.reclaim = new Reclaimer(this);
    this.thp = new Thp(this);
    this.hugetlb = new Hugetlb(this);
    this.pageIdle = new PageIdle(this);
    this.pageCache = new PageCache(this, s.files);
  }

  get now(): number {
    return this.k.engine.now;
  }

  get nowSec(): number {
    return this.engine.now * 1e-9;
  }

  /** mm/page_alloc.c: setup_per_zone_wmarks() over every zone; the allocator checks the sums. */
  setupWatermarks(): void {
    let min = 0;
    let low = 0;
    let high = 0;
    for (const z of this.zones) {
      z.wm = zoneWatermarks(z.managed, this.totalPages, this.minFreeKbytes, this.watermarkScaleFactor);
      min += z.wm.min;
      low += z.wm.low;
      high += z.wm.high;
    }
    this.wmin = min;
    this.wlow = low;
    this.whigh = high;
  }

  /** mm/page_alloc.c: adjust_managed_page_count(): zone managed pages and totalram_pages (watermarks are not recomputed). */
  adjustManagedPages(node: number, delta: number): void {
    this.zones[node]!.managed += delta;
    this.totalPages += delta;
  }

  /** totalreserve_pages: high watermarks (lowmem_reserve is 0 with one zone per node). */
  get totalReserve(): number {
    return this.whigh;
  }

  nrFree(): number {
    return this.ft.nrFree;
  }

  // ---- memcgs -------------------------------------------------------------

  addMemcg(cg: Cgroup): Memcg {
    const parent = cg.parent ? this.memcgOf(cg.parent) : null;
    const m = new Memcg(this.memcgs.length, cg, parent, new Lruvec(this.memcgs.length, this.ft));
    this.memcgs.push(m);
    cg.mem = m;
    return m;
  }

  memcgOf(cg: Cgroup): Memcg {
    const m = cg.mem;
    if (!(m instanceof Memcg)) return this.k.engine.fail('mm', `cgroup ${cg.path} has no memcg`);
    return m;
  }

  get rootMemcg(): Memcg {
    return this.memcgs[0]!;
  }

  memcgUsage(cg: Cgroup): number {
    return this.memcgOf(cg).usage;
  }

  swappinessOf(m: Memcg): number {
    return this.k.scenario.cgroupVersion === 1 && m.swappiness >= 0 ? m.swappiness : this.swappiness;
  }

  /** Swap slots this group may still use (mem_cgroup_get_nr_swap_pages). */
  swapRoom(m: Memcg): number {
    let room = this.swapTotal - this.swapUsed;
    for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) room = Math.min(room, g.swapMax - g.swap);
    return Math.max(0, room);
  }

  // ---- objects ------------------------------------------------------------

  /** mm/util.c: vm_commit_limit(): overcommit_ratio % of RAM plus swap (overcommit_kbytes is not modelled). */
  commitLimit(): number {
    return Math.floor((this.totalPages * this.overcommitRatio) / 100) + this.swapTotal;
  }

  /**
   * mm/util.c: __vm_enough_memory() for a private anonymous mapping of
   * `pages`: always (OVERCOMMIT_ALWAYS, 1); unless it alone exceeds RAM +
   * swap (OVERCOMMIT_GUESS, 0); within the commit limit (OVERCOMMIT_NEVER, 2).
   */
  mayCommit(pages: number): boolean {
    if (this.overcommitMemory === 1) return true;
    if (this.overcommitMemory === 0) return pages <= this.totalPages + this.swapTotal;
    return this.committedPages + pages <= this.commitLimit();
  }

  newObject(file: boolean, pages: number, owner: Task | null): MemObject {
    const o = new MemObject(this.objects.length, file, pages, owner, this.pageArrays);
    if (!file) this.committedPages += pages;
    this.objects.push(o);
    if (owner) taskMm(owner).objects.push(o);
    return o;
  }

  /** Free every page of an object and forget it (munmap / exit). */
  freeObject(o: MemObject): void {
    this.thp.unmapAll(o);
    for (let p = 0; p < o.pages; p++) {
      const f = o.frameOf(p);
      if (f >= 0) this.dropResident(o, p, f);
      if (o.state[p]! & PG_SWAPPED) this.releaseSwap(o, p);
      o.state[p] = 0;
    }
    if (!o.file && this.objects[o.id] === o) this.committedPages -= o.pages;
    this.objects[o.id] = null;
  }

  /** Unmap a resident page and free its frame (no shadow: the data is gone). */
  private dropResident(o: MemObject, p: number, f: number): void {
    if (o.hugeMapped > 0) this.thp.split(o, p);
    const m = this.memcgs[this.ft.lv[f]!]!;
    this.lruvecOfFrame(f).remove(f);
    this.unaccountResident(o, p, m);
    if (this.numa) this.numa.account(o, p, f, m, -1);
    o.clearFrame(p);
    o.resident--;
    o.markNonResident(p);
    this.ft.release(f);
    m.ev[EV.pgfree]!++;
    this.uncharge(m, 1);
  }

  lruvecOfFrame(f: number): Lruvec {
    return this.memcgs[this.ft.lv[f]!]!.lruvec;
  }


  private unaccountResident(o: MemObject, p: number, m: Memcg): void {
    const st = o.state[p]!;
    if (o.file) {
      m.file--;
      if (st & PG_DIRTY) this.pageCache.accountDirty(o, m, -1);
      if (st & PG_WRITEBACK) this.pageCache.accountWriteback(o, m, -1);
    } else {
      m.anon--;
    }
  }

  releaseSwap(o: MemObject, p: number): void {
    if (this.zswap) this.zswap.invalidate(o, p);
    o.state[p] = o.state[p]! & ~PG_SWAPPED;
    o.swapped--;
    this.swapUsed--;
    const m = this.memcgs[o.evictedMemcg[p]! - 1]!;
    for (let g: Memcg | null = m; g !== null; g = g.parent) g.swap--;
  }

  // ---- charging -----------------------------------------------------------

  /** Charge `n` pages that must succeed (page_counter_charge, e.g. zswap's pool in PF_MEMALLOC context). */
  commitCharge(m: Memcg, n: number): void {
    for (let g: Memcg | null = m; g !== null; g = g.parent) {
      g.usage += n;
      if (g.usage > g.peak) g.peak = g.usage;
    }
  }

  uncharge(m: Memcg, n: number): void {
    for (let g: Memcg | null = m; g !== null; g = g.parent) g.usage -= n;
  }

  /** Pages `m` may still charge before it or an ancestor reaches memory.max. */
  chargeRoom(m: Memcg): number {
    let room = Infinity;
    for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) room = Math.min(room, g.max - g.usage);
    return room;
  }

  /** The nearest group whose memory.max `n` more pages would exceed. */
  private overLimit(m: Memcg, n: number): Memcg | null {
    let found: Memcg | null = null;
    for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) if (g.usage + n > g.max) found ??= g;
    return found;
  }

  /**
   * mm/memcontrol.c: try_charge(): reclaim the group over memory.max, retry
   * up to MAX_RECLAIM_RETRIES no-progress rounds, then the memcg OOM killer.
   */
  tryCharge(task: Task | null, m: Memcg, n: number): Grant {
    let reclaimNs = 0;
    let retries = MAX_RECLAIM_RETRIES;
    for (let guard = 0; guard < 10_000; guard++) {
      const over = this.overLimit(m, n);
      if (over === null) {
        this.commitCharge(m, n);
        if (task) this.noteOverHigh(task, m, n);
        return { ok: true, reclaimNs, selfKilled: false };
      }
      over.event('max');
      over.failcnt++;
      const r = this.reclaim.memcgReclaim(over, Math.max(n, SWAP_CLUSTER_MAX), true, this.numa ? this.numa.localZonelist(task ?? this.current) : this.nodeIds);
      reclaimNs += this.reclaim.costNs(r);
      if (over.max - over.usage >= n) continue;
      // Small charges retry while reclaim makes progress (PAGE_ALLOC_COSTLY_ORDER = 3).
      if (r.reclaimed > 0 && n <= 8) continue;
      if (retries-- > 0) continue;
      over.event('oom');
      const killed = this.outOfMemory({ memcg: over }, task, 'memcg');
      if (killed === 'none') return { ok: false, reclaimNs, selfKilled: false };
      if (killed === 'self') return { ok: false, reclaimNs, selfKilled: true };
      retries = MAX_RECLAIM_RETRIES;
    }
    return { ok: false, reclaimNs, selfKilled: false };
  }

  /** try_charge()'s tail: remember pages charged while some ancestor is above memory.high. */
  private noteOverHigh(task: Task, m: Memcg, n: number): void {
    for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) {
      if (g.usage > g.high) {
        taskMm(task).overHigh += n;
        return;
      }
    }
  }

  /**
   * Room for `n` frames against the zone watermarks: wake kswapd below low;
   * below min the caller reclaims directly (allocstall), up to
   * MAX_RECLAIM_RETRIES no-progress rounds, then the global OOM killer.
   */
  reserveFrames(task: Task | null, n: number): Grant {
    if (this.numa) return this.reserveOnNodes(task, n);
    let reclaimNs = 0;
    const free = this.ft.nrFree;
    if (free - n >= this.wlow) return { ok: true, reclaimNs, selfKilled: false };
    this.wakeKswapd();
    if (free - n >= this.wmin) return { ok: true, reclaimNs, selfKilled: false };
    let retries = MAX_RECLAIM_RETRIES;
    const m = task ? this.memcgOf(task.cgroup) : this.rootMemcg;
    for (let guard = 0; guard < 10_000; guard++) {
      m.ev[EV.allocstall]!++;
      const r = this.reclaim.globalReclaim(Math.max(n, SWAP_CLUSTER_MAX), false);
      reclaimNs += this.reclaim.costNs(r);
      if (r.reclaimed > 0) this.kswapdFailures[0] = 0;
      if (this.ft.nrFree - n >= this.wmin) return { ok: true, reclaimNs, selfKilled: false };
      if (r.reclaimed > 0) continue;
      // should_reclaim_retry(): no point retrying when even reclaiming everything reclaimable would not reach min.
      if (retries-- > 0 && this.ft.nrFree + this.reclaimablePages() - n >= this.wmin) continue;
      const killed = this.outOfMemory({ memcg: null }, task, 'global');
      if (killed === 'self') return { ok: false, reclaimNs, selfKilled: true };
      if (killed === 'none') return { ok: this.ft.nrFree >= n, reclaimNs, selfKilled: false };
      retries = MAX_RECLAIM_RETRIES;
    }
    return { ok: this.ft.nrFree >= n, reclaimNs, selfKilled: false };
  }

  /**
   * The multi-node allocator (mm/page_alloc.c: __alloc_pages()): the fast
   * path takes frames above the low watermark of any node the allocation
   * may use (the policy's nodemask, cpuset.mems); the slow path wakes the
   * kswapd of each of those nodes that is below its high watermark
   * (wake_all_kswapds), takes frames above min, then reclaims directly on
   * those nodes only and finally runs an OOM killer constrained to them
   * (constrained_alloc()). A bind policy therefore never spills onto
   * other nodes.
   */
  private reserveOnNodes(task: Task | null, n: number): Grant {
    const numa = this.numa!;
    const who = task ?? this.current;
    const nodes = numa.allocNodes(who);
    let reclaimNs = 0;
    if (this.freeAbove(nodes, 'low') >= n) return { ok: true, reclaimNs, selfKilled: false };
    for (const nd of nodes) if (this.ft.nrFreeNode[nd]! < this.zones[nd]!.wm.high) this.wakeKswapd(nd);
    if (this.freeAbove(nodes, 'min') >= n) return { ok: true, reclaimNs, selfKilled: false };
    let retries = MAX_RECLAIM_RETRIES;
    const m = task ? this.memcgOf(task.cgroup) : this.rootMemcg;
    for (let guard = 0; guard < 10_000; guard++) {
      m.ev[EV.allocstall]!++;
      const r = this.reclaim.globalReclaim(Math.max(n, SWAP_CLUSTER_MAX), false, nodes);
      reclaimNs += this.reclaim.costNs(r);
      if (r.reclaimed > 0) for (const nd of nodes) this.kswapdFailures[nd] = 0;
      if (this.freeAbove(nodes, 'min') >= n) return { ok: true, reclaimNs, selfKilled: false };
      if (r.reclaimed > 0) continue;
      if (retries-- > 0 && this.freeAbove(nodes, 'min') + this.reclaimablePages(nodes) >= n) continue;
      const killed = this.outOfMemory(numa.oomScope(who, nodes), task, 'global');
      if (killed === 'self') return { ok: false, reclaimNs, selfKilled: true };
      if (killed === 'none') return { ok: this.freeAbove(nodes, 'none') >= n, reclaimNs, selfKilled: false };
      retries = MAX_RECLAIM_RETRIES;
    }
    return { ok: this.freeAbove(nodes, 'none') >= n, reclaimNs, selfKilled: false };
  }

  /** Free frames of `nodes` above each node's watermark (`none`: all free frames). */
  freeAbove(nodes: readonly number[], mark: 'low' | 'min' | 'none'): number {
    let s = 0;
    for (const nd of nodes) {
      const w = mark === 'none' ? 0 : this.zones[nd]!.wm[mark];
      s += Math.max(0, this.ft.nrFreeNode[nd]! - w);
    }
    return s;
  }

  /** zone_reclaimable_pages(): file LRU pages, plus anon when swap has room. */
  reclaimablePages(nodes: readonly number[] | null = null): number {
    let file = 0;
    let anon = 0;
    for (const m of this.memcgs) {
      if (nodes === null) {
        const sz = m.lruvec.size;
        file += sz[LRU_INACTIVE_FILE]! + sz[LRU_ACTIVE_FILE]!;
        anon += sz[LRU_INACTIVE_ANON]! + sz[LRU_ACTIVE_ANON]!;
        continue;
      }
      const sz = m.lruvec.nodeSize;
      for (const nd of nodes) {
        const b = nd * NR_LRU_LISTS;
        file += sz[b + LRU_INACTIVE_FILE]! + sz[b + LRU_ACTIVE_FILE]!;
        anon += sz[b + LRU_INACTIVE_ANON]! + sz[b + LRU_ACTIVE_ANON]!;
      }
    }
    return file + (this.swapTotal - this.swapUsed > 0 ? anon : 0);
  }

  /** Charge then reserve frames for `n` new pages of `task` (or the kernel when null). */
  grant(task: Task | null, m: Memcg, n: number): Grant {
    const c = this.tryCharge(task, m, n);
    if (!c.ok) return c;
    const r = this.reserveFrames(task, n);
    if (!r.ok) this.uncharge(m, n);
    return { ok: r.ok, reclaimNs: c.reclaimNs + r.reclaimNs, selfKilled: r.selfKilled };
  }

  /** Run the OOM killer; 'self' when the current task was the victim. */
  outOfMemory(scope: OomScope, task: Task | null, reason: 'memcg' | 'global'): 'self' | 'other' | 'none' {
    // mm/oom_kill.c: out_of_memory(): the OOM notifiers run first for a global OOM; freed pages mean retry.
    if (scope.memcg === null && this.oomNotify !== null && this.oomNotify() > 0) return 'other';
    const victims = oomKill(this, scope, reason, task);
    if (victims.length === 0) {
      this.oomNoVictim++;
      return 'none';
    }
    return task !== null && victims.includes(task) ? 'self' : 'other';
  }

  // ---- pages --------------------------------------------------------------

  /**
   * Put page `p` of `o` in a (reserved, charged) frame on `m`'s inactive
   * list, or the active list when its shadow says it is a recent refault
   * (mm/workingset.c: workingset_refault()).
   */
  mapPage(o: MemObject, p: number, m: Memcg, fresh = false): number {
    let f = this.numa ? this.numa.allocFrame(o, p) : this.ft.alloc();
    // Pinned/kernel pages are not __GFP_MOVABLE: they may not sit in ZONE_MOVABLE.
    if (o.unmovable && this.memoryBlocks) f = this.memoryBlocks.kernelFrame(f);
    if (f < 0) this.k.engine.fail('mm', 'no free frame for a reserved page');
    return this.mapPageAt(o, p, m, f, fresh);
  }

  /**
   * mapPage(o, p, m, true) of the never-touched anon page that
   * pickNonResident() just picked (o.pickedNeverTouched(p)), on a machine
   * without NUMA placement and for a movable object: the first-touch fault
   * of a working set. Its state is zero, so there is no refault to check
   * and nothing to read or write in `state`; the fault index only shrinks
   * the bucket's non-resident part. Same effect as the general path, less
   * work per page (≈ 12.6 M of these fill mm-scale's working sets).
   */
  mapFreshAnon(o: MemObject, p: number, m: Memcg): void {
    const ft = this.ft;
    const f = ft.alloc();
    if (f < 0) this.k.engine.fail('mm', 'no free frame for a reserved page');
    ft.obj[f] = o.id;
    ft.idx[f] = p;
    // A frame's flags start clear when it is handed out (PG_idle included).
    this.pageIdle.clear(f);
    o.setFrame(p, f);
    o.resident++;
    o.takePickedFresh();
    m.anon++;
    m.ev[EV.pgalloc]!++;
    m.lruvec.addHead(LRU_INACTIVE_ANON, f, this.nowSec);
  }

  /**
   * mapFreshAnon() of n first-touch picks in a row from bucket b of `o`
   * whose touched part is empty (o.nv[b] = 0): pages freshTop(b),
   * freshTop(b) − 1, … in that order. While the free list is empty their
   * frames are consecutive (the bump allocator), so the frame table is
   * written as runs and the n LRU links in one pass (addHeadBlock: the list
   * n addHead calls would leave); otherwise frame by frame. Same state as n
   * mapFreshAnon() calls (test/src-sim/workload/memory/tick-picks.test.ts).
   */
  mapFreshAnonRun(o: MemObject, b: number, n: number, m: Memcg): void {
    const ft = this.ft;
    const top = o.freshTop(b);
    const first = ft.allocRun(0, n);
    if (first >= 0) {
      o.setFrameRun(top, n, first, ft.obj, ft.idx);
      this.pageIdle.clearRun(first, n);
      m.lruvec.addHeadBlock(LRU_INACTIVE_ANON, first, n, this.nowSec);
    } else {
      for (let i = 0; i < n; i++) {
        const f = ft.alloc();
        if (f < 0) this.k.engine.fail('mm', 'no free frame for a reserved page');
        const page = o.permAt(top - i);
        ft.obj[f] = o.id;
        ft.idx[f] = page;
        this.pageIdle.clear(f);
        o.setFrame(page, f);
        m.lruvec.addHead(LRU_INACTIVE_ANON, f, this.nowSec);
      }
    }
    o.resident += n;
    o.takeFreshRun(b, n);
    m.anon += n;
    m.ev[EV.pgalloc]! += n;
  }

  /**
   * mapPage() into frame `f`, already taken off the free lists (a subpage of
   * a huge page). `fresh`: the page's state is known to be zero (never
   * touched), so it is neither read nor rewritten with zero.
   */
  mapPageAt(o: MemObject, p: number, m: Memcg, f: number, fresh = false): number {
    this.ft.obj[f] = o.id;
    this.ft.idx[f] = p;
    // A frame's flags start clear when it is handed out (PG_idle included).
    this.pageIdle.clear(f);
    const st = fresh ? 0 : o.state[p]!;
    let list = o.file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
    let refault = false;
    let workingset = false;
    if (st & PG_SHADOW) {
      refault = true;
      const evictM = this.memcgs[o.evictedMemcg[p]! - 1] ?? m;
      m.ev[o.file ? EV.workingset_refault_file : EV.workingset_refault_anon]!++;
      if (this.reclaim.refaultIsRecent(evictM, o.file, o.shadow[p]!)) {
        list = o.file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON;
        this.ageNonresident(m.lruvec, 1);
        m.ev[o.file ? EV.workingset_activate_file : EV.workingset_activate_anon]!++;
        if (st & PG_WORKINGSET) {
          workingset = true;
          m.ev[o.file ? EV.workingset_restore_file : EV.workingset_restore_anon]!++;
          this.reclaim.noteCost(m, o.file, 1);
        }
      }
    }
    if (!fresh) o.state[p] = (st & ~(PG_SHADOW | PG_REFERENCED | PG_WORKINGSET)) | (workingset ? PG_WORKINGSET : 0);
    o.setFrame(p, f);
    o.resident++;
    o.markResident(p);
    if (o.file) m.file++;
    else m.anon++;
    m.ev[EV.pgalloc]!++;
    m.lruvec.addHead(list, f, this.nowSec);
    if (this.numa) this.numa.account(o, p, f, m, 1);
    return (refault ? MAP_REFAULT : 0) | (workingset ? MAP_WORKINGSET : 0);
  }

  /** workingset_age_nonresident(): the lruvec and its ancestors age together. */
  ageNonresident(lv: Lruvec, n: number): void {
    for (let g: Memcg | null = this.memcgs[lv.id]!; g !== null; g = g.parent) g.lruvec.nonresidentAge = (g.lruvec.nonresidentAge + n) >>> 0;
  }

  /**
   * Reclaim took page `p` of `o` out of frame `f`: store a shadow entry (and
   * swap the content out for anon), uncharge, free the frame.
   */
  evictPage(o: MemObject, p: number, f: number, m: Memcg): void {
    if (o.hugeMapped > 0) this.thp.split(o, p);
    const lv = m.lruvec;
    lv.remove(f);
    o.shadow[p] = lv.nonresidentAge;
    this.ageNonresident(lv, 1);
    this.unaccountResident(o, p, m);
    if (this.numa) this.numa.account(o, p, f, m, -1);
    const keep = o.state[p]! & (PG_WORKINGSET | PG_SWAPPED);
    o.state[p] = keep | PG_SHADOW;
    o.evictedMemcg[p] = m.index + 1;
    if (!o.file) {
      o.state[p]! |= PG_SWAPPED;
      o.swapped++;
      this.swapUsed++;
      for (let g: Memcg | null = m; g !== null; g = g.parent) {
        g.swap++;
        if (g.swap > g.swapPeak) g.swapPeak = g.swap;
      }
    }
    o.clearFrame(p);
    o.resident--;
    o.markNonResident(p);
    this.ft.release(f);
    m.ev[EV.pgfree]!++;
    this.uncharge(m, 1);
  }

  /**
   * migrate_pages() for one page: page `p` of `o` moves into the free frame
   * `to` (taken by the caller), keeping its LRU list, memcg and state; the
   * old frame is freed (kept off the free lists with `keep`: compaction
   * captures it). The copy's CPU cost is the caller's to account.
   */
  movePage(o: MemObject, p: number, to: number, keep = false): void {
    if (o.hugeMapped > 0) this.thp.split(o, p);
    const f = o.frameOf(p);
    const ft = this.ft;
    const m = this.memcgs[ft.lv[f]!]!;
    const lv = this.lruvecOfFrame(f);
    const list = ft.list[f]!;
    const time = ft.time[f]!;
    lv.remove(f);
    if (this.numa) this.numa.account(o, p, f, m, -1);
    ft.obj[to] = o.id;
    ft.idx[to] = p;
    lv.addHead(list, to, time);
    this.pageIdle.move(f, to);
    o.setFrame(p, to);
    if (this.numa) this.numa.account(o, p, to, m, 1);
    if (keep) ft.obj[f] = -2;
    else ft.release(f);
  }

  /** Activate a resident page (folio_activate via mark_page_accessed). */
  activate(o: MemObject, p: number): void {
    const f = o.frameOf(p);
    const list = this.ft.list[f]!;
    if (list !== LRU_INACTIVE_ANON && list !== LRU_INACTIVE_FILE) return;
    const lv = this.lruvecOfFrame(f);
    lv.remove(f);
    lv.addHead(list + 1, f, this.nowSec);
    this.memcgs[lv.id]!.ev[EV.pgactivate]!++;
    this.ageNonresident(lv, 1);
  }

  /**
   * mm/swap.c: folio_mark_accessed() for a page-cache hit: inactive,
   * unreferenced → referenced; inactive, referenced → active; active → referenced.
   */
  markAccessed(o: MemObject, p: number): void {
    // folio_mark_accessed() also clears PG_idle (mm/swap.c).
    this.pageIdle.clear(o.frameOf(p));
    const st = o.state[p]!;
    if (!(st & PG_REFERENCED)) {
      o.state[p] = st | PG_REFERENCED;
      return;
    }
    const list = this.ft.list[o.frameOf(p)]!;
    if (list === LRU_INACTIVE_FILE || list === LRU_INACTIVE_ANON) {
      this.activate(o, p);
      o.state[p] = st & ~PG_REFERENCED;
    }
  }

  // ---- tasks --------------------------------------------------------------

  taskRss(task: Task): number {
    let n = 0;
    for (const o of taskMm(task).objects) n += o.resident;
    return n;
  }

  taskSwap(task: Task): number {
    let n = 0;
    for (const o of taskMm(task).objects) n += o.swapped;
    return n;
  }

  /** exit_mmap(): free everything the task holds (idempotent). */
  releaseTask(task: Task): void {
    const tm = taskMm(task);
    for (const o of tm.objects) if (this.objects[o.id] === o) this.freeObject(o);
    tm.objects.length = 0;
    this.hugetlb.releaseTask(task);
    this.kswapdFailures.fill(0);
  }

  // ---- kswapd -------------------------------------------------------------

  /** wakeup_kswapd() for node `node` (a hopeless node, kswapd_failures ≥ MAX_RECLAIM_RETRIES, is left to direct reclaim). */
  wakeKswapd(node = 0): void {
    if (this.kswapdActive[node] || this.kswapdFailures[node]! >= MAX_RECLAIM_RETRIES) return;
    this.kswapdActive[node] = true;
    this.pageoutrun++;
    this.k.engine.after(1000, () => this.kswapdRun(node));
  }

  /** One pass of balance_pgdat() of node `node`'s kswapd: reclaim that node until its free pages reach its high watermark. */
  private kswapdRun(node: number): void {
    const free = this.ft.nrFreeNode[node]!;
    const high = this.zones[node]!.wm.high;
    if (free >= high) {
      this.kswapdActive[node] = false;
      this.kswapdPriority[node] = DEF_PRIORITY;
      return;
    }
    const want = Math.max(high - free, SWAP_CLUSTER_MAX);
    const r: ReclaimResult = this.reclaim.kswapdPass(want, this.kswapdPriority[node]!, node);
    const cost = this.reclaim.costNs(r);
    this.kswapdCpuNs += cost;
    this.kswapdNodeCpuNs[node]! += cost;
    if (r.reclaimed >= SWAP_CLUSTER_MAX) {
      this.kswapdFailures[node] = 0;
    } else if (this.kswapdPriority[node]! > 0) {
      this.kswapdPriority[node]!--;
    } else {
      // A full-priority pass freed (almost) nothing: kswapd_failures.
      this.kswapdFailures[node]!++;
      this.kswapdPriority[node] = DEF_PRIORITY;
      if (this.kswapdFailures[node]! >= MAX_RECLAIM_RETRIES) {
        this.kswapdActive[node] = false;
        return;
      }
    }
    this.k.engine.after(Math.max(cost, 10_000), () => this.kswapdRun(node));
  }

  /** Clean up a page cost estimate for faults that allocate `n` pages. */
  static faultNs(n: number): number {
    return n * COST.minorFaultNs;
  }
}
