/**
 * The Compare view's summary table: per metric, each run's mean and last
 * value, and the difference against the first (baseline) run.
 */
import type { LineSeries } from './line-option';

export interface SummaryRow {
  metric: string;
  /** The chart's unit ("CPUs", "B/s", "bytes"…; '' when it has none). */
  unit: string;
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

/** `units`: metric → unit (the unit of the chart the metric is drawn in). */
export function buildSummary(runs: readonly RunMetricSeries[], units: ReadonlyMap<string, string> = new Map()): SummaryRow[] {
  const metrics = [...new Set(runs.flatMap((r) => [...r.metrics.keys()]))].sort();
  return metrics.map((metric) => {
    const means = runs.map((r) => {
      const s = r.metrics.get(metric);
      return s ? mean(s.v) : null;
    });
    const base = means[0] ?? null;
    return {
      metric,
      unit: units.get(metric) ?? '',
      mean: means,
      last: runs.map((r) => {
        const s = r.metrics.get(metric);
        return s ? last(s.v) : null;
      }),
      diffPct: means.map((m, i) => (i === 0 || m === null || base === null || base === 0 ? null : ((m - base) / Math.abs(base)) * 100)),
    };
  });
}

/** A value with its unit for the summary table: 4 significant digits, the unit after a space. */
export function withUnit(v: number | null, unit: string): string {
  if (v === null) return '—';
  const n = String(+v.toPrecision(4));
  return unit ? `${n} ${unit}` : n;
}

/**
 * Block devices by name, not number: "8:0" in a series (io.stat's
 * "8:0.rbytes") becomes "sda", using the run's machine (MAJ:MIN → name).
 */
export function nameDevices(label: string, devices: ReadonlyMap<string, string>): string {
  return label.replace(/\b(\d+):(\d+)\b/g, (m) => devices.get(m) ?? m);
}
