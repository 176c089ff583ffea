import type { SchedEntity } from './entities';

/**
 * One scheduler's numeric entity state in one Float64Array (struct of
 * arrays): each fair entity (struct sched_entity) and each fair queue
 * (struct cfs_rq) owns a block of STRIDE doubles at its `slot`, and the hot
 * paths (pelt.ts, fair.ts, load-avg.ts) index the array directly.
 *
 * Why not fields on the objects: V8 keeps a double-valued field as a boxed
 * HeapNumber (one more pointer hop per read, and a box per object spread
 * over the heap), and a per-object Float64Array or accessors measured
 * slower (bench/PROFILES.md). One shared array per scheduler puts an
 * entity's signals in one or two cache lines, read without accessors.
 *
 * Layout of a block (offsets below): the PELT signals of struct sched_avg
 * (entities and queues alike), then an entity's virtual and execution times
 * or, at the same offsets, a queue's min_vruntime and EEVDF sums. Blocks are
 * allocated only at fork and cgroup creation, never inside fair.ts/pelt.ts,
 * so those may keep `d` in a local for the length of a call.
 */

/** struct sched_avg: last_update_time (ns; whole 1024 ns units as in the kernel). */
export const LAST_UPDATE = 0;
export const LOAD_SUM = 1;
export const RUNNABLE_SUM = 2;
export const UTIL_SUM = 3;
export const PERIOD_CONTRIB = 4;
export const LOAD_AVG = 5;
export const RUNNABLE_AVG = 6;
export const UTIL_AVG = 7;

/** struct sched_entity (entity blocks). */
export const VRUNTIME = 8;
export const DEADLINE = 9;
export const VLAG = 10;
export const EXEC_START = 11;
export const SUM_EXEC = 12;
export const PREV_SUM_EXEC = 13;
/** The slice (ns) the entity's requests are sized by: base slice or sched_setattr's. */
export const SLICE = 14;
/**
 * Position of the entity's slot in its queue's `queue` (-1 when not queued
 * or running). In the block, not on the object: removing an entity moves the
 * queue's last slot into its place, and that entity's second cache line was
 * just read by the pick, its object not.
 */
export const QINDEX = 15;

/** struct cfs_rq (queue blocks): min_vruntime, avg_vruntime (Σ (v_i − min_vruntime)·w_i over the queue, curr excluded). */
export const MIN_VRUNTIME = 8;
export const AVG_VRUNTIME = 9;
/**
 * Smallest vruntime waiting in the queue (Infinity when empty), valid while
 * the queue's `leftValid`: the rb-tree's cached leftmost.
 */
export const LEFT_V = 10;

/** Doubles per block: 128 bytes, two cache lines (PELT in the first, the times in the second). */
const STRIDE_SHIFT = 4;
export const STRIDE = 1 << STRIDE_SHIFT;

export class SchedStore {
  /** The blocks; replaced (copied) when it grows, so read `store.d` afresh after allocating. */
  d = new Float64Array(STRIDE * 256);
  private used = 0;
  /** Blocks of exited tasks, reused (LIFO: deterministic) by the next fork. */
  private readonly free: number[] = [];

  /** The entity owning each block (index slot / STRIDE), so a queue can hold slots and touch only its winner's object. */
  readonly owner: (SchedEntity | null)[] = [];

  /** The entity whose block is at `slot`. */
  entity(slot: number): SchedEntity {
    return this.owner[slot >> STRIDE_SHIFT]!;
  }

  /** A zeroed block; returns its slot (the offset of its first double). */
  alloc(who: SchedEntity | null = null): number {
    const f = this.free.pop();
    if (f !== undefined) {
      this.owner[f >> STRIDE_SHIFT] = who;
      return f;
    }
    if (this.used + STRIDE > this.d.length) {
      const bigger = new Float64Array(this.d.length * 2);
      bigger.set(this.d);
      this.d = bigger;
    }
    const slot = this.used;
    this.used += STRIDE;
    this.owner.push(who);
    return slot;
  }

  /** Give a block back (zeroed) once nothing reads it any more. */
  release(slot: number): void {
    this.d.fill(0, slot, slot + STRIDE);
    this.owner[slot >> STRIDE_SHIFT] = null;
    this.free.push(slot);
  }
}

/** Anything with a block in a store: a SchedEntity or a CfsRq. */
export interface Slotted {
  readonly store: SchedStore;
  readonly slot: number;
}

/** One double of `x`'s block, for code off the hot paths (/proc files, migration, tests). */
export function field(x: Slotted, at: number): number {
  return x.store.d[x.slot + at]!;
}
