/**
 * A log-linear latency histogram on a typed array (the layout of
 * HdrHistogram with 2^(SUB_BITS−1) linear sub-buckets per power of two: ≤ 1/64 ≈ 1.6 %
 * relative error). Recording is allocation-free; values are ns.
 */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
const MAX_EXP = 44; // 2^44 ns ≈ 4.9 hours

export class LatencyHistogram {
  readonly counts = new Float64Array((MAX_EXP + 1) * SUB);
  total = 0;
  sum = 0;
  sumSq = 0;
  min = Infinity;
  max = 0;

  record(ns: number): void {
    const v = ns < 1 ? 0 : Math.floor(ns);
    // The bucket in place below 2^32 ns (no call: four records per block I/O).
    let b: number;
    if (v < SUB) b = v;
    else if (v < 4294967296) {
      // Integer fast path: exponent from clz, mantissa by shift.
      const e = 31 - Math.clz32(v) - SUB_BITS + 1;
      b = e * SUB + (v >>> e);
    } else b = bucketOfLarge(v);
    this.counts[b]!++;
    this.total++;
    this.sum += v;
    this.sumSq += v * v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  get stddev(): number {
    if (this.total < 2) return 0;
    const m = this.mean;
    return Math.sqrt(Math.max(0, (this.sumSq - this.total * m * m) / (this.total - 1)));
  }

  /** Value at percentile p (0–100): the upper edge of the bucket holding that rank, capped at max. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    const c = this.counts;
    for (let i = 0; i < c.length; i++) {
      seen += c[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.max);
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.min = Infinity;
    this.max = 0;
  }

  /** Add another histogram's counts (fio group_reporting, per-job → all). */
  add(o: LatencyHistogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += o.counts[i]!;
    this.total += o.total;
    this.sum += o.sum;
    this.sumSq += o.sumSq;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
  }
}

/** The bucket of a value ≥ 2^32 ns (beyond the integer fast path). */
function bucketOfLarge(v: number): number {
  const e = Math.floor(Math.log2(v)) - SUB_BITS + 1;
  if (e > MAX_EXP) return (MAX_EXP + 1) * SUB - 1;
  // v / 2^e lies in [SUB/2, SUB): the mantissa keeps SUB_BITS−1 significant bits.
  return e * SUB + Math.floor(v / 2 ** e);
}

function upperEdge(i: number): number {
  const e = Math.floor(i / SUB);
  const m = i % SUB;
  if (e === 0) return m;
  return (m + 1) * 2 ** e - 1;
}
