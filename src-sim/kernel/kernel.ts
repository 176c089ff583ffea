import type { Engine } from '../engine/engine';
import type { EventLog } from '../engine/event-log';
import type { Rng } from '../engine/rng';
import type { TraceBuffer } from '../engine/trace';
import type { BlockDeviceSpec, RunSpec, Scenario } from '../scenario/types';
import type { Vfs } from '../vfs/vfs';
import { missingInVersion } from './versions';
import type { BlockApi } from './block/bio';
import type { Cgroup } from './cgroup/cgroup';
import type { CgroupTree } from './cgroup/tree';
import type { MemoryApi } from './mm/api';
import type { IocgApi } from './iocg/api';
import type { WritebackApi } from './writeback/api';
import type { Behaviour, Task } from './task';

/**
 * What the scheduler offers the rest of the kernel. Other subsystems block
 * and wake tasks only through this (a behaviour returns a `block` step, and
 * whoever completes the wait calls wake()).
 */
export interface SchedulerApi {
  /** A new task becomes runnable (wake_up_new_task). */
  fork(task: Task): void;
  /**
   * Wake a sleeping or blocked task (try_to_wake_up). A wake that arrives
   * while the task is still running toward its `block` step is remembered:
   * that block step then returns at once (the kernel's set_current_state()
   * ordering), so a behaviour must re-check its condition after any block.
   */
  wake(task: Task): void;
  /** Remove a task for good (exit or kill). */
  exit(task: Task, now: number): void;
  /** Move a task to another group (write to cgroup.procs). */
  migrate(task: Task, to: Cgroup): void;
  /** CPUs currently online. */
  onlineCpus(): number[];
  /** The CPU a task runs on, or last ran on (task_cpu); the memory model places and costs NUMA accesses by it. */
  cpuOf(task: Task): number;
  /**
   * NUMA balancing found the node holding most of the task's memory
   * (numa_preferred_nid): move the task to an allowed CPU there
   * (task_numa_migrate) and keep the load balancer from pulling it away
   * (migrate_degrades_locality). False when no allowed CPU is on that node.
   */
  numaMigrate?(task: Task, nid: number): boolean;
  /** Total CPUs (possible/present). */
  readonly nrCpus: number;
}

/** Builds a task's behaviour from its `run:` spec. Registered per run type. */
export type BehaviourFactory = (k: Kernel, task: Task, spec: RunSpec) => Behaviour;

/**
 * The simulated kernel: the shared services every subsystem gets (clock,
 * randomness, virtual files, cgroups, event log) and the narrow APIs the
 * subsystems offer each other. Subsystems fill their slot at install time.
 */
export class Kernel {
  readonly tasks = new Map<number, Task>();
  private nextPid = 1000;
  private readonly factories = new Map<string, BehaviourFactory>();
  private readonly exitHooks: ((task: Task, now: number) => void)[] = [];
  /** Set by the block layer install(); null until then. */
  devices: DeviceHotplugApi | null = null;
  /** Set by the block layer install() (src-sim/kernel/block); null until then. */
  block: BlockApi | null = null;
  /** Set by the memory subsystem's install() (src-sim/kernel/mm); null until then. */
  mm: MemoryApi | null = null;
  /** Set by the io controller's install() (src-sim/kernel/iocg); null until then. */
  iocg: IocgApi | null = null;
  /** Set by writeback's install() (src-sim/kernel/writeback); null until then. */
  writeback: WritebackApi | null = null;
  /** Set by the scheduler's install(). */
  sched!: SchedulerApi;
  /** Opt-in event trace (engine/trace.ts); null in a normal run, so tracing costs one check. */
  trace: TraceBuffer | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly engine: Engine,
    readonly rng: Rng,
    readonly vfs: Vfs,
    readonly log: EventLog,
    readonly cgroups: CgroupTree,
  ) {
    // Files newer than kernel.version do not exist (kernel/versions.ts).
    const version = scenario.kernel.version;
    vfs.gate = (path) => missingInVersion(version, path) === null;
    // A knob that is stored but not simulated says so in the run's log at every write (issue 16).
    vfs.onStoredOnly = (path, value, why) => log.add(engine.now, 'not_simulated', { file: path, value, note: `stored but not simulated: ${why}` });
  }

  get now(): number {
    return this.engine.now;
  }

  allocPid(): number {
    return this.nextPid++;
  }

  registerBehaviour(type: RunSpec['type'], factory: BehaviourFactory): void {
    this.factories.set(type, factory);
  }

  /** Whether an installed subsystem provides this run type (the loader reports a missing one). */
  hasBehaviour(type: RunSpec['type']): boolean {
    return this.factories.has(type);
  }

  behaviourFor(task: Task, spec: RunSpec): Behaviour {
    const f = this.factories.get(spec.type);
    if (!f) this.engine.fail('kernel', `no subsystem provides run type "${spec.type}"`);
    return f(this, task, spec);
  }

  /** Subsystems that hold per-task resources (memory, I/O) release them here. */
  onTaskExit(hook: (task: Task, now: number) => void): void {
    this.exitHooks.push(hook);
  }

  /** Called by the scheduler once a task has exited or been killed. */
  taskExited(task: Task, now: number): void {
    for (const h of this.exitHooks) h(task, now);
  }
}

/** Offered by the block layer for timeline/live plug and unplug actions. */
export interface DeviceHotplugApi {
  plug(device: BlockDeviceSpec): void;
  unplug(name: string): void;
}
