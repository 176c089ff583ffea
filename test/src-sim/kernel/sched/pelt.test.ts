import { describe, expect, test } from 'vitest';
import { LOAD_AVG_MAX, decayLoad, updatePelt } from '../../../../src-sim/kernel/sched/pelt';
import { LAST_UPDATE, LOAD_AVG, SchedStore, STRIDE, UTIL_AVG } from '../../../../src-sim/kernel/sched/sched-store';
import { MS, S, run, scenario, taskSpec, pidOf } from './helpers';
import type { Simulation } from '../../../../src-sim/simulation';

// kernel/sched/pelt.c: 1024 µs periods (1024·1024 ns), y^32 = 0.5
const PERIOD = 1024 * 1024;
const y = Math.pow(0.5, 1 / 32);

/** Run an entity in one state for `n` periods, updating every period as the tick would. */
function drive(sa: Float64Array, from: number, n: number, running: boolean): number {
  let t = from;
  for (let i = 0; i < n; i++) {
    t += PERIOD;
    updatePelt(sa, 0, t, running ? 1 : 0, running ? 1 : 0, running ? 1 : 0, 1024);
  }
  return t;
}

describe('PELT arithmetic (kernel/sched/pelt.c)', () => {
  test('decay_load halves every 32 periods and is 0 after 63 half-lives', () => {
    expect(decayLoad(LOAD_AVG_MAX, 32)).toBe(Math.floor(LOAD_AVG_MAX / 2));
    expect(decayLoad(1 << 20, 64)).toBe(1 << 18);
    expect(Math.abs(decayLoad(1 << 20, 1) - (1 << 20) * y)).toBeLessThanOrEqual(1);
    expect(decayLoad(1e12, 32 * 63 + 1)).toBe(0);
  });

  test('an always-running entity from zero: util_avg ≈ 1024·(1 − y^n), converging to ≈1024', () => {
    const sa = new Float64Array(STRIDE);
    let t = 0;
    for (const n of [8, 16, 32, 64, 128]) {
      const sa2 = sa.slice();
      drive(sa2, t, n, true);
      const want = 1024 * (1 - Math.pow(y, n));
      expect(Math.abs(sa2[UTIL_AVG]! - want), `n=${n}: ${sa2[UTIL_AVG]!} vs ${want.toFixed(1)}`).toBeLessThan(0.02 * 1024);
    }
    t = drive(sa, t, 400, true);
    expect(sa[UTIL_AVG]!).toBeGreaterThanOrEqual(1000);
    expect(sa[UTIL_AVG]!).toBeLessThanOrEqual(1024);
    expect(sa[LOAD_AVG]!).toBeGreaterThanOrEqual(1000);
    // then blocked: halves in 32 ms, quarters in 64 ms
    const full = sa[UTIL_AVG]!;
    t = drive(sa, t, 32, false);
    expect(Math.abs(sa[UTIL_AVG]! - full / 2)).toBeLessThan(0.02 * 1024);
    drive(sa, t, 32, false);
    expect(Math.abs(sa[UTIL_AVG]! - full / 4)).toBeLessThan(0.02 * 1024);
  });

  test('the averages change only when a period boundary is crossed', () => {
    const sa = new Float64Array(STRIDE);
    drive(sa, 0, 10, true);
    const before = sa[UTIL_AVG]!;
    const last = sa[LAST_UPDATE]!;
    expect(updatePelt(sa, 0, last + 500 * 1024, 1, 1, 1, 1024)).toBe(false);
    expect(sa[UTIL_AVG]!).toBe(before);
    expect(updatePelt(sa, 0, last + 1100 * 1024, 1, 1, 1, 1024)).toBe(true);
    expect(sa[UTIL_AVG]!).toBeGreaterThan(before);
  });
});

describe('the scheduler store (sched-store.ts)', () => {
  test('blocks keep their values when the store grows; a released block comes back zeroed, last released first', () => {
    const st = new SchedStore();
    const slots: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const o = st.alloc();
      st.d[o + LOAD_AVG] = i + 0.5;
      slots.push(o);
    }
    expect(new Set(slots).size).toBe(1000);
    slots.forEach((o, i) => expect(st.d[o + LOAD_AVG]).toBe(i + 0.5));
    st.release(slots[10]!);
    st.release(slots[20]!);
    expect(st.alloc()).toBe(slots[20]);
    const o = st.alloc();
    expect(o).toBe(slots[10]);
    expect(Array.from(st.d.subarray(o, o + STRIDE))).toEqual(new Array(STRIDE).fill(0));
  });
});

/** se.avg fields of /proc/<pid>/sched. */
function avg(sim: Simulation, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of sim.kernel.vfs.read(`/proc/${pidOf(sim, name)}/sched`).split('\n')) {
    const m = /^se\.avg\.(\w+)\s*:\s*(\d+)/.exec(l);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

describe('PELT in the scheduler and /proc/<pid>/sched', () => {
  test('a hog forked on an idle CPU starts at half capacity and follows 1024 − 512·y^t', () => {
    const s = scenario(1, [taskSpec({ name: 'hog' })], { durationNs: 1 * S });
    for (const ms of [32, 100, 300]) {
      const a = avg(run(s, ms * MS), 'hog');
      const want = 1024 - 512 * Math.pow(0.5, (ms * 1e6) / PERIOD / 32);
      expect(Math.abs(a['util_avg']! - want), `${ms} ms: ${a['util_avg']} vs ${want.toFixed(0)}`).toBeLessThan(15);
      // queued all the time: load_avg stays at the nice-0 weight
      expect(a['load_avg']).toBeGreaterThanOrEqual(1000);
      expect(a['runnable_avg']).toBe(a['util_avg']);
    }
  });

  test('two hogs on one CPU: each util_avg ≈ 512, runnable_avg ≈ 1024', () => {
    const sim = run(scenario(1, [taskSpec({ name: 'a' }), taskSpec({ name: 'b' })], { durationNs: 1 * S }));
    for (const n of ['a', 'b']) {
      const a = avg(sim, n);
      expect(Math.abs(a['util_avg']! - 512), `${n}: ${a['util_avg']}`).toBeLessThan(30);
      expect(a['runnable_avg']).toBeGreaterThan(1000);
    }
  });

  test('a task running 50 % (5 ms of every 10 ms) has util_avg ≈ 512', () => {
    const s = scenario(1, [taskSpec({ name: 'half', run: { type: 'periodic', busyNs: 5 * MS, periodNs: 10 * MS, jitter: 0 } })], { durationNs: 1 * S });
    const samples: number[] = [];
    const sim = run(s, 500 * MS);
    for (let t = 500; t < 600; t += 7) {
      sim.advance(t * MS);
      samples.push(avg(sim, 'half')['util_avg']!);
    }
    const mean = samples.reduce((x, v) => x + v, 0) / samples.length;
    expect(Math.abs(mean - 512), `mean ${mean}`).toBeLessThan(40);
  });

  test('reading /proc/<pid>/sched changes nothing and runs are deterministic', () => {
    const s = scenario(2, [taskSpec({ name: 'p', count: 3, run: { type: 'periodic', busyNs: 3 * MS, periodNs: 7 * MS, jitter: 0.2 } })], { durationNs: 0.3 * S });
    const a = run(s);
    const b = run(s, 0.1 * S);
    for (let i = 0; i < 3; i++) b.kernel.vfs.read(`/proc/${pidOf(b, `p#${i}`)}/sched`);
    b.advance(0.3 * S);
    expect(b.files()).toEqual(a.files());
  });
});
