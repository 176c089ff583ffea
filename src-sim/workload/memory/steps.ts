import type { Kernel } from '../../kernel/kernel';
import type { FaultOutcome } from '../../kernel/mm/fault';
import type { Mm } from '../../kernel/mm/mm';
import type { Step, Task } from '../../kernel/task';

/** Steps a behaviour has decided on but not yet handed to the scheduler. */
export class StepQueue {
  private readonly q: Step[] = [];

  get empty(): boolean {
    return this.q.length === 0;
  }

  push(s: Step): void {
    if ((s.kind === 'cpu' || s.kind === 'sleep') && s.ns <= 0) return;
    this.q.push(s);
  }

  shift(): Step | undefined {
    return this.q.shift();
  }
}

/** Wait for `pages` of swap-in as dependent faults (one latency each), blocked, then woken. */
export function swapInWait(k: Kernel, mm: Mm, task: Task, pages: number, workingset: boolean, q: StepQueue): void {
  if (pages === 0) return;
  mm.swapStore.submit('swap', pages, () => k.sched.wake(task), pages);
  q.push({ kind: 'block', stall: workingset ? 'mem' : 'io' });
}

/**
 * Turn a fault outcome into steps: reclaim on CPU (memory stall), the
 * faults' own CPU work plus `extraCpuNs`, the swap-in wait, then the
 * memory.high penalty sleep (memory stall).
 */
export function outcomeSteps(k: Kernel, mm: Mm, task: Task, o: FaultOutcome, extraCpuNs: number, q: StepQueue): void {
  if (o.reclaimNs > 0) q.push({ kind: 'cpu', ns: Math.round(o.reclaimNs), stall: 'mem' });
  q.push({ kind: 'cpu', ns: Math.round(o.faultNs + extraCpuNs) });
  swapInWait(k, mm, task, o.major, o.workingsetMajor > 0, q);
  if (o.sleepNs > 0) q.push({ kind: 'sleep', ns: o.sleepNs, stall: 'mem' });
}

/** Standard-normal draw (Box–Muller) from a uniform source. */
function normal(next: () => number): number {
  const u = 1 - next();
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson(λ) draw: Knuth's product method for small λ, normal approximation above 30. */
export function poisson(lambda: number, next: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(next)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  for (;;) {
    p *= next();
    if (p <= l) return k;
    k++;
  }
}
