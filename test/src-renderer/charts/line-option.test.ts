import { describe, expect, it } from 'vitest';
import { buildLineOption, rate, zip } from '../../../src-renderer/charts/line-option';
import { LIGHT_THEME } from '../../../src-renderer/charts/theme';

interface Opt {
  dataset: { source: { x: number[]; y: (number | null)[] } }[];
  series: { name: string; datasetIndex: number; encode: { x: string; y: string }; markLine?: { data: { name: string; xAxis: number }[] } }[];
  xAxis: { min?: number; max?: number };
  color: string[];
}

describe('buildLineOption', () => {
  const data = {
    title: 'cpu.stat',
    unit: '/s',
    series: [
      { name: 'run A · /batch/cpu.stat usage_usec', t: [0, 1e8, 2e8], v: [0, 5, null] },
      { name: 'run B · /batch/cpu.stat usage_usec', t: [0, 1e8], v: [1, 2] },
    ],
    markers: [{ tNs: 1.5e9, label: 'unplug sda' }],
  };

  it('puts samples at seconds and keeps a missing sample as a gap', () => {
    const o = buildLineOption(data, LIGHT_THEME) as unknown as Opt;
    expect(o.dataset[0]!.source).toEqual({ x: [0, 0.1, 0.2], y: [0, 5, null] });
    expect(o.series.map((s) => [s.datasetIndex, s.encode])).toEqual([
      [0, { x: 'x', y: 'y' }],
      [1, { x: 'x', y: 'y' }],
    ]);
  });

  it('draws each live action once, as a marker at its simulated time', () => {
    const o = buildLineOption(data, LIGHT_THEME) as unknown as Opt;
    expect(o.series[0]!.markLine!.data).toEqual([{ name: 'unplug sda', xAxis: 1.5 }]);
    expect(o.series[1]!.markLine).toBeUndefined();
  });

  it('beyond 20 series drops the legend and hover emphasis (the summary table names the series)', () => {
    const many = { ...data, series: Array.from({ length: 21 }, (_, i) => ({ name: `s${i}`, t: [0], v: [i] })) };
    const o = buildLineOption(many, LIGHT_THEME) as unknown as { legend?: unknown; series: { silent?: boolean; emphasis?: { disabled: boolean } }[] };
    expect(o.legend).toBeUndefined();
    expect(o.series.every((s) => s.silent === true && s.emphasis?.disabled === true)).toBe(true);
    expect((buildLineOption(data, LIGHT_THEME) as unknown as { legend?: unknown }).legend).toBeDefined();
  });

  it('takes its colours from the theme and the window from the zoom', () => {
    const o = buildLineOption({ ...data, window: { start: 1, end: 2 } }, { ...LIGHT_THEME, palette: ['#000'] }) as unknown as Opt;
    expect(o.color).toEqual(['#000']);
    expect(o.xAxis.min).toBe(1);
    expect(o.xAxis.max).toBe(2);
  });
});

describe('rate', () => {
  it('turns cpu.stat usage_usec into CPUs: 100 ms of CPU per 100 ms sample is one CPU', () => {
    // usage_usec grows by 100000 µs every 100 ms → 1e6 µs/s → 1 CPU after the 1e-6 scale.
    const r = rate([0, 1e8, 2e8], [0, 100000, 200000]);
    expect(r.t).toEqual([1e8, 2e8]);
    expect(r.v.map((x) => x! * 1e-6)).toEqual([1, 1]);
  });

  it('leaves a gap where either sample is missing', () => {
    expect(rate([0, 1e9, 2e9], [0, null, 4]).v).toEqual([null, null]);
  });

  it('zip stops at the shorter array', () => {
    expect(zip([0, 1e9], [5])).toEqual([[0, 5]]);
  });
});
