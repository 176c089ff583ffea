import { POS_ONE } from './pos-ratio';

/**
 * Per-wb rate estimation of IO-less dirty throttling (mm/page-writeback.c:
 * wb_update_write_bandwidth(), wb_update_dirty_ratelimit()). Rates are in
 * pages per second, times in jiffies.
 */

/** include/linux/backing-dev-defs.h: INIT_BW = 100 MB/s in pages. */
export const INIT_BW = (100 << 20) / 4096;

/** BANDWIDTH_INTERVAL = max(HZ/5, 1): 200 ms. */
export function bandwidthInterval(hz: number): number {
  return Math.max(Math.floor(hz / 5), 1);
}

/** The estimator state of one bdi_writeback. */
export interface WbRates {
  /** write_bandwidth: first-order estimate. */
  writeBw: number;
  /** avg_write_bandwidth: smoothed again, what throttling uses. */
  avgWriteBw: number;
  dirtyRatelimit: number;
  balancedDirtyRatelimit: number;
  /** Pages written / dirtied when last sampled, and when (jiffies). */
  writtenStamp: number;
  dirtiedStamp: number;
  bwTimeStamp: number;
}

export function initialRates(now: number): WbRates {
  return { writeBw: INIT_BW, avgWriteBw: INIT_BW, dirtyRatelimit: INIT_BW, balancedDirtyRatelimit: INIT_BW, writtenStamp: 0, dirtiedStamp: 0, bwTimeStamp: now };
}

function roundupPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

/**
 * wb_update_write_bandwidth(): blend the rate over `elapsed` into a ~3 s
 * span (period = roundup_pow_of_two(3·HZ)), then move the average 1/8 of
 * the way when both agree on the direction (filters spikes).
 */
export function updateWriteBandwidth(r: WbRates, elapsed: number, written: number, hz: number): void {
  const period = roundupPow2(3 * hz);
  let avg = r.avgWriteBw;
  const old = r.writeBw;
  let bw = (written - Math.min(written, r.writtenStamp)) * hz;
  if (elapsed > period) {
    bw = Math.floor(bw / elapsed);
    avg = bw;
  } else {
    bw += old * (period - elapsed);
    bw = Math.floor(bw / period);
    if (avg > old && old >= bw) avg -= Math.floor((avg - old) / 8);
    if (avg < old && old <= bw) avg += Math.floor((old - avg) / 8);
  }
  r.writeBw = bw;
  r.avgWriteBw = Math.max(avg, 1);
}

/**
 * wb_update_dirty_ratelimit(): estimate the balanced rate
 * task_ratelimit × write_bw / dirty_rate (= write_bw / N for N dirtiers) and
 * step dirty_ratelimit toward it, only in the direction pos_ratio agrees with
 * and more slowly as it gets close.
 */
export function updateDirtyRatelimit(r: WbRates, args: { dirtied: number; elapsed: number; dirty: number; setpoint: number; posRatio: number; hz: number }): void {
  const { dirtied, elapsed, dirty, setpoint, posRatio, hz } = args;
  const writeBw = r.avgWriteBw;
  let dirtyRatelimit = r.dirtyRatelimit;
  const dirtyRate = Math.floor(((dirtied - r.dirtiedStamp) * hz) / elapsed);
  // +1 helps ramp dirty_ratelimit up from tiny values.
  const taskRatelimit = Math.floor((dirtyRatelimit * posRatio) / POS_ONE) + 1;
  let balanced = Math.floor((taskRatelimit * writeBw) / (dirtyRate | 1));
  if (balanced > writeBw) balanced = writeBw;

  let step = 0;
  if (dirty < setpoint) {
    const x = Math.min(r.balancedDirtyRatelimit, balanced, taskRatelimit);
    if (dirtyRatelimit < x) step = x - dirtyRatelimit;
  } else {
    const x = Math.max(r.balancedDirtyRatelimit, balanced, taskRatelimit);
    if (dirtyRatelimit > x) step = dirtyRatelimit - x;
  }
  // Don't chase 100 % rate matching: slow down near the target.
  const shift = Math.floor(dirtyRatelimit / (2 * step + 1));
  if (shift < 64) step = Math.ceil(Math.floor(step / 2 ** shift) / 8);
  else step = 0;
  if (dirtyRatelimit < balanced) dirtyRatelimit += step;
  else dirtyRatelimit -= step;
  r.dirtyRatelimit = Math.max(dirtyRatelimit, 1);
  r.balancedDirtyRatelimit = balanced;
}
