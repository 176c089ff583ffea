/** A chart's data as CSV: one time column (seconds) and one column per series, rows at the union of times. */
import type { LineSeries } from './line-option';

export function seriesToCsv(series: readonly LineSeries[]): string {
  const times = [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
  const cols = series.map((s) => {
    const m = new Map<number, number | null>();
    s.t.forEach((t, i) => m.set(t, s.v[i] ?? null));
    return m;
  });
  const esc = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['time_s', ...series.map((s) => esc(s.name))].join(',')];
  for (const t of times) lines.push([String(t / 1e9), ...cols.map((c) => (c.has(t) ? String(c.get(t) ?? '') : ''))].join(','));
  return lines.join('\n') + '\n';
}
