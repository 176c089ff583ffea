/**
 * In-browser half of the UI benchmarks (bench/ui-*.ts load it into Chromium):
 * the app's own option builder and ECharts registration, synthetic data of
 * the sizes the issue names, timings with performance.now().
 */
import { init, type ECharts } from 'echarts/core';
import { registerCharts } from '../charts/echarts';
import { buildLineOption, pointsForWidth, type LineChartData, type LineSeries } from '../charts/line-option';
import { LIGHT_THEME } from '../charts/theme';

interface CompareResult {
  firstDrawMs: number;
  zoomRedrawMs: number[];
  reduceMs: number[];
  renderMs: number[];
  series: number;
  samplesPerSeries: number;
  pointsPerSeries: number;
}

function container(w: number, h: number): HTMLDivElement {
  const d = document.createElement('div');
  d.style.width = `${w}px`;
  d.style.height = `${h}px`;
  document.body.appendChild(d);
  return d;
}

/** Min/max per pixel bucket: what the service's 'minmax' reduction returns. */
function reduceMinMax(t: Float64Array, v: Float64Array, i0: number, i1: number, buckets: number): LineSeries {
  const n = i1 - i0;
  const per = Math.max(1, Math.ceil(n / buckets));
  const ot: number[] = [];
  const ov: number[] = [];
  for (let b = i0; b < i1; b += per) {
    const e = Math.min(i1, b + per);
    let mi = b;
    let ma = b;
    for (let i = b + 1; i < e; i++) {
      if (v[i]! < v[mi]!) mi = i;
      if (v[i]! > v[ma]!) ma = i;
    }
    const [a, c] = mi < ma ? [mi, ma] : [ma, mi];
    ot.push(t[a]!, t[c]!);
    ov.push(v[a]!, v[c]!);
  }
  return { name: '', t: ot, v: ov };
}

function rendered(chart: ECharts): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      chart.off('finished', done);
      resolve();
    };
    chart.on('finished', done);
  });
}

type CompareMode = 'before' | 'after' | 'merge';

/** Zoom windows (fractions of the run): halves, quarters, a tenth, then back out. */
const ZOOM_WINDOWS: [number, number][] = [
  [0, 0.5],
  [0.25, 0.5],
  [0.3, 0.4],
  [0.1, 0.9],
  [0.6, 0.85],
  [0, 1],
];

/** The synthetic runs, made once per page (their generation is not part of a redraw). */
let compareData: { t: Float64Array; data: Float64Array[]; seriesPerRun: number } | null = null;

function compareSetup(runs: number, seriesPerRun: number, samples: number): void {
  const intervalNs = 1e6;
  const t = new Float64Array(samples);
  for (let i = 0; i < samples; i++) t[i] = i * intervalNs;
  const data: Float64Array[] = [];
  for (let s = 0; s < runs * seriesPerRun; s++) {
    const v = new Float64Array(samples);
    let x = s;
    for (let i = 0; i < samples; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      v[i] = Math.sin(i / 500 + s) * 100 + (x / 2147483648) * 20;
    }
    data.push(v);
  }
  compareData = { t, data, seriesPerRun };
}

/**
 * A first draw and six zooms on the data of compareSetup. 'before': each zoom
 * reduces every series to 2 × `width` points (min/max of `width` buckets; the
 * Compare view's old 1,200) drawn 1.5 px wide, the option replaced
 * (notMerge). 'after': one point per pixel column of the plot (min/max of
 * each two columns, as the view asks the service for), 1 px lines beyond 20
 * series, notMerge. 'merge': as 'after', but a zoom only replaces the
 * datasets and series of the chart instance (replaceMerge), as ChartPanel does.
 */
async function compareZooms(width: number, mode: CompareMode, zooms = 6): Promise<CompareResult> {
  registerCharts();
  const { t, data, seriesPerRun } = compareData!;
  const samples = t.length;
  const chart = init(container(width, 420), null, { renderer: 'canvas' });
  let first = true;
  const draw = async (i0: number, i1: number): Promise<{ reduce: number; render: number }> => {
    const a = performance.now();
    // The service's 'minmax' returns `points` as points/2 buckets of a min and a max.
    const buckets = mode === 'before' ? width : Math.ceil(pointsForWidth(width) / 2);
    const series = data.map((v, k) => ({ ...reduceMinMax(t, v, i0, i1, buckets), name: `run${Math.floor(k / seriesPerRun)} · s${k % seriesPerRun}` }));
    const b = performance.now();
    const done = rendered(chart);
    const d: LineChartData = { title: 'compare', unit: '', series, markers: [{ tNs: t[i0]!, label: 'write' }] };
    const opt = buildLineOption(d, LIGHT_THEME) as { series: { lineStyle: { width: number } }[] };
    // Before: every line 1.5 px wide, as the option builder drew them.
    if (mode === 'before') opt.series.forEach((x) => (x.lineStyle.width = 1.5));
    chart.setOption(opt, mode === 'merge' && !first ? { replaceMerge: ['dataset', 'series'] } : { notMerge: true });
    first = false;
    await done;
    return { reduce: b - a, render: performance.now() - b };
  };
  const firstDraw = await draw(0, samples);
  const zoomRedrawMs: number[] = [];
  const reduceMs: number[] = [];
  const renderMs: number[] = [];
  for (const [f0, f1] of ZOOM_WINDOWS.slice(0, zooms)) {
    const r = await draw(Math.floor(f0 * samples), Math.floor(f1 * samples));
    zoomRedrawMs.push(r.reduce + r.render);
    reduceMs.push(r.reduce);
    renderMs.push(r.render);
  }
  chart.dispose();
  return { firstDrawMs: firstDraw.reduce + firstDraw.render, zoomRedrawMs, reduceMs, renderMs, series: data.length, samplesPerSeries: samples, pointsPerSeries: mode === 'before' ? 2 * width : 2 * Math.ceil(pointsForWidth(width) / 2) };
}

/** Only the reductions of compareZooms' six zooms (the bench subtracts their CPU: in the app the service reduces). */
function compareReduceOnly(width: number, mode: CompareMode): number {
  const { t, data } = compareData!;
  const samples = t.length;
  const buckets = mode === 'before' ? width : Math.ceil(pointsForWidth(width) / 2);
  let n = 0;
  for (const [f0, f1] of ZOOM_WINDOWS) for (const v of data) n += reduceMinMax(t, v, Math.floor(f0 * samples), Math.floor(f1 * samples), buckets).t.length;
  return n;
}

/** The first draw of compareZooms alone (the bench subtracts its CPU from the total). */
async function compareFirst(width: number, mode: CompareMode): Promise<void> {
  await compareZooms(width, mode, 0);
}

async function compare(runs: number, seriesPerRun: number, samples: number, width: number, mode: CompareMode = 'before'): Promise<CompareResult> {
  compareSetup(runs, seriesPerRun, samples);
  return compareZooms(width, mode);
}

interface StreamResult {
  ticks: number;
  workMsP50: number;
  workMsP95: number;
  workMsMax: number;
  frameMsP50: number;
  frameMsP95: number;
  frameMsMax: number;
  framesOver16: number;
  frames: number;
}

const pct = (a: number[], p: number): number => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
};

/** 4 live charts, 12 series each, a display batch per run every 50 ms (20 Hz) for `seconds`. */
async function stream(runs: number, seriesPerRun: number, seconds: number, samplesPerBatch: number): Promise<StreamResult> {
  registerCharts();
  const charts = Array.from({ length: runs }, () => init(container(560, 260), null, { renderer: 'canvas' }));
  const buf = Array.from({ length: runs }, () => Array.from({ length: seriesPerRun }, () => ({ t: [] as number[], v: [] as (number | null)[] })));
  const work: number[] = [];
  const frames: number[] = [];
  let k = 0;
  let last = performance.now();
  let running = true;
  const raf = (): void => {
    const now = performance.now();
    frames.push(now - last);
    last = now;
    if (running) requestAnimationFrame(raf);
  };
  requestAnimationFrame(raf);
  const ticks = Math.round((seconds * 1000) / 50);
  for (let tick = 0; tick < ticks; tick++) {
    await new Promise((r) => setTimeout(r, 50));
    const a = performance.now();
    for (let r = 0; r < runs; r++) {
      for (const s of buf[r]!) {
        for (let i = 0; i < samplesPerBatch; i++) {
          s.t.push(k * 1e8 + i * 1e7);
          s.v.push(Math.sin((k + i) / 20) * 50 + 50);
        }
        // The Run view keeps at most 4000 points per live series (thinned 2:1).
        if (s.t.length > 4000) {
          s.t = s.t.filter((_, i) => i % 2 === 0);
          s.v = s.v.filter((_, i) => i % 2 === 0);
        }
      }
      charts[r]!.setOption(
        buildLineOption({ title: `run ${r}`, unit: '', markers: [], series: buf[r]!.map((s, j) => ({ name: `s${j}`, t: s.t, v: s.v })) }, LIGHT_THEME),
        // As the Run view does: the option is replaced now, drawn on the next frame.
        { notMerge: true, lazyUpdate: true },
      );
    }
    k++;
    work.push(performance.now() - a);
  }
  running = false;
  for (const c of charts) c.dispose();
  const fr = frames.slice(5);
  return {
    ticks,
    workMsP50: pct(work, 0.5),
    workMsP95: pct(work, 0.95),
    workMsMax: Math.max(...work),
    frameMsP50: pct(fr, 0.5),
    frameMsP95: pct(fr, 0.95),
    frameMsMax: Math.max(...fr),
    framesOver16: fr.filter((f) => f > 16.7 * 1.5).length,
    frames: fr.length,
  };
}

(window as unknown as { klBench: unknown }).klBench = { compare, compareSetup, compareZooms, compareFirst, compareReduceOnly, stream };
document.documentElement.dataset['bench'] = 'ready';
