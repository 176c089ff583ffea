import type { Cgroup } from './cgroup/cgroup';
import type { MemPolicySpec, SchedPolicy } from '../scenario/types';

/**
 * What a task wants to do next. A behaviour hands these to the scheduler one
 * at a time: the scheduler runs `cpu` steps on a CPU and asks for the next
 * step when one is done; `sleep` and `block` take the task off the run queue.
 *
 * `stall` marks time PSI counts as a stall: 'mem' for reclaim or
 * memory.high throttling, 'io' for waiting on I/O (iowait). A cpu step with
 * stall 'mem' is direct reclaim: on-CPU but not productive.
 */
export type Step =
  | { kind: 'cpu'; ns: number; stall?: 'mem' }
  | { kind: 'sleep'; ns: number; stall?: 'mem' | 'io' }
  | { kind: 'block'; stall?: 'mem' | 'io' }
  | { kind: 'exit' };

/** A task's program. `next` is called when the previous step has finished. */
export interface Behaviour {
  next(task: Task, now: number): Step;
  /** The task is being killed (OOM, exit): release what it holds. */
  onExit?(task: Task, now: number): void;
}

export type TaskState = 'new' | 'runnable' | 'running' | 'sleeping' | 'blocked' | 'exited';

/**
 * A process (single-threaded). Subsystems keep their own per-task state in
 * the typed slots below; they never reach into each other's.
 */
export interface Task {
  readonly pid: number;
  /** "hog" or "hog#2" for the third of `count: N`. */
  readonly name: string;
  cgroup: Cgroup;
  nice: number;
  policy: SchedPolicy;
  rtPriority: number;
  /** Allowed CPUs as given (sched_setaffinity); the scheduler intersects with cpuset and online. */
  affinity: number[];
  oomScoreAdj: number;
  sliceNs: number;
  /** set_mempolicy() (numactl); absent = MPOL_DEFAULT. Inherited by fork. */
  mempolicy?: MemPolicySpec;
  state: TaskState;
  behaviour: Behaviour;
  /** Scheduler-owned accounting, read by /proc/<pid>/schedstat. */
  sumExecRuntime: number;
  runDelay: number;
  pcount: number;
  exitCode: number | null;
  /**
   * /proc/stat column the task's CPU time goes to instead of user/nice:
   * ksoftirqd's is softirq time (kernel/sched/cputime.c: irqtime_account_process_tick).
   */
  cputime?: 'softirq';
  /** Subsystem-private state; each subsystem owns exactly one key. */
  sched?: unknown;
  mm?: unknown;
  io?: unknown;
}
