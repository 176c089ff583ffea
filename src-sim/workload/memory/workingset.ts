import type { Kernel } from '../../kernel/kernel';
import { AccessPattern } from '../../kernel/mm/access-pattern';
import { emptyOutcome, faultAnonPages } from '../../kernel/mm/fault';
import type { Mm } from '../../kernel/mm/mm';
import type { MemObject } from '../../kernel/mm/objects';
import type { RunSpec } from '../../scenario/types';
import type { Behaviour, Step, Task } from '../../kernel/task';
import { mmapFailed } from './alloc';
import { hugetlbWorkingsetBehaviour } from './hugetlb-workingset';
import { outcomeSteps, poisson, StepQueue } from './steps';
import { TickPicks } from './tick-picks';
import { tickWorkNs, WorkingsetTicks, WS_TICK_NS } from './workingset-tick';

type WorkingsetSpec = Extract<RunSpec, { type: 'workingset' }>;


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
  let picks: TickPicks | null = null;
  const q = new StepQueue(() => k.sched.wake(task));
  const ticks = new WorkingsetTicks(spec.workNs);

  const next = (t: Task, now: number): Step => {
    const early = ticks.prelude(k, t, now, q);
    if (early) return early;
    if (obj === null) {
      if (!mm.mayCommit(pages)) return mmapFailed(k, mm, t, pages);
      obj = mm.newObject(false, pages, t);
      obj.advice = spec.madvise ?? null;
      pat = spec.pattern === 'zipf' ? AccessPattern.zipf(pages, spec.theta) : AccessPattern.uniform(pages);
      obj.setPattern(pat, spec.ratePerSec);
      want = new Int32Array(pat.buckets);
      picks = new TickPicks(obj, want, rng);
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
    picks!.restart();
    mm.current = t;
    const out = faultAnonPages(mm, t, o, total, picks!.pick, emptyOutcome(), picks);
    mm.current = null;
    if (out.killed) return { kind: 'exit' };
    const workNs = tickWorkNs(mm, t, o.hugeMapped > 0 ? mm.thp.tlbFactor(o) : 1);
    outcomeSteps(mm, out, workNs, q, t);
    if (out.failed) q.push({ kind: 'sleep', ns: 100e6, stall: 'mem' });
    else ticks.ticked();
    return q.shift() ?? { kind: 'cpu', ns: workNs };
  };
  return { next, onExit: (t) => mm.releaseTask(t) };
}
