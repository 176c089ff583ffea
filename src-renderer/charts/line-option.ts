/**
 * Time-series chart: any number of series (one field of one virtual file
 * each, possibly from several runs) on a time axis in seconds, with the run's
 * live actions (knob writes, hot-plug) as vertical markers.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { ChartTheme } from './theme';

export interface LineSeries {
  name: string;
  /** Times in ns. */
  t: readonly number[];
  v: readonly (number | null)[];
}

export interface Marker {
  tNs: number;
  label: string;
}

export interface LineChartData {
  title: string;
  unit: string;
  series: LineSeries[];
  markers: Marker[];
  /** Visible window in seconds, or null for everything. */
  window?: { start: number; end: number } | null;
  /** Animation off for live and large charts (frame budget). */
  animation?: boolean;
}

export function buildLineOption(d: LineChartData, theme: ChartTheme): EChartsCoreOption {
  const many = d.series.length > 20;
  const markLine =
    d.markers.length === 0
      ? undefined
      : {
          silent: true,
          symbol: 'none',
          lineStyle: { color: theme.marker, type: 'dashed', width: 1 },
          label: { color: theme.marker, formatter: '{b}', position: 'insideEndTop', fontSize: 10 },
          data: d.markers.map((m) => ({ name: m.label, xAxis: m.tNs / 1e9 })),
        };
  return {
    animation: d.animation ?? false,
    color: theme.palette,
    backgroundColor: theme.bg,
    title: { text: d.title, left: 8, top: 4, textStyle: { color: theme.fg, fontSize: 13, fontWeight: 600 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${formatValue(v)} ${d.unit}` : String(v)) },
    // A legend of hundreds of entries is unreadable and costs more to lay out
    // than the lines (bench/ui-compare.ts); the summary table names them instead.
    ...(many ? {} : { legend: { type: 'scroll', top: 24, textStyle: { color: theme.muted } } }),
    grid: { left: 64, right: 24, top: 56, bottom: 56 },
    xAxis: {
      type: 'value',
      name: 's',
      nameTextStyle: { color: theme.muted },
      axisLabel: { color: theme.muted },
      splitLine: { lineStyle: { color: theme.grid } },
      ...(d.window ? { min: d.window.start, max: d.window.end } : {}),
    },
    yAxis: {
      type: 'value',
      name: d.unit,
      nameTextStyle: { color: theme.muted },
      axisLabel: { color: theme.muted, formatter: (v: number) => formatValue(v) },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    dataZoom: [{ type: 'inside', filterMode: 'none' }, { type: 'slider', height: 18, bottom: 8, filterMode: 'none' }],
    // One dataset per series as keyed columns {x, y}: ECharts reads the arrays
    // as they are, about 4× faster to draw than [x, y] pairs for 200 series
    // (bench/ui-compare.ts).
    dataset: d.series.map((s) => ({ source: { x: toSeconds(s.t), y: s.v } })),
    series: d.series.map((s, i) => ({
      name: s.name,
      type: 'line',
      datasetIndex: i,
      encode: { x: 'x', y: 'y' },
      showSymbol: false,
      connectNulls: false,
      // Hundreds of overlaid lines are a texture anyway; 1 px strokes draw faster (bench/ui-compare.ts).
      lineStyle: { width: many ? 1 : 1.5 },
      // Hover emphasis redraws every series; with many series it costs more than it tells.
      ...(many ? { emphasis: { disabled: true }, silent: true } : {}),
      ...(i === 0 && markLine ? { markLine } : {}),
    })),
  };
}

/** Pixel columns of the plot in a chart `width` px wide (the grid's left 64 + right 24). */
export function plotColumns(width: number): number {
  return Math.max(2, Math.round(width - 64 - 24));
}

/**
 * Points to ask the service for per series: one per pixel column of the plot,
 * as min/max pairs (the service's 'minmax' keeps the lowest and highest
 * sample of each two columns), so peaks survive and nothing is drawn that
 * falls on the same pixel.
 */
export function pointsForWidth(width: number): number {
  return plotColumns(width);
}

export function toSeconds(t: readonly number[]): number[] {
  const out = new Array<number>(t.length);
  for (let i = 0; i < t.length; i++) out[i] = t[i]! / 1e9;
  return out;
}

/** [[seconds, value], …]; null stays a gap. */
export function zip(t: readonly number[], v: readonly (number | null)[]): [number, number | null][] {
  const n = Math.min(t.length, v.length);
  const out = new Array<[number, number | null]>(n);
  for (let i = 0; i < n; i++) out[i] = [t[i]! / 1e9, v[i]!];
  return out;
}

export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e12) return `${+(v / 1e12).toFixed(2)}T`;
  if (a >= 1e9) return `${+(v / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(3)}`;
}

/** Per-second rate of a cumulative counter (usage_usec, rbytes, nr_throttled…). */
export function rate(t: readonly number[], v: readonly (number | null)[]): { t: number[]; v: (number | null)[] } {
  const rt: number[] = [];
  const rv: (number | null)[] = [];
  for (let i = 1; i < t.length; i++) {
    const a = v[i - 1];
    const b = v[i];
    const dt = (t[i]! - t[i - 1]!) / 1e9;
    rt.push(t[i]!);
    rv.push(a == null || b == null || dt <= 0 ? null : (b - a) / dt);
  }
  return { t: rt, v: rv };
}
