import { describe, expect, it } from 'vitest';
import { buildBandOption } from '../../../src-renderer/charts/band-option';
import { renderSvg } from '../../../src-renderer/charts/svg';
import { LIGHT_THEME } from '../../../src-renderer/charts/theme';

/** The points of every SVG path drawn in a colour, as [x, y] pairs. */
function paths(svg: string, colour: string, attr: 'fill' | 'stroke'): [number, number][][] {
  const out: [number, number][][] = [];
  for (const m of svg.matchAll(/<path d="([^"]+)"([^>]*)>/g)) {
    if (!m[2]!.includes(`${attr}="${colour}"`) || m[2]!.includes('transform=')) continue;
    out.push([...m[1]!.matchAll(/[ML]([\d.-]+) ([\d.-]+)/g)].map((p) => [Number(p[1]), Number(p[2])]));
  }
  return out;
}

describe('band chart (replications: mean inside its 95 % CI)', () => {
  it('draws the mean as a line and the band as a filled area exactly between lower and upper, also across zero', () => {
    const bands = { path: '/p', field: 'f', runs: 3, t: [0, 1e9, 2e9, 3e9, 4e9], mean: [0, 1, 2, 3, 4], lo: [-1, 0, 1, 2, 3], hi: [1, 2, 3, 4, 5] };
    const svg = renderSvg(buildBandOption({ title: 'usage', unit: '', groups: [{ name: 'A', bands }] }, LIGHT_THEME), 400, 300);
    const blue = LIGHT_THEME.palette[0]!;
    const [area] = paths(svg, blue, 'fill').filter((p) => p.length >= 10);
    const strokes = paths(svg, blue, 'stroke').filter((p) => p.length === 5);
    expect(area).toBeDefined();
    // The visible mean line is drawn last (the lower line has the same colour with stroke-opacity 0).
    expect(strokes.length).toBeGreaterThanOrEqual(2);
    const meanLine = strokes[strokes.length - 1]!;
    expect(meanLine.map(([x]) => x)).toEqual(area!.slice(0, 5).map(([x]) => x));
    // Pixels per unit from the mean line (1 unit per second step).
    const unit = meanLine[0]![1] - meanLine[1]![1];
    expect(unit).toBeGreaterThan(10);
    const top = area!.slice(0, 5);
    const bottom = area!.slice(5).reverse();
    for (let k = 0; k < 5; k++) {
      expect(top[k]![1]).toBeCloseTo(meanLine[k]![1] - unit, 0);
      expect(bottom[k]![1]).toBeCloseTo(meanLine[k]![1] + unit, 0);
    }
  });

  it('gives each group its own colour, and names the runs behind each mean in the legend', () => {
    const b = (shift: number) => ({ path: '/p', field: 'f', runs: 10, t: [0, 1e9], mean: [shift, shift], lo: [shift - 1, shift - 1], hi: [shift + 1, shift + 1] });
    const option = buildBandOption({ title: 't', unit: 'ms', groups: [{ name: 'A', bands: b(0) }, { name: 'B', bands: b(5) }] }, LIGHT_THEME) as { legend: { data: string[] } };
    expect(option.legend.data).toEqual(['A (mean of 10)', 'B (mean of 10)']);
    const svg = renderSvg(option, 400, 300);
    expect(paths(svg, LIGHT_THEME.palette[0]!, 'fill').some((p) => p.length >= 4)).toBe(true);
    expect(paths(svg, LIGHT_THEME.palette[1]!, 'fill').some((p) => p.length >= 4)).toBe(true);
  });
});
