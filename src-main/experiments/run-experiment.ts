import type { RunSummary } from '../cli/summary';
import { createExperiment, experimentPoints, findExperiment, recordPoint } from '../store/experiments';
import type { Session } from '../store/session';
import type { PointResult } from './local-executor';
import type { Plan, PointJob } from './plan';

/** Runs done / total (stored earlier ones included), failures, and the ETA from this invocation's pace. */
export interface ExperimentProgress {
  done: number;
  total: number;
  failed: number;
  /** ms; null until a point has finished in this invocation. */
  etaMs: number | null;
}

/** Runs jobs and reports each finished one (local pool or BullMQ workers). */
export type Executor = (
  jobs: readonly PointJob[],
  onResult: (r: PointResult) => void,
  signal: AbortSignal,
  ctx: { identity: string; experimentId: number | null },
) => Promise<void>;

export interface ExperimentOptions {
  session?: Session;
  executor: Executor;
  onProgress?: (p: ExperimentProgress) => void;
  signal?: AbortSignal;
}

/** A finished point × seed, this time or stored by an earlier (crashed or cancelled) invocation. */
export interface PointOutcome {
  point: number;
  seed: number;
  knobs: Record<string, string | number | boolean>;
  status: 'complete' | 'failed';
  error: string | null;
  metrics: Record<string, number | null>;
  runId: number | null;
  summary: RunSummary | null;
}

export interface ExperimentOutcome {
  experimentId: number | null;
  /** Every finished point × seed, in plan order. */
  results: PointOutcome[];
  /** Points found already stored (resumed). */
  resumed: number;
  /** Points not finished (cancelled); running the same experiment again finishes them. */
  unfinished: number;
}

/**
 * Run (or resume) an experiment: with a session, the experiment with the same
 * identity is resumed — its stored points are kept and only the others run —
 * and each point is recorded as soon as it finishes, so a crash or a lost
 * Redis loses only the points in flight.
 */
export async function runExperiment(plan: Plan, opts: ExperimentOptions): Promise<ExperimentOutcome> {
  const s = opts.session;
  let experimentId: number | null = null;
  const done = new Map<string, PointOutcome>();
  const key = (point: number, seed: number): string => `${point}/${seed}`;
  if (s) {
    experimentId = findExperiment(s, plan.identity)?.id ?? createExperiment(s, plan.kind, plan.spec.name, plan.identity, plan.spec);
    for (const p of experimentPoints(s, experimentId)) {
      const summary = p.runId !== null ? (s.runSummary(p.runId) as RunSummary | null) : null;
      done.set(key(p.point, p.seed), { ...p, summary });
    }
  }
  const planned = new Set(plan.jobs.map((j) => key(j.point.index, j.seed)));
  const resumed = [...done.keys()].filter((k) => planned.has(k)).length;
  const todo = plan.jobs.filter((j) => !done.has(key(j.point.index, j.seed)));
  const total = plan.jobs.length;
  const started = performance.now();
  let fresh = 0;
  let failed = [...done.values()].filter((p) => p.status === 'failed' && planned.has(key(p.point, p.seed))).length;
  const report = (): void => {
    const finished = resumed + fresh;
    const elapsed = performance.now() - started;
    opts.onProgress?.({ done: finished, total, failed, etaMs: fresh ? (elapsed / fresh) * (total - finished) : null });
  };
  report();
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) controller.abort();
  try {
    await opts.executor(
      todo,
      (r) => {
        if (r.status === 'cancelled') return;
        const outcome: PointOutcome = {
          point: r.job.point.index,
          seed: r.job.seed,
          knobs: r.job.point.values,
          status: r.status,
          error: r.error,
          metrics: r.metrics,
          runId: r.runId,
          summary: r.summary,
        };
        if (s && experimentId !== null) recordPoint(s, experimentId, { ...outcome, worker: r.worker });
        if (done.has(key(outcome.point, outcome.seed))) return;
        done.set(key(outcome.point, outcome.seed), outcome);
        fresh++;
        if (r.status === 'failed') failed++;
        report();
      },
      controller.signal,
      { identity: plan.identity, experimentId },
    );
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const results = plan.jobs.map((j) => done.get(key(j.point.index, j.seed))).filter((r): r is PointOutcome => r !== undefined);
  return { experimentId, results, resumed, unfinished: total - results.length };
}
