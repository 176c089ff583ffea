import { describe, expect, test } from 'vitest';
import type { TaskSched } from '../../../../src-sim/kernel/sched/entities';
import { MS, S, keyed, run, scenario, schedstat, taskSpec } from './helpers';

describe('policies and placement', () => {
  test('CFS: a woken SCHED_OTHER task preempts a hog at once (placed latency/2 behind min_vruntime)', () => {
    const tick = { type: 'periodic', busyNs: 0.5 * MS, periodNs: 10 * MS, jitter: 0 } as const;
    // stop before the 101st release at 1 s
    const s = scenario(1, [taskSpec({ name: 'hog' }), taskSpec({ name: 'other', run: tick })], { durationNs: 0.999 * S });
    s.kernel = { ...s.kernel, scheduler: 'cfs', version: '6.5' };
    const sim = run(s);
    const other = schedstat(sim, 'other');
    expect(other.pcount).toBe(100);
    expect(other.delay).toBe(0);
    expect(other.exec).toBe(50 * MS);
  });

  test('SCHED_BATCH hogs share by nice weight like SCHED_OTHER', () => {
    const sim = run(scenario(1, [taskSpec({ name: 'b0', policy: 'SCHED_BATCH' }), taskSpec({ name: 'b5', policy: 'SCHED_BATCH', nice: 5 })], { durationNs: 2 * S }));
    const f = schedstat(sim, 'b0').exec / (2 * S);
    expect(Math.abs(f - 1024 / 1359)).toBeLessThan(0.02);
  });

  test('a cpu.idle group competing with a normal group gets 3 / (1024 + 3) of the CPU', () => {
    const s = scenario(1, [taskSpec({ name: 'i', cgroup: '/idle' }), taskSpec({ name: 'n', cgroup: '/normal' })], {
      durationNs: 20 * S,
      cgroups: [{ path: '/idle', writes: [['cpu.idle', '1']] }],
    });
    const sim = run(s);
    const i = keyed(sim, '/sys/fs/cgroup/idle/cpu.stat').usage_usec!;
    expect(Math.abs(i / 20e6 - 3 / 1027)).toBeLessThan(0.001);
  });

  test('narrowing cpuset.cpus at run time moves the group’s tasks onto the remaining CPUs', () => {
    const s = scenario(4, [taskSpec({ name: 'g', cgroup: '/g', count: 4 })], {
      durationNs: 2 * S,
      timeline: [{ atNs: 1 * S, kind: 'write', path: '/sys/fs/cgroup/g/cpuset.cpus', value: '0-1' }],
      cgroups: [{ path: '/g', writes: [] }],
    });
    const sim = run(s);
    const usage = keyed(sim, '/sys/fs/cgroup/g/cpu.stat').usage_usec!;
    expect(Math.abs(usage / 1e6 - (4 + 2))).toBeLessThan(0.01);
    for (const t of sim.kernel.tasks.values()) expect((t.sched as TaskSched).cpu).toBeLessThan(2);
  });

  test('affinity is respected: two hogs pinned to cpu0 share it while cpu1 idles', () => {
    const sim = run(scenario(2, [taskSpec({ name: 'p', cpus: [0], count: 2 })], { durationNs: 1 * S }));
    expect(schedstat(sim, 'p#0').exec + schedstat(sim, 'p#1').exec).toBe(1 * S);
    expect(sim.kernel.vfs.read('/proc/stat').split('\n')[2]).toBe('cpu1 0 0 0 100 0 0 0 0 0 0');
  });
});
