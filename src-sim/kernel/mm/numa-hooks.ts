import type { Memcg } from '../memcg/memcg';
import type { Task } from '../task';
import type { MemObject } from './objects';

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
  /** Page `p` of `o` entered (+1) or left (−1) frame `f`, charged to `m` (per-node counters). */
  account(o: MemObject, p: number, f: number, m: Memcg, delta: 1 | -1): void;
  /** How much slower the task's memory-touching CPU work runs for where its pages sit (≥ 1; the access cost model). */
  slowdown(task: Task): number;
  /** CPU time NUMA balancing spent for the task (scans, hint faults, migrations) since the last call. */
  takeOverheadNs(task: Task): number;
}
