import type { Task } from '../task';
import type { HugetlbMapping } from './hugetlb';
import type { MemObject } from './objects';

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
}

export function taskMm(task: Task): TaskMm {
  let m = task.mm as TaskMm | undefined;
  if (m === undefined) {
    m = { objects: [], hugetlb: [], overHigh: 0, killed: false, procFiles: false };
    task.mm = m;
  }
  return m;
}
