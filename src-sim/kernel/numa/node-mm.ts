import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import type { Memcg } from '../memcg/memcg';
import type { Mm } from '../mm/mm';
import type { NumaMmHooks } from '../mm/numa-hooks';
import { LRU_INACTIVE_FILE, NR_LRU_LISTS } from '../mm/constants';
import { HPAGE_PMD_NR } from '../mm/frames';
import type { OomScope } from '../mm/oom';
import { PG_DIRTY, PG_WRITEBACK, type MemObject } from '../mm/objects';
import { taskMm, type TaskMm, type TaskNuma } from '../mm/task-mm';
import type { Task } from '../task';
import type { NumaBalancing } from './balancing';
import { placePage, policyNodes, type Placement } from './mempolicy';
import { LOCAL_DISTANCE, type NumaTopology } from './topology';

/** include/linux/vmstat.h: enum numa_stat_item, in /sys/devices/system/node/nodeN/numastat order. */
export const NUMA_HIT = 0;
export const NUMA_MISS = 1;
export const NUMA_FOREIGN = 2;
export const NUMA_INTERLEAVE_HIT = 3;
export const NUMA_LOCAL = 4;
export const NUMA_OTHER = 5;
export const NR_NUMA_STAT = 6;

/**
 * Model parameter, not a kernel constant: the share (percent) of a
 * memory-touching task's CPU time that waits on DRAM when all of it is
 * local. Remote latency scales with distance / LOCAL_DISTANCE
 * (include/linux/topology.h: "a distance of 32 means 3.2× the local
 * latency"), so at SLIT 20 a fully remote task runs this much slower.
 * Exposed as /proc/sys/vm/lab_numa_mem_stall_pct.
 */
export const DEFAULT_MEM_STALL_PCT = 25;

/**
 * Per-node memory state on a multi-node machine: placement of new pages by
 * memory policy, cpuset.mems and watermarks; per-node allocation counters;
 * per-object page counts per node (for the access cost and NUMA balancing).
 */
export class NodeMm implements NumaMmHooks {
  /** numastat counters, [node * NR_NUMA_STAT + item]. */
  readonly stat: Float64Array;
  /** /sys/kernel/mm/mempolicy/weighted_interleave/nodeN (1..255, default 1). */
  readonly weights: number[];
  /** vm.zone_reclaim_mode (mm/vmscan.c: RECLAIM_ZONE 1, RECLAIM_WRITE 2, RECLAIM_UNMAP 4). */
  zoneReclaimMode = 0;
  /** Node pages reclaimed by node_reclaim() (zone_reclaim_success in the kernel's vmstat). */
  zoneReclaimSuccess = 0;
  zoneReclaimFailed = 0;
  memStallPct = DEFAULT_MEM_STALL_PCT;
  /** cpuset.mems as written per cgroup (null = inherit); written through setMems(). */
  readonly mems = new Map<Cgroup, number[] | null>();
  /** cpuset.mems writes so far: a task's cached cpuset.mems.effective (TaskNuma.mems) is as of one of them. */
  private memsEpoch = 0;
  /** Whether the per-task answers in TaskNuma are kept (false: computed every call; the tests compare the two). */
  taskCaches = true;
  private readonly allNodes: number[];

  constructor(
    readonly k: Kernel,
    readonly mm: Mm,
    readonly topo: NumaTopology,
  ) {
    this.stat = new Float64Array(topo.nrNodes * NR_NUMA_STAT);
    this.weights = Array.from({ length: topo.nrNodes }, () => 1);
    this.allNodes = Array.from({ length: topo.nrNodes }, (_, i) => i);
  }

  /** cpuset.mems.effective: the requested nodes ∩ the parent's effective, else the parent's. */
  memsEffective(cg: Cgroup): number[] {
    const parent = cg.parent ? this.memsEffective(cg.parent) : this.allNodes;
    const req = this.mems.get(cg) ?? null;
    if (req === null) return parent;
    const eff = req.filter((n) => parent.includes(n));
    return eff.length > 0 ? eff : parent;
  }

  /** Write cgroup `cg`'s cpuset.mems (null: inherit the parent's). */
  setMems(cg: Cgroup, nodes: number[] | null): void {
    this.mems.set(cg, nodes);
    this.memsEpoch++;
  }

  /**
   * memsEffective(task.cgroup), kept per task until it moves to another
   * cgroup or any cpuset.mems is written (a page-cache read maps each page
   * through allocFrame(): no walk up the hierarchy per page).
   */
  private taskMems(task: Task, c: TaskNuma): readonly number[] {
    if (c.memsCg !== task.cgroup || c.memsEpoch !== this.memsEpoch || !this.taskCaches) {
      c.mems = this.memsEffective(task.cgroup);
      c.memsCg = task.cgroup;
      c.memsEpoch = this.memsEpoch;
    }
    return c.mems;
  }

  /**
   * placePage() for page `p` of `task` running on node `local`. Every
   * policy but the interleaves places all pages alike, so that answer is
   * kept per task for its (local node, cpuset.mems.effective, policy); the
   * interleaves depend on the page and are computed each time.
   */
  private placement(task: Task, local: number, p: number): Placement {
    const c = taskMm(task).numa;
    const mems = this.taskMems(task, c);
    const policy = task.mempolicy;
    if (policy !== undefined && (policy.mode === 'interleave' || policy.mode === 'weighted-interleave')) return placePage(this.topo, policy, local, p, this.weights, mems);
    if (c.place === null || c.placeLocal !== local || c.placeMems !== mems || c.placePolicy !== policy || !this.taskCaches) {
      c.place = placePage(this.topo, policy, local, p, this.weights, mems);
      c.placeLocal = local;
      c.placeMems = mems;
      c.placePolicy = policy;
    }
    return c.place;
  }

  /** The node of the CPU the task runs on (numa_node_id() in its context). */
  nodeOfTask(task: Task): number {
    return this.topo.nodeOfCpu[this.k.sched.cpuOf(task)] ?? 0;
  }

  allocFrame(o: MemObject, p: number): number {
    const ft = this.mm.ft;
    const task = this.mm.current ?? o.owner;
    const local = task ? this.nodeOfTask(task) : 0;
    const pl = task ? this.placement(task, local, p) : placePage(this.topo, undefined, local, p, this.weights, this.allNodes);
    const zones = this.mm.zones;
    let node = -1;
    // get_page_from_freelist() with ALLOC_WMARK_LOW: the first zone of the zonelist above its low watermark.
    for (const n of pl.order) {
      if (ft.nrFreeNode[n]! - 1 >= zones[n]!.wm.low) {
        node = n;
        break;
      }
      // node_reclaim(): with zone_reclaim_mode set, reclaim on a nearby node before going further.
      if (this.zoneReclaimMode !== 0 && this.topo.distance[local]![n]! <= 30 && this.nodeReclaim(n) && ft.nrFreeNode[n]! - 1 >= zones[n]!.wm.low) {
        node = n;
        break;
      }
    }
    // Slow path: the min watermark, then anything with a free frame.
    if (node < 0) node = pl.order.find((n) => ft.nrFreeNode[n]! - 1 >= zones[n]!.wm.min) ?? -1;
    if (node < 0) node = pl.order.find((n) => ft.nrFreeNode[n]! > 0) ?? -1;
    // Interleave and preferred are not nodemask-constrained (policy_nodemask() is MPOL_BIND only): any node will do.
    // A bind policy never gets here with empty nodes: reserveFrames() reclaimed on them or OOM-killed first.
    if (node < 0 && task?.mempolicy?.mode !== 'bind') node = this.topo.zonelist[pl.preferred]!.find((n) => ft.nrFreeNode[n]! > 0) ?? -1;
    if (node < 0) return -1;
    this.count(pl.preferred, node, local, pl.interleave);
    return ft.allocOn(node);
  }

  /** policyNodes() of the task, kept per task for its (local node, cpuset.mems.effective, policy) like placement(). */
  allocNodes(task: Task | null): readonly number[] {
    if (task === null) return this.allNodes;
    const local = this.nodeOfTask(task);
    const c = taskMm(task).numa;
    const mems = this.taskMems(task, c);
    const policy = task.mempolicy;
    if (c.nodes === null || c.nodesLocal !== local || c.nodesMems !== mems || c.nodesPolicy !== policy || !this.taskCaches) {
      c.nodes = policyNodes(this.topo, policy, local, mems);
      c.nodesLocal = local;
      c.nodesMems = mems;
      c.nodesPolicy = policy;
    }
    return c.nodes;
  }

  hugetlbOrder(task: Task, index: number): readonly number[] {
    const mems = this.memsEffective(task.cgroup);
    const pl = placePage(this.topo, task.mempolicy, this.nodeOfTask(task), index, this.weights, mems);
    if (task.mempolicy?.mode === 'bind') return pl.order;
    const rest = this.topo.zonelist[pl.preferred]!.filter((n) => mems.includes(n) && !pl.order.includes(n));
    return rest.length === 0 ? pl.order : [...pl.order, ...rest];
  }

  localZonelist(task: Task | null): readonly number[] {
    return this.topo.zonelist[task ? this.nodeOfTask(task) : 0]!;
  }

  /**
   * mm/oom_kill.c: constrained_alloc(): a nodemask short of every node with
   * memory is CONSTRAINT_MEMORY_POLICY (tasks whose bind policy misses the
   * mask are spared: mempolicy_in_oom_domain()); nodes cut by cpuset.mems
   * are CONSTRAINT_CPUSET (tasks whose cpuset shares a node are eligible:
   * cpuset_mems_allowed_intersects()). totalpages is then the nodes' present
   * pages plus swap.
   */
  oomScope(task: Task | null, nodes: readonly number[]): OomScope {
    if (task === null || nodes.length === this.topo.nrNodes) return { memcg: null };
    const totalPages = this.mm.swapTotal + nodes.reduce((a, n) => a + this.mm.zones[n]!.present, 0);
    const meets = (ns: readonly number[]): boolean => ns.some((n) => nodes.includes(n));
    if (task.mempolicy?.mode === 'bind') {
      return { memcg: null, constraint: { name: 'CONSTRAINT_MEMORY_POLICY', nodes, totalPages, eligible: (t) => t.mempolicy?.mode !== 'bind' || meets(t.mempolicy.nodes) } };
    }
    return { memcg: null, constraint: { name: 'CONSTRAINT_CPUSET', nodes, totalPages, eligible: (t) => meets(this.memsEffective(t.cgroup)) } };
  }

  /** mm/vmstat.c: zone_statistics(), plus interleave_hit. */
  private count(preferred: number, node: number, local: number, interleave: boolean): void {
    const s = this.stat;
    if (node === preferred) s[node * NR_NUMA_STAT + NUMA_HIT]!++;
    else {
      s[node * NR_NUMA_STAT + NUMA_MISS]!++;
      s[preferred * NR_NUMA_STAT + NUMA_FOREIGN]!++;
    }
    s[node * NR_NUMA_STAT + (node === local ? NUMA_LOCAL : NUMA_OTHER)]!++;
    if (interleave && node === preferred) s[node * NR_NUMA_STAT + NUMA_INTERLEAVE_HIT]!++;
  }

  account(o: MemObject, _p: number, f: number, _m: Memcg, delta: number): void {
    let np = o.nodePages;
    if (np === null) {
      np = new Int32Array(this.topo.nrNodes);
      o.nodePages = np;
    }
    np[this.mm.ft.nodeOf(f)]! += delta;
    if (o.owner !== null) taskMm(o.owner).numa.costNode = -1;
  }

  /**
   * mm/vmscan.c: node_reclaim() with RECLAIM_ZONE: free clean, unmapped page
   * cache of node `n` (oldest first) until the node is above its low
   * watermark. Dirty pages (RECLAIM_WRITE) and anon (RECLAIM_UNMAP) are left alone.
   */
  private nodeReclaim(n: number): boolean {
    const mm = this.mm;
    const ft = mm.ft;
    const want = mm.zones[n]!.wm.high - ft.nrFreeNode[n]!;
    if (want <= 0) return true;
    let freed = 0;
    for (const m of mm.memcgs) {
      freed += this.reclaimCleanFile(m, n, want - freed);
      if (freed >= want) break;
    }
    if (freed > 0) this.zoneReclaimSuccess++;
    else this.zoneReclaimFailed++;
    return freed > 0;
  }

  /** Pages moved between nodes (pgmigrate_success / pgmigrate_fail in /proc/vmstat). */
  pgmigrateSuccess = 0;
  pgmigrateFail = 0;
  /** Automatic NUMA balancing (set at install). */
  balancing: NumaBalancing | null = null;

  /** Event counters at the end of /proc/vmstat. */
  extraVmstat(): string {
    return `${this.balancing?.extraVmstat() ?? ''}pgmigrate_success ${this.pgmigrateSuccess + (this.mm.memoryBlocks?.migrated ?? 0)}\npgmigrate_fail ${this.pgmigrateFail}\n`;
  }

  takeOverheadNs(task: Task): number {
    return this.balancing ? this.balancing.takeOverheadNs(task) : 0;
  }

  /**
   * Move page `p` of `o` to the nearest node of `targets` (from `from`'s
   * zonelist) that has a frame above its min watermark. False when none has.
   */
  migratePage(o: MemObject, p: number, targets: readonly number[], from: number): boolean {
    const ft = this.mm.ft;
    // The first node of the zonelist that is a target and above its min watermark (a loop: no closure per migrated page).
    const zonelist = this.topo.zonelist[from]!;
    const zones = this.mm.zones;
    let dst: number | undefined;
    for (let i = 0; i < zonelist.length; i++) {
      const n = zonelist[i]!;
      if (targets.includes(n) && ft.nrFreeNode[n]! - 1 >= zones[n]!.wm.min) {
        dst = n;
        break;
      }
    }
    if (dst === undefined) {
      this.pgmigrateFail++;
      return false;
    }
    this.mm.movePage(o, p, ft.allocOn(dst));
    this.pgmigrateSuccess++;
    return true;
  }

  /**
   * migrate_misplaced_folio() of the PMD-mapped THP at pages [lo, lo + 512)
   * of `o` to node `dst`: one order-9 folio on that node
   * (alloc_misplaced_dst_folio: __GFP_THISNODE, no reclaim or compaction, so
   * a free 2 MiB block above the min watermark or nothing), the whole folio
   * moved and still mapped huge. A failure counts its 512 pages in
   * pgmigrate_fail (migrate_pages: nr_failed_pages; a NUMA-misplaced large
   * folio is not split to retry).
   */
  migrateExtent(o: MemObject, lo: number, dst: number): boolean {
    const mm = this.mm;
    const ft = mm.ft;
    const first = ft.nrFreeNode[dst]! - HPAGE_PMD_NR >= mm.zones[dst]!.wm.min ? ft.allocBlock(dst) : -1;
    if (first < 0) {
      this.pgmigrateFail += HPAGE_PMD_NR;
      return false;
    }
    const src = ft.nodeOf(o.frameOf(lo));
    mm.thp.moveExtent(o, lo, first);
    const np = o.nodePages!;
    np[src]! -= HPAGE_PMD_NR;
    np[dst]! += HPAGE_PMD_NR;
    if (o.owner !== null) taskMm(o.owner).numa.costNode = -1;
    this.pgmigrateSuccess += HPAGE_PMD_NR;
    return true;
  }

  /** Move every resident page of the task's anon memory that is outside `nodes` into them (cpuset.mems change). */
  migrateTaskTo(task: Task, nodes: readonly number[]): void {
    const ft = this.mm.ft;
    for (const o of taskMm(task).objects) {
      if (o.nodePages === null) continue;
      for (let p = 0; p < o.pages; p++) {
        const f = o.frameOf(p);
        if (f < 0) continue;
        const n = ft.nodeOf(f);
        if (!nodes.includes(n)) this.migratePage(o, p, nodes, n);
      }
    }
  }

  /** Evict up to `want` clean inactive page-cache pages of `m` that sit on node `n`, oldest first. */
  private reclaimCleanFile(m: Memcg, n: number, want: number): number {
    const mm = this.mm;
    const ft = mm.ft;
    let freed = 0;
    // The node's own inactive file list (per-node lruvec).
    let f = m.lruvec.tail[n * NR_LRU_LISTS + LRU_INACTIVE_FILE]!;
    while (f >= 0 && freed < want) {
      const prev = ft.prev[f]!;
      const o = mm.objects[ft.obj[f]!]!;
      const p = ft.idx[f]!;
      if ((o.state[p]! & (PG_DIRTY | PG_WRITEBACK)) === 0) {
        mm.evictPage(o, p, f, m);
        freed++;
      }
      f = prev;
    }
    return freed;
  }


  /**
   * The slowdown of a task's memory-bound work: 1 + stall × Σ_n share_n ×
   * (distance(cpu node, n) / LOCAL_DISTANCE − 1), share_n = the task's
   * resident pages on node n over all its resident pages. The weighted
   * share is kept per task (TaskMm.numaCostNode/numaCostShare) until a page
   * of its objects moves (account(), migrateExtent(), hugetlb faults and
   * unmaps) or it runs on another node's CPU: a working set steps every
   * 10 ms and its pages rarely change in between. Recomputed, it is the same
   * sums in the same order, so cached and uncached results are identical.
   */
  slowdown(task: Task): number {
    const tm = taskMm(task);
    const c = tm.numa;
    const here = this.nodeOfTask(task);
    if (c.costNode !== here || !this.taskCaches) {
      c.costShare = this.remoteShare(tm, here);
      c.costNode = here;
    }
    const share = c.costShare;
    if (Number.isNaN(share)) return 1;
    return 1 + (this.memStallPct / 100) * share;
  }

  /** Σ_n pages_n × (distance(here, n) / LOCAL_DISTANCE − 1) over Σ_n pages_n of the task's objects, then its hugetlb mappings; NaN when it has no resident page. */
  private remoteShare(tm: TaskMm, here: number): number {
    const row = this.topo.distance[here]!;
    let total = 0;
    let weighted = 0;
    for (let pass = 0; pass < 2; pass++) {
      const objects: readonly { nodePages: Int32Array | null }[] = pass === 0 ? tm.objects : tm.hugetlb;
      for (const o of objects) {
        const np = o.nodePages;
        if (np === null) continue;
        for (let n = 0; n < np.length; n++) {
          total += np[n]!;
          weighted += np[n]! * (row[n]! / LOCAL_DISTANCE - 1);
        }
      }
    }
    if (total === 0) return Number.NaN;
    return weighted / total;
  }
}
