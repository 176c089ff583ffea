import type { MemPolicySpec } from '../../scenario/types';
import type { Cgroup } from '../cgroup/cgroup';
import type { Placement } from '../numa/mempolicy';
import type { Task } from '../task';
import type { HugetlbMapping } from './hugetlb';
import type { MemObject } from './objects';

/**
 * What the NUMA subsystem keeps per task on a multi-node machine
 * (src-sim/kernel/numa/node-mm.ts says what invalidates each part): its
 * access cost, its cpuset.mems.effective and the placement of its pages.
 */
export interface TaskNuma {
  /** The node of the CPU the cached access cost was computed for; −1: compute again (pages of its objects entered, left or changed node). */
  costNode: number;
  /** The weighted remote share of its resident pages (NaN: none resident). */
  costShare: number;
  /** cpuset.mems.effective of `memsCg` as of cpuset.mems write number `memsEpoch`. */
  mems: readonly number[];
  memsCg: Cgroup | null;
  memsEpoch: number;
  /** The page-independent placement (not interleave) of `placePolicy` from node `placeLocal` within `placeMems`; null: none yet. */
  place: Placement | null;
  placeLocal: number;
  placeMems: readonly number[] | null;
  placePolicy: MemPolicySpec | undefined;
  /** allocNodes() of the same key (`nodesLocal`, `nodesMems`, `nodesPolicy`); null: none yet. */
  nodes: readonly number[] | null;
  nodesLocal: number;
  nodesMems: readonly number[] | null;
  nodesPolicy: MemPolicySpec | undefined;
}

/** The memory subsystem's per-task state (task.mm). */
export interface TaskMm {
  /** Anonymous regions the task owns. */
  objects: MemObject[];
  /** MAP_HUGETLB mappings the task owns (pool pages, not MemObjects). */
  hugetlb: HugetlbMapping[];
  /** Pages charged while a group was over memory.high, not yet handled (memcg_nr_pages_over_high). */
  overHigh: number;
  /** Killed by the OOM killer (its behaviour returns exit at the next step). */
  killed: boolean;
  /** /proc/<pid> files registered. */
  procFiles: boolean;
  /** NUMA state kept per task (multi-node machines). */
  numa: TaskNuma;
}

export function taskMm(task: Task): TaskMm {
  let m = task.mm as TaskMm | undefined;
  if (m === undefined) {
    m = { objects: [], hugetlb: [], overHigh: 0, killed: false, procFiles: false, numa: newTaskNuma() };
    task.mm = m;
  }
  return m;
}

function newTaskNuma(): TaskNuma {
  return {
    costNode: -1,
    costShare: Number.NaN,
    mems: [],
    memsCg: null,
    memsEpoch: -1,
    place: null,
    placeLocal: -1,
    placeMems: null,
    placePolicy: undefined,
    nodes: null,
    nodesLocal: -1,
    nodesMems: null,
    nodesPolicy: undefined,
  };
}
