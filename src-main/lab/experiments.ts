/**
 * Replications in the lab service: one run per seed through the service's
 * runner (so every run streams, is stored and openable like any other), an
 * experiment row in the session, progress (done/total, ETA) to every client,
 * cancellation; and the statistics the views draw: mean and 95 % bands of a
 * series across runs, Welch's t-test on a final value between two sets.
 */
import { parseFields } from '../../src-sim/vfs/fields';
import type { ExperimentProgressEvent, SeriesBands, WelchReply } from '../ipc/contract';
import { meanCi, welch } from '../experiments/stats';
import { refused } from './errors';
import type { SessionStore } from './ports';

export interface TrackedExperiment {
  id: number;
  runIds: Map<string, number>;
  total: number;
  done: number;
  failed: number;
  started: number;
  cancelled: boolean;
}

export function progressOf(e: TrackedExperiment): ExperimentProgressEvent {
  const elapsed = performance.now() - e.started;
  return {
    experimentId: e.id,
    done: e.done,
    total: e.total,
    failed: e.failed,
    etaMs: e.done ? (elapsed / e.done) * (e.total - e.done) : null,
    finished: e.done === e.total,
  };
}

/**
 * Mean and 95 % CI of one series (path, field) across runs, sample index by
 * sample index, then averaged into at most `points` buckets. Runs without the
 * series are left out; a sample missing in some runs is averaged over the rest.
 */
export function seriesBands(store: SessionStore, runIds: readonly string[], path: string, field: string, points: number, intervalNs: number): SeriesBands {
  const runs: { start: number; values: Float64Array }[] = [];
  for (const id of runIds) {
    const s = store.seriesCatalogue(id).find((c) => c.path === path && c.field === field);
    if (s) runs.push({ start: s.startIndex, values: store.readSeries(id, s.id, s.startIndex, s.startIndex + s.samples) });
  }
  if (!runs.length) throw refused(`none of runs ${runIds.join(', ')} recorded ${path}${field ? `:${field}` : ''}`);
  const i0 = Math.min(...runs.map((r) => r.start));
  const i1 = Math.max(...runs.map((r) => r.start + r.values.length));
  const per = Math.max(1, Math.ceil((i1 - i0) / Math.max(1, points)));
  const out: SeriesBands = { path, field, runs: runs.length, t: [], mean: [], lo: [], hi: [] };
  for (let b = i0; b < i1; b += per) {
    const mean: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    for (let i = b; i < Math.min(i1, b + per); i++) {
      const m = meanCi(runs.map((r) => r.values[i - r.start] ?? NaN));
      if (m.n === 0) continue;
      mean.push(m.mean);
      lo.push(Number.isFinite(m.lo) ? m.lo : m.mean);
      hi.push(Number.isFinite(m.hi) ? m.hi : m.mean);
    }
    const avg = (xs: number[]): number | null => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);
    out.t.push(b * intervalNs);
    out.mean.push(avg(mean));
    out.lo.push(avg(lo));
    out.hi.push(avg(hi));
  }
  return out;
}

/** Welch's t-test on a field of a file at the end of the runs: B − A. */
export function welchFinal(store: SessionStore, a: readonly string[], b: readonly string[], path: string, field: string): WelchReply {
  const values = (ids: readonly string[]): number[] =>
    ids.flatMap((id) => {
      const s = store.summary(id) as { files?: Record<string, string> } | null;
      const text = s?.files?.[path];
      const v = text === undefined ? undefined : parseFields(text).get(field);
      return v === undefined ? [] : [v];
    });
  const xa = values(a);
  const xb = values(b);
  try {
    const r = welch(xa, xb, `${path}${field ? `:${field}` : ''}`);
    return { ...r, a: meanCi(xa), b: meanCi(xb) };
  } catch (e) {
    throw refused((e as Error).message);
  }
}
