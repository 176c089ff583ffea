import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Metric } from '../../src-sim/sweep/types';
import { buildSummary, type RunSummary } from '../cli/summary';
import { appVersion } from '../cli/version';
import type { WorkerPool } from '../sim-host/pool';
import type { Progress } from '../sim-host/protocol';
import type { Session } from '../store/session';
import { readMetrics } from './metrics';
import type { PointJob } from './plan';

export interface PointResult {
  job: PointJob;
  /** 'cancelled': stopped by the user; not a result (a resume runs it again). */
  status: 'complete' | 'failed' | 'cancelled';
  error: string | null;
  metrics: Record<string, number | null>;
  summary: RunSummary | null;
  runId: number | null;
  worker: string;
}

export interface LocalOptions {
  pool: WorkerPool;
  metrics: readonly Metric[];
  /** Stream each run's series and log into this session as they arrive. */
  session?: Session;
  onResult: (r: PointResult) => void;
  signal?: AbortSignal;
}

/**
 * Run point jobs on the local worker pool (every worker busy, FIFO), each
 * streamed into the session as a normal run. Points whose scenario was
 * refused at planning come back failed with that error, without a run.
 * Cancellation (the signal) cancels queued and running points; they come back
 * 'cancelled' and are stored as cancelled runs, not as results.
 */
export async function runLocal(jobs: readonly PointJob[], opts: LocalOptions): Promise<void> {
  const cancels = new Set<() => void>();
  const onAbort = (): void => cancels.forEach((c) => c());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // Only as many in flight as the pool runs at once: a run's row is created when it starts, not while it queues.
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      if (!job.scenario) {
        opts.onResult({ job, status: 'failed', error: job.error, metrics: {}, summary: null, runId: null, worker: 'local' });
        continue;
      }
      if (opts.signal?.aborted) {
        opts.onResult({ job, status: 'cancelled', error: null, metrics: {}, summary: null, runId: null, worker: 'local' });
        continue;
      }
      await runOne(job, opts, cancels);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.pool.size) }, lane));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

async function runOne(job: PointJob, opts: LocalOptions, cancels: Set<() => void>): Promise<void> {
  const scenario = job.scenario!;
  const writer = opts.session?.beginRun({ name: job.name, appVersion: appVersion(), scenario }) ?? null;
  const log: LogEntry[] = [];
  const handle = opts.pool.start(scenario);
  const cancel = (): void => handle.cancel();
  cancels.add(cancel);
  handle.onBatch((b) => writer?.addBatch(b));
  handle.onLog((entries) => {
    log.push(...entries);
    writer?.addLog(entries);
  });
  let last: Progress | null = null;
  handle.onProgress((p) => (last = p));
  const r = await handle.done;
  cancels.delete(cancel);
  if (r.status === 'failed') {
    const p = last as Progress | null;
    writer?.finish({ status: 'failed', error: r.error, simulatedNs: p?.simNs ?? 0, wallMs: p?.wallMs ?? 0, events: p?.events ?? 0, actions: [], summary: null });
    opts.onResult({ job, status: 'failed', error: r.error, metrics: {}, summary: null, runId: writer?.id ?? null, worker: 'local' });
    return;
  }
  const summary = buildSummary(scenario, r, log);
  writer?.finish({ status: r.status, simulatedNs: r.simulatedNs, wallMs: r.wallMs, events: r.events, actions: r.liveActions, summary });
  opts.onResult({
    job,
    status: r.status,
    error: null,
    metrics: r.status === 'complete' ? readMetrics(r.files, opts.metrics) : {},
    summary: r.status === 'complete' ? summary : null,
    runId: writer?.id ?? null,
    worker: 'local',
  });
}
