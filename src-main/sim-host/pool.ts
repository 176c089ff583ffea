import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario } from '../../src-sim/scenario/types';
import type { LiveAction } from '../../src-sim/simulation';
import type { ActReply, Batch, ControlMessage, HostToWorker, Progress, RunEnd, RunOptions, WorkerToHost } from './protocol';

export type RunResult = ({ status: 'complete' | 'cancelled' } & RunEnd) | { status: 'failed'; error: string };

/** A queued or running simulation. Subscribe right after start(); nothing is emitted before. */
export interface RunHandle {
  readonly id: number;
  onProgress(fn: (p: Progress) => void): void;
  onBatch(fn: (b: Batch) => void): void;
  onLog(fn: (entries: LogEntry[]) => void): void;
  /** pause / resume / pace / cancel. */
  control(msg: Exclude<ControlMessage, { type: 'act' }>): void;
  /** A live action (knob write, hot-plug); resolves with the applied action or the kernel's refusal. */
  act(action: LiveAction): Promise<ActReply>;
  cancel(): void;
  readonly done: Promise<RunResult>;
}

export interface PoolOptions {
  /** Concurrent workers; default cores − 1, at least 1. */
  size?: number;
  /** The bundled worker script; default dist/sim-worker.mjs. */
  workerPath?: string;
}

/**
 * dist/sim-worker.mjs, whether this code runs bundled (dist/cli.mjs,
 * dist/electron-main.cjs) or from source (src-main/sim-host).
 */
export function defaultWorkerPath(): string {
  // In the CommonJS bundle (Electron main) import.meta is empty: the bundle sits in dist/.
  const metaUrl = (import.meta as { url?: string }).url;
  if (!metaUrl) return join(typeof __dirname === 'string' ? __dirname : process.cwd(), 'sim-worker.mjs');
  const sibling = fileURLToPath(new URL('./sim-worker.mjs', import.meta.url));
  if (existsSync(sibling)) return sibling;
  return fileURLToPath(new URL('../../dist/sim-worker.mjs', import.meta.url));
}

interface Job {
  id: number;
  scenario: Scenario;
  options: RunOptions;
  worker: Worker | null;
  settled: boolean;
  /** Control messages sent before the worker started. */
  backlog: HostToWorker[];
  progress: ((p: Progress) => void)[];
  batch: ((b: Batch) => void)[];
  log: ((e: LogEntry[]) => void)[];
  acts: Map<number, (r: ActReply) => void>;
  nextAct: number;
  resolve: (r: RunResult) => void;
}

/**
 * A pool of simulator worker threads with a FIFO queue. Each run gets a
 * fresh worker (a crashed or failed run cannot leak state into the next);
 * at most `size` run at once. A worker that throws, exits or fails an
 * invariant fails only its own run.
 */
export class WorkerPool {
  readonly size: number;
  private readonly workerPath: string;
  private readonly queue: Job[] = [];
  private readonly running = new Set<Job>();
  private nextId = 1;
  private closed = false;

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism() - 1);
    this.workerPath = opts.workerPath ?? defaultWorkerPath();
  }

  get active(): number {
    return this.running.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  start(scenario: Scenario, options: RunOptions = {}): RunHandle {
    if (this.closed) throw new Error('WorkerPool: start() after close()');
    checkPace(options.pace ?? null);
    let resolve!: (r: RunResult) => void;
    const done = new Promise<RunResult>((r) => (resolve = r));
    const job: Job = {
      id: this.nextId++,
      scenario,
      options,
      worker: null,
      settled: false,
      backlog: [],
      progress: [],
      batch: [],
      log: [],
      acts: new Map(),
      nextAct: 1,
      resolve,
    };
    this.queue.push(job);
    queueMicrotask(() => this.pump());
    const send = (msg: HostToWorker): void => {
      if (job.settled) return;
      if (job.worker) job.worker.postMessage(msg);
      else job.backlog.push(msg);
    };
    return {
      id: job.id,
      done,
      onProgress: (fn) => void job.progress.push(fn),
      onBatch: (fn) => void job.batch.push(fn),
      onLog: (fn) => void job.log.push(fn),
      control: (msg) => {
        if (msg.type === 'cancel') return this.cancel(job);
        if (msg.type === 'pace') checkPace(msg.pace);
        send(msg);
      },
      act: (action) =>
        new Promise<ActReply>((res) => {
          const id = job.nextAct++;
          if (job.settled) return res({ id, ok: false, error: 'the run has ended' });
          job.acts.set(id, res);
          send({ type: 'act', id, action });
        }),
      cancel: () => this.cancel(job),
    };
  }

  /** Cancel queued runs, terminate running workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, { status: 'failed', error: 'worker pool closed' });
    await Promise.all([...this.running].map((j) => this.kill(j, 'worker pool closed')));
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    const i = this.queue.indexOf(job);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.settle(job, cancelledBeforeStart());
      return;
    }
    job.worker?.postMessage({ type: 'cancel' } satisfies HostToWorker);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.size && this.queue.length) this.launch(this.queue.shift()!);
  }

  private launch(job: Job): void {
    this.running.add(job);
    const worker = new Worker(this.workerPath);
    job.worker = worker;
    worker.on('message', (msg: WorkerToHost) => this.onMessage(job, msg));
    worker.on('error', (err) => void this.kill(job, `simulator worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!job.settled) this.settle(job, { status: 'failed', error: `simulator worker exited unexpectedly (code ${code})` });
    });
    worker.postMessage({ type: 'start', scenario: job.scenario, options: job.options } satisfies HostToWorker);
    for (const m of job.backlog.splice(0)) worker.postMessage(m);
  }

  private onMessage(job: Job, msg: WorkerToHost): void {
    switch (msg.type) {
      case 'progress':
        for (const f of job.progress) f(msg.progress);
        return;
      case 'batch':
        for (const f of job.batch) f(msg.batch);
        return;
      case 'log':
        for (const f of job.log) f(msg.entries);
        return;
      case 'act': {
        const res = job.acts.get(msg.reply.id);
        job.acts.delete(msg.reply.id);
        res?.(msg.reply);
        return;
      }
      case 'end':
        this.settle(job, { ...msg.end });
        void job.worker?.terminate();
        return;
      case 'failed':
        this.settle(job, { status: 'failed', error: msg.error });
        void job.worker?.terminate();
        return;
    }
  }

  private async kill(job: Job, error: string): Promise<void> {
    this.settle(job, { status: 'failed', error });
    await job.worker?.terminate();
  }

  private settle(job: Job, result: RunResult): void {
    if (job.settled) return;
    job.settled = true;
    for (const [id, res] of job.acts) res({ id, ok: false, error: 'the run has ended' });
    job.acts.clear();
    this.running.delete(job);
    job.resolve(result);
    this.pump();
  }
}

/** A pace is a positive, finite speed-up factor, or null for as fast as possible. */
function checkPace(pace: number | null): void {
  if (pace !== null && !(Number.isFinite(pace) && pace > 0)) {
    throw new RangeError(`pace: expected a positive number (N× real time) or null (as fast as possible), got ${pace}`);
  }
}

function cancelledBeforeStart(): RunResult {
  return {
    status: 'cancelled',
    simulatedNs: 0,
    events: 0,
    wallMs: 0,
    liveActions: [],
    actions: [],
    tasks: {},
    files: {},
  };
}
