import type { Rng } from '../../engine/rng';
import type { FaultOutcome } from '../../kernel/mm/fault';
import type { Mm } from '../../kernel/mm/mm';
import type { Step, Task } from '../../kernel/task';

/** A wait whose I/O is submitted only when the task actually blocks on it. */
interface PendingIo {
  kind: 'io';
  stall: 'mem' | 'io';
  /** Start the I/O; call `done` when it completes (always from a later event). */
  submit: (done: () => void) => void;
}

/**
 * Steps a behaviour has decided on but not yet handed to the scheduler.
 * An I/O wait is queued as a PendingIo and submitted when it is dequeued:
 * a completion that arrived while the task was still running earlier steps
 * would find it not blocked, and the wake-up would be lost.
 */
export class StepQueue {
  private readonly q: (Step | PendingIo)[] = [];

  constructor(private readonly wake: () => void) {}

  get empty(): boolean {
    return this.q.length === 0;
  }

  push(s: Step): void {
    if ((s.kind === 'cpu' || s.kind === 'sleep') && s.ns <= 0) return;
    this.q.push(s);
  }

  /** Block with `stall` on an I/O that `submit` starts when the task gets there. */
  pushIo(stall: 'mem' | 'io', submit: (done: () => void) => void): void {
    this.q.push({ kind: 'io', stall, submit });
  }

  shift(): Step | undefined {
    const s = this.q.shift();
    if (s === undefined || s.kind !== 'io') return s;
    s.submit(this.wake);
    return s.stall === 'mem' ? BLOCK_MEM : BLOCK_IO;
  }
}

// The two block steps, one object each for every queue: steps are read when
// returned and never changed or kept, so no I/O wait needs its own.
const BLOCK_MEM: Step = { kind: 'block', stall: 'mem' };
const BLOCK_IO: Step = { kind: 'block', stall: 'io' };

/** Wait for `pages` of swap-in as dependent faults (one latency each), blocked, then woken. */
export function swapInWait(mm: Mm, pages: number, workingset: boolean, q: StepQueue, task: Task | null = null): void {
  if (pages === 0) return;
  q.pushIo(workingset ? 'mem' : 'io', (done) => mm.swapIo.swapIn(pages, task, task?.cgroup ?? null, done));
}

/**
 * Turn a fault outcome into steps: reclaim on CPU (memory stall), the
 * faults' own CPU work plus `extraCpuNs`, the swap-in wait, then the
 * memory.high penalty sleep (memory stall).
 */
export function outcomeSteps(mm: Mm, o: FaultOutcome, extraCpuNs: number, q: StepQueue, task: Task | null = null): void {
  if (o.reclaimNs > 0) q.push({ kind: 'cpu', ns: Math.round(o.reclaimNs), stall: 'mem' });
  q.push({ kind: 'cpu', ns: Math.round(o.faultNs + extraCpuNs) });
  swapInWait(mm, o.major, o.workingsetMajor > 0, q, task);
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

/** The order `touch` visits the region's 4 KiB pages in: null for sequential, else a random permutation fixed at start. */
export function touchOrder(rng: Rng, touch: 'sequential' | 'random', pages: number): Int32Array | null {
  if (touch !== 'random') return null;
  const order = new Int32Array(pages);
  for (let i = 0; i < pages; i++) order[i] = i;
  for (let i = pages - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
