/**
 * Sweeps started from a client (the Sweep view): the CLI's plan and
 * experiment runner (src-main/experiments) over the service's own runner, so
 * every point × seed is an ordinary run of the session — streamed, stored and
 * openable — or over BullMQ workers when the client names a Redis URL. Same
 * identity as `kernel-lab sweep` (scenario text, knobs, duration): the same
 * sweep again in the same session resumes it, whichever started it.
 */
import { isAbsolute, join, normalize, dirname } from 'node:path';
import { parse } from 'yaml';
import { ScenarioError } from '../../src-sim/scenario/errors';
import { sweepPoints } from '../../src-sim/sweep/points';
import { loadSweep } from '../../src-sim/sweep/load';
import type { Metric, SweepSpec } from '../../src-sim/sweep/types';
import type { Scenario } from '../../src-sim/scenario/types';
import type { Req, RunInfo, SweepListEntry, SweepResult } from '../ipc/contract';
import type { PointResult } from '../experiments/local-executor';
import { readMetrics } from '../experiments/metrics';
import { planSweep, type Plan, type PointJob } from '../experiments/plan';
import { RedisUnavailable } from '../experiments/redis/connection';
import { redisExecutor } from '../experiments/redis/coordinator';
import { runExperiment, type Executor, type ExperimentProgress, type PointOutcome } from '../experiments/run-experiment';
import { summarisePoints } from '../experiments/sweep-result';
import { createExperiment, experimentPoints, findExperiment, getExperiment, listExperiments } from '../store/experiments';
import type { Session } from '../store/session';
import type { RunSummary } from '../cli/summary';
import { LabError, notFound, refused } from './errors';

/** How a run of the service ended, as a sweep point needs it. */
export interface RunEnd {
  status: 'complete' | 'failed' | 'cancelled';
  error: string | null;
  summary: unknown;
}

/** What a sweep needs from the service: start a run, wait for its end, cancel it. */
export interface SweepHost {
  startRun(scenario: Scenario, name: string): RunInfo;
  runEnded(runId: string): Promise<RunEnd>;
  cancelRun(runId: string): void;
}

/** A sweep in progress in this service. */
export interface ActiveSweep {
  experimentId: number;
  controller: AbortController;
  done: Promise<void>;
}

/** Check the sweep and its scenario and expand them into point × seed jobs; bad input is an invalid-request naming the file. */
export function planClientSweep(req: Req<'experiment/sweep'>): Plan {
  let spec: SweepSpec;
  try {
    spec = loadSweep(req.sweep.text, req.sweep.fileName);
  } catch (e) {
    if (e instanceof ScenarioError) throw new LabError('invalid-request', e.message);
    throw e;
  }
  let name: unknown;
  try {
    name = (parse(req.scenario.text) as { name?: unknown } | null)?.name;
  } catch (e) {
    throw new LabError('invalid-request', `${req.scenario.fileName}: ${(e as Error).message}`);
  }
  const files = req.files ?? {};
  // Files the scenario names (fio jobs) resolve against its own folder, as the loader resolves them.
  const readFile = (p: string): string => {
    const rel = isAbsolute(p) ? p : normalize(join(dirname(req.scenario.fileName), p));
    const hit = files[p] ?? files[rel] ?? Object.entries(files).find(([k]) => normalize(k) === rel)?.[1];
    if (hit === undefined) throw new Error(`${p}: not sent with the sweep (send it in "files")`);
    return hit;
  };
  return planSweep(spec, { text: req.scenario.text, file: req.scenario.fileName, name: typeof name === 'string' ? name : req.scenario.fileName }, readFile);
}

/**
 * Start the sweep: create (or find, to resume) its experiment row, then run
 * the points not yet stored in the background. Resolves once the work is
 * queued, with the experiment id; progress goes to `onProgress`.
 */
export async function startSweep(
  plan: Plan,
  o: {
    session: Session;
    host: SweepHost;
    lanes: number;
    redisUrl?: string | undefined;
    onProgress: (experimentId: number, p: ExperimentProgress & { finished: boolean; error?: string | null }) => void;
  },
): Promise<{ sweep: ActiveSweep; total: number; resumed: number }> {
  let executor: Executor;
  if (o.redisUrl !== undefined) {
    try {
      executor = await redisExecutor({ url: o.redisUrl, session: o.session, metrics: plan.spec.metrics });
    } catch (e) {
      if (e instanceof RedisUnavailable) throw refused(e.message.replace(/^kernel-lab sweep: /, ''));
      throw e;
    }
  } else {
    executor = serviceExecutor(o.host, plan.spec.metrics, o.lanes);
  }
  const existing = findExperiment(o.session, plan.identity);
  const experimentId = existing?.id ?? createExperiment(o.session, plan.kind, plan.spec.name, plan.identity, plan.spec);
  const stored = new Set(experimentPoints(o.session, experimentId).map((p) => `${p.point}/${p.seed}`));
  const resumed = plan.jobs.filter((j) => stored.has(`${j.point.index}/${j.seed}`)).length;
  const controller = new AbortController();
  let last: ExperimentProgress = { done: resumed, total: plan.jobs.length, failed: 0, etaMs: null };
  const done = runExperiment(plan, {
    session: o.session,
    executor,
    signal: controller.signal,
    onProgress: (p) => {
      last = p;
      o.onProgress(experimentId, { ...p, finished: false });
    },
  }).then(
    () => o.onProgress(experimentId, { ...last, etaMs: null, finished: true }),
    (e: unknown) => o.onProgress(experimentId, { ...last, etaMs: null, finished: true, error: (e as Error).message.replace(/^kernel-lab sweep: /, '') }),
  );
  return { sweep: { experimentId, controller, done }, total: plan.jobs.length, resumed };
}

/**
 * Points on the service's runner, `lanes` at a time (a run's row is created
 * when it starts, not while it waits, so a crash leaves no queued rows). A
 * cancelled sweep cancels its running points; they are not results.
 */
function serviceExecutor(host: SweepHost, metrics: readonly Metric[], lanes: number): Executor {
  return async (jobs, onResult, signal) => {
    const running = new Set<string>();
    const onAbort = (): void => running.forEach((id) => host.cancelRun(id));
    signal.addEventListener('abort', onAbort, { once: true });
    const result = (job: PointJob, r: Omit<PointResult, 'job' | 'worker'>): void => onResult({ job, worker: 'local', ...r });
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        if (!job.scenario) {
          result(job, { status: 'failed', error: job.error, metrics: {}, summary: null, runId: null });
          continue;
        }
        if (signal.aborted) {
          result(job, { status: 'cancelled', error: null, metrics: {}, summary: null, runId: null });
          continue;
        }
        let info: RunInfo;
        try {
          info = host.startRun(job.scenario, job.name);
        } catch (e) {
          result(job, { status: 'failed', error: (e as Error).message, metrics: {}, summary: null, runId: null });
          continue;
        }
        running.add(info.id);
        const end = await host.runEnded(info.id);
        running.delete(info.id);
        const files = (end.summary as { files?: Record<string, string> } | null)?.files ?? {};
        result(job, {
          status: end.status,
          error: end.error,
          metrics: end.status === 'complete' ? readMetrics(files, metrics) : {},
          summary: end.status === 'complete' ? (end.summary as RunSummary) : null,
          runId: Number(info.id),
        });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}

/** A stored sweep's points, each metric's mean and 95 % CI over its complete seeds. */
export function sweepResult(session: Session, experimentId: number): SweepResult {
  const e = getExperiment(session, experimentId);
  if (!e || e.kind !== 'sweep') throw notFound(`no sweep ${experimentId} in this session`);
  const spec = e.spec as SweepSpec;
  const rows: PointOutcome[] = experimentPoints(session, experimentId).map((p) => ({ ...p, summary: null }));
  const planned = new Set(spec.seeds);
  const mine = rows.filter((r) => planned.has(r.seed));
  const points = summarisePoints(spec, sweepPoints(spec), mine);
  return {
    experimentId,
    name: spec.name,
    description: spec.description,
    seeds: spec.seeds,
    knobs: spec.knobs.map((k) => ({ label: k.label, values: k.values })),
    metrics: spec.metrics.map((m) => m.label),
    points: points.map((p) => ({ index: p.index, values: p.values, done: p.done, failed: p.failed, error: p.error, runIds: p.runs.map(String), metrics: p.metrics })),
    total: points.length * spec.seeds.length,
    done: mine.length,
  };
}

/** The sweeps stored in the session (from this view or `kernel-lab sweep`), oldest first. */
export function listSweeps(session: Session): SweepListEntry[] {
  return listExperiments(session)
    .filter((e) => e.kind === 'sweep')
    .map((e) => {
      const spec = e.spec as SweepSpec;
      const seeds = new Set(spec.seeds);
      const total = sweepPoints(spec).length * spec.seeds.length;
      const done = experimentPoints(session, e.id).filter((p) => seeds.has(p.seed)).length;
      return { experimentId: e.id, name: e.name, createdAt: e.createdAt, knobs: spec.knobs.map((k) => k.label), total, done };
    });
}
