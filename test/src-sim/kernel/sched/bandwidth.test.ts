import { describe, expect, test } from 'vitest';
import { S, keyed, run, scenario, taskSpec } from './helpers';

describe('cpu.max bandwidth', () => {
  test('"50000 100000" with one hog on a 4-CPU box: ≈50 % usage; after 10 s ≈100 periods, ≈100 throttled, ≈5,000,000 µs throttled', () => {
    const s = scenario(4, [taskSpec({ name: 'hog', cgroup: '/lim' })], {
      durationNs: 10 * S,
      cgroups: [{ path: '/lim', writes: [['cpu.max', '50000 100000']] }],
    });
    const sim = run(s);
    const st = keyed(sim, '/sys/fs/cgroup/lim/cpu.stat');
    expect(Math.abs(st.usage_usec! / 10e6 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(st.nr_periods! - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(st.nr_throttled! - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(st.throttled_usec! - 5_000_000) / 5_000_000).toBeLessThan(0.02);
    // own limit, so cpu.stat.local sees it too
    expect(Math.abs(keyed(sim, '/sys/fs/cgroup/lim/cpu.stat.local').throttled_usec! - 5_000_000) / 5_000_000).toBeLessThan(0.02);
  });

  test('"200000 100000" with 4 hogs on 4 CPUs: total usage ≈2 CPUs', () => {
    const s = scenario(4, [taskSpec({ name: 'hog', cgroup: '/lim', count: 4 })], {
      durationNs: 5 * S,
      cgroups: [{ path: '/lim', writes: [['cpu.max', '200000 100000']] }],
    });
    const sim = run(s);
    const st = keyed(sim, '/sys/fs/cgroup/lim/cpu.stat');
    // may overrun by ≤ 1 ms per CPU per period (min_cfs_rq_runtime)
    expect(Math.abs(st.usage_usec! / 5e6 - 2)).toBeLessThan(0.05);
  });

  test('a group throttled only by its parent’s cpu.max shows it in cpu.stat.local, not in its own nr_throttled', () => {
    const s = scenario(2, [taskSpec({ name: 'hog', cgroup: '/parent/child' })], {
      durationNs: 2 * S,
      cgroups: [
        { path: '/parent', writes: [['cpu.max', '30000 100000']] },
        { path: '/parent/child', writes: [] },
      ],
    });
    const sim = run(s);
    const child = keyed(sim, '/sys/fs/cgroup/parent/child/cpu.stat');
    const parent = keyed(sim, '/sys/fs/cgroup/parent/cpu.stat');
    expect(Math.abs(child.usage_usec! / 2e6 - 0.3)).toBeLessThan(0.01);
    expect(child.nr_throttled).toBe(0);
    expect(child.throttled_usec).toBe(0);
    expect(parent.nr_throttled).toBeGreaterThanOrEqual(19);
    const local = keyed(sim, '/sys/fs/cgroup/parent/child/cpu.stat.local').throttled_usec!;
    expect(Math.abs(local - 1_400_000) / 1_400_000).toBeLessThan(0.03);
  });

  test('lifting the limit at runtime ("max") unthrottles at once and usage returns to 100 %', () => {
    const s = scenario(1, [taskSpec({ name: 'hog', cgroup: '/lim' })], {
      durationNs: 2 * S,
      cgroups: [{ path: '/lim', writes: [['cpu.max', '10000 100000']] }],
      timeline: [{ atNs: 1 * S, kind: 'write', path: '/sys/fs/cgroup/lim/cpu.max', value: 'max 100000' }],
    });
    const sim = run(s, 1 * S);
    const u1 = keyed(sim, '/sys/fs/cgroup/lim/cpu.stat').usage_usec!;
    sim.advance(2 * S);
    const u2 = keyed(sim, '/sys/fs/cgroup/lim/cpu.stat').usage_usec!;
    expect(Math.abs(u1 / 1e6 - 0.1)).toBeLessThan(0.01);
    expect(Math.abs((u2 - u1) / 1e6 - 1)).toBeLessThan(0.001);
  });

  test('the unused quota of a throttled group goes to its siblings (work-conserving)', () => {
    const s = scenario(1, [taskSpec({ name: 'a', cgroup: '/lim' }), taskSpec({ name: 'b', cgroup: '/free' })], {
      durationNs: 2 * S,
      cgroups: [{ path: '/lim', writes: [['cpu.max', '20000 100000']] }],
    });
    const sim = run(s);
    expect(Math.abs(keyed(sim, '/sys/fs/cgroup/lim/cpu.stat').usage_usec! / 2e6 - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(keyed(sim, '/sys/fs/cgroup/free/cpu.stat').usage_usec! / 2e6 - 0.8)).toBeLessThan(0.01);
  });

  test('cgroup v1 cpu.stat reports throttled_time in ns', () => {
    const s = scenario(2, [taskSpec({ name: 'hog', cgroup: '/lim' })], {
      cgroupVersion: 1,
      durationNs: 1 * S,
      cgroups: [{ path: '/lim', writes: [['cpu.cfs_quota_us', '25000']] }],
    });
    const sim = run(s);
    const st = keyed(sim, '/sys/fs/cgroup/cpu/lim/cpu.stat');
    expect(Math.abs(st.throttled_time! - 750e6) / 750e6).toBeLessThan(0.03);
    expect(Math.abs(Number(sim.kernel.vfs.read('/sys/fs/cgroup/cpuacct/lim/cpuacct.usage')) - 250e6) / 250e6).toBeLessThan(0.02);
  });
});
