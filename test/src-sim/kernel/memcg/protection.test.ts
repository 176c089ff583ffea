import { describe, expect, it } from 'vitest';
import { effectiveProtection } from '../../../../src-sim/kernel/memcg/protection';
import type { Scenario } from '../../../../src-sim/scenario/types';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { bootMm, MiB } from '../mm/boot-mm';

function scenario(minValue: string | null): Scenario {
  return baseScenario({
    durationNs: 4e9,
    machine: flatMachine(4, 512 * MiB),
    files: [{ path: '/data/cache', sizeBytes: 40 * MiB, device: null }],
    cgroups: [{ path: '/prot', writes: minValue ? [['memory.min', minValue]] : [] }],
    tasks: [
      taskSpec({ name: 'reader', cgroup: '/prot', run: { type: 'read', file: '/data/cache', sizeBytes: 40 * MiB, bs: 1 * MiB, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: false } }),
      taskSpec({ name: 'hog', cgroup: '/hog', startNs: 500e6, run: { type: 'alloc', sizeBytes: 480 * MiB, stepBytes: 16 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' } }),
    ],
  });
}

describe('memory.min', () => {
  it('global reclaim never takes pages inside memory.min; with nothing else reclaimable the global OOM killer fires (behaviour 21)', () => {
    const rig = bootMm(scenario('50M'));
    let lowest = Infinity;
    rig.run(4e9, 10e6, (t) => {
      if (t > 400e6) lowest = Math.min(lowest, Number(rig.read('/sys/fs/cgroup/prot/memory.current')));
    });
    expect(lowest).toBe(40 * MiB);
    const kills = rig.k.log.entries.filter((e) => e.kind === 'oom_kill');
    expect(kills.map((e) => [e.task, e.reason])).toEqual([['hog', 'global']]);
    expect(rig.field('/sys/fs/cgroup/prot/memory.events', 'low')).toBe(0);
  });

  it('without memory.min the same pressure reclaims the group’s page cache', () => {
    const rig = bootMm(scenario(null));
    rig.run(4e9);
    expect(Number(rig.read('/sys/fs/cgroup/prot/memory.current'))).toBeLessThan(40 * MiB);
  });
});

describe('effective protection (mm/memcontrol.c: effective_protection)', () => {
  it('is the setting capped by usage when the parent covers the children', () => {
    expect(effectiveProtection(100, 50, 1000, 80)).toBe(50);
    expect(effectiveProtection(30, 50, 1000, 80)).toBe(30);
  });

  it('is shared in proportion to protected usage when children over-commit the parent', () => {
    // Parent protects 100; children claim 150 and 50 → 3:1 split of 100.
    expect(effectiveProtection(150, 150, 100, 200)).toBe(75);
    expect(effectiveProtection(50, 50, 100, 200)).toBe(25);
  });
});
