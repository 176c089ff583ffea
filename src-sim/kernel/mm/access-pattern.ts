/**
 * Where a task's page touches land, as probability mass over page buckets.
 * Pages are ranked by index (page 0 hottest for zipf). Within a bucket the
 * mass is spread evenly: zipf buckets span ranks [⌊r·√2⌋…) so that pages of
 * one bucket differ in popularity by less than 2^(θ/2).
 *
 * The model never samples individual touches: reclaim derives whether a
 * page was referenced since it was last looked at from its per-page touch
 * rate λ (P = 1 − e^(−λ·Δt)), and faults draw only the touches that land on
 * non-resident pages.
 */
export class AccessPattern {
  /** First page of each bucket; lo[nb] = pages. */
  readonly lo: Int32Array;
  /** Probability that one touch lands in bucket b. */
  readonly mass: Float64Array;
  /** The bucket bucket() found last. */
  private lastBucket = 0;

  private constructor(
    readonly pages: number,
    lo: number[],
    mass: number[],
  ) {
    this.lo = Int32Array.from(lo);
    this.mass = Float64Array.from(mass);
  }

  get buckets(): number {
    return this.mass.length;
  }

  /**
   * The bucket holding `page`: a binary search of `lo` (≤ 250 buckets, in
   * cache) instead of a per-page array, which cost a byte per page filled at
   * attach and a cache miss per lookup.
   */
  bucket(page: number): number {
    const lo = this.lo;
    // Runs of neighbouring pages (a huge page's 512, reclaim's scans) mostly stay in one bucket.
    const last = this.lastBucket;
    if (lo[last]! <= page && page < lo[last + 1]!) return last;
    let a = 0;
    let z = lo.length - 2;
    while (a < z) {
      const mid = (a + z + 1) >> 1;
      if (lo[mid]! <= page) a = mid;
      else z = mid - 1;
    }
    this.lastBucket = a;
    return a;
  }

  /** Touches per second of one page of bucket b when the task touches `rate` pages/s. */
  pageRate(b: number, rate: number): number {
    return (rate * this.mass[b]!) / (this.lo[b + 1]! - this.lo[b]!);
  }

  static uniform(pages: number): AccessPattern {
    return new AccessPattern(pages, [0, pages], [1]);
  }

  /** Zipf over ranks 1..pages with exponent theta (theta 0 = uniform). */
  static zipf(pages: number, theta: number): AccessPattern {
    if (theta <= 0 || pages <= 1) return AccessPattern.uniform(pages);
    const lo = [0];
    let r = 1;
    while (r - 1 < pages && lo.length < 250) {
      const next = Math.min(pages + 1, Math.max(r + 1, Math.floor(r * Math.SQRT2)));
      lo.push(next - 1);
      r = next;
    }
    lo[lo.length - 1] = pages;
    const mass: number[] = [];
    let total = 0;
    for (let b = 0; b + 1 < lo.length; b++) {
      const m = zipfSum(lo[b]! + 1, lo[b + 1]!, theta);
      mass.push(m);
      total += m;
    }
    return new AccessPattern(pages, lo, mass.map((m) => m / total));
  }
}

/** Σ_{i=a..b} i^-θ: exact for small ranks, midpoint integral beyond. */
function zipfSum(a: number, b: number, theta: number): number {
  if (b - a < 64) {
    let s = 0;
    for (let i = a; i <= b; i++) s += i ** -theta;
    return s;
  }
  const x0 = a - 0.5;
  const x1 = b + 0.5;
  if (Math.abs(theta - 1) < 1e-9) return Math.log(x1 / x0);
  return (x1 ** (1 - theta) - x0 ** (1 - theta)) / (1 - theta);
}
