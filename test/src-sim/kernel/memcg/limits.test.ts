import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { bootMm, GiB, MiB } from '../mm/boot-mm';

const MEMCG_CHARGE_BATCH_BYTES = 64 * 4096;

describe('memory.max', () => {
  it('memory.max kills the allocator: events max>0, oom≥1, oom_kill=1, usage never above max + one batch (behaviour 18)', () => {
    const s = baseScenario({
      durationNs: 5e9,
      machine: flatMachine(4, 2 * GiB),
      cgroups: [{ path: '/box', writes: [['memory.max', '100M']] }],
      tasks: [
        taskSpec({ name: 'alloc', cgroup: '/box', run: { type: 'alloc', sizeBytes: 200 * MiB, stepBytes: 16 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' } }),
        taskSpec({ name: 'bystander', cgroup: '/', run: { type: 'alloc', sizeBytes: 20 * MiB, stepBytes: 4 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' } }),
      ],
    });
    const rig = bootMm(s);
    let maxSeen = 0;
    rig.run(3e9, 1e6, () => {
      maxSeen = Math.max(maxSeen, Number(rig.read('/sys/fs/cgroup/box/memory.current')));
    });
    expect(maxSeen).toBeLessThanOrEqual(100 * MiB + MEMCG_CHARGE_BATCH_BYTES);
    expect(rig.field('/sys/fs/cgroup/box/memory.events', 'max')).toBeGreaterThan(0);
    expect(rig.field('/sys/fs/cgroup/box/memory.events', 'oom')).toBeGreaterThanOrEqual(1);
    expect(rig.field('/sys/fs/cgroup/box/memory.events', 'oom_kill')).toBe(1);
    const kills = rig.k.log.entries.filter((e) => e.kind === 'oom_kill');
    expect(kills.map((e) => e.task)).toEqual(['alloc']);
    expect(rig.task('alloc').state).toBe('exited');
    expect(rig.task('bystander').state).not.toBe('exited');
    expect(Number(rig.read('/sys/fs/cgroup/box/memory.current'))).toBe(0);
  });
});
