// Checks that an exported chart draws the values the service returned: the
// SVG lines' vertices must be one linear map of (seconds, value) — the
// chart's x and y axes — for every series at once, so each line sits at its
// own height relative to the others, not merely "some line was drawn".
import type { LineSeries } from '../../../src-renderer/charts/line-option';

export interface LineFit {
  /** Largest distance of a vertex from where the axes put its sample, px. */
  maxErrorPx: number;
  /** Pixels per value unit on the y axis (> 0: larger values higher up). */
  pxPerUnit: number;
  /** The y pixel of value 0 (the line at zero), and of the largest value. */
  zeroY: number;
  vertices: number;
}

/** lines[i] are the vertices of series[i] (its non-null samples, in order); throws when a line has the wrong number of vertices. */
export function fitLines(lines: readonly (readonly [number, number][])[], series: readonly LineSeries[]): LineFit {
  if (lines.length !== series.length) throw new Error(`${lines.length} lines drawn for ${series.length} series`);
  const pairs: { t: number; v: number; x: number; y: number }[] = [];
  series.forEach((s, i) => {
    const samples = s.t.map((t, k) => ({ t: t / 1e9, v: s.v[k] })).filter((p): p is { t: number; v: number } => p.v !== null && p.v !== undefined);
    const line = lines[i]!;
    if (line.length !== samples.length) throw new Error(`${s.name}: ${line.length} vertices drawn for ${samples.length} samples`);
    samples.forEach((p, k) => pairs.push({ ...p, x: line[k]![0], y: line[k]![1] }));
  });
  const by = <K extends 't' | 'v'>(key: K, pick: (a: number, b: number) => boolean) => pairs.reduce((a, b) => (pick(b[key], a[key]) ? b : a));
  const [t0, t1, v0, v1] = [by('t', (a, b) => a < b), by('t', (a, b) => a > b), by('v', (a, b) => a < b), by('v', (a, b) => a > b)];
  if (t1.t === t0.t || v1.v === v0.v) throw new Error('need two distinct times and values to fit the axes');
  const kx = (t1.x - t0.x) / (t1.t - t0.t);
  const ky = (v0.y - v1.y) / (v1.v - v0.v);
  let maxErrorPx = 0;
  for (const p of pairs) {
    const x = t0.x + kx * (p.t - t0.t);
    const y = v0.y - ky * (p.v - v0.v);
    maxErrorPx = Math.max(maxErrorPx, Math.hypot(p.x - x, p.y - y));
  }
  return { maxErrorPx, pxPerUnit: ky, zeroY: v0.y + ky * v0.v, vertices: pairs.length };
}
