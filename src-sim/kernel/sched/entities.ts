import type { EventId } from '../../engine/engine';
import type { Cgroup } from '../cgroup/cgroup';
import type { Task } from '../task';
import type { PsiGroup } from '../psi/psi';
import { NICE_0_LOAD } from './weights';
import { LEFT_V, QINDEX, type SchedStore } from './sched-store';

/** A schedulable entity (struct sched_entity): a task, or a group on one CPU. */
export class SchedEntity {
  weight = NICE_0_LOAD;
  /** sched_setattr() custom slice (EEVDF), 0 = base slice. */
  customSlice = 0;
  onRq = false;
  /**
   * The scheduler's store, and this entity's block in it: se->avg (PELT),
   * vruntime, deadline, vlag, exec_start, sum_exec_runtime, prev_sum_exec_runtime, slice.
   */
  readonly store: SchedStore;
  readonly slot: number;
  /** The queue this entity is (or would be) enqueued on. */
  cfsRq: CfsRq;
  /** Group entity above, null at the top level. */
  parent: SchedEntity | null;
  /** For a group entity: the queue it owns. */
  readonly myQ: CfsRq | null;
  readonly task: TaskSched | null;
  depth: number;

  constructor(cfsRq: CfsRq, parent: SchedEntity | null, myQ: CfsRq | null, task: TaskSched | null) {
    this.store = cfsRq.store;
    this.slot = cfsRq.store.alloc(this);
    this.store.d[this.slot + QINDEX] = -1;
    this.cfsRq = cfsRq;
    this.parent = parent;
    this.myQ = myQ;
    this.task = task;
    this.depth = parent ? parent.depth + 1 : 0;
  }
}

/** A fair run queue (struct cfs_rq): the root one of a CPU or a group's on one CPU. */
export class CfsRq {
  /**
   * The slots of the entities waiting (curr excluded, as in the kernel's
   * rb-tree): a pick reads their keys from the store and touches only the
   * winner's object (`store.entity(slot)`).
   */
  readonly queue: number[] = [];
  curr: SchedEntity | null = null;
  /** Σ weight of entities on this queue, curr included. */
  load = 0;
  nrRunning = 0;
  /** Tasks below this queue that are enqueued up to the root (h_nr_running). */
  hNrRunning = 0;
  /**
   * The scheduler's store, and this queue's block in it: cfs_rq->avg (PELT
   * from its load.weight, h_nr_running and curr), min_vruntime, avg_vruntime.
   */
  readonly store: SchedStore;
  readonly slot: number;
  /** This queue's load_avg as last added to tg.loadAvg (cfs_rq->tg_load_avg_contrib). */
  tgLoadAvgContrib = 0;
  /** EEVDF: Σ w_i over `queue` (curr excluded); Σ (v_i − min_vruntime)·w_i is in the store. */
  avgLoad = 0;
  /**
   * The store's LEFT_V (smallest vruntime in `queue`) is valid: the rb-tree's
   * cached leftmost, so update_min_vruntime does not scan the queue on every
   * update_curr. Recomputed lazily after the leftmost leaves.
   */
  leftValid = true;
  // cfs bandwidth (kernel/sched/fair.c)
  runtimeEnabled = false;
  runtimeRemaining = 0;
  throttled = false;
  throttleCount = 0;
  /** -1 when not running a throttled clock. */
  throttledClock = -1;
  throttledClockSelf = -1;
  throttledSelfTime = 0;

  constructor(
    readonly rq: Rq,
    readonly tg: TaskGroup,
    /** The group entity that represents this queue in the parent, null for a CPU's root queue. */
    public se: SchedEntity | null,
  ) {
    this.store = rq.store;
    this.slot = rq.store.alloc();
    this.store.d[this.slot + LEFT_V] = Infinity;
  }
}

/** Scheduler state of one task (what task_struct holds for the scheduler). */
export class TaskSched {
  readonly se: SchedEntity;
  cpu = 0;
  /** numa_preferred_nid from NUMA balancing; -1 = none. */
  numaPreferredNid = -1;
  tg: TaskGroup;
  /** CPU time left in the current cpu step (ns, may be Infinity). */
  stepLeft = 0;
  /** PSI TSK_* flags currently accounted for this task. */
  psiFlags = 0;
  /** Stall kind of the current step: 0 none, 1 mem, 2 io. */
  stall = 0;
  /** Queued on a run queue (fair or RT), running included. */
  queued = false;
  timerId: EventId = 0;
  timerFn: () => void = () => undefined;
  /** When it last became runnable-but-waiting (run_delay accounting). */
  lastQueued = 0;
  /** When it last left a CPU (cache-hot test). */
  lastRan = -Infinity;
  /** SCHED_RR: time left of the current round-robin slice. */
  rrLeft = 0;
  nrMigrations = 0;
  nrSwitches = 0;
  /** When the task was forked (ns since boot). */
  forkedAt = 0;
  /**
   * A wake-up arrived while the task was still running toward its `block`
   * step. In the kernel the sleeper does set_current_state() before checking
   * its condition, so such a wake makes it TASK_RUNNING again and the
   * schedule() that follows returns at once; the next `block` step consumes
   * this token instead of blocking.
   */
  wakePending = false;

  constructor(
    readonly task: Task,
    tg: TaskGroup,
    cfsRq: CfsRq,
  ) {
    this.tg = tg;
    this.se = new SchedEntity(cfsRq, cfsRq.se, null, this);
    this.isRt = task.policy === 'SCHED_FIFO' || task.policy === 'SCHED_RR';
  }

  /** SCHED_FIFO or SCHED_RR (the policy does not change at run time here). */
  readonly isRt: boolean;
  /** task.affinity as a per-CPU mask (null = all), rebuilt when the array is replaced. */
  affMask: Uint8Array | null = null;
  affOf: readonly number[] | null = null;
}

/** Per-CPU run queue (struct rq). */
export class Rq {
  online = true;
  curr: TaskSched | null = null;
  /** RT tasks queued on this CPU, running one included, in FIFO order. */
  readonly rtQueue: TaskSched[] = [];
  rtTime = 0;
  rtThrottled = false;
  rtExecStart = 0;
  /** Pending "next interesting moment" event. */
  eventId: EventId = 0;
  eventAt = Infinity;
  eventFn: (now: number) => void = () => undefined;
  needResched = false;
  /** A task put off this CPU whose ONCPU has not been handed over yet (psi_task_switch). */
  psiPending: TaskSched | null = null;
  /**
   * A task on this CPU whose PSI task-count change (its sleep at a block, or
   * its wakeup onto this idle CPU) is held until the switch that follows in
   * the same instant, to be made with the ONCPU change in one
   * psi_group_change per group (psi_task_switch). Its psiFlags are already
   * the new ones; `psiDeferFrom` holds the count flags PSI has.
   */
  psiDefer: TaskSched | null = null;
  psiDeferFrom = 0;
  balanceFn: (now: number) => void = () => undefined;
  // /proc/stat accounting (ns)
  userNs = 0;
  niceNs = 0;
  idleNs = 0;
  iowaitNs = 0;
  /** Interrupt time (/proc/stat irq, softirq columns), ns. */
  irqNs = 0;
  softirqNs = 0;
  /**
   * The CPU is in interrupt context (hardirq or softirq at irq exit) until
   * `irqUntil`: the task there makes no progress and is not charged
   * (CONFIG_IRQ_TIME_ACCOUNTING: clock_task stops). Set through
   * Scheduler.irqEnter / irqExit only.
   */
  inIrq = false;
  irqSoft = false;
  irqUntil = 0;
  /** A reschedule asked for while in interrupt context: done at irq exit. */
  reschedAfterIrq = false;
  acctSince = 0;
  nrSwitches = 0;
  cfs!: CfsRq;

  constructor(
    readonly cpu: number,
    /** The scheduler's entity store (shared by every CPU's queues and entities). */
    readonly store: SchedStore,
  ) {}

  get nrRunning(): number {
    return this.cfs.hNrRunning + this.rtQueue.length;
  }
}

/** A cgroup's CPU controller state (struct task_group + cfs_bandwidth). */
export class TaskGroup {
  /** Unscaled shares (cpu.weight 100 ↔ 1024). */
  shares = NICE_0_LOAD;
  idle = false;
  quota = Infinity;
  period = 100_000_000;
  burst = 0;
  /** Global runtime pool (cfs_b->runtime). */
  runtime = 0;
  runtimeSnap = 0;
  timerId: EventId = 0;
  timerActive = false;
  bwIdle = false;
  slackTimerId: EventId = 0;
  nrPeriods = 0;
  nrThrottled = 0;
  throttledTime = 0;
  nrBursts = 0;
  burstTime = 0;
  readonly throttledCfsRqs: CfsRq[] = [];
  /** Σ over CPUs of the queues' tgLoadAvgContrib (tg->load_avg), kept by update_tg_load_avg. */
  loadAvg = 0;
  /** CPU time of tasks in this group and below (cpuacct), ns. */
  usage = 0;
  readonly cfsRq: CfsRq[] = [];
  readonly se: (SchedEntity | null)[] = [];
  readonly children: TaskGroup[] = [];
  /** cpuset.cpus as written, null = not set (inherit). */
  cpusetCpus: number[] | null = null;
  /** cpuset.cpus.effective, and as a per-CPU mask */
  effective: number[] = [];
  effMask: Uint8Array = new Uint8Array(0);
  /** v1 cpu.rt_runtime_us / cpu.rt_period_us */
  rtRuntimeUs: number;
  rtPeriodUs = 1_000_000;
  timerFn: (now: number) => void = () => undefined;

  constructor(
    readonly cg: Cgroup,
    readonly parent: TaskGroup | null,
    readonly psi: PsiGroup,
  ) {
    // kernel/sched/core.c: root gets the global rt bandwidth, new groups 0
    this.rtRuntimeUs = parent ? 0 : 950_000;
  }
}
