/**
 * Live streaming of 4 runs in Chromium: each run's chart (12 series) gets a
 * display batch 20 times a second (the service's rate), drawn with the app's
 * option builder. Reports the script work per tick and the frame intervals.
 * Target: frame times under 16 ms (issue 6).
 */
import type { BenchResult } from './result';
import { evaluateInBenchPage } from './ui-support';

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

export async function benchUiStream(): Promise<BenchResult> {
  const r = await evaluateInBenchPage<StreamResult>('window.klBench.stream(4, 12, 6, 5)');
  return {
    name: 'ui-live-stream-4-runs',
    figures: {
      ticks: r.ticks,
      'update work per tick p50 ms': r.workMsP50,
      'update work per tick p95 ms': r.workMsP95,
      'update work per tick max ms': r.workMsMax,
      'frame interval p50 ms': r.frameMsP50,
      'frame interval p95 ms': r.frameMsP95,
      'frame interval max ms': r.frameMsMax,
      'frames > 25 ms': r.framesOver16,
      frames: r.frames,
    },
    target: 'frame times < 16 ms (update work per tick p95)',
    ratio: 16 / r.workMsP95,
    notes: '4 charts × 12 series, 5 samples per series per batch at 20 Hz, ≤ 4000 points kept per series; headless Chromium without GPU',
  };
}
