/**
 * Compare view redraw after a zoom, in Chromium: 10 runs × 20 series × 60 k
 * samples; each zoom reduces every series' visible window to min/max per
 * bucket (as the service's query/window does) to the points per series the
 * Compare view asks for (one per pixel column of the plot; before issue 14:
 * 1,200), and redraws with the app's option builder; both ways run in the
 * same page. Target ≤ 100 ms (issues 6, 14).
 */
import type { BenchResult } from './result';
import { evaluateInBenchPage } from './ui-support';

interface CompareResult {
  firstDrawMs: number;
  zoomRedrawMs: number[];
  reduceMs: number[];
  renderMs: number[];
  series: number;
  samplesPerSeries: number;
  pointsPerSeries: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchUiCompare(): Promise<BenchResult> {
  // Both ways in the same page, one after the other: on a loaded machine only their ratio is steady.
  const { before: b, after: r } = await evaluateInBenchPage<{ before: CompareResult; after: CompareResult }>(
    "(async () => ({ before: await window.klBench.compare(10, 20, 60000, 600, 'before'), after: await window.klBench.compare(10, 20, 60000, 600, 'after') }))()",
  );
  const med = median(r.zoomRedrawMs);
  return {
    name: 'ui-compare-zoom-redraw',
    figures: {
      series: r.series,
      'samples per series': r.samplesPerSeries,
      'points drawn per series': r.pointsPerSeries,
      'first draw ms': r.firstDrawMs,
      'zoom redraw median ms': med,
      'zoom redraw max ms': Math.max(...r.zoomRedrawMs),
      'of which reduce (median) ms': median(r.reduceMs),
      'of which render (median) ms': median(r.renderMs),
      'before: points per series': b.pointsPerSeries,
      'before: zoom redraw median ms': median(b.zoomRedrawMs),
      'before: of which render (median) ms': median(b.renderMs),
      'speed-up of the redraw (before / after)': median(b.zoomRedrawMs) / med,
    },
    target: '≤ 100 ms after a zoom',
    ratio: 100 / med,
    notes:
      'after = one point per pixel column of the plot (min/max pairs) and 1 px lines beyond 20 series; before = 1,200 points per series, 1.5 px lines. Reduction is done in the page here; in the app the service reduces (query/window) and the renderer only draws. Wall-clock in Chromium on a shared box: compare the two lines, not the absolute ms',
  };
}
