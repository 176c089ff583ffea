import { describe, expect, it } from 'vitest';
import { baseScenario } from '../../src-sim/scenario/defaults';
import { Simulation } from '../../src-sim/simulation';
import { KernelError } from '../../src-sim/vfs/errors';

describe('Simulation boundaries', () => {
  it('samples at k·interval for every k with k·interval ≤ duration', () => {
    const sim = new Simulation(baseScenario({ durationNs: 1_000_000_000, sampleIntervalNs: 100_000_000 }));
    sim.kernel.vfs.register('/test/counter', { read: () => `${sim.now}\n`, observable: true });
    sim.runToEnd();
    expect(sim.recorder.samples).toBe(11);
    // Subsystems register observable files too (meminfo, vmstat…): pick this series by path.
    const id = sim.recorder.series.find((x) => x.path === '/test/counter')!.id;
    const batch = sim.recorder.take(true).find((b) => b.seriesId === id);
    expect(Array.from(batch!.values)).toEqual(Array.from({ length: 11 }, (_, k) => k * 100_000_000));
    expect(sim.done).toBe(true);
  });

  it('applies timeline writes after every event at that time, and logs them', () => {
    const s = baseScenario({ durationNs: 50, sampleIntervalNs: 10 });
    s.timeline = [{ atNs: 20, kind: 'write', path: '/test/knob', value: '7' }];
    const sim = new Simulation(s);
    let knob = '0';
    let seenAt20 = '';
    sim.kernel.vfs.register('/test/knob', { read: () => knob, write: (v) => (knob = v) });
    sim.kernel.engine.schedule(20, () => (seenAt20 = knob));
    sim.runToEnd();
    expect(seenAt20).toBe('0');
    expect(knob).toBe('7');
    expect(sim.log).toEqual([{ t_ns: 20, kind: 'write', path: '/test/knob', value: '7' }]);
    expect(sim.actions).toHaveLength(1);
  });

  it('a refused live write throws the kernel error and the run goes on', () => {
    const sim = new Simulation(baseScenario({ durationNs: 100 }));
    sim.advance(50);
    expect(() => sim.act({ kind: 'write', path: '/no/such/file', value: '1' })).toThrow(KernelError);
    expect(sim.advance(100)).toBe(true);
    expect(sim.actions).toHaveLength(0);
  });

  it('advance stops after the event budget and resumes to the same end state', () => {
    const mk = () => {
      const sim = new Simulation(baseScenario({ durationNs: 1000, sampleIntervalNs: 1000 }));
      let n = 0;
      for (let t = 0; t < 1000; t += 7) sim.kernel.engine.schedule(t, () => n++);
      return { sim, count: () => n };
    };
    const a = mk();
    let chunks = 0;
    while (!a.sim.advance(1000, 10)) chunks++;
    const b = mk();
    b.sim.runToEnd();
    expect(chunks).toBeGreaterThan(10);
    expect(a.count()).toBe(b.count());
    expect(a.sim.now).toBe(b.sim.now);
  });

  it('advance to a time already passed leaves the clock where it is and changes nothing', () => {
    const mk = () => {
      const sim = new Simulation(baseScenario({ durationNs: 1000, sampleIntervalNs: 100 }));
      const seen: number[] = [];
      for (let t = 0; t < 1000; t += 13) sim.kernel.engine.schedule(t, (now) => seen.push(now));
      return { sim, seen };
    };
    const a = mk();
    a.sim.advance(600);
    expect(a.sim.advance(250)).toBe(true);
    expect(a.sim.now).toBe(600);
    a.sim.runToEnd();
    const b = mk();
    b.sim.runToEnd();
    expect(a.seen).toEqual(b.seen);
    expect(a.sim.recorder.samples).toBe(b.sim.recorder.samples);
  });
});
