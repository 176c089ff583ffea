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

describe('memory.high', () => {
  it('memory.high throttles instead of killing: no OOM, allocation slows, high events rise, no sleep above 2 s (behaviour 19)', () => {
    const s = baseScenario({
      durationNs: 10e9,
      machine: flatMachine(4, 2 * GiB),
      cgroups: [{ path: '/box', writes: [['memory.high', '100M']] }],
      tasks: [taskSpec({ name: 'alloc', cgroup: '/box', run: { type: 'alloc', sizeBytes: 200 * MiB, stepBytes: 16 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' } })],
    });
    const rig = bootMm(s);
    const highs: number[] = [];
    rig.run(8e9, 1e9, () => highs.push(rig.field('/sys/fs/cgroup/box/memory.events', 'high')));
    expect(rig.k.log.entries.filter((e) => e.kind === 'oom_kill')).toEqual([]);
    expect(rig.task('alloc').state).not.toBe('exited');
    // Unthrottled, 200 MiB in 16 MiB steps every 10 ms is done in 130 ms; throttled it is far from done after 8 s.
    const current = Number(rig.read('/sys/fs/cgroup/box/memory.current'));
    expect(current).toBeGreaterThan(100 * MiB);
    expect(current).toBeLessThan(150 * MiB);
    for (let i = 1; i < highs.length; i++) expect(highs[i]!).toBeGreaterThan(highs[i - 1]!);
    const st = rig.sched.statsOf(rig.task('alloc'));
    expect(st.maxMemSleepNs).toBeLessThanOrEqual(2e9);
    expect(st.maxMemSleepNs).toBeGreaterThan(10e6);
  });

  it('penalties of 10 ms or less are not slept (usage just over high)', () => {
    const s = baseScenario({
      durationNs: 3e9,
      machine: flatMachine(4, 2 * GiB),
      // 100.5 MiB over a 100 MiB high: overage 0.5 % → 1 ms per batch, below HZ/100.
      cgroups: [{ path: '/box', writes: [['memory.high', '100M']] }],
      tasks: [taskSpec({ name: 'alloc', cgroup: '/box', run: { type: 'alloc', sizeBytes: 100 * MiB + 512 * 1024, stepBytes: 512 * 1024, everyNs: 10e6, touch: 'sequential', then: 'hold' } })],
    });
    const rig = bootMm(s);
    rig.run(3e9);
    expect(rig.field('/sys/fs/cgroup/box/memory.events', 'high')).toBeGreaterThan(0);
    expect(rig.sched.statsOf(rig.task('alloc')).maxMemSleepNs).toBe(0);
  });
});
