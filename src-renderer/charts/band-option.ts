/**
 * Replications as a chart: per group of runs (the seeds of one setting) the
 * mean of a series as a line inside its 95 % confidence band (the service's
 * query/bands). The band is drawn as ECharts draws confidence bands: a
 * transparent lower line and the (upper − lower) difference stacked on it,
 * filled.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { SeriesBands } from '../../src-main/ipc/contract.ts';
import { formatValue } from './line-option';
import type { ChartTheme } from './theme';

export interface BandChartData {
  title: string;
  unit: string;
  groups: { name: string; bands: SeriesBands }[];
}

export function buildBandOption(d: BandChartData, theme: ChartTheme): EChartsCoreOption {
  const series: object[] = [];
  d.groups.forEach((g, i) => {
    const colour = theme.palette[i % theme.palette.length]!;
    const x = g.bands.t.map((t) => t / 1e9);
    const stack = `band-${i}`;
    series.push(
      { name: `${g.name} lower`, type: 'line', stack, stackStrategy: 'all', data: x.map((s, k) => [s, g.bands.lo[k]]), lineStyle: { opacity: 0 }, showSymbol: false, silent: true, tooltip: { show: false } },
      {
        name: `${g.name} 95 % CI`,
        type: 'line',
        stack,
        // Bands cross zero: stack on the lower line whatever its sign (the default stacks by sign).
        stackStrategy: 'all',
        data: x.map((s, k) => [s, g.bands.hi[k] == null || g.bands.lo[k] == null ? null : g.bands.hi[k]! - g.bands.lo[k]!]),
        lineStyle: { opacity: 0 },
        areaStyle: { color: colour, opacity: 0.25 },
        showSymbol: false,
        silent: true,
        tooltip: { show: false },
      },
      { name: `${g.name} (mean of ${g.bands.runs})`, type: 'line', data: x.map((s, k) => [s, g.bands.mean[k]]), lineStyle: { width: 1.5, color: colour }, itemStyle: { color: colour }, showSymbol: false },
    );
  });
  return {
    animation: false,
    color: theme.palette,
    backgroundColor: theme.bg,
    title: { text: d.title, left: 8, top: 4, textStyle: { color: theme.fg, fontSize: 13, fontWeight: 600 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${formatValue(v)} ${d.unit}` : String(v)) },
    legend: { type: 'scroll', top: 24, textStyle: { color: theme.muted }, data: d.groups.map((g) => `${g.name} (mean of ${g.bands.runs})`) },
    grid: { left: 64, right: 24, top: 56, bottom: 32 },
    xAxis: { type: 'value', name: 's', nameTextStyle: { color: theme.muted }, axisLabel: { color: theme.muted }, splitLine: { lineStyle: { color: theme.grid } } },
    yAxis: { type: 'value', name: d.unit, nameTextStyle: { color: theme.muted }, axisLabel: { color: theme.muted, formatter: (v: number) => formatValue(v) }, splitLine: { lineStyle: { color: theme.grid } } },
    series,
  };
}
