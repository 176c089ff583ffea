/**
 * A sweep's result as a chart (the Sweep view): one knob → the metric's mean
 * per value as a line inside its 95 % confidence band (the band drawn as in
 * band-option.ts: a transparent lower line with the band's width stacked on
 * it, filled); two knobs → a heatmap of the mean, rows the first knob,
 * columns the second, on a one-hue ramp of the first series colour.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { SweepResult } from '../../src-main/ipc/contract.ts';
import { formatValue } from './line-option';
import type { ChartTheme } from './theme';

export interface SweepCell {
  mean: number | null;
  lo: number | null;
  hi: number | null;
  n: number;
}

/** The metric at every point, in point order (null mean: no complete seed yet, or every seed failed). */
export function sweepCells(r: SweepResult, metric: string): SweepCell[] {
  return r.points.map((p) => {
    const m = p.metrics[metric];
    return { mean: m?.mean ?? null, lo: m?.ci95[0] ?? null, hi: m?.ci95[1] ?? null, n: m?.n ?? 0 };
  });
}

const axisText = (theme: ChartTheme): object => ({ color: theme.muted });

export function buildSweepLineOption(r: SweepResult, metric: string, theme: ChartTheme): EChartsCoreOption {
  const knob = r.knobs[0]!;
  const cells = sweepCells(r, metric);
  const x = knob.values.map(String);
  const colour = theme.palette[0]!;
  // A single seed (or identical seeds) has no interval: the band is then the mean itself, zero wide.
  const lo = cells.map((c) => (c.mean === null ? null : (c.lo ?? c.mean)));
  const width = cells.map((c, i) => (c.mean === null ? null : (c.hi ?? c.mean) - lo[i]!));
  return {
    animation: false,
    color: theme.palette,
    backgroundColor: theme.bg,
    title: { text: `${r.name}: ${metric}`, left: 8, top: 4, textStyle: { color: theme.fg, fontSize: 13, fontWeight: 600 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatValue(v) : String(v)) },
    legend: { top: 24, textStyle: { color: theme.muted }, data: [`mean of ${r.seeds.length} seeds`, '95 % CI'] },
    grid: { left: 64, right: 24, top: 56, bottom: 56 },
    xAxis: { type: 'category', data: x, name: knob.label, nameLocation: 'middle', nameGap: 30, nameTextStyle: axisText(theme), axisLabel: axisText(theme), boundaryGap: false },
    yAxis: { type: 'value', scale: true, axisLabel: { ...axisText(theme), formatter: (v: number) => formatValue(v) }, splitLine: { lineStyle: { color: theme.grid } } },
    series: [
      { name: 'lower', type: 'line', stack: 'ci', stackStrategy: 'all', data: lo, lineStyle: { opacity: 0 }, showSymbol: false, silent: true, tooltip: { show: false } },
      {
        name: '95 % CI',
        type: 'line',
        stack: 'ci',
        // Bands cross zero: stack on the lower line whatever its sign.
        stackStrategy: 'all',
        data: width,
        lineStyle: { opacity: 0 },
        itemStyle: { color: colour },
        areaStyle: { color: colour, opacity: 0.25 },
        showSymbol: false,
        silent: true,
        tooltip: { show: false },
      },
      { name: `mean of ${r.seeds.length} seeds`, type: 'line', data: cells.map((c) => c.mean), lineStyle: { width: 2, color: colour }, itemStyle: { color: colour }, symbolSize: 6, connectNulls: false },
    ],
  };
}

/** Heatmap of the mean: cell [column, row, mean]; rows are the first knob's values (top = first), columns the second's. */
export function buildSweepHeatmapOption(r: SweepResult, metric: string, theme: ChartTheme): EChartsCoreOption {
  const [rows, cols] = r.knobs as [SweepResult['knobs'][0], SweepResult['knobs'][0]];
  const cells = sweepCells(r, metric);
  const data: [number, number, number | null][] = cells.map((c, i) => [i % cols.values.length, Math.floor(i / cols.values.length), c.mean]);
  const means = cells.map((c) => c.mean).filter((v): v is number => v !== null);
  const min = means.length ? Math.min(...means) : 0;
  const max = means.length ? Math.max(...means) : 1;
  return {
    animation: false,
    backgroundColor: theme.bg,
    title: { text: `${r.name}: ${metric}`, left: 8, top: 4, textStyle: { color: theme.fg, fontSize: 13, fontWeight: 600 } },
    tooltip: { position: 'top', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatValue(v) : '—') },
    grid: { left: 120, right: 90, top: 40, bottom: 56 },
    xAxis: { type: 'category', data: cols.values.map(String), name: cols.label, nameLocation: 'middle', nameGap: 30, nameTextStyle: axisText(theme), axisLabel: axisText(theme), splitArea: { show: false } },
    // Inverse puts the first row on top, and the axis name at the top with nameLocation 'start'.
    yAxis: { type: 'category', inverse: true, data: rows.values.map(String), name: rows.label, nameLocation: 'start', nameTextStyle: axisText(theme), axisLabel: axisText(theme) },
    visualMap: {
      type: 'continuous',
      min,
      // A flat sweep still needs a range to map onto.
      max: max > min ? max : min + 1,
      calculable: false,
      text: [formatValue(max), formatValue(min)],
      orient: 'vertical',
      right: 8,
      top: 'middle',
      textStyle: { color: theme.muted },
      formatter: (v: number) => formatValue(v),
      // One hue from light to full: the smallest mean is still clearly drawn (35 % of the colour over the background).
      inRange: { color: [blend(theme.palette[0]!, theme.bg, 0.35), theme.palette[0]!] },
    },
    series: [
      {
        name: metric,
        type: 'heatmap',
        data,
        label: { show: true, color: theme.fg, formatter: (p: { value: [number, number, number | null] }) => (p.value[2] === null ? '—' : formatValue(p.value[2])) },
        itemStyle: { borderColor: theme.bg, borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: theme.fg } },
      },
    ],
  };
}

/** α·colour + (1 − α)·background, as #rrggbb. */
export function blend(colour: string, background: string, alpha: number): string {
  const rgb = (h: string): number[] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const c = rgb(colour);
  const b = rgb(background);
  return `#${c.map((v, i) => Math.round(alpha * v + (1 - alpha) * b[i]!).toString(16).padStart(2, '0')).join('')}`;
}
