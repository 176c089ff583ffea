import { Job, Queue } from 'bullmq';
import type { Metric } from '../../../src-sim/sweep/types';
import { buildSummary, type RunSummary } from '../../cli/summary';
import { storeWholeRun } from '../../store/experiments';
import type { Session } from '../../store/session';
import type { PointResult } from '../local-executor';
import type { PointJob } from '../plan';
import type { Executor } from '../run-experiment';
import { QUEUE, RedisUnavailable, redisOptions, showUrl } from './connection';
import { decodeValues, jobId, type PointJobData, type PointJobResult } from './job';

export interface RedisExecutorOptions {
  url: string;
  session: Session;
  metrics: readonly Metric[];
  /** Attempts per point when workers fail or are lost (default 3). */
  attempts?: number;
  /** Redis unanswered this long mid-sweep ends the sweep with an error (default 10 s). */
  lostAfterMs?: number;
  pollMs?: number;
}

/**
 * Distribute points to BullMQ workers and gather their results into the
 * session. Each point × seed is one job whose id derives from the
 * experiment identity, so enqueuing it again (a resumed sweep, a second
 * coordinator) adds nothing; results are stored with their point in one
 * transaction, once. A Redis that is down at the start or stops answering
 * mid-sweep ends the sweep with RedisUnavailable; what was stored stays.
 */
export async function redisExecutor(o: RedisExecutorOptions): Promise<Executor> {
  const lostAfter = o.lostAfterMs ?? 10_000;
  const queue = new Queue<PointJobData, PointJobResult>(QUEUE, { connection: redisOptions(o.url, { forWorker: false, giveUpAfterMs: lostAfter }) });
  const seen: { error: Error | null } = { error: null };
  queue.on('error', (e) => (seen.error = e));
  try {
    await withTimeout(queue.waitUntilReady().then((c) => c.ping()), 3000);
  } catch (e) {
    await queue.close().catch(() => undefined);
    const why = seen.error?.message ?? (e as Error).message;
    throw new RedisUnavailable(`kernel-lab sweep: cannot reach Redis at ${showUrl(o.url)}: ${why}`, true);
  }
  return async (jobs, onResult, signal, ctx) => {
    try {
      await distribute(queue, jobs, onResult, signal, ctx.identity, ctx.experimentId, o, lostAfter, () => seen.error);
    } finally {
      await queue.close().catch(() => undefined);
    }
  };
}

async function distribute(
  queue: Queue<PointJobData, PointJobResult>,
  jobs: readonly PointJob[],
  onResult: (r: PointResult) => void,
  signal: AbortSignal,
  identity: string,
  experimentId: number | null,
  o: RedisExecutorOptions,
  lostAfter: number,
  lastError: () => Error | null,
): Promise<void> {
  const outstanding = new Map<string, PointJob>();
  const runnable: PointJob[] = [];
  for (const job of jobs) {
    if (!job.scenario) onResult({ job, status: 'failed', error: job.error, metrics: {}, summary: null, runId: null, worker: 'coordinator' });
    else runnable.push(job);
  }
  const lost = (e: unknown): RedisUnavailable =>
    new RedisUnavailable(`kernel-lab sweep: lost Redis at ${showUrl(o.url)} mid-sweep: ${lastError()?.message ?? (e as Error).message}`, false);
  try {
    await withTimeout(
      queue.addBulk(
        runnable.map((job) => {
          const id = jobId(identity, job.point.index, job.seed);
          outstanding.set(id, job);
          return {
            name: job.name,
            data: { point: job.point.index, seed: job.seed, name: job.name, scenario: job.scenario!, metrics: [...o.metrics] },
            opts: { jobId: id, attempts: o.attempts ?? 3, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: false, removeOnFail: false },
          };
        }),
      ),
      lostAfter,
    );
  } catch (e) {
    throw lost(e);
  }
  let failingSince: number | null = null;
  while (outstanding.size && !signal.aborted) {
    try {
      for (const [id, job] of [...outstanding]) {
        const j = await withTimeout(Job.fromId<PointJobData, PointJobResult>(queue, id), lostAfter);
        if (!j) {
          // Removed by someone else after storing it (another coordinator on the same session): the point is stored.
          outstanding.delete(id);
          continue;
        }
        const state = await withTimeout(j.getState(), lostAfter);
        if (state === 'completed') {
          gather(job, j.returnvalue, o, experimentId, onResult);
          outstanding.delete(id);
          await j.remove().catch(() => undefined);
        } else if (state === 'failed') {
          onResult({ job, status: 'failed', error: `failed on every attempt (${j.attemptsMade}): ${j.failedReason}`, metrics: {}, summary: null, runId: null, worker: 'bullmq' });
          outstanding.delete(id);
          await j.remove().catch(() => undefined);
        }
      }
      failingSince = null;
    } catch (e) {
      failingSince ??= Date.now();
      if (Date.now() - failingSince >= lostAfter || e instanceof TimeoutError) throw lost(e);
    }
    if (outstanding.size) await sleep(o.pollMs ?? 250);
  }
  if (signal.aborted) {
    // Points not yet taken are withdrawn; those running finish on their workers and are gathered by a resumed sweep.
    for (const id of outstanding.keys()) {
      const j = await Job.fromId(queue, id).catch(() => undefined);
      if (j && (await j.getState().catch(() => 'unknown')) === 'waiting') await j.remove().catch(() => undefined);
    }
    for (const job of outstanding.values()) onResult({ job, status: 'cancelled', error: null, metrics: {}, summary: null, runId: null, worker: 'bullmq' });
  }
}

/** Store a worker's run with its point (once), then report it. */
function gather(job: PointJob, r: PointJobResult, o: RedisExecutorOptions, experimentId: number | null, onResult: (r: PointResult) => void): void {
  const scenario = job.scenario!;
  const point = { point: job.point.index, seed: job.seed, knobs: job.point.values, worker: r.worker };
  if (r.status === 'failed') {
    const runId =
      experimentId === null
        ? null
        : storeWholeRun(o.session, experimentId, { ...point, status: 'failed', error: r.error, metrics: {} }, {
            name: job.name,
            appVersion: r.appVersion,
            scenario,
            series: [],
            log: r.log,
            finish: { status: 'failed', error: r.error, simulatedNs: r.simulatedNs, wallMs: 0, events: 0, summary: null },
          });
    onResult({ job, status: 'failed', error: r.error, metrics: {}, summary: null, runId, worker: r.worker });
    return;
  }
  const summary: RunSummary = buildSummary(
    scenario,
    { status: 'complete', simulatedNs: r.simulatedNs, events: r.events, wallMs: r.wallMs, liveActions: r.actions, actions: r.actions, tasks: r.tasks, files: r.files },
    r.log,
  );
  const runId =
    experimentId === null
      ? null
      : storeWholeRun(o.session, experimentId, { ...point, status: 'complete', error: null, metrics: r.metrics }, {
          name: job.name,
          appVersion: r.appVersion,
          scenario,
          series: r.series.map((s) => ({ id: s.id, path: s.path, field: s.field, startIndex: s.startIndex, values: decodeValues(s.values) })),
          log: r.log,
          finish: { status: 'complete', simulatedNs: r.simulatedNs, wallMs: r.wallMs, events: r.events, actions: r.actions, summary },
        });
  onResult({ job, status: 'complete', error: null, metrics: r.metrics, summary, runId, worker: r.worker });
}

class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new TimeoutError(`no answer from Redis in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
