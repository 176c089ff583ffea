import type { Rng } from '../../engine/rng';
import type { FreshRuns } from '../../kernel/mm/fault';
import type { MemObject } from '../../kernel/mm/objects';

/**
 * The pages a working set's 10 ms tick faults: `w[b]` touches landed on
 * non-resident pages of bucket b (drawn by the behaviour), taken bucket by
 * bucket, each page uniform over the bucket's non-resident pages (one
 * 32-bit draw per pick). `pick` gives them one at a time; `take` (FreshRuns)
 * gives several at once where a bucket's touched part is empty — then every
 * pick is the next never-touched page whatever its draw, so the draws are
 * made and the pages mapped as one run. Both consume the same draws in the
 * same order, so a tick faults the same pages either way (tick-picks.test.ts).
 * One instance per working set, restarted each tick (no allocation per tick).
 */
export class TickPicks implements FreshRuns {
  bucket = 0;
  private cur = 0;
  readonly pick: () => number;

  constructor(
    private readonly o: MemObject,
    private readonly w: Int32Array,
    private readonly rng: Rng,
  ) {
    this.pick = (): number => this.next();
  }

  /** A new tick: start at the first bucket. */
  restart(): void {
    this.cur = 0;
  }

  /** Move to the next bucket with touches left and non-resident pages; false when none is left. */
  private advance(): boolean {
    const w = this.w;
    const nonres = this.o.nonres!;
    let cur = this.cur;
    // A bucket can run out before its draws when huge pages mapped its pages in 512s.
    while (cur < w.length && (w[cur] === 0 || nonres[cur] === 0)) cur++;
    this.cur = cur;
    return cur < w.length;
  }

  /** The next page to fault, -1 when the tick's touches are used up. */
  next(): number {
    if (!this.advance()) return -1;
    this.w[this.cur]!--;
    // One 32-bit draw is plenty for a bucket of < 2^32 pages (and half the cost of rng.int).
    return this.o.pickNonResident(this.cur, this.rng.uint32() / 4294967296);
  }

  take(max: number): number {
    if (!this.advance()) return 0;
    const b = this.cur;
    const o = this.o;
    if (o.nv![b] !== 0) return 0;
    const k = Math.min(max, this.w[b]!, o.nonres![b]!);
    // pickNonResident() does not use its draw when the touched part is empty, but each pick makes one.
    const rng = this.rng;
    for (let i = 0; i < k; i++) rng.uint32();
    this.w[b]! -= k;
    this.bucket = b;
    return k;
  }
}
