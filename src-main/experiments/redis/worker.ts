import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { appVersion } from '../../cli/version';
import { WorkerPool } from '../../sim-host/pool';
import { readMetrics } from '../metrics';
import { QUEUE, redisOptions } from './connection';
import { encodeValues, type PointJobData, type PointJobResult } from './job';
import type { LogEntry } from '../../../src-sim/engine/event-log';
import type { SeriesInfo } from '../../../src-sim/engine/recorder';

export interface PointWorkerOptions {
  url: string;
  /** Points run at once (simulator worker threads); default 1. */
  concurrency?: number;
  name?: string;
  /** A worker silent this long is taken as lost and its point goes to another (BullMQ lock); default 30 s. */
  lockDurationMs?: number;
  workerPath?: string;
  log?: (line: string) => void;
  /** Redis connection problems (the worker keeps retrying). */
  onError?: (e: Error) => void;
}

/** A failure of the host rather than of the model: worth another attempt on another worker. */
const HOST_FAILURE = /^(simulator worker exited unexpectedly|simulator worker crashed|worker pool closed)/;

/**
 * A headless BullMQ worker (`kernel-lab worker --redis URL`): takes sweep
 * points from the queue, runs each in a simulator worker thread, and returns
 * the whole run (series, log, final files). A model failure (a failed
 * invariant) is a result, the same on every worker; a crashed simulator
 * thread throws, so BullMQ retries the point.
 */
export function startPointWorker(o: PointWorkerOptions): { worker: Worker; name: string; close: (force?: boolean) => Promise<void> } {
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const pool = new WorkerPool({ size: concurrency, ...(o.workerPath ? { workerPath: o.workerPath } : {}) });
  const lockDuration = o.lockDurationMs ?? 30_000;
  const worker = new Worker<PointJobData, PointJobResult>(QUEUE, (job) => runJob(job, pool, name, o.log), {
    connection: redisOptions(o.url, { forWorker: true }),
    concurrency,
    lockDuration,
    // Look for points whose worker went silent at the same pace as locks expire.
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
    maxStalledCount: 2,
    name,
  });
  // ioredis reconnects by itself; without a listener each retry would print a stack trace.
  worker.on('error', (e) => o.onError?.(e));
  return {
    worker,
    name,
    /** force: do not wait for points in progress (they go back to the queue when their lock lapses). */
    close: async (force = false) => {
      if (force) await pool.close();
      await worker.close(force);
      await pool.close();
    },
  };
}

async function runJob(job: Job<PointJobData, PointJobResult>, pool: WorkerPool, name: string, log?: (line: string) => void): Promise<PointJobResult> {
  const d = job.data;
  const started = performance.now();
  log?.(`${d.name}: running (attempt ${job.attemptsMade + 1})\n`);
  const handle = pool.start(d.scenario);
  const series = new Map<number, { info: SeriesInfo; chunks: Float64Array[]; count: number }>();
  const entries: LogEntry[] = [];
  handle.onBatch((b) => {
    for (const s of b.newSeries) series.set(s.id, { info: s, chunks: [], count: 0 });
    for (const e of b.entries) {
      const s = series.get(e.seriesId)!;
      s.chunks.push(b.values.slice(e.offset, e.offset + e.count));
      s.count += e.count;
    }
  });
  handle.onLog((l) => entries.push(...l));
  const r = await handle.done;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (r.status === 'failed') {
    if (HOST_FAILURE.test(r.error)) throw new Error(`${name}: ${r.error}`);
    log?.(`${d.name}: failed in ${seconds} s: ${r.error}\n`);
    return { status: 'failed', worker: name, appVersion: appVersion(), error: r.error, simulatedNs: 0, log: entries };
  }
  if (r.status === 'cancelled') throw new Error(`${name}: the run was cancelled (worker shutting down)`);
  log?.(`${d.name}: done in ${seconds} s\n`);
  return {
    status: 'complete',
    worker: name,
    appVersion: appVersion(),
    simulatedNs: r.simulatedNs,
    wallMs: r.wallMs,
    events: r.events,
    actions: r.liveActions,
    tasks: r.tasks,
    files: r.files,
    metrics: readMetrics(r.files, d.metrics),
    series: [...series.values()].map((s) => {
      const all = new Float64Array(s.count);
      let at = 0;
      for (const c of s.chunks) {
        all.set(c, at);
        at += c.length;
      }
      return { ...s.info, values: encodeValues(all) };
    }),
    log: entries,
  };
}
