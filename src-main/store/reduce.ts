/** A reduced window of one series: sample times (ns) and values. */
export interface SeriesWindow {
  t: Float64Array;
  v: Float64Array;
}

/**
 * Reduce samples `values[0..n)` (sample i at time (first + i)·interval) to at
 * most `maxPoints` points, keeping each bucket's minimum and maximum in time
 * order, so peaks and dips survive at any zoom. NaN (missing sample) is
 * skipped; an all-NaN bucket yields one NaN point (a gap in the chart).
 */
export function reduceMinMax(values: Float64Array, first: number, intervalNs: number, maxPoints: number): SeriesWindow {
  const n = values.length;
  if (n <= maxPoints || maxPoints < 2) {
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = (first + i) * intervalNs;
    return { t, v: values.slice() };
  }
  const buckets = maxPoints >> 1;
  const t = new Float64Array(buckets * 2);
  const v = new Float64Array(buckets * 2);
  let out = 0;
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let mn = Infinity;
    let mx = -Infinity;
    let imn = -1;
    let imx = -1;
    for (let i = lo; i < hi; i++) {
      const x = values[i]!;
      if (x < mn) {
        mn = x;
        imn = i;
      }
      if (x > mx) {
        mx = x;
        imx = i;
      }
    }
    if (imn < 0 && imx < 0) {
      t[out] = (first + lo) * intervalNs;
      v[out++] = NaN;
      continue;
    }
    // A constant bucket of +Infinity ("max") or -Infinity has only one side.
    if (imn < 0) imn = imx;
    if (imx < 0) imx = imn;
    const a = imn < imx ? imn : imx;
    const c = imn < imx ? imx : imn;
    t[out] = (first + a) * intervalNs;
    v[out++] = values[a]!;
    if (c !== a) {
      t[out] = (first + c) * intervalNs;
      v[out++] = values[c]!;
    }
  }
  return { t: t.slice(0, out), v: v.slice(0, out) };
}
