import { parseFields } from '../../src-sim/vfs/fields';
import type { Metric } from '../../src-sim/sweep/types';

/** A metric's value in a run's final files: null when the file or field is absent (or not finite, e.g. "max"). */
export function readMetric(files: Record<string, string>, m: Metric): number | null {
  const text = files[m.path];
  if (text === undefined) return null;
  const v = parseFields(text).get(m.field);
  return v === undefined || !Number.isFinite(v) ? null : v;
}

export function readMetrics(files: Record<string, string>, metrics: readonly Metric[]): Record<string, number | null> {
  return Object.fromEntries(metrics.map((m) => [m.label, readMetric(files, m)]));
}
