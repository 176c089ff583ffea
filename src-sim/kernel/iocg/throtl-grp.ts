/**
 * One blk-throttle group's slice accounting for one device (struct
 * throtl_grp, block/blk-throttle.c, 6.1–6.13 form with carryover). Times are
 * in jiffies; a limit of Infinity means "max" (U64_MAX / UINT_MAX).
 *
 * Pure arithmetic: no queues, no timers. ./blk-throttle.ts builds the
 * hierarchy and the dispatch loop on top.
 */

export const READ = 0;
export const WRITE = 1;
export type Rw = typeof READ | typeof WRITE;

/** block/blk-throttle.c: DFL_THROTL_SLICE = HZ / 10 (100 ms). */
export function dflThrotlSlice(hz: number): number {
  return Math.max(1, Math.floor(hz / 10));
}

/** calculate_bytes_allowed(): bps × elapsed / HZ, truncated. */
export function bytesAllowed(bps: number, elapsed: number, hz: number): number {
  if (bps === Infinity) return Infinity;
  return Math.floor((bps * elapsed) / hz);
}

/** calculate_io_allowed(): iops × elapsed / HZ, truncated. */
export function iosAllowed(iops: number, elapsed: number, hz: number): number {
  if (iops === Infinity) return Infinity;
  return Math.floor((iops * elapsed) / hz);
}

function roundup(x: number, y: number): number {
  return Math.ceil(x / y) * y;
}

function rounddown(x: number, y: number): number {
  return Math.floor(x / y) * y;
}

export class ThrotlGrp {
  // Per direction (READ, WRITE); typed arrays keep the hot path free of boxing.
  /** Limits: bps and iops (Infinity = max). */
  readonly bps = Float64Array.of(Infinity, Infinity);
  readonly iops = Float64Array.of(Infinity, Infinity);
  readonly sliceStart = new Float64Array(2);
  readonly sliceEnd = new Float64Array(2);
  readonly bytesDisp = new Float64Array(2);
  readonly ioDisp = new Float64Array(2);
  /** Budget earned (or overdrawn) under an older config while bios waited. */
  readonly carryoverBytes = new Float64Array(2);
  readonly carryoverIos = new Float64Array(2);

  constructor(
    readonly hz: number,
    readonly slice: number,
  ) {}

  get hasLimits(): boolean {
    return this.bps[0] !== Infinity || this.bps[1] !== Infinity || this.iops[0] !== Infinity || this.iops[1] !== Infinity;
  }

  /** throtl_slice_used(): jiffies outside [slice_start, slice_end]. */
  sliceUsed(rw: Rw, j: number): boolean {
    return !(j >= this.sliceStart[rw] && j <= this.sliceEnd[rw]);
  }

  /** throtl_start_new_slice() */
  startNewSlice(rw: Rw, j: number, clearCarryover: boolean): void {
    this.bytesDisp[rw] = 0;
    this.ioDisp[rw] = 0;
    this.sliceStart[rw] = j;
    this.sliceEnd[rw] = j + this.slice;
    if (clearCarryover) {
      this.carryoverBytes[rw] = 0;
      this.carryoverIos[rw] = 0;
    }
  }

  /** throtl_start_new_slice_with_credit(): reuse bandwidth unused since `start`. */
  startNewSliceWithCredit(rw: Rw, j: number, start: number): void {
    this.bytesDisp[rw] = 0;
    this.ioDisp[rw] = 0;
    if (start > this.sliceStart[rw]) this.sliceStart[rw] = start;
    this.sliceEnd[rw] = j + this.slice;
  }

  /** throtl_set_slice_end() / throtl_extend_slice(): rounded up to a slice. */
  setSliceEnd(rw: Rw, jEnd: number): void {
    this.sliceEnd[rw] = roundup(jEnd, this.slice);
  }

  /** throtl_trim_slice(): forget whole slices already paid for, so the budget never piles up. */
  trimSlice(rw: Rw, j: number): void {
    if (this.sliceUsed(rw, j)) return;
    this.setSliceEnd(rw, j + this.slice);
    const elapsed = rounddown(j - this.sliceStart[rw], this.slice);
    if (elapsed === 0) return;
    const bytesTrim = bytesAllowed(this.bps[rw], elapsed, this.hz) + this.carryoverBytes[rw];
    const ioTrim = iosAllowed(this.iops[rw], elapsed, this.hz) + this.carryoverIos[rw];
    if (bytesTrim <= 0 && ioTrim <= 0) return;
    this.carryoverBytes[rw] = 0;
    this.bytesDisp[rw] = this.bytesDisp[rw] >= bytesTrim ? this.bytesDisp[rw] - bytesTrim : 0;
    this.carryoverIos[rw] = 0;
    this.ioDisp[rw] = this.ioDisp[rw] >= ioTrim ? this.ioDisp[rw] - ioTrim : 0;
    this.sliceStart[rw] += elapsed;
  }

  /** tg_within_iops_limit(): 0 if one more IO fits, else jiffies to wait. */
  withinIopsLimit(rw: Rw, j: number): number {
    const iops = this.iops[rw];
    if (iops === Infinity) return 0;
    const elapsed = j - this.sliceStart[rw];
    // Round up to the next slice; the wait must be nonzero.
    const elapsedRnd = roundup(elapsed + 1, this.slice);
    const allowed = iosAllowed(iops, elapsedRnd, this.hz) + this.carryoverIos[rw];
    if (allowed > 0 && this.ioDisp[rw] + 1 <= allowed) return 0;
    const wait = elapsedRnd - elapsed;
    return Math.max(wait, Math.floor(this.hz / iops) + 1);
  }

  /** tg_within_bps_limit(): 0 if `bytes` more fit, else jiffies to wait. */
  withinBpsLimit(rw: Rw, bytes: number, bpsCharged: boolean, j: number): number {
    const bps = this.bps[rw];
    if (bps === Infinity || bpsCharged) return 0;
    const elapsed = j - this.sliceStart[rw];
    // A slice that has just started counts as one whole slice.
    const elapsedRnd = roundup(elapsed === 0 ? this.slice : elapsed, this.slice);
    const allowed = bytesAllowed(bps, elapsedRnd, this.hz) + this.carryoverBytes[rw];
    if (allowed > 0 && this.bytesDisp[rw] + bytes <= allowed) return 0;
    const extra = this.bytesDisp[rw] + bytes - allowed;
    let wait = Math.floor((extra * this.hz) / bps);
    if (wait === 0) wait = 1;
    // The wait above ignores the rounding up of elapsed; add it.
    return wait + (elapsedRnd - elapsed);
  }

  /**
   * tg_may_dispatch(): 0 if a bio of `bytes` may go now, else jiffies to
   * wait. `queued` says whether bios already wait in this direction (then
   * the slice is extended rather than restarted).
   */
  mayDispatch(rw: Rw, bytes: number, bpsCharged: boolean, queued: boolean, j: number): number {
    if (this.bps[rw] === Infinity && this.iops[rw] === Infinity) return 0;
    if (this.sliceUsed(rw, j) && !queued) this.startNewSlice(rw, j, true);
    else if (this.sliceEnd[rw] < j + this.slice) this.setSliceEnd(rw, j + this.slice);
    const bpsWait = this.withinBpsLimit(rw, bytes, bpsCharged, j);
    const iopsWait = this.withinIopsLimit(rw, j);
    if (bpsWait + iopsWait === 0) return 0;
    const wait = Math.max(bpsWait, iopsWait);
    if (this.sliceEnd[rw] < j + wait) this.setSliceEnd(rw, j + wait);
    return wait;
  }

  /** throtl_charge_bio() */
  charge(rw: Rw, bytes: number, bpsCharged: boolean): void {
    if (!bpsCharged) this.bytesDisp[rw] += bytes;
    this.ioDisp[rw]++;
  }

  /**
   * __tg_update_carryover(): before a config change while bios wait, keep
   * what the old limits had earned (or overdrawn) so the new wait is fair.
   */
  updateCarryover(rw: Rw, j: number): void {
    const elapsed = j - this.sliceStart[rw];
    if (this.bps[rw] !== Infinity) this.carryoverBytes[rw] += bytesAllowed(this.bps[rw], elapsed, this.hz) - this.bytesDisp[rw];
    if (this.iops[rw] !== Infinity) this.carryoverIos[rw] += iosAllowed(this.iops[rw], elapsed, this.hz) - this.ioDisp[rw];
  }
}
