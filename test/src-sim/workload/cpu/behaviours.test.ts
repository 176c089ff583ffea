import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { MS, S, run, scenario, schedstat, taskSpec } from '../../kernel/sched/helpers';

describe('periodic run type', () => {
  test('a lone periodic task uses busy/period of a CPU and sleeps the rest', () => {
    // stop just before the 101st release at 1 s
    const sim = run(scenario(1, [taskSpec({ name: 'p', run: { type: 'periodic', busyNs: 2 * MS, periodNs: 10 * MS, jitter: 0 } })], { durationNs: 0.999 * S }));
    const st = schedstat(sim, 'p');
    expect(st.exec).toBe(200 * MS);
    expect(st.pcount).toBe(100);
    expect(st.delay).toBe(0);
  });

  test('with jitter the mean rate is kept and different seeds release at different times', () => {
    const mk = (seed: number) =>
      run(scenario(1, [taskSpec({ name: 'p', run: { type: 'periodic', busyNs: 1 * MS, periodNs: 5 * MS, jitter: 0.2 } })], { durationNs: 2 * S, seed }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
        const st = schedstat(mk(seed), 'p');
        expect(Math.abs(st.pcount - 400)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 5 },
    );
    const a = mk(1);
    const b = mk(2);
    const pidA = [...a.kernel.tasks.values()][0]!.pid;
    expect(a.kernel.vfs.read(`/proc/${pidA}/sched`)).not.toBe(b.kernel.vfs.read(`/proc/${pidA}/sched`));
  });

  test('an overloaded periodic task runs back to back until a period behind, then skips the missed releases', () => {
    // 12 ms jobs every 10 ms: six jobs back to back (0–72 ms), releases 60 and 70 skipped, sleep to 80 ms: 90 % duty
    const sim = run(scenario(1, [taskSpec({ name: 'p', run: { type: 'periodic', busyNs: 12 * MS, periodNs: 10 * MS, jitter: 0 } })], { durationNs: 0.8 * S }));
    expect(schedstat(sim, 'p').exec).toBe(720 * MS);
  });

  test('the cpu run type is always runnable', () => {
    const sim = run(scenario(2, [taskSpec({ name: 'hog' })], { durationNs: 1 * S }));
    expect(schedstat(sim, 'hog').exec).toBe(1 * S);
  });
});
