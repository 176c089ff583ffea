import type { EventId } from '../../engine/engine';
import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel, SchedulerApi } from '../kernel';
import type { Task } from '../task';

/** Per-task time a stand-alone memory run accounts (ns). */
export interface IdealStats {
  cpuNs: number;
  memStallNs: number;
  ioStallNs: number;
  /** Longest single memory.high-style sleep with stall 'mem'. */
  maxMemSleepNs: number;
}

/**
 * A scheduler with one CPU per task: every step runs at once, back to back.
 * It isolates the memory model from CPU contention, for the memory tests and
 * the mm benchmark; full runs use the real scheduler (src-sim/kernel/sched).
 */
export class IdealScheduler implements SchedulerApi {
  readonly stats = new Map<number, IdealStats>();
  private readonly pending = new Map<number, EventId>();
  private readonly blockStart = new Map<number, { at: number; stall: 'mem' | 'io' | undefined }>();

  constructor(
    private readonly k: Kernel,
    readonly nrCpus = 1024,
  ) {}

  statsOf(task: Task): IdealStats {
    let s = this.stats.get(task.pid);
    if (!s) {
      s = { cpuNs: 0, memStallNs: 0, ioStallNs: 0, maxMemSleepNs: 0 };
      this.stats.set(task.pid, s);
    }
    return s;
  }

  fork(task: Task): void {
    task.state = 'runnable';
    this.pending.set(task.pid, this.k.engine.after(0, () => this.run(task)));
  }

  wake(task: Task): void {
    if (task.state !== 'blocked') return;
    const b = this.blockStart.get(task.pid);
    if (b) {
      const d = this.k.now - b.at;
      const s = this.statsOf(task);
      if (b.stall === 'mem') s.memStallNs += d;
      else if (b.stall === 'io') s.ioStallNs += d;
      this.blockStart.delete(task.pid);
    }
    task.state = 'runnable';
    this.pending.set(task.pid, this.k.engine.after(0, () => this.run(task)));
  }

  exit(task: Task, now: number): void {
    if (task.state === 'exited') return;
    task.state = 'exited';
    if (task.exitCode === null) task.exitCode = 0;
    const id = this.pending.get(task.pid);
    if (id !== undefined) this.k.engine.cancel(id);
    this.pending.delete(task.pid);
    task.behaviour.onExit?.(task, now);
    this.k.taskExited(task, now);
  }

  migrate(task: Task, to: Cgroup): void {
    const from = task.cgroup;
    const i = from.tasks.indexOf(task);
    if (i >= 0) from.tasks.splice(i, 1);
    to.tasks.push(task);
    task.cgroup = to;
  }

  onlineCpus(): number[] {
    return Array.from({ length: this.nrCpus }, (_, i) => i);
  }

  /** Every task has a CPU of its own: its first allowed CPU stands for it (0 without affinity). */
  cpuOf(task: Task): number {
    return task.affinity[0] ?? 0;
  }

  private run(task: Task): void {
    this.pending.delete(task.pid);
    if (task.state === 'exited') return;
    const now = this.k.now;
    const step = task.behaviour.next(task, now);
    // The step may have OOM-killed (exited) the task itself.
    if (exited(task)) return;
    const s = this.statsOf(task);
    switch (step.kind) {
      case 'cpu':
        task.state = 'running';
        task.sumExecRuntime += step.ns;
        s.cpuNs += step.ns;
        if (step.stall === 'mem') s.memStallNs += step.ns;
        this.pending.set(task.pid, this.k.engine.after(step.ns, () => this.run(task)));
        return;
      case 'sleep':
        task.state = 'sleeping';
        if (step.stall === 'mem') {
          s.memStallNs += step.ns;
          s.maxMemSleepNs = Math.max(s.maxMemSleepNs, step.ns);
        } else if (step.stall === 'io') s.ioStallNs += step.ns;
        this.pending.set(task.pid, this.k.engine.after(step.ns, () => this.run(task)));
        return;
      case 'block':
        task.state = 'blocked';
        this.blockStart.set(task.pid, { at: now, stall: step.stall });
        return;
      case 'exit':
        this.exit(task, now);
        return;
    }
  }
}

function exited(task: Task): boolean {
  return task.state === 'exited';
}
