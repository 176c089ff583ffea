import type { Kernel } from '../../kernel/kernel';
import type { Mm } from '../../kernel/mm/mm';
import { taskMm } from '../../kernel/mm/task-mm';
import type { Step, Task } from '../../kernel/task';
import type { StepQueue } from './steps';

/** Length of one modelled slice of touching (model granularity, not a kernel constant). */
export const WS_TICK_NS = 10_000_000;

/**
 * The bookkeeping both working-set loops (4 KiB and hugetlb) share: when the
 * loop started, how much work it has done and whether a finite job (`work:`)
 * is done.
 */
export class WorkingsetTicks {
  private startedNs = -1;
  private done = 0;
  private finish = false;

  constructor(private readonly workNs: number | undefined) {}

  /**
   * The opening of every step: exit when killed, queued steps first, then the
   * `work_done` line and exit once a finite job is done. Null: run a tick.
   */
  prelude(k: Kernel, t: Task, now: number, q: StepQueue): Step | null {
    if (taskMm(t).killed) return { kind: 'exit' };
    const queued = q.shift();
    if (queued) return queued;
    if (this.startedNs < 0) this.startedNs = now;
    if (this.finish) {
      // A finite job (work:) is done: say how long it took, then exit.
      k.log.add(now, 'work_done', { pid: t.pid, task: t.name, work_ns: this.done, elapsed_ns: now - this.startedNs });
      return { kind: 'exit' };
    }
    return null;
  }

  /** Count one tick of work done; a finite job finishes at its next step. */
  ticked(): void {
    if (this.workNs !== undefined && (this.done += WS_TICK_NS) >= this.workNs) this.finish = true;
  }
}

/**
 * One tick's work at local memory speed, sped up by huge pages' TLB reach
 * (`tlb`, 1 without huge pages) and stretched by where the pages sit (NUMA
 * access cost).
 */
export function tickWorkNs(mm: Mm, t: Task, tlb: number): number {
  return mm.numa ? Math.round(WS_TICK_NS * tlb * mm.numa.slowdown(t) + mm.numa.takeOverheadNs(t)) : Math.round(WS_TICK_NS * tlb);
}
