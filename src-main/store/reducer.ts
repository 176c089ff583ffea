import type { SeriesWindow } from './reduce';
import { BLOCK, NO_VALUE } from './block-summary';

/**
 * Min/max reduction of sample indices [i0, i0 + n) into `buckets` buckets,
 * fed in index order by raw samples or by block summaries (a block counts in
 * the bucket where it starts). Emits each bucket's minimum and maximum as
 * real samples in time order; a bucket without a number yields one NaN (a
 * gap). Same bucket rule as reduceMinMax: bucket b holds relative indices
 * [floor(b·n/B), floor((b+1)·n/B)).
 */
export class MinMaxReducer {
  private readonly mn: Float64Array;
  private readonly mx: Float64Array;
  private readonly imn: Float64Array;
  private readonly imx: Float64Array;
  private b = 0;
  private hi: number;

  constructor(
    private readonly i0: number,
    private readonly n: number,
    private readonly buckets: number,
  ) {
    this.mn = new Float64Array(buckets).fill(Infinity);
    this.mx = new Float64Array(buckets).fill(-Infinity);
    this.imn = new Float64Array(buckets).fill(-1);
    this.imx = new Float64Array(buckets).fill(-1);
    this.hi = Math.floor(n / buckets);
  }

  private seek(rel: number): number {
    while (rel >= this.hi && this.b < this.buckets - 1) {
      this.b++;
      this.hi = Math.floor(((this.b + 1) * this.n) / this.buckets);
    }
    return this.b;
  }

  /** Samples values[from..to) whose first element is absolute index `start + from`. */
  addSamples(values: Float64Array, start: number, from: number, to: number): void {
    const { mn, mx, imn, imx } = this;
    let i = from;
    while (i < to) {
      const b = this.seek(start + i - this.i0);
      const end = Math.min(to, this.hi - (start - this.i0));
      let bmn = mn[b]!;
      let bmx = mx[b]!;
      let jmn = imn[b]!;
      let jmx = imx[b]!;
      for (; i < end; i++) {
        const x = values[i]!;
        if (x < bmn || (jmn < 0 && x === Infinity)) {
          bmn = x;
          jmn = start + i;
        }
        if (x > bmx || (jmx < 0 && x === -Infinity)) {
          bmx = x;
          jmx = start + i;
        }
      }
      mn[b] = bmn;
      mx[b] = bmx;
      imn[b] = jmn;
      imx[b] = jmx;
    }
  }

  /** Block summaries of a chunk starting at absolute index `start` (every block inside the window). */
  addBlocks(mm: Float64Array, arg: Uint8Array, blocks: number, start: number): void {
    const { mn, mx, imn, imx } = this;
    for (let k = 0; k < blocks; k++) {
      const b = this.seek(start + k * BLOCK - this.i0);
      const a0 = arg[2 * k]!;
      const a1 = arg[2 * k + 1]!;
      if (a0 !== NO_VALUE) {
        const x = mm[2 * k]!;
        if (x < mn[b]! || (imn[b]! < 0 && x === Infinity)) {
          mn[b] = x;
          imn[b] = start + k * BLOCK + a0;
        }
      }
      if (a1 !== NO_VALUE) {
        const x = mm[2 * k + 1]!;
        if (x > mx[b]! || (imx[b]! < 0 && x === -Infinity)) {
          mx[b] = x;
          imx[b] = start + k * BLOCK + a1;
        }
      }
    }
  }

  finish(intervalNs: number): SeriesWindow {
    const t = new Float64Array(this.buckets * 2);
    const v = new Float64Array(this.buckets * 2);
    let out = 0;
    for (let b = 0; b < this.buckets; b++) {
      let a = this.imn[b]!;
      let c = this.imx[b]!;
      if (a < 0 && c < 0) {
        t[out] = (this.i0 + Math.floor((b * this.n) / this.buckets)) * intervalNs;
        v[out++] = NaN;
        continue;
      }
      if (a < 0) a = c;
      if (c < 0) c = a;
      const first = a < c ? a : c;
      const second = a < c ? c : a;
      t[out] = first * intervalNs;
      v[out++] = first === a ? this.mn[b]! : this.mx[b]!;
      if (second !== first) {
        t[out] = second * intervalNs;
        v[out++] = second === a ? this.mn[b]! : this.mx[b]!;
      }
    }
    return { t: t.slice(0, out), v: v.slice(0, out) };
  }
}
