import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import type { RunSpec } from '../../../../src-sim/scenario/types';
import { bootMm, GiB, MiB } from './boot-mm';

const hold = (size: number): RunSpec => ({ type: 'alloc', sizeBytes: size, stepBytes: 4 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' });

describe('OOM killer', () => {
  it('oom_score = (1000 + badness·1000/totalpages)·2/3, badness = rss + swap + page tables + adj·totalpages/1000 (behaviour 23)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: -999, max: 1000 }), (mib, adj) => {
        const rig = bootMm(baseScenario({ machine: flatMachine(2, 1 * GiB), tasks: [taskSpec({ name: 't', oomScoreAdj: adj, run: hold(mib * MiB) })] }));
        rig.run(2e9);
        const t = rig.task('t');
        const total = rig.mm.totalPages + rig.mm.swapTotal;
        const rss = (mib * MiB) / 4096;
        expect(rig.mm.taskRss(t)).toBe(rss);
        const badness = rss + Math.ceil(rss / 512) + adj * Math.trunc(total / 1000);
        expect(rig.read(`/proc/${t.pid}/oom_score`)).toBe(`${Math.trunc(((1000 + Math.trunc((badness * 1000) / total)) * 2) / 3)}\n`);
      }),
      { numRuns: 12 },
    );
  });

  it('an oom_score_adj −1000 task is never chosen and its oom_score reads 0 (behaviour 23)', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 3e9,
        machine: flatMachine(2, 1 * GiB),
        cgroups: [{ path: '/box', writes: [['memory.max', '100M']] }],
        tasks: [
          taskSpec({ name: 'immune', cgroup: '/box', oomScoreAdj: -1000, run: hold(80 * MiB) }),
          taskSpec({ name: 'small', cgroup: '/box', startNs: 500e6, run: hold(40 * MiB) }),
        ],
      }),
    );
    rig.run(300e6);
    expect(rig.read(`/proc/${rig.task('immune').pid}/oom_score`)).toBe('0\n');
    rig.run(3e9);
    expect(rig.k.log.entries.filter((e) => e.kind === 'oom_kill').map((e) => e.task)).toEqual(['small']);
    expect(rig.task('immune').state).not.toBe('exited');
  });

  it('oom_score_adj accepts −1000…1000 and refuses the rest with EINVAL', () => {
    const rig = bootMm(baseScenario({ tasks: [taskSpec({ name: 't', run: hold(MiB) })] }));
    rig.run(1e6);
    const p = `/proc/${rig.task('t').pid}/oom_score_adj`;
    rig.k.vfs.write(p, '-1000');
    expect(rig.read(p)).toBe('-1000\n');
    expect(() => rig.k.vfs.write(p, '1001')).toThrow(`${p}: Invalid argument (EINVAL)`);
    expect(() => rig.k.vfs.write(p, 'x')).toThrow('(EINVAL)');
  });

  it('memory.oom.group=1 kills every task of the group except −1000 ones; oom_group_kill increments (behaviour 24)', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 3e9,
        machine: flatMachine(2, 1 * GiB),
        cgroups: [{ path: '/job', writes: [['memory.max', '100M'], ['memory.oom.group', '1']] }],
        tasks: [
          taskSpec({ name: 'idle', cgroup: '/job', count: 2, run: hold(8 * MiB) }),
          taskSpec({ name: 'guard', cgroup: '/job', oomScoreAdj: -1000, run: hold(8 * MiB) }),
          taskSpec({ name: 'grow', cgroup: '/job', startNs: 200e6, run: hold(200 * MiB) }),
          taskSpec({ name: 'outside', cgroup: '/other', run: hold(8 * MiB) }),
        ],
      }),
    );
    rig.run(3e9);
    const killed = rig.k.log.entries.filter((e) => e.kind === 'oom_kill').map((e) => e.task);
    expect(killed.sort()).toEqual(['grow', 'idle#0', 'idle#1']);
    expect(rig.field('/sys/fs/cgroup/job/memory.events', 'oom_group_kill')).toBe(1);
    expect(rig.field('/sys/fs/cgroup/job/memory.events', 'oom_kill')).toBe(3);
    expect(rig.task('guard').state).not.toBe('exited');
    expect(rig.task('outside').state).not.toBe('exited');
  });

  it('a scenario whose tasks cannot fit anywhere runs to the end and shows global OOM kills', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 3e9,
        machine: flatMachine(2, 256 * MiB),
        tasks: [taskSpec({ name: 'big', count: 3, run: hold(200 * MiB) })],
      }),
    );
    rig.run(3e9);
    const kills = rig.k.log.entries.filter((e) => e.kind === 'oom_kill');
    expect(kills.length).toBeGreaterThanOrEqual(2);
    expect(kills.every((e) => e.reason === 'global')).toBe(true);
    expect(rig.field('/proc/vmstat', 'oom_kill')).toBe(kills.length);
  });
});

describe('OOM victim of an allocation made in one large step (issue 18)', () => {
  const oneStep = (size: number): RunSpec => ({ type: 'alloc', sizeBytes: size, stepBytes: size, everyNs: 10e6, touch: 'sequential', then: 'hold' });
  const killedNames = (rig: ReturnType<typeof bootMm>): string[] => rig.k.log.entries.filter((e) => e.kind === 'oom_kill').map((e) => String(e.task));

  it('global OOM: the allocator faults page by page, grows past the 800 MiB bystander and is the one killed', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 4e9,
        machine: flatMachine(2, 2 * GiB),
        tasks: [taskSpec({ name: 'bystander', run: hold(800 * MiB) }), taskSpec({ name: 'grow', startNs: 2.5e9, run: oneStep(1536 * MiB) })],
      }),
    );
    rig.run(2.4e9);
    expect(rig.mm.taskRss(rig.task('bystander'))).toBe((800 * MiB) / 4096);
    rig.run(4e9);
    expect(killedNames(rig)).toEqual(['grow']);
    const kill = rig.k.log.entries.find((e) => e.kind === 'oom_kill')!;
    // It held everything but the bystander, the watermarks and the memmap: well above 800 MiB.
    expect(Number(kill.anon_rss_kb)).toBeGreaterThan(1100 * 1024);
    expect(rig.task('bystander').state).not.toBe('exited');
  });

  it('memcg OOM: usage reaches memory.max exactly (memory.peak = 300M) and the allocator, not the resident task, dies', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 2e9,
        machine: flatMachine(2, 2 * GiB),
        cgroups: [{ path: '/box', writes: [['memory.max', '300M']] }],
        tasks: [
          taskSpec({ name: 'resident', cgroup: '/box', run: hold(100 * MiB) }),
          taskSpec({ name: 'grow', cgroup: '/box', startNs: 500e6, run: oneStep(400 * MiB) }),
        ],
      }),
    );
    rig.run(2e9);
    expect(killedNames(rig)).toEqual(['grow']);
    expect(rig.read('/sys/fs/cgroup/box/memory.peak')).toBe(`${300 * MiB}\n`);
    expect(rig.task('resident').state).not.toBe('exited');
    expect(rig.read('/sys/fs/cgroup/box/memory.current')).toBe(`${100 * MiB}\n`);
  });
});
