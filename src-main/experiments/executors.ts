import type { Metric } from '../../src-sim/sweep/types';
import { WorkerPool } from '../sim-host/pool';
import type { Session } from '../store/session';
import { availableParallelism } from 'node:os';
import { runLocal } from './local-executor';
import type { Executor } from './run-experiment';

/** The local pool: one simulator worker per core (or `size`), closed when the jobs are done. */
export function localExecutor(o: { size?: number | undefined; metrics: readonly Metric[]; session?: Session | undefined; workerPath?: string }): Executor {
  return async (jobs, onResult, signal) => {
    const pool = new WorkerPool({ size: o.size ?? availableParallelism(), ...(o.workerPath ? { workerPath: o.workerPath } : {}) });
    try {
      await runLocal(jobs, { pool, metrics: o.metrics, ...(o.session ? { session: o.session } : {}), onResult, signal });
    } finally {
      await pool.close();
    }
  };
}
