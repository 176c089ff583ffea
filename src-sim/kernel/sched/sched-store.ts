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
 * Layout of a block (offsets below): the PELT signals of struct sched_avg.
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
/** Doubles per block. */
export const STRIDE = 8;

export class SchedStore {
  /** The blocks; replaced (copied) when it grows, so read `store.d` afresh after allocating. */
  d = new Float64Array(STRIDE * 256);
  private used = 0;
  /** Blocks of exited tasks, reused (LIFO: deterministic) by the next fork. */
  private readonly free: number[] = [];

  /** A zeroed block; returns its slot (the offset of its first double). */
  alloc(): number {
    const f = this.free.pop();
    if (f !== undefined) return f;
    if (this.used + STRIDE > this.d.length) {
      const bigger = new Float64Array(this.d.length * 2);
      bigger.set(this.d);
      this.d = bigger;
    }
    const slot = this.used;
    this.used += STRIDE;
    return slot;
  }

  /** Give a block back (zeroed) once nothing reads it any more. */
  release(slot: number): void {
    this.d.fill(0, slot, slot + STRIDE);
    this.free.push(slot);
  }
}
