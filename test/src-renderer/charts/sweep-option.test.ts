import { describe, expect, it } from 'vitest';
import type { SweepResult } from '../../../src-main/ipc/contract';
import { blend, buildSweepHeatmapOption, buildSweepLineOption, sweepCells } from '../../../src-renderer/charts/sweep-option';
import { renderSvg } from '../../../src-renderer/charts/svg';
import { LIGHT_THEME } from '../../../src-renderer/charts/theme';
import { svgAreas, svgHeatmapCells, svgLines } from '../../e2e/support/pixels';

const M = '/sys/block/sda/stat:0';
function result(knobs: SweepResult['knobs'], means: (number | null)[], half = 1): SweepResult {
  return {
    experimentId: 1,
    name: 'sweep',
    description: '',
    seeds: [1, 2, 3],
    knobs,
    metrics: [M],
    points: means.map((mean, index) => ({
      index,
      values: {},
      done: 3,
      failed: mean === null ? 3 : 0,
      error: mean === null ? 'refused' : null,
      runIds: [],
      metrics: { [M]: { n: mean === null ? 0 : 3, mean, ci95: mean === null ? [null, null] : [mean - half, mean + half] } },
    })),
    total: means.length * 3,
    done: means.length * 3,
  };
}
const blue = LIGHT_THEME.palette[0]!;

describe('sweep charts', () => {
  it('one knob: the mean per value as a line with a point per value, inside its band (lower … upper)', () => {
    const svg = renderSvg(buildSweepLineOption(result([{ label: 'read_expire', values: [50, 500, 2000] }], [10, 20, 15], 2), M, LIGHT_THEME), 600, 300);
    const [mean] = svgLines(svg, blue);
    expect(mean).toHaveLength(3);
    const [band] = svgAreas(svg, blue);
    expect(band).toHaveLength(6);
    // 10 units between the first two means; the band is ±2 units around each mean.
    const unit = (mean![0]![1] - mean![1]![1]) / 10;
    const top = band!.slice(0, 3);
    const bottom = band!.slice(3).reverse();
    for (let k = 0; k < 3; k++) {
      expect(top[k]![0]).toBeCloseTo(mean![k]![0], 0);
      expect(top[k]![1]).toBeCloseTo(mean![k]![1] - 2 * unit, 0);
      expect(bottom[k]![1]).toBeCloseTo(mean![k]![1] + 2 * unit, 0);
    }
  });

  it('a failed point leaves a gap in the line, not a zero', () => {
    expect(sweepCells(result([{ label: 'k', values: [1, 2, 3] }], [5, null, 7]), M).map((c) => c.mean)).toEqual([5, null, 7]);
    const svg = renderSvg(buildSweepLineOption(result([{ label: 'k', values: [1, 2, 3] }], [5, null, 7]), M, LIGHT_THEME), 600, 300);
    expect(svgLines(svg, blue).flat()).toHaveLength(2);
  });

  it('two knobs: a heatmap cell per point, rows the first knob, darker where the mean is larger', () => {
    const svg = renderSvg(buildSweepHeatmapOption(result([{ label: 'quota', values: ['a', 'b'] }, { label: 'cpus', values: [1, 2, 3] }], [1, 2, 3, 4, 5, 6]), M, LIGHT_THEME), 600, 300);
    const cells = svgHeatmapCells(svg);
    expect(cells).toHaveLength(6);
    // Row-major, first row on top.
    expect(cells[1]!.x).toBeGreaterThan(cells[0]!.x);
    expect(cells[3]!.y).toBeGreaterThan(cells[0]!.y);
    expect(cells[3]!.x).toBeCloseTo(cells[0]!.x, 5);
    const lightness = cells.map((c) => c.rgb[0] + c.rgb[1] + c.rgb[2]);
    for (let i = 1; i < 6; i++) expect(lightness[i]!).toBeLessThan(lightness[i - 1]!);
    expect(cells[5]!.rgb).toEqual([37, 99, 235]);
    // The smallest mean: 35 % of the series colour over the background (0.35·37 + 0.65·255 = 179…).
    expect(blend('#2563eb', '#ffffff', 0.35)).toBe('#b3c8f8');
    expect(cells[0]!.rgb).toEqual([0xb3, 0xc8, 0xf8]);
  });
});
