import { join } from 'node:path';
import { Session } from '../src-main/store/session';
import type { BenchResult } from './result';
import { scratch, writeRun } from './store-fixture';

const time = (fn: () => void): number => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};
const best = (n: number, fn: () => number): number => Math.min(...Array.from({ length: n }, fn));

/** Issue 5: write 1 M samples ≤ 150 ms (100 series × 10,000 samples, committed batch by batch). */
export async function storeWrite(): Promise<BenchResult> {
  const { dir, cleanup } = scratch();
  try {
    let i = 0;
    const ms = best(5, () => {
      const s = Session.open(join(dir, `w${i++}.klab`));
      const t = time(() => writeRun(s, 100, 10_000).finish({ status: 'complete', simulatedNs: 0, wallMs: 0, events: 0, actions: [], summary: null }));
      s.close();
      return t;
    });
    return {
      name: 'store: write 1 M samples',
      figures: { 'ms (best of 5)': ms, 'samples/s': 1e6 / (ms / 1000) },
      target: '≤ 150 ms',
      ratio: 150 / ms,
      notes: '100 series × 10,000 samples in 1024-sample chunks, one transaction per worker batch, WAL, synchronous=NORMAL',
    };
  } finally {
    cleanup();
  }
}

/** Issue 5: open a session with 100 runs ≤ 200 ms (open + list runs). */
export async function storeOpen(): Promise<BenchResult> {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'open.klab');
    const s = Session.open(f);
    for (let r = 0; r < 100; r++) {
      writeRun(s, 20, 2048).finish({ status: 'complete', simulatedNs: 1e9, wallMs: 1, events: 1, actions: [], summary: { files: {} } });
    }
    s.close();
    let runs = 0;
    const ms = best(5, () =>
      time(() => {
        const o = Session.open(f);
        runs = o.listRuns().length;
        o.close();
      }),
    );
    return {
      name: 'store: open a session with 100 runs',
      figures: { 'ms (best of 5)': ms, runs },
      target: '≤ 200 ms',
      ratio: 200 / ms,
      notes: 'header check, read-only probe, open in WAL mode, migrations check, list runs; 100 runs × 20 series × 2048 samples',
    };
  } finally {
    cleanup();
  }
}

/** Issue 5: fetch a 10-series window reduced to 2,000 points each ≤ 30 ms. */
export async function storeWindow(): Promise<BenchResult> {
  const { dir, cleanup } = scratch();
  try {
    const s = Session.open(join(dir, 'win.klab'));
    const samples = 100_000;
    const w = writeRun(s, 10, samples);
    w.finish({ status: 'complete', simulatedNs: 0, wallMs: 0, events: 0, actions: [], summary: null });
    const interval = 100e6;
    let points = 0;
    const fetch = (): number =>
      time(() => {
        points = 0;
        for (let id = 0; id < 10; id++) points += s.seriesWindow(w.id, id, 0, samples * interval, 2000).v.length;
      });
    fetch();
    const ms = best(5, fetch);
    s.close();
    return {
      name: 'store: fetch a 10-series window reduced to 2,000 points each',
      figures: { 'ms (best of 5)': ms, 'points returned': points, 'samples scanned': 10 * samples },
      target: '≤ 30 ms',
      ratio: 30 / ms,
      notes: 'whole-run window of 100,000 samples per series, min/max-preserving reduction',
    };
  } finally {
    cleanup();
  }
}
