import type { Kernel } from '../../kernel/kernel';
import { HPAGE_PMD_ORDER } from '../../kernel/mm/frames';
import { HugetlbMapping } from '../../kernel/mm/hugetlb';
import type { Mm } from '../../kernel/mm/mm';
import { taskMm } from '../../kernel/mm/task-mm';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';
import { faultHugetlbPage, HUGETLB_FAULT_NS, mmapHugetlb } from './hugetlb-map';
import { touchOrder } from './steps';

type AllocSpec = Extract<RunSpec, { type: 'alloc' }>;

/**
 * `{ type: alloc, hugetlb: true, … }`: the same paced touching as `alloc`,
 * on a MAP_HUGETLB region. mmap reserves the region's huge pages (or fails
 * with ENOMEM); the first touch of a 2 MiB page faults it in from the pool
 * (clearing it costs the task CPU); touching it again costs nothing, and
 * nothing is ever reclaimed or swapped, so `loop` just keeps the pace.
 * `free` unmaps (pages back to the pool) and exits; so does exit.
 */
export function hugetlbAllocBehaviour(k: Kernel, mm: Mm, task: Task, spec: AllocSpec): Behaviour {
  const pages = Math.max(1, Math.ceil(spec.sizeBytes / 4096));
  const stepPages = Math.max(1, Math.ceil(spec.stepBytes / 4096));
  const order = touchOrder(k.rng.fork(`alloc:${task.pid}`), spec.touch, pages);
  let map: HugetlbMapping | null = null;
  let cursor = 0;
  let held = false;
  let paceUntil = 0;

  const next = (t: Task, now: number): Step => {
    if (taskMm(t).killed) return { kind: 'exit' };
    if (held) return { kind: 'block' };
    if (paceUntil > now) {
      const ns = paceUntil - now;
      paceUntil = 0;
      return { kind: 'sleep', ns };
    }
    if (map === null) {
      const r = mmapHugetlb(k, mm, t, spec.sizeBytes);
      if (!(r instanceof HugetlbMapping)) return r;
      map = r;
    }
    if (cursor >= pages) {
      if (spec.then === 'hold') {
        held = true;
        return { kind: 'block' };
      }
      if (spec.then === 'free') {
        mm.hugetlb.unmap(map);
        return { kind: 'exit' };
      }
      cursor = 0;
    }
    const start = now;
    const end = Math.min(pages, cursor + stepPages);
    let faults = 0;
    for (; cursor < end; cursor++) {
      const h = (order ? order[cursor]! : cursor) >> HPAGE_PMD_ORDER;
      if (map.frames[h]! >= 0) continue;
      if (!faultHugetlbPage(k, mm, t, map, h)) return { kind: 'exit' };
      faults++;
    }
    paceUntil = start + spec.everyNs;
    return { kind: 'cpu', ns: faults > 0 ? faults * HUGETLB_FAULT_NS : 1000 };
  };
  return { next, onExit: (t) => mm.releaseTask(t) };
}
