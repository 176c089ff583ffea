/**
 * Opt-in per-event trace (the simulator's ftrace): scheduler switches,
 * wakeups and migrations, and block requests from dispatch to completion.
 * Off by default — subsystems test `k.trace !== null` once per event, so a
 * normal run pays one null check. Exports (Perfetto / Chrome JSON) replay a
 * stored run with a buffer attached. Bounded like a ring buffer that does
 * not overwrite: past `capacity` entries new ones are counted in `dropped`
 * (ftrace's "overrun" in the other direction: the start is kept, since a
 * trace viewer shows time from 0).
 */

/** A CPU starts (`on`) or stops (`off`) running a task: the two halves of sched_switch. */
export interface SwitchEntry {
  kind: 'on' | 'off';
  t: number;
  cpu: number;
  pid: number;
  /**
   * `on` only: __schedule picked the task it had just put back (prev == next),
   * so there was no sched_switch and the running slice goes on.
   */
  cont?: boolean;
}

/** sched_wakeup / sched_wakeup_new: the task becomes runnable on `cpu`. */
export interface WakeupEntry {
  kind: 'wakeup' | 'wakeup_new';
  t: number;
  cpu: number;
  pid: number;
}

/** sched_migrate_task: set_task_cpu() moved the task between CPUs. */
export interface MigrateEntry {
  kind: 'migrate';
  t: number;
  pid: number;
  from: number;
  to: number;
}

/** One request on the device: block_rq_issue at `t`, block_rq_complete at `end`. */
export interface BlockEntry {
  kind: 'block';
  t: number;
  end: number;
  disk: string;
  /** "R", "W", "F" (flush), "D" (discard) — the rwbs letter. */
  op: string;
  sector: number;
  bytes: number;
  cgroup: string;
  /** 0, or the errno name the request completed with. */
  error: string;
}

export type TraceEntry = SwitchEntry | WakeupEntry | MigrateEntry | BlockEntry;

export const DEFAULT_TRACE_CAPACITY = 2_000_000;

export class TraceBuffer {
  readonly entries: TraceEntry[] = [];
  /** Entries not kept because the buffer was full. */
  dropped = 0;

  constructor(readonly capacity = DEFAULT_TRACE_CAPACITY) {
    if (!(capacity > 0) || !Number.isInteger(capacity)) throw new RangeError(`trace capacity must be a positive integer, got ${capacity}`);
  }

  add(e: TraceEntry): void {
    if (this.entries.length >= this.capacity) this.dropped++;
    else this.entries.push(e);
  }
}
