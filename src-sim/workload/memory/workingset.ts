import type { Kernel } from '../../kernel/kernel';
import { AccessPattern } from '../../kernel/mm/access-pattern';
import { emptyOutcome, faultAnonPages } from '../../kernel/mm/fault';
import type { Mm } from '../../kernel/mm/mm';
import type { MemObject } from '../../kernel/mm/objects';
import { taskMm } from '../../kernel/mm/task-mm';
import type { RunSpec } from '../../scenario/types';
import type { Behaviour, Step, Task } from '../../kernel/task';
import { mmapFailed } from './alloc';
import { hugetlbWorkingsetBehaviour } from './hugetlb-workingset';
import { outcomeSteps, poisson, StepQueue } from './steps';

type WorkingsetSpec = Extract<RunSpec, { type: 'workingset' }>;

/** Length of one modelled slice of touching (model granularity, not a kernel constant). */
export const WS_TICK_NS = 10_000_000;

/**
 * `{ type: workingset, size, pattern, theta, rate }`: a CPU-bound loop
 * touching `rate` pages/s of a `size` anon region, uniformly or with Zipf
 * popularity. Individual touches are never simulated: each 10 ms slice
 * draws, per popularity bucket, how many touches land on non-resident pages
 * (Poisson with mean touches × bucket mass × non-resident share) and faults
 * exactly those; reclaim derives the accessed bit of resident pages from
 * the same rates.
 */
export function workingsetBehaviour(k: Kernel, mm: Mm, task: Task, spec: WorkingsetSpec): Behaviour {
  if (spec.hugetlb === true) return hugetlbWorkingsetBehaviour(k, mm, task, spec);
  const pages = Math.max(1, Math.ceil(spec.sizeBytes / 4096));
  const rng = k.rng.fork(`workingset:${task.pid}`);
  const next01 = (): number => rng.next();
  let obj: MemObject | null = null;
  let pat: AccessPattern | null = null;
  let want: Int32Array | null = null;
  const q = new StepQueue(() => k.sched.wake(task));

  let done = 0;
  let finish = false;
  let startedNs = -1;

  const next = (t: Task, now: number): Step => {
    if (taskMm(t).killed) return { kind: 'exit' };
    const queued = q.shift();
    if (queued) return queued;
    if (startedNs < 0) startedNs = now;
    if (finish) {
      // A finite job (work:) is done: say how long it took, then exit.
      k.log.add(now, 'work_done', { pid: t.pid, task: t.name, work_ns: done, elapsed_ns: now - startedNs });
      return { kind: 'exit' };
    }
    if (obj === null) {
      if (!mm.mayCommit(pages)) return mmapFailed(k, mm, t, pages);
      obj = mm.newObject(false, pages, t);
      obj.advice = spec.madvise ?? null;
      pat = spec.pattern === 'zipf' ? AccessPattern.zipf(pages, spec.theta) : AccessPattern.uniform(pages);
      obj.setPattern(pat, spec.ratePerSec);
      want = new Int32Array(pat.buckets);
    }
    const o = obj;
    const p = pat!;
    const w = want!;
    const touches = (spec.ratePerSec * WS_TICK_NS) / 1e9;
    let total = 0;
    for (let b = 0; b < p.buckets; b++) {
      const nonres = o.nonres![b]!;
      if (nonres === 0) {
        w[b] = 0;
        continue;
      }
      const size = p.lo[b + 1]! - p.lo[b]!;
      w[b] = Math.min(nonres, poisson((touches * p.mass[b]! * nonres) / size, next01));
      total += w[b]!;
    }
    let cur = 0;
    const pick = (): number => {
      // A bucket can run out before its draws when huge pages mapped its pages in 512s.
      while (cur < w.length && (w[cur] === 0 || o.nonres![cur] === 0)) cur++;
      if (cur >= w.length) return -1;
      w[cur]!--;
      // One 32-bit draw is plenty for a bucket of < 2^32 pages (and half the cost of rng.int).
      return o.pickNonResident(cur, rng.uint32() / 4294967296);
    };
    mm.current = t;
    const out = faultAnonPages(mm, t, o, total, pick, emptyOutcome());
    mm.current = null;
    if (out.killed) return { kind: 'exit' };
    // The tick's work at local memory speed, stretched by where the pages sit (NUMA access cost).
    // … and sped up by huge pages' TLB reach (factor 1 without huge pages).
    const tlb = o.hugeMapped > 0 ? mm.thp.tlbFactor(o) : 1;
    const workNs = mm.numa ? Math.round(WS_TICK_NS * tlb * mm.numa.slowdown(t) + mm.numa.takeOverheadNs(t)) : tlb === 1 ? WS_TICK_NS : Math.round(WS_TICK_NS * tlb);
    outcomeSteps(mm, out, workNs, q, t);
    if (out.failed) q.push({ kind: 'sleep', ns: 100e6, stall: 'mem' });
    else if (spec.workNs !== undefined && (done += WS_TICK_NS) >= spec.workNs) finish = true;
    return q.shift() ?? { kind: 'cpu', ns: workNs };
  };
  return { next, onExit: (t) => mm.releaseTask(t) };
}
