/**
 * The `cpu` and `periodic` run types: a busy loop, and a task that needs
 * `busy` ns of CPU once per `period` (a periodic timer, as cyclictest or a
 * frame loop would use), with optional release jitter.
 */
import type { Kernel } from '../../kernel/kernel';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';
import type { Rng } from '../../engine/rng';

/** Always runnable: one endless CPU step. */
export function cpuBehaviour(): Behaviour {
  const step: Step = { kind: 'cpu', ns: Infinity };
  return { next: () => step };
}

type PeriodicSpec = Extract<RunSpec, { type: 'periodic' }>;

/**
 * Job k is released at start + k·period + U(−jitter, +jitter)·period and needs
 * `busy` ns of CPU. A job that finishes late starts the next one at once; a
 * task more than a period behind skips the missed releases (timer overrun).
 *
 * A class with the spec's numbers copied into fields (not a closure over the
 * spec): `next` runs twice per job, and one object keeps it to a cache line or two.
 */
class PeriodicBehaviour implements Behaviour {
  private readonly cpu: { kind: 'cpu'; ns: number };
  private readonly sleep: { kind: 'sleep'; ns: number };
  private readonly periodNs: number;
  private readonly jitter: number;
  private start = -1;
  private job = 0;
  private running = false;

  constructor(
    spec: PeriodicSpec,
    private readonly rng: Rng | null,
  ) {
    this.cpu = { kind: 'cpu', ns: spec.busyNs };
    this.sleep = { kind: 'sleep', ns: 0 };
    this.periodNs = spec.periodNs;
    this.jitter = spec.jitter;
  }

  private release(n: number): number {
    const base = this.start + n * this.periodNs;
    if (!this.rng) return base;
    return base + Math.round((this.rng.next() * 2 - 1) * this.jitter * this.periodNs);
  }

  next(_t: Task, now: number): Step {
    if (this.start < 0) {
      this.start = now;
      this.running = true;
      return this.cpu;
    }
    if (this.running) {
      // the job is done: sleep until the next release
      const period = this.periodNs;
      const start = this.start;
      let job = this.job + 1;
      if (start + job * period < now - period) job = Math.floor((now - start) / period) + 1;
      this.job = job;
      const at = this.release(job);
      if (at > now) {
        this.running = false;
        this.sleep.ns = at - now;
        return this.sleep;
      }
      return this.cpu;
    }
    this.running = true;
    return this.cpu;
  }
}

export function periodicBehaviour(k: Kernel, task: Task, spec: PeriodicSpec): Behaviour {
  if (!(spec.periodNs > 0) || !(spec.busyNs > 0)) {
    k.engine.fail('workload', `task ${task.name}: periodic needs busy > 0 and period > 0`);
  }
  return new PeriodicBehaviour(spec, spec.jitter > 0 ? k.rng.fork(`periodic:${task.pid}`) : null);
}

export function installCpuWorkloads(k: Kernel): void {
  k.registerBehaviour('cpu', () => cpuBehaviour());
  k.registerBehaviour('periodic', (kk, task, spec) => periodicBehaviour(kk, task, spec as PeriodicSpec));
}
