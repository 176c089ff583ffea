import type { Memcg } from '../memcg/memcg';
import type { Task } from '../task';
import type { MemObject } from './objects';
import type { OomScope } from './oom';

/**
 * What the NUMA subsystem (src-sim/kernel/numa) plugs into the memory model
 * on a machine with more than one node. Null on one-node machines, where
 * every frame comes from node 0's free list and nothing is counted per node.
 */
export interface NumaMmHooks {
  /**
   * Take a frame for page `p` of `o` on the node the memory policy and the
   * fallback order choose (get_page_from_freelist over the zonelist);
   * -1 when no node has a free frame.
   */
  allocFrame(o: MemObject, p: number): number;
  /** Page `p` of `o` entered (+1) or left (−1) frame `f`, charged to `m` (per-node counters); a huge page's 512 pages enter at once (+512, `f` its first frame). */
  account(o: MemObject, p: number, f: number, m: Memcg, delta: number): void;
  /**
   * The nodes an allocation by `task` may take frames from, in the order it
   * tries them: the local zonelist ∩ cpuset.mems, restricted to the nodemask
   * of a bind policy (policy_nodemask(): only MPOL_BIND constrains the
   * allocator; interleave and preferred fall back like default).
   */
  allocNodes(task: Task | null): readonly number[];
  /**
   * The nodes a fault on huge page `index` of a MAP_HUGETLB mapping of
   * `task` tries, in order (mm/hugetlb.c: dequeue_hugetlb_folio_vma() with
   * huge_node(): the policy's node, interleave by huge-page offset, its
   * zonelist; a bind mask is a hard nodemask, other policies fall back to
   * any node of cpuset.mems).
   */
  hugetlbOrder(task: Task, index: number): readonly number[];
  /** The zonelist of the task's local node (memcg limit reclaim walks it). */
  localZonelist(task: Task | null): readonly number[];
  /** mm/oom_kill.c: constrained_alloc(): the OOM domain of an allocation that failed on `nodes`. */
  oomScope(task: Task | null, nodes: readonly number[]): OomScope;
  /** How much slower the task's memory-touching CPU work runs for where its pages sit (≥ 1; the access cost model). */
  slowdown(task: Task): number;
  /** CPU time NUMA balancing spent for the task (scans, hint faults, migrations) since the last call. */
  takeOverheadNs(task: Task): number;
}
