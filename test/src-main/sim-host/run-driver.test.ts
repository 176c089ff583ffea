import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseScenario } from '../../../src-sim/scenario/defaults';
import { MIN_BATCH_VALUES, replayScenario } from '../../../src-main/sim-host/run-driver';
import { drive } from './harness';

// 2 s at 1 ms sampling: 2001 samples of the test model's 3 series — several batches.
// Only the test files are recorded: the installed subsystems' files would only slow this down.
const scenario = (seed: number) =>
  baseScenario({ name: 'counter', seed, durationNs: 2e9, sampleIntervalNs: 1e6, record: ['/proc/test/counter', '/proc/test/stat'] });

describe('RunDriver', () => {
  it('sends every batch but the last with at least 1k values, and loses no sample', async () => {
    const c = await drive(scenario(1), { chunkEvents: 97 });
    expect(c.error).toBeNull();
    expect(c.batches.length).toBeGreaterThan(2);
    for (const b of c.batches.slice(0, -1)) expect(b.values.length).toBeGreaterThanOrEqual(MIN_BATCH_VALUES);
    expect(c.batches.map((b) => b.seq)).toEqual(c.batches.map((_, i) => i));
    for (const v of c.values.values()) expect(v.length).toBe(2001);
  });

  it('same seed gives identical results, different seeds differ', async () => {
    const a = await drive(scenario(7), {});
    const b = await drive(scenario(7), { chunkEvents: 13 });
    const d = await drive(scenario(8), {});
    expect(b.end!.files).toEqual(a.end!.files);
    expect([...b.values.values()]).toEqual([...a.values.values()]);
    expect(d.end!.files['/proc/test/counter']).not.toBe(a.end!.files['/proc/test/counter']);
  });

  it('a live run and a replay of its scenario plus live actions give identical results', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1e6 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 1200 })), { minLength: 1, maxLength: 4 }),
        async (seed, acts) => {
          let progressSeen = 0;
          const live = await drive(scenario(seed), { chunkEvents: 37, progressEveryMs: 0 }, (m, send) => {
            if (m.type !== 'progress') return;
            const n = ++progressSeen;
            for (const [at, value] of acts) {
              if (at === n) send({ type: 'act', id: n, action: { kind: 'write', path: '/proc/sys/test/rate', value: String(value) } });
            }
          });
          expect(live.error).toBeNull();
          const accepted = acts.filter(([at, v]) => at >= 1 && v >= 1 && v <= 1000).length;
          expect(live.end!.liveActions.length).toBe(accepted);
          const replay = await drive(replayScenario(scenario(seed), live.end!.liveActions), {});
          expect(replay.end!.files).toEqual(live.end!.files);
          expect([...replay.values.values()]).toEqual([...live.values.values()]);
          expect(replay.log).toEqual(live.log);
          expect(replay.end!.actions).toEqual(live.end!.actions);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('a refused live write answers with the kernel error and the run goes on', async () => {
    let sent = false;
    const c = await drive(scenario(1), { chunkEvents: 100, progressEveryMs: 0 }, (m, send) => {
      if (m.type === 'progress' && !sent) {
        sent = true;
        send({ type: 'act', id: 1, action: { kind: 'write', path: '/proc/sys/test/rate', value: '0' } });
      }
    });
    expect(c.replies).toEqual([{ type: 'act', reply: { id: 1, ok: false, error: '/proc/sys/test/rate: Numerical result out of range (ERANGE)' } }]);
    expect(c.end!.status).toBe('complete');
    expect(c.end!.liveActions).toEqual([]);
  });

  it('an invariant failure ends the run as failed with subsystem and time', async () => {
    const c = await drive(scenario(1), { inject: { kind: 'invariant', atNs: 5e8 } });
    expect(c.end).toBeNull();
    expect(c.error).toBe('invariant failed in inject at t=500000000ns: deliberate failure requested by the host');
  });

  it('pause holds simulated time, cancel ends the run early as cancelled', async () => {
    let paused: number | null = null;
    let lastSim = 0;
    let stillAt = -1;
    const c = await drive(scenario(1), { chunkEvents: 50, progressEveryMs: 0 }, (m, send) => {
      if (m.type !== 'progress') return;
      lastSim = m.progress.simNs;
      if (paused === null && m.progress.simNs > 1e8) {
        paused = m.progress.simNs;
        send({ type: 'pause' });
        setTimeout(() => {
          stillAt = lastSim;
          send({ type: 'cancel' });
        }, 30);
      }
    });
    expect(c.end!.status).toBe('cancelled');
    // Nothing advanced while paused: the run ends where the pause caught it.
    expect(stillAt).toBe(paused);
    expect(c.end!.simulatedNs).toBe(paused);
  });
});
