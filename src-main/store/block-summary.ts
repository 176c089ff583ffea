/**
 * Per-chunk summary for fast zoomed-out windows: for every block of BLOCK
 * samples (from the chunk's first sample), the minimum and maximum value and
 * their offsets in the block. Stored apart from the samples (table
 * chunk_minmax) so a window query reads ~1/7 of the bytes and scans 1/16 of
 * the entries, and still returns exact samples (value and time).
 *
 * Layout: Float64 [min0, max0, min1, max1, …] then Uint8 [argmin0, argmax0, …];
 * offset NO_VALUE marks a block without a number (all NaN).
 */
import { StoredDataError } from './blob';

export const BLOCK = 16;
export const NO_VALUE = 255;

export function blockSummary(values: Float64Array): Buffer {
  const blocks = Math.ceil(values.length / BLOCK);
  // Every byte is written below.
  const buf = Buffer.allocUnsafe(blocks * 18);
  const mm = new Float64Array(buf.buffer, buf.byteOffset, blocks * 2);
  const arg = new Uint8Array(buf.buffer, buf.byteOffset + blocks * 16, blocks * 2);
  for (let b = 0; b < blocks; b++) {
    const lo = b * BLOCK;
    const hi = Math.min(lo + BLOCK, values.length);
    // Start from the first number in the block (NaN compares false and is skipped).
    let j = lo;
    while (j < hi && Number.isNaN(values[j]!)) j++;
    if (j === hi) {
      mm[2 * b] = NaN;
      mm[2 * b + 1] = NaN;
      arg[2 * b] = NO_VALUE;
      arg[2 * b + 1] = NO_VALUE;
      continue;
    }
    let mn = values[j]!;
    let mx = mn;
    let imn = j;
    let imx = j;
    for (let i = j + 1; i < hi; i++) {
      const x = values[i]!;
      if (x < mn) {
        mn = x;
        imn = i;
      } else if (x > mx) {
        mx = x;
        imx = i;
      }
    }
    mm[2 * b] = mn;
    mm[2 * b + 1] = mx;
    arg[2 * b] = imn - lo;
    arg[2 * b + 1] = imx - lo;
  }
  return buf;
}

/** Views on a stored summary (copied when SQLite's buffer is not 8-byte aligned). */
export function readSummary(buf: Buffer): { mm: Float64Array; arg: Uint8Array; blocks: number } {
  if (!Buffer.isBuffer(buf) || buf.byteLength % 18 !== 0) throw new StoredDataError('a stored min/max summary is damaged (not whole 18-byte blocks)');
  const blocks = buf.byteLength / 18;
  let b = buf;
  if (b.byteOffset % 8 !== 0) {
    b = Buffer.alloc(buf.byteLength);
    buf.copy(b);
  }
  return { mm: new Float64Array(b.buffer, b.byteOffset, blocks * 2), arg: new Uint8Array(b.buffer, b.byteOffset + blocks * 16, blocks * 2), blocks };
}
