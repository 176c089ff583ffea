/**
 * Reduce a series to at most `points` points for display. Input: sample
 * values at times t0 + i·dt. Non-finite values are kept as gaps (null).
 *
 * - minmax: split into ⌊points/2⌋ buckets; each keeps its minimum and maximum
 *   in time order, so spikes survive at any zoom (what Perfetto and most
 *   monitoring UIs do).
 * - lttb: Largest-Triangle-Three-Buckets (Steinarsson 2013), keeps the first
 *   and last point and the point of each bucket that spans the largest
 *   triangle with its neighbours' choices. Gaps are kept as gaps.
 */

export interface Reduced {
  t: number[];
  v: (number | null)[];
}

/** Times of samples [from, from+n) at `intervalNs`. */
function timeOf(index: number, intervalNs: number): number {
  return index * intervalNs;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** All points, no reduction. */
function raw(values: Float64Array, firstIndex: number, intervalNs: number): Reduced {
  const t: number[] = new Array(values.length);
  const v: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    t[i] = timeOf(firstIndex + i, intervalNs);
    v[i] = finite(values[i]!);
  }
  return { t, v };
}

export function reduceMinMax(values: Float64Array, firstIndex: number, intervalNs: number, points: number): Reduced {
  const n = values.length;
  if (n <= points) return raw(values, firstIndex, intervalNs);
  const buckets = Math.max(1, Math.floor(points / 2));
  const t: number[] = [];
  const v: (number | null)[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = -1;
    let iMax = -1;
    let gap = -1;
    for (let i = lo; i < hi; i++) {
      const x = values[i]!;
      if (!Number.isFinite(x)) {
        if (gap < 0) gap = i;
        continue;
      }
      if (iMin < 0 || x < values[iMin]!) iMin = i;
      if (iMax < 0 || x > values[iMax]!) iMax = i;
    }
    if (iMin < 0) {
      // Whole bucket is a gap.
      t.push(timeOf(firstIndex + lo, intervalNs));
      v.push(null);
      continue;
    }
    if (gap >= 0) {
      // The file vanished inside this bucket: keep the break in the line and
      // the maximum (two points, so the bucket budget holds).
      const pair: [number, number | null][] = [
        [gap, null],
        [iMax, values[iMax]!],
      ];
      pair.sort((x, y) => x[0] - y[0]);
      for (const [i, x] of pair) {
        t.push(timeOf(firstIndex + i, intervalNs));
        v.push(x);
      }
      continue;
    }
    const a = Math.min(iMin, iMax);
    const c = Math.max(iMin, iMax);
    t.push(timeOf(firstIndex + a, intervalNs));
    v.push(values[a]!);
    if (c !== a) {
      t.push(timeOf(firstIndex + c, intervalNs));
      v.push(values[c]!);
    }
  }
  return { t, v };
}

export function reduceLttb(values: Float64Array, firstIndex: number, intervalNs: number, points: number): Reduced {
  const n = values.length;
  if (n <= points || points < 3) return points < 3 && n > points ? reduceMinMax(values, firstIndex, intervalNs, points) : raw(values, firstIndex, intervalNs);
  const t: number[] = [];
  const v: (number | null)[] = [];
  const push = (i: number): void => {
    t.push(timeOf(firstIndex + i, intervalNs));
    v.push(finite(values[i]!));
  };
  push(0);
  const every = (n - 2) / (points - 2);
  let a = 0;
  for (let b = 0; b < points - 2; b++) {
    const lo = Math.floor(b * every) + 1;
    const hi = Math.min(Math.floor((b + 1) * every) + 1, n - 1);
    // Average of the next bucket (finite values only).
    const nlo = hi;
    const nhi = Math.min(Math.floor((b + 2) * every) + 1, n);
    let sx = 0;
    let sy = 0;
    let cnt = 0;
    for (let i = nlo; i < nhi; i++) {
      const y = values[i]!;
      if (Number.isFinite(y)) {
        sx += i;
        sy += y;
        cnt++;
      }
    }
    const ax = a;
    const ay = values[a]!;
    let best = -1;
    let bestArea = -1;
    let gap = -1;
    for (let i = lo; i < hi; i++) {
      const y = values[i]!;
      if (!Number.isFinite(y)) {
        if (gap < 0) gap = i;
        continue;
      }
      // With no finite anchor on one side, prefer the extreme by distance to the other.
      const area =
        Number.isFinite(ay) && cnt > 0
          ? Math.abs((ax - sx / cnt) * (y - ay) - (ax - i) * (sy / cnt - ay))
          : Math.abs(y - (cnt > 0 ? sy / cnt : Number.isFinite(ay) ? ay : 0));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    if (gap >= 0 || best < 0) {
      // A gap in the bucket: one null point keeps the line broken there.
      const at = gap >= 0 ? gap : lo;
      if (at < hi) {
        t.push(timeOf(firstIndex + at, intervalNs));
        v.push(null);
      }
      continue;
    }
    push(best);
    a = best;
  }
  push(n - 1);
  return { t, v };
}

export function reduce(
  method: 'minmax' | 'lttb',
  values: Float64Array,
  firstIndex: number,
  intervalNs: number,
  points: number,
): Reduced {
  return method === 'lttb' ? reduceLttb(values, firstIndex, intervalNs, points) : reduceMinMax(values, firstIndex, intervalNs, points);
}
