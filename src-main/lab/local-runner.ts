import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario } from '../../src-sim/scenario/types';
import type { RunHandle, RunResult } from '../sim-host/pool';
import type { ActReply, Batch, Progress, RunOptions, WorkerToHost } from '../sim-host/protocol';
import { RunDriver } from '../sim-host/run-driver';
import type { Runner } from './ports';

/**
 * Runs simulations on this thread with the same RunDriver the worker uses,
 * interleaved with the event loop, behind the WorkerPool's RunHandle. For
 * replays and tests; unlike the pool it cannot stop a runaway model, and
 * runs are not queued (each starts at once).
 */
export class LocalRunner implements Runner {
  private readonly running = new Set<RunHandle>();
  private nextId = 1;

  start(scenario: Scenario, options: RunOptions = {}): RunHandle {
    const progress: ((p: Progress) => void)[] = [];
    const batch: ((b: Batch) => void)[] = [];
    const log: ((e: LogEntry[]) => void)[] = [];
    const acts = new Map<number, (r: ActReply) => void>();
    let nextAct = 1;
    let settled = false;
    let resolve!: (r: RunResult) => void;
    const done = new Promise<RunResult>((r) => (resolve = r));
    const settle = (r: RunResult): void => {
      if (settled) return;
      settled = true;
      for (const [id, res] of acts) res({ id, ok: false, error: 'the run has ended' });
      acts.clear();
      resolve(r);
    };
    const onMessage = (msg: WorkerToHost): void => {
      switch (msg.type) {
        case 'progress':
          for (const f of progress) f(msg.progress);
          return;
        case 'batch':
          for (const f of batch) f(msg.batch);
          return;
        case 'log':
          for (const f of log) f(msg.entries);
          return;
        case 'act': {
          const res = acts.get(msg.reply.id);
          acts.delete(msg.reply.id);
          res?.(msg.reply);
          return;
        }
        case 'end':
          return settle({ ...msg.end });
        case 'failed':
          return settle({ status: 'failed', error: msg.error });
      }
    };
    // Delivered asynchronously, as a worker's messages would be.
    const driver = new RunDriver(scenario, { ...options, inject: options.inject?.kind === 'exit' ? undefined : options.inject }, (msg) => queueMicrotask(() => onMessage(msg)));
    setImmediate(() => driver.start());
    const handle: RunHandle = {
      id: this.nextId++,
      done,
      onProgress: (fn) => void progress.push(fn),
      onBatch: (fn) => void batch.push(fn),
      onLog: (fn) => void log.push(fn),
      control: (msg) => setImmediate(() => driver.handle(msg)),
      act: (action) =>
        new Promise<ActReply>((res) => {
          const id = nextAct++;
          if (settled) return res({ id, ok: false, error: 'the run has ended' });
          acts.set(id, res);
          setImmediate(() => driver.handle({ type: 'act', id, action }));
        }),
      cancel: () => setImmediate(() => driver.handle({ type: 'cancel' })),
    };
    this.running.add(handle);
    void done.then(() => this.running.delete(handle));
    return handle;
  }

  async close(): Promise<void> {
    for (const h of this.running) h.cancel();
    await Promise.allSettled([...this.running].map((h) => h.done));
  }
}
