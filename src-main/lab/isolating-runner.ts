import { availableParallelism } from 'node:os';
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario } from '../../src-sim/scenario/types';
import type { LiveAction } from '../../src-sim/simulation';
import { WorkerPool, type RunHandle, type RunResult } from '../sim-host/pool';
import type { ActReply, Batch, ControlMessage, Progress, RunOptions } from '../sim-host/protocol';
import type { Runner } from './ports';

export interface IsolatingRunnerOptions {
  /** Runs at once; default cores − 1, at least 1. */
  size?: number;
  workerPath?: string;
  /** Wall time without progress from a running, unpaused run before it is declared a runaway. */
  stallMs?: number;
}

/** Default runaway limit: the worker reports progress every 100 ms between chunks. */
export const DEFAULT_STALL_MS = 30_000;

/**
 * Runs each simulation in its own one-worker WorkerPool, behind a FIFO queue,
 * so a runaway run (a model stuck inside one event, which never reads its
 * messages again) can be stopped: after `stallMs` without progress its pool is
 * closed, which terminates the thread, and the run fails with that reason.
 * The shared WorkerPool offers no per-run terminate; this is the adapter.
 */
export class IsolatingRunner implements Runner {
  readonly size: number;
  private readonly queue: (() => void)[] = [];
  private active = 0;
  private readonly pools = new Set<WorkerPool>();
  private readonly handles = new Set<RunHandle>();
  private closed = false;

  constructor(private readonly opts: IsolatingRunnerOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism() - 1);
  }

  start(scenario: Scenario, options: RunOptions = {}): RunHandle {
    if (this.closed) throw new Error('IsolatingRunner: start() after close()');
    const progress: ((p: Progress) => void)[] = [];
    const batch: ((b: Batch) => void)[] = [];
    const log: ((e: LogEntry[]) => void)[] = [];
    const backlog: ((h: RunHandle) => void)[] = [];
    let inner: RunHandle | null = null;
    let settled = false;
    let paused = options.paused ?? false;
    let lastSign = 0;
    let resolve!: (r: RunResult) => void;
    const done = new Promise<RunResult>((r) => (resolve = r));
    let pool: WorkerPool | null = null;
    let watchdog: NodeJS.Timeout | null = null;
    const stallMs = this.opts.stallMs ?? DEFAULT_STALL_MS;

    const settle = (r: RunResult, opts: { runaway?: boolean } = {}): void => {
      if (settled) return;
      settled = true;
      if (watchdog) clearInterval(watchdog);
      resolve(r);
      if (pool) {
        const p = pool;
        this.pools.delete(p);
        // A runaway never reads a cancel message: terminate it at once (the last resort).
        void p.close(opts.runaway ? 0 : undefined);
      }
      if (inner) {
        this.active--;
        this.next();
      }
    };
    const launch = (): void => {
      if (settled) {
        // Cancelled while queued: give the slot back.
        this.active--;
        return this.next();
      }
      pool = new WorkerPool({ size: 1, ...(this.opts.workerPath ? { workerPath: this.opts.workerPath } : {}) });
      this.pools.add(pool);
      const h = pool.start(scenario, options);
      inner = h;
      lastSign = performance.now();
      h.onProgress((p) => {
        lastSign = performance.now();
        for (const f of progress) f(p);
      });
      h.onBatch((b) => {
        lastSign = performance.now();
        for (const f of batch) f(b);
      });
      h.onLog((e) => {
        lastSign = performance.now();
        for (const f of log) f(e);
      });
      for (const f of backlog.splice(0)) f(h);
      void h.done.then(settle);
      watchdog = setInterval(() => {
        if (!paused && performance.now() - lastSign > stallMs) {
          settle({ status: 'failed', error: `no progress for ${stallMs / 1000} s of wall time (a runaway model?): its worker was terminated` }, { runaway: true });
        }
      }, Math.min(1000, stallMs / 4));
      watchdog.unref();
    };
    const withInner = (f: (h: RunHandle) => void): void => {
      if (settled) return;
      if (inner) f(inner);
      else backlog.push(f);
    };
    const handle: RunHandle = {
      id: 0,
      done,
      onProgress: (fn) => void progress.push(fn),
      onBatch: (fn) => void batch.push(fn),
      onLog: (fn) => void log.push(fn),
      control: (msg: Exclude<ControlMessage, { type: 'act' }>) => {
        if (msg.type === 'pause') paused = true;
        if (msg.type === 'resume') {
          paused = false;
          lastSign = performance.now();
        }
        if (msg.type === 'cancel' && !inner) return settle(cancelledBeforeStart());
        withInner((h) => h.control(msg));
      },
      act: (action: LiveAction) =>
        new Promise<ActReply>((res) => {
          if (settled) return res({ id: 0, ok: false, error: 'the run has ended' });
          withInner((h) => void h.act(action).then(res));
          void done.then(() => res({ id: 0, ok: false, error: 'the run has ended' }));
        }),
      cancel: () => handle.control({ type: 'cancel' }),
    };
    this.handles.add(handle);
    void done.then(() => this.handles.delete(handle));
    this.queue.push(launch);
    queueMicrotask(() => this.next());
    return handle;
  }

  private next(): void {
    while (!this.closed && this.active < this.size && this.queue.length) {
      this.active++;
      this.queue.shift()!();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const h of this.handles) h.cancel();
    this.queue.length = 0;
    await Promise.all([...this.pools].map((p) => p.close()));
    await Promise.allSettled([...this.handles].map((h) => h.done));
  }
}

function cancelledBeforeStart(): RunResult {
  return { status: 'cancelled', simulatedNs: 0, events: 0, wallMs: 0, liveActions: [], actions: [], tasks: {}, files: {} };
}
