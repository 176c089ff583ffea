/**
 * The Compare view's summary table: per metric, each run's mean and last
 * value, and the difference against the first (baseline) run.
 */
import type { LineSeries } from './line-option';

export interface SummaryRow {
  metric: string;
  /** One per run, same order as the runs. */
  mean: (number | null)[];
  last: (number | null)[];
  /** (mean_run − mean_baseline) / |mean_baseline| × 100, null for the baseline or a zero baseline. */
  diffPct: (number | null)[];
}

export interface RunMetricSeries {
  runName: string;
  /** metric name → series (one field of one virtual file) */
  metrics: Map<string, LineSeries>;
}

function mean(v: readonly (number | null)[]): number | null {
  let s = 0;
  let n = 0;
  for (const x of v) {
    if (x == null || !Number.isFinite(x)) continue;
    s += x;
    n++;
  }
  return n === 0 ? null : s / n;
}

function last(v: readonly (number | null)[]): number | null {
  for (let i = v.length - 1; i >= 0; i--) {
    const x = v[i];
    if (x != null && Number.isFinite(x)) return x;
  }
  return null;
}

export function buildSummary(runs: readonly RunMetricSeries[]): SummaryRow[] {
  const metrics = [...new Set(runs.flatMap((r) => [...r.metrics.keys()]))].sort();
  return metrics.map((metric) => {
    const means = runs.map((r) => {
      const s = r.metrics.get(metric);
      return s ? mean(s.v) : null;
    });
    const base = means[0] ?? null;
    return {
      metric,
      mean: means,
      last: runs.map((r) => {
        const s = r.metrics.get(metric);
        return s ? last(s.v) : null;
      }),
      diffPct: means.map((m, i) => (i === 0 || m === null || base === null || base === 0 ? null : ((m - base) / Math.abs(base)) * 100)),
    };
  });
}
