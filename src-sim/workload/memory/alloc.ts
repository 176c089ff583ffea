import type { Kernel } from '../../kernel/kernel';
import { AccessPattern } from '../../kernel/mm/access-pattern';
import { emptyOutcome, faultAnonPages } from '../../kernel/mm/fault';
import type { Mm } from '../../kernel/mm/mm';
import type { MemObject } from '../../kernel/mm/objects';
import { taskMm } from '../../kernel/mm/task-mm';
import type { RunSpec } from '../../scenario/types';
import type { Behaviour, Step, Task } from '../../kernel/task';
import { hugetlbAllocBehaviour } from './hugetlb-alloc';
import { outcomeSteps, StepQueue, touchOrder } from './steps';

type AllocSpec = Extract<RunSpec, { type: 'alloc' }>;

/**
 * `{ type: alloc, size, step, every, touch, then }`: every `every`, touch
 * the next `step` bytes of a `size` anon region (in order, or in a random
 * order fixed at start). When all is touched: `hold` keeps it untouched,
 * `free` unmaps it and exits, `loop` goes over the region again at the same
 * pace (faulting back whatever was swapped out).
 */
export function allocBehaviour(k: Kernel, mm: Mm, task: Task, spec: AllocSpec): Behaviour {
  if (spec.hugetlb === true) return hugetlbAllocBehaviour(k, mm, task, spec);
  const pages = Math.max(1, Math.ceil(spec.sizeBytes / 4096));
  const stepPages = Math.max(1, Math.ceil(spec.stepBytes / 4096));
  const order = touchOrder(k.rng.fork(`alloc:${task.pid}`), spec.touch, pages);
  let obj: MemObject | null = null;
  let cursor = 0;
  let stepLeft = 0;
  let stepStart = 0;
  let held = false;
  let paceUntil = 0;
  const q = new StepQueue(() => k.sched.wake(task));

  const next = (t: Task, now: number): Step => {
    const tm = taskMm(t);
    if (tm.killed) return { kind: 'exit' };
    const queued = q.shift();
    if (queued) return queued;
    if (held) return { kind: 'block' };
    if (paceUntil > now) {
      const ns = paceUntil - now;
      paceUntil = 0;
      return { kind: 'sleep', ns };
    }
    if (obj === null) {
      // mmap() of the region: the overcommit policy may refuse it (ENOMEM) before any page is touched.
      if (!mm.mayCommit(pages)) return mmapFailed(k, mm, t, pages);
      obj = mm.newObject(false, pages, t);
      obj.advice = spec.madvise ?? null;
      obj.unmovable = spec.pin === true;
    }
    if (stepLeft === 0) {
      if (cursor >= pages) {
        if (spec.then === 'hold') {
          held = true;
          return { kind: 'block' };
        }
        if (spec.then === 'free') {
          mm.freeObject(obj);
          return { kind: 'exit' };
        }
        cursor = 0;
        if (obj.pattern === null) obj.setPattern(AccessPattern.uniform(pages), (stepPages * 1e9) / spec.everyNs);
      }
      stepLeft = Math.min(stepPages, pages - cursor);
      stepStart = now;
    }
    // Pages of this step that are not resident get faulted; resident ones are just touched.
    const o = obj;
    const want: number[] = [];
    for (let i = 0; i < stepLeft; i++) {
      const p = order ? order[cursor + i]! : cursor + i;
      if (!o.isResident(p)) want.push(p);
    }
    let wi = 0;
    mm.current = t;
    const out = faultAnonPages(mm, t, o, want.length, () => want[wi++]!, emptyOutcome());
    mm.current = null;
    if (out.killed) return { kind: 'exit' };
    // Touched pages = the resident ones before the first not-yet-faulted one.
    const advanced = out.failed ? 0 : out.done === want.length ? stepLeft : indexOfPage(order, cursor, want[out.done]!) - cursor;
    cursor += advanced;
    stepLeft -= advanced;
    outcomeSteps(mm, out, 0, q, t);
    if (out.failed) q.push({ kind: 'sleep', ns: 100e6, stall: 'mem' });
    else if (stepLeft === 0) paceUntil = stepStart + spec.everyNs;
    return q.shift() ?? { kind: 'cpu', ns: 1000 };
  };
  return {
    next,
    onExit: (t) => mm.releaseTask(t),
  };
}

/** The task's mmap() failed with ENOMEM under vm.overcommit_memory: it exits with status 1, as a program would. */
export function mmapFailed(k: Kernel, mm: Mm, t: Task, pages: number): Step {
  t.exitCode = 1;
  k.log.add(k.now, 'mmap_enomem', {
    pid: t.pid,
    task: t.name,
    size_kb: pages * 4,
    overcommit_memory: mm.overcommitMemory,
    committed_kb: mm.committedPages * 4,
    commit_limit_kb: mm.commitLimit() * 4,
  });
  return { kind: 'exit' };
}

function indexOfPage(order: Int32Array | null, from: number, page: number): number {
  if (order === null) return page;
  for (let i = from; i < order.length; i++) if (order[i] === page) return i;
  return from;
}
