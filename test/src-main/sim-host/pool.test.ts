import { describe, expect, it } from 'vitest';
import { baseScenario } from '../../../src-sim/scenario/defaults';
import { WorkerPool } from '../../../src-main/sim-host/pool';
import type { Batch } from '../../../src-main/sim-host/protocol';

// Through the real bundled worker (dist/sim-worker.mjs, built by test/global-setup.ts).
const scenario = (seed: number) => baseScenario({ name: 'pool', seed, durationNs: 5e9, sampleIntervalNs: 100e6 });

describe('WorkerPool', () => {
  it('runs the same scenario and seed twice in real workers with identical summaries', async () => {
    const pool = new WorkerPool({ size: 2 });
    const [a, b] = await Promise.all([pool.start(scenario(3)).done, pool.start(scenario(3)).done]);
    await pool.close();
    expect(a.status).toBe('complete');
    if (a.status === 'failed' || b.status === 'failed') throw new Error('run failed');
    expect(b.files).toEqual(a.files);
    expect(b.events).toBe(a.events);
    expect(a.simulatedNs).toBe(5e9);
  });

  it('a crashing worker fails only its own run; the pool keeps serving', async () => {
    const pool = new WorkerPool({ size: 1 });
    const crash = pool.start(scenario(1), { inject: { kind: 'exit', atNs: 1e9 } });
    const invariant = pool.start(scenario(1), { inject: { kind: 'invariant', atNs: 2e9 } });
    const ok = pool.start(scenario(1));
    expect(pool.queued + pool.active).toBe(3);
    expect(await crash.done).toEqual({ status: 'failed', error: 'simulator worker exited unexpectedly (code 70)' });
    expect(await invariant.done).toEqual({
      status: 'failed',
      error: 'invariant failed in inject at t=2000000000ns: deliberate failure requested by the host',
    });
    expect((await ok.done).status).toBe('complete');
    await pool.close();
  });

  it('streams progress and transferred Float64Array batches, and cancels on request', async () => {
    const pool = new WorkerPool({ size: 1 });
    const h = pool.start(baseScenario({ durationNs: 3600e9, sampleIntervalNs: 1e9 }), { pace: 1 });
    const batches: Batch[] = [];
    h.onBatch((b) => batches.push(b));
    const firstProgress = new Promise<number>((res) => h.onProgress((p) => res(p.durationNs)));
    expect(await firstProgress).toBe(3600e9);
    h.cancel();
    const r = await h.done;
    expect(r.status).toBe('cancelled');
    for (const b of batches) expect(b.values).toBeInstanceOf(Float64Array);
    await pool.close();
  });

  it('start/cancel in quick succession: every run ends "cancelled" and every worker thread ends by itself, none terminated', async () => {
    // Issue 17: terminating a worker that was still compiling aborted the whole
    // process on Node 20; cancel is a message the worker honours, and a finished
    // worker closes its port and exits on its own.
    const pool = new WorkerPool({ size: 1 });
    const statuses: string[] = [];
    for (const ms of [0, 0, 1, 3, 8, 15, 30, 60]) {
      const h = pool.start(baseScenario({ durationNs: 600e9, sampleIntervalNs: 100e6 }));
      if (ms) await new Promise((r) => setTimeout(r, ms));
      h.cancel();
      statuses.push((await h.done).status);
    }
    expect(statuses).toEqual(Array(8).fill('cancelled'));
    expect((await pool.start(scenario(2)).done).status).toBe('complete');
    for (let i = 0; i < 200 && pool.threads > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pool.threads).toBe(0);
    expect(pool.terminated).toBe(0);
    await pool.close();
  });

  it('close() cancels a running run cooperatively (it ends "cancelled", its worker is not terminated)', async () => {
    const pool = new WorkerPool({ size: 1 });
    const h = pool.start(baseScenario({ durationNs: 3600e9, sampleIntervalNs: 1e9 }), { pace: 1 });
    await new Promise<void>((res) => h.onProgress(() => res()));
    await pool.close();
    expect((await h.done).status).toBe('cancelled');
    expect(pool.terminated).toBe(0);
  });

  it('refuses a pace that is not a positive factor', async () => {
    const pool = new WorkerPool({ size: 1 });
    expect(() => pool.start(scenario(1), { pace: 0 })).toThrow('pace: expected a positive number (N× real time) or null (as fast as possible), got 0');
    const h = pool.start(scenario(1), { paused: true });
    expect(() => h.control({ type: 'pace', pace: -2 })).toThrow(RangeError);
    h.cancel();
    expect((await h.done).status).toBe('cancelled');
    await pool.close();
  });

  it('sizes itself to cores − 1, at least one', () => {
    expect(new WorkerPool().size).toBeGreaterThanOrEqual(1);
    expect(new WorkerPool({ size: 0 }).size).toBe(1);
  });
});
