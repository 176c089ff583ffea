import { describe, expect, test } from 'vitest';
import type { Scenario } from '../../../../src-sim/scenario/types';
import { Simulation } from '../../../../src-sim/simulation';
import { MS, S, run, scenario, schedstat, taskSpec } from './helpers';

// kernel/sched/deadline.c (dl_server with dl_defer), kernel/sched/debug.c (fair_server files):
// 6.12+ gives fair tasks 50 ms per 1000 ms under an RT hog; RT throttling is gone without RT_GROUP_SCHED.
const k618 = (sysctl: [string, string][] = []): Scenario['kernel'] => ({ version: '6.18', scheduler: 'eevdf', sysctl, hz: 1000 });
const fifoAndFair = (over: Partial<Scenario> = {}): Scenario =>
  scenario(1, [taskSpec({ name: 'fifo', policy: 'SCHED_FIFO', rtPriority: 50 }), taskSpec({ name: 'fair' })], { durationNs: 3 * S, kernel: k618(), ...over });

describe('the 6.12+ fair server', () => {
  test('a starved fair task gets 50 ms per second, first at the zero-laxity point 950 ms after it queued', () => {
    const s = fifoAndFair();
    // deferred: nothing before deadline − runtime = 950 ms
    expect(schedstat(run(s, 0.949 * S), 'fair').exec).toBe(0);
    // then the server runs ahead of RT for its 50 ms runtime, and again at each replenishment (1950 ms, 2950 ms)
    expect(schedstat(run(s, 1.0 * S), 'fair').exec).toBe(50 * MS);
    expect(schedstat(run(s, 1.949 * S), 'fair').exec).toBe(50 * MS);
    const sim = run(s);
    expect(schedstat(sim, 'fair').exec).toBe(150 * MS);
    expect(schedstat(sim, 'fifo').exec).toBe(2850 * MS);
    // no RT throttling on 6.12+ (the root RT queue is not throttled without RT_GROUP_SCHED)
    expect(sim.log.some((e) => e.message === 'sched: RT throttling activated')).toBe(false);
  });

  test('sched_rt_runtime_us=-1 no longer starves fair tasks: the share stays 50 ms/s', () => {
    const sim = run(fifoAndFair({ durationNs: 5 * S, kernel: k618([['kernel.sched_rt_runtime_us', '-1']]) }));
    expect(Math.abs(schedstat(sim, 'fair').exec / 5 - 50 * MS)).toBeLessThan(10 * MS);
  });

  test('a fair task that gets CPU in the background never sees the server (deferral)', () => {
    // RT uses 9 of every 10 ms: the fair task's 10 % run in the background use up the server's budget every
    // 500 ms, starting a new period before zero laxity, so the fair share stays at 10 %, not 10 % + 5 %
    const s = scenario(
      1,
      [
        taskSpec({ name: 'rt', policy: 'SCHED_FIFO', rtPriority: 50, run: { type: 'periodic', busyNs: 9 * MS, periodNs: 10 * MS, jitter: 0 } }),
        taskSpec({ name: 'fair' }),
      ],
      { durationNs: 2 * S, kernel: k618() },
    );
    const sim = run(s);
    expect(Math.abs(schedstat(sim, 'fair').exec - 200 * MS)).toBeLessThan(3 * MS);
    // the RT task never waited for the server
    expect(schedstat(sim, 'rt').delay).toBe(0);
  });

  test('debugfs files: defaults, errors, and runtime 0 disables the server', () => {
    const sim = new Simulation(fifoAndFair());
    const vfs = sim.kernel.vfs;
    expect(vfs.read('/sys/kernel/debug/sched/fair_server/cpu0/runtime')).toBe('50000000\n');
    expect(vfs.read('/sys/kernel/debug/sched/fair_server/cpu0/period')).toBe('1000000000\n');
    expect(() => vfs.write('/sys/kernel/debug/sched/fair_server/cpu0/runtime', '2000000000')).toThrow(/EINVAL/);
    expect(() => vfs.write('/sys/kernel/debug/sched/fair_server/cpu0/period', '50000')).toThrow(/EINVAL/);
    expect(() => vfs.write('/sys/kernel/debug/sched/fair_server/cpu0/runtime', 'x')).toThrow(/EINVAL/);
    // the deadline bandwidth (95 %) must hold the servers: sched_dl_global_validate / __dl_overflow
    expect(() => vfs.write('/proc/sys/kernel/sched_rt_runtime_us', '40000')).toThrow(/EBUSY/);
    expect(() => vfs.write('/sys/kernel/debug/sched/fair_server/cpu0/runtime', '960000000')).toThrow(/EBUSY/);
    vfs.write('/sys/kernel/debug/sched/fair_server/cpu0/runtime', '0');
    sim.advance(3 * S);
    expect(schedstat(sim, 'fair').exec).toBe(0);
    expect(sim.log.some((e) => e.message === 'Fair server disabled in CPU 0, system may crash due to starvation.')).toBe(true);
  });

  test('a larger runtime written at run time takes effect from the next period', () => {
    const sim = new Simulation(fifoAndFair());
    sim.kernel.vfs.write('/sys/kernel/debug/sched/fair_server/cpu0/runtime', '100000000');
    sim.advance(3 * S);
    // 100 ms per 1 s: zero laxity at 900 ms, then 1900 ms, 2900 ms
    expect(schedstat(sim, 'fair').exec).toBe(300 * MS);
  });

  test('before 6.12 the files do not exist and RT throttling applies', () => {
    const sim = run(fifoAndFair({ kernel: { version: '6.11', scheduler: 'eevdf', sysctl: [], hz: 1000 } }));
    expect(() => sim.kernel.vfs.read('/sys/kernel/debug/sched/fair_server/cpu0/runtime')).toThrow(/ENOENT/);
    // 950 ms of RT per 1 s period from boot: the fair task runs ≈[950, 1000) ms of each second (tick-detected)
    expect(Math.abs(schedstat(sim, 'fair').exec - 150 * MS)).toBeLessThanOrEqual(2 * MS);
    expect(sim.log.some((e) => e.message === 'sched: RT throttling activated')).toBe(true);
  });

  test('deterministic: same scenario, same files', () => {
    const a = run(fifoAndFair({ durationNs: 1.5 * S }));
    const b = run(fifoAndFair({ durationNs: 1.5 * S }));
    expect(a.files()).toEqual(b.files());
  });
});

describe('DELAY_DEQUEUE (6.12+) is not modelled and the run says so', () => {
  const mixed = (version: string): Scenario =>
    scenario(1, [taskSpec({ name: 'hog' }), taskSpec({ name: 'short', run: { type: 'periodic', busyNs: 1 * MS, periodNs: 10 * MS, jitter: 0 } })], {
      durationNs: 0.3 * S,
      kernel: { version, scheduler: 'eevdf', sysctl: [], hz: 1000 },
    });
  const notes = (sim: Simulation) => sim.log.filter((e) => e.kind === 'not_simulated' && e.value === 'DELAY_DEQUEUE');

  test('6.18: one note, the first time a task sleeps with negative lag', () => {
    const n = notes(run(mixed('6.18')));
    expect(n).toHaveLength(1);
    expect(String(n[0]!.note)).toMatch(/slept with negative lag; Linux 6\.18 would keep it queued until its lag is paid off/);
  });

  test('6.11 has no delayed dequeue, so no note', () => {
    expect(notes(run(mixed('6.11')))).toHaveLength(0);
  });
});
