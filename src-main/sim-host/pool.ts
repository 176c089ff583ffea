import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario } from '../../src-sim/scenario/types';
import type { LiveAction } from '../../src-sim/simulation';
import { memoryWatchdog } from './memory-watchdog';
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

/** How long a worker that posted its last message may take to end by itself before it is terminated. */
const EXIT_GRACE_MS = 5_000;
/** How long close() waits for cancelled runs to stop cooperatively. */
const CLOSE_GRACE_MS = 2_000;

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

interface Job {
  id: number;
  scenario: Scenario;
  options: RunOptions;
  worker: Worker | null;
  /** The worker posted 'ready' (its module is loaded and evaluated). */
  ready: boolean;
  /** terminate() was asked for before 'ready': it happens on 'ready' instead. */
  terminateWhenReady: (() => void) | null;
  settled: boolean;
  /** Resolves (true) when the worker thread has exited. */
  exited: Promise<boolean>;
  /** Control messages sent before the worker started. */
  backlog: HostToWorker[];
  progress: ((p: Progress) => void)[];
  batch: ((b: Batch) => void)[];
  log: ((e: LogEntry[]) => void)[];
  acts: Map<number, (r: ActReply) => void>;
  nextAct: number;
  /** Last progress report (for the memory watchdog). */
  last: Progress | null;
  unwatch: () => void;
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
  /** Workers this pool had to terminate() (runaways, close() past its grace): the last resort, 0 in a healthy run. */
  terminated = 0;
  /** Worker threads started and not yet exited (a finished run's thread ends by itself shortly after). */
  threads = 0;

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
      ready: false,
      terminateWhenReady: null,
      settled: false,
      exited: Promise.resolve(true),
      backlog: [],
      progress: [],
      batch: [],
      log: [],
      acts: new Map(),
      nextAct: 1,
      last: null,
      unwatch: () => undefined,
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

  /**
   * Cancel queued runs; ask running ones to stop (a cancel message honoured
   * at their next chunk) and terminate only those still running after
   * `graceMs`, the last resort.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, { status: 'failed', error: 'worker pool closed' });
    const running = [...this.running];
    for (const j of running) j.worker?.postMessage({ type: 'cancel' } satisfies HostToWorker);
    await Promise.all(
      running.map(async (j) => {
        const stopped = await Promise.race([j.exited, delay(graceMs).then(() => false)]);
        if (!stopped) await this.kill(j, 'worker pool closed');
        else this.settle(j, { status: 'failed', error: 'worker pool closed' });
      }),
    );
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
    // V8's own heap limit is the process's memory limit: a heap that grows past it ends this worker only.
    const heapMb = Math.max(64, Math.floor(memoryWatchdog.limitBytes / (1024 * 1024)));
    const worker = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    job.worker = worker;
    this.threads++;
    job.exited = new Promise((r) =>
      worker.once('exit', () => {
        this.threads--;
        r(true);
      }),
    );
    job.unwatch = memoryWatchdog.watch({
      footprint: () => job.last?.memoryBytes ?? 0,
      simNs: () => job.last?.simNs ?? 0,
      stop: (error) => void this.kill(job, error),
    });
    worker.on('message', (msg: WorkerToHost) => this.onMessage(job, msg));
    worker.on('error', (err) => {
      const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      void this.kill(
        job,
        oom
          ? `out of memory: the simulator's JS heap reached its limit of ${heapMb} MiB (KLAB_MEMORY_LIMIT_MB) at ${((job.last?.simNs ?? 0) / 1e9).toFixed(3)} s simulated; the run was stopped, the session and other runs are not affected`
          : `simulator worker crashed: ${err.message}`,
      );
    });
    worker.on('exit', (code) => {
      job.ready = true;
      job.terminateWhenReady = null;
      if (!job.settled) this.settle(job, { status: 'failed', error: `simulator worker exited unexpectedly (code ${code})` });
    });
    worker.postMessage({ type: 'start', scenario: job.scenario, options: job.options } satisfies HostToWorker);
    for (const m of job.backlog.splice(0)) worker.postMessage(m);
  }

  private onMessage(job: Job, msg: WorkerToHost): void {
    switch (msg.type) {
      case 'ready': {
        job.ready = true;
        const t = job.terminateWhenReady;
        job.terminateWhenReady = null;
        t?.();
        return;
      }
      case 'progress':
        job.last = msg.progress;
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
      // After 'end' or 'failed' the worker closes its port and its thread
      // ends by itself; terminate() is only the fallback for one that lingers.
      case 'end':
        this.settle(job, { ...msg.end });
        this.reapLater(job);
        return;
      case 'failed':
        this.settle(job, { status: 'failed', error: msg.error });
        this.reapLater(job);
        return;
    }
  }

  private async kill(job: Job, error: string): Promise<void> {
    this.settle(job, { status: 'failed', error });
    await this.terminateSafely(job);
  }

  /**
   * terminate(), but never while the worker is still loading its module:
   * on Node 20 terminating a worker mid-compile can abort the whole process
   * (node_platform.cc "(data.first) != nullptr"). Before 'ready' the
   * termination waits for it (or for the thread's own exit).
   */
  private terminateSafely(job: Job): Promise<void> {
    const w = job.worker;
    if (!w) return Promise.resolve();
    const terminate = (): Promise<void> => {
      this.terminated++;
      return w.terminate().then(() => undefined);
    };
    if (job.ready) return terminate();
    return new Promise((res) => {
      job.terminateWhenReady = () => void terminate().then(() => res());
      void job.exited.then(() => res());
    });
  }

  private reapLater(job: Job): void {
    const t = setTimeout(() => void this.terminateSafely(job), EXIT_GRACE_MS);
    t.unref();
    void job.exited.then(() => clearTimeout(t));
  }

  private settle(job: Job, result: RunResult): void {
    if (job.settled) return;
    job.settled = true;
    job.unwatch();
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
