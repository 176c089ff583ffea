import { describe, expect, test } from 'vitest';
import type { Scenario } from '../../../../src-sim/scenario/types';
import { MS, S, run, scenario, schedstat, taskSpec } from './helpers';

describe('real-time classes', () => {
  // RT throttling of the root RT queue is the ≤ 6.11 mechanism; 6.12+ has the fair server (fair-server.test.ts)
  const v611 = (sysctl: [string, string][] = []): Scenario['kernel'] => ({ version: '6.11', scheduler: 'eevdf', sysctl, hz: 1000 });

  test('6.11: a SCHED_FIFO busy loop with sched_rt_runtime_us=950000 leaves non-RT tasks ≈50 ms per second', () => {
    const s = scenario(1, [taskSpec({ name: 'fifo', policy: 'SCHED_FIFO', rtPriority: 50 }), taskSpec({ name: 'fair' })], { durationNs: 5 * S, kernel: v611() });
    const sim = run(s);
    const fair = schedstat(sim, 'fair').exec;
    expect(Math.abs(fair / 5 - 50 * MS)).toBeLessThan(2 * MS);
    expect(sim.log.some((e) => e.kind === 'printk' && e.message === 'sched: RT throttling activated')).toBe(true);
  });

  test('6.11: with sched_rt_runtime_us=-1 the FIFO loop starves fair tasks completely', () => {
    const s = scenario(1, [taskSpec({ name: 'fifo', policy: 'SCHED_FIFO', rtPriority: 50 }), taskSpec({ name: 'fair' })], {
      durationNs: 2 * S,
      kernel: v611([['kernel.sched_rt_runtime_us', '-1']]),
    });
    const sim = run(s);
    expect(schedstat(sim, 'fair').exec).toBe(0);
  });

  test('two SCHED_RR tasks at equal priority alternate every 100 ms', () => {
    const s = scenario(1, [taskSpec({ name: 'rr', policy: 'SCHED_RR', rtPriority: 10, count: 2 })], {
      durationNs: 2 * S,
      kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [['kernel.sched_rt_runtime_us', '-1']], hz: 1000 },
    });
    // at 1.95 s: rr#0 ran [0,100) [200,300) … [1800,1900), rr#1 the gaps and [1900,1950)
    const sim = run(s, 1.95 * S);
    const a = schedstat(sim, 'rr#0');
    const b = schedstat(sim, 'rr#1');
    expect(a.pcount).toBe(10);
    expect(b.pcount).toBe(10);
    expect(a.exec).toBe(1 * S);
    expect(b.exec).toBe(0.95 * S);
  });

  test('SCHED_FIFO at equal priority runs until it blocks; a higher priority preempts at once', () => {
    const s = scenario(
      1,
      [
        taskSpec({ name: 'f1', policy: 'SCHED_FIFO', rtPriority: 10 }),
        taskSpec({ name: 'f2', policy: 'SCHED_FIFO', rtPriority: 10 }),
        taskSpec({ name: 'hi', policy: 'SCHED_FIFO', rtPriority: 20, run: { type: 'periodic', busyNs: 1 * MS, periodNs: 10 * MS, jitter: 0 }, startNs: 5 * MS }),
      ],
      { durationNs: 1 * S, kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [['kernel.sched_rt_runtime_us', '-1']], hz: 1000 } },
    );
    const sim = run(s);
    expect(schedstat(sim, 'f2').exec).toBe(0);
    expect(schedstat(sim, 'hi').exec).toBe(100 * MS);
    // the woken high-priority task never waits
    expect(schedstat(sim, 'hi').delay).toBe(0);
  });

  test('RT tasks spread over CPUs instead of queueing behind each other', () => {
    const s = scenario(4, [taskSpec({ name: 'f', policy: 'SCHED_FIFO', rtPriority: 10, count: 4 })], {
      durationNs: 1 * S,
      kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [['kernel.sched_rt_runtime_us', '-1']], hz: 1000 },
    });
    const sim = run(s);
    for (let i = 0; i < 4; i++) expect(schedstat(sim, `f#${i}`).exec).toBe(1 * S);
  });

  test('6.11: an RT task preempted by a higher priority is pushed to a CPU running only fair work', () => {
    const s = scenario(
      2,
      [
        taskSpec({ name: 'low', policy: 'SCHED_FIFO', rtPriority: 10 }),
        taskSpec({ name: 'fair', cpus: [1] }),
        taskSpec({ name: 'high', policy: 'SCHED_FIFO', rtPriority: 20, cpus: [0], startNs: 5 * MS, run: { type: 'periodic', busyNs: 1 * MS, periodNs: 10 * MS, jitter: 0 } }),
      ],
      { durationNs: 1 * S, kernel: v611([['kernel.sched_rt_runtime_us', '-1']]) },
    );
    const sim = run(s);
    expect(schedstat(sim, 'low').exec).toBe(1 * S);
    expect(schedstat(sim, 'low').delay).toBe(0);
    expect(schedstat(sim, 'fair').exec).toBe(5 * MS);
  });
});
