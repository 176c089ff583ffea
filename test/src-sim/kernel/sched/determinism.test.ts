import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { Scenario } from '../../../../src-sim/scenario/types';
import { MS, S, run, scenario, taskSpec } from './helpers';

function mixed(seed: number, record: string[] = []): Scenario {
  return scenario(
    4,
    [
      taskSpec({ name: 'hog', cgroup: '/batch', count: 3 }),
      taskSpec({ name: 'web', cgroup: '/web', count: 5, run: { type: 'periodic', busyNs: 2 * MS, periodNs: 9 * MS, jitter: 0.3 } }),
      taskSpec({ name: 'rt', policy: 'SCHED_RR', rtPriority: 5, run: { type: 'periodic', busyNs: 1 * MS, periodNs: 20 * MS, jitter: 0.1 } }),
      taskSpec({ name: 'nice', nice: 7, cpus: [1, 2] }),
    ],
    {
      seed,
      durationNs: 1.5 * S,
      record,
      cgroups: [
        { path: '/batch', writes: [['cpu.weight', '50']] },
        { path: '/web', writes: [['cpu.weight', '300'], ['cpu.max', '150000 100000']] },
      ],
      timeline: [{ atNs: 0.7 * S, kind: 'write', path: '/sys/devices/system/cpu/cpu2/online', value: '0' }],
    },
  );
}

describe('determinism', () => {
  test('same scenario and seed give byte-identical files and logs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const a = run(mixed(seed));
        const b = run(mixed(seed));
        expect(a.files()).toEqual(b.files());
        expect(a.log).toEqual(b.log);
      }),
      { numRuns: 4 },
    );
  });

  test('different seeds differ where randomness is used (periodic jitter)', () => {
    const a = run(mixed(1)).files();
    const b = run(mixed(2)).files();
    // the web tasks are pids 1003..1007: their run delays depend on the release jitter
    expect(a['/proc/1003/schedstat']).not.toBe(b['/proc/1003/schedstat']);
    expect(a['/proc/pressure/cpu']).not.toBe(b['/proc/pressure/cpu']);
  });

  test('reading files does not change the run (sampling every observable file vs none)', () => {
    const quiet = run(mixed(7, ['/proc/stat']));
    const loud = run({ ...mixed(7), record: [], sampleIntervalNs: 10 * MS });
    expect(loud.recorder.series.length).toBeGreaterThan(20);
    expect(loud.files()).toEqual(quiet.files());
  });
});
