import type { Kernel } from '../../kernel/kernel';
import { AccessPattern } from '../../kernel/mm/access-pattern';
import { HPAGE_PMD_NR } from '../../kernel/mm/frames';
import { HugetlbMapping } from '../../kernel/mm/hugetlb';
import type { Mm } from '../../kernel/mm/mm';
import type { RunSpec } from '../../scenario/types';
import type { Behaviour, Step, Task } from '../../kernel/task';
import { faultHugetlbPage, HUGETLB_FAULT_NS, mmapHugetlb } from './hugetlb-map';
import { StepQueue } from './steps';
import { tickWorkNs, WorkingsetTicks, WS_TICK_NS } from './workingset-tick';

type WorkingsetSpec = Extract<RunSpec, { type: 'workingset' }>;

/** Touch probability mass of each 2 MiB page of a `pages` × 4 KiB region under `pat` (buckets split at 512-page boundaries). */
function hugePageMass(pat: AccessPattern, huge: number): Float64Array {
  const mass = new Float64Array(huge);
  for (let b = 0; b < pat.buckets; b++) {
    const lo = pat.lo[b]!;
    const hi = pat.lo[b + 1]!;
    const perPage = pat.mass[b]! / (hi - lo);
    for (let p = lo; p < hi; ) {
      const h = Math.floor(p / HPAGE_PMD_NR);
      const end = Math.min(hi, (h + 1) * HPAGE_PMD_NR);
      mass[h]! += perPage * (end - p);
      p = end;
    }
  }
  return mass;
}

/**
 * `{ type: workingset, hugetlb: true, … }`: the workingset loop on a
 * MAP_HUGETLB region. Every 10 ms tick each not-yet-faulted 2 MiB page is
 * touched with probability 1 − e^(−touches × its mass) and then faulted
 * from the pool; faulted pages stay (never reclaimed or swapped). The
 * tick's work gets the THP model's TLB-reach factor for the huge pages
 * mapped (Thp.tlbFactorOf: a fully mapped region is the fully huge-backed
 * case) and the NUMA access cost for where they sit.
 */
export function hugetlbWorkingsetBehaviour(k: Kernel, mm: Mm, task: Task, spec: WorkingsetSpec): Behaviour {
  const rng = k.rng.fork(`workingset:${task.pid}`);
  const pages = Math.max(1, Math.ceil(spec.sizeBytes / 4096));
  const pat = spec.pattern === 'zipf' ? AccessPattern.zipf(pages, spec.theta) : AccessPattern.uniform(pages);
  let map: HugetlbMapping | null = null;
  let mass: Float64Array | null = null;
  const q = new StepQueue(() => k.sched.wake(task));
  const ticks = new WorkingsetTicks(spec.workNs);

  const next = (t: Task, now: number): Step => {
    const early = ticks.prelude(k, t, now, q);
    if (early) return early;
    if (map === null) {
      const r = mmapHugetlb(k, mm, t, spec.sizeBytes);
      if (!(r instanceof HugetlbMapping)) return r;
      map = r;
      mass = hugePageMass(pat, r.pages);
    }
    const m = map;
    let faults = 0;
    if (m.faulted < m.pages) {
      const touches = (spec.ratePerSec * WS_TICK_NS) / 1e9;
      for (let h = 0; h < m.pages; h++) {
        if (m.frames[h]! >= 0 || rng.next() >= 1 - Math.exp(-touches * mass![h]!)) continue;
        if (!faultHugetlbPage(k, mm, t, m, h)) return { kind: 'exit' };
        faults++;
      }
    }
    const workNs = tickWorkNs(mm, t, m.faulted > 0 ? mm.thp.tlbFactorOf(m.smallPages, m.faulted) : 1);
    q.push({ kind: 'cpu', ns: faults * HUGETLB_FAULT_NS + workNs });
    ticks.ticked();
    return q.shift() ?? { kind: 'cpu', ns: workNs };
  };
  return { next, onExit: (t) => mm.releaseTask(t) };
}
