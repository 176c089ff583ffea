/**
 * The `cpu` and `periodic` run types: a busy loop, and a task that needs
 * `busy` ns of CPU once per `period` (a periodic timer, as cyclictest or a
 * frame loop would use), with optional release jitter.
 */
import type { Kernel } from '../../kernel/kernel';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';

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
 */
export function periodicBehaviour(k: Kernel, task: Task, spec: PeriodicSpec): Behaviour {
  if (!(spec.periodNs > 0) || !(spec.busyNs > 0)) {
    k.engine.fail('workload', `task ${task.name}: periodic needs busy > 0 and period > 0`);
  }
  const rng = spec.jitter > 0 ? k.rng.fork(`periodic:${task.pid}`) : null;
  const cpu = { kind: 'cpu', ns: spec.busyNs } as { kind: 'cpu'; ns: number };
  const sleep = { kind: 'sleep', ns: 0 } as { kind: 'sleep'; ns: number };
  let start = -1;
  let job = 0;
  let running = false;
  const release = (n: number): number => {
    const base = start + n * spec.periodNs;
    if (!rng) return base;
    return base + Math.round((rng.next() * 2 - 1) * spec.jitter * spec.periodNs);
  };
  return {
    next(_t: Task, now: number): Step {
      if (start < 0) {
        start = now;
        running = true;
        return cpu;
      }
      if (running) {
        // the job is done: sleep until the next release
        job++;
        if (start + job * spec.periodNs < now - spec.periodNs) job = Math.floor((now - start) / spec.periodNs) + 1;
        const at = release(job);
        if (at > now) {
          running = false;
          sleep.ns = at - now;
          return sleep;
        }
        return cpu;
      }
      running = true;
      return cpu;
    },
  };
}

export function installCpuWorkloads(k: Kernel): void {
  k.registerBehaviour('cpu', () => cpuBehaviour());
  k.registerBehaviour('periodic', (kk, task, spec) => periodicBehaviour(kk, task, spec as PeriodicSpec));
}
