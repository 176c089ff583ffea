import type { SweepSpec } from '../../src-sim/sweep/types';
import type { PointOutcome } from './run-experiment';
import { meanCi, showMeanCi } from './stats';

export const SWEEP_RESULT_FORMAT = 'kernel-lab/sweep-result@1';

export interface PointSummary {
  index: number;
  values: Record<string, string | number | boolean>;
  /** Seeds that finished (complete or failed). */
  done: number;
  failed: number;
  /** The first failure's message (the kernel's refusal, a failed invariant…). */
  error: string | null;
  runs: number[];
  metrics: Record<string, { n: number; mean: number | null; ci95: [number | null, number | null] }>;
}

/** Per point: every metric's mean and 95 % CI over its complete seeds. */
export function summarisePoints(spec: SweepSpec, points: { index: number; values: PointSummary['values'] }[], results: readonly PointOutcome[]): PointSummary[] {
  return points.map((p) => {
    const mine = results.filter((r) => r.point === p.index);
    const ok = mine.filter((r) => r.status === 'complete');
    const failed = mine.filter((r) => r.status === 'failed');
    const metrics: PointSummary['metrics'] = {};
    for (const m of spec.metrics) {
      const xs = ok.map((r) => r.metrics[m.label]).filter((v): v is number => typeof v === 'number');
      const s = meanCi(xs);
      metrics[m.label] = { n: s.n, mean: fin(s.mean), ci95: [fin(s.lo), fin(s.hi)] };
    }
    return {
      index: p.index,
      values: p.values,
      done: mine.length,
      failed: failed.length,
      error: failed[0]?.error ?? null,
      runs: mine.map((r) => r.runId).filter((id): id is number => id !== null),
      metrics,
    };
  });
}

/**
 * The sweep as text: one knob → one row per value, a column per metric
 * (mean ± 95 % CI); two knobs → one grid per metric (rows: first knob,
 * columns: second), the heatmap's numbers.
 */
export function sweepTable(spec: SweepSpec, summary: readonly PointSummary[]): string {
  const lines: string[] = [`${spec.name}: ${summary.length} points × ${spec.seeds.length} seeds; metric mean ± 95 % CI`];
  const cell = (p: PointSummary, label: string): string => {
    const m = p.metrics[label]!;
    if (p.done > 0 && p.failed === p.done) return 'failed';
    if (m.n === 0 || m.mean === null) return '-';
    return showMeanCi(meanCiOf(m));
  };
  const knobs = spec.knobs;
  if (knobs.length <= 1) {
    const head = [knobs[0]?.label ?? 'point', ...spec.metrics.map((m) => m.label)];
    const rows = summary.map((p) => [knobs[0] ? String(p.values[knobs[0].label]) : 'all', ...spec.metrics.map((m) => cell(p, m.label))]);
    lines.push('', ...grid(head, rows));
  } else {
    const [k0, k1] = knobs as [SweepSpec['knobs'][0], SweepSpec['knobs'][0]];
    for (const m of spec.metrics) {
      lines.push('', `${m.label} (rows: ${k0.label}, columns: ${k1.label})`);
      const rows = (k0.values as unknown[]).map((v0, i) => [String(v0), ...(k1.values as unknown[]).map((_, j) => cell(summary[i * k1.values.length + j]!, m.label))]);
      lines.push(...grid([k0.label, ...(k1.values as unknown[]).map(String)], rows));
    }
  }
  const failures = summary.filter((p) => p.error !== null);
  if (failures.length) {
    lines.push('', 'failed points');
    for (const p of failures) lines.push(`  ${Object.entries(p.values).map(([k, v]) => `${k}=${String(v)}`).join(' ')}: ${p.error!.split('\n').join('\n    ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function meanCiOf(m: { n: number; mean: number | null; ci95: [number | null, number | null] }): ReturnType<typeof meanCi> {
  const mean = m.mean ?? NaN;
  const half = m.ci95[1] === null ? NaN : m.ci95[1] - mean;
  return { n: m.n, mean, sd: NaN, half, lo: m.ci95[0] ?? NaN, hi: m.ci95[1] ?? NaN };
}

function fin(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function grid(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `  ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')}`;
  return [line(head), ...rows.map(line)];
}
