import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { bootMm, GiB } from '../mm/boot-mm';

describe('memcg interface files', () => {
  const v2 = (): ReturnType<typeof bootMm> => bootMm(baseScenario({ machine: flatMachine(2, 1 * GiB), cgroups: [{ path: '/g', writes: [] }] }));

  it('sizes parse like memparse and print in bytes rounded down to pages; "max" reads back as max', () => {
    const rig = v2();
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.max', '100M');
    expect(rig.read('/sys/fs/cgroup/g/memory.max')).toBe(`${100 * 1024 * 1024}\n`);
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.high', '10000');
    expect(rig.read('/sys/fs/cgroup/g/memory.high')).toBe('8192\n');
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.low', '1g');
    expect(rig.read('/sys/fs/cgroup/g/memory.low')).toBe(`${GiB}\n`);
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.max', 'max');
    expect(rig.read('/sys/fs/cgroup/g/memory.max')).toBe('max\n');
    expect(rig.read('/sys/fs/cgroup/g/memory.min')).toBe('0\n');
    expect(rig.read('/sys/fs/cgroup/g/memory.swap.max')).toBe('max\n');
  });

  it('negative, non-numeric and junk-suffixed values get EINVAL', () => {
    const rig = v2();
    for (const bad of ['-1', 'abc', '12Q', '1.5G', '']) {
      expect(() => rig.k.vfs.write('/sys/fs/cgroup/g/memory.max', bad)).toThrow('/sys/fs/cgroup/g/memory.max: Invalid argument (EINVAL)');
    }
    expect(() => rig.k.vfs.write('/sys/fs/cgroup/g/memory.oom.group', '2')).toThrow('(EINVAL)');
  });

  it('memory.low above memory.max is accepted, as the kernel does', () => {
    const rig = v2();
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.max', '100M');
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.low', '200M');
    expect(rig.read('/sys/fs/cgroup/g/memory.low')).toBe(`${200 * 1024 * 1024}\n`);
  });

  it('memory.events lists low, high, max, oom, oom_kill, oom_group_kill; the root has no memory.current', () => {
    const rig = v2();
    expect(rig.read('/sys/fs/cgroup/g/memory.events')).toBe('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n');
    expect(rig.k.vfs.exists('/sys/fs/cgroup/memory.current')).toBe(false);
    expect(rig.k.vfs.exists('/sys/fs/cgroup/memory.stat')).toBe(true);
  });

  it('memory.reclaim with nothing to reclaim fails with EAGAIN', () => {
    const rig = v2();
    expect(() => rig.k.vfs.write('/sys/fs/cgroup/g/memory.reclaim', '1M')).toThrow('/sys/fs/cgroup/g/memory.reclaim: Resource temporarily unavailable (EAGAIN)');
  });

  it('v1: unlimited reads 9223372036854771712, -1 sets unlimited, the root refuses a limit', () => {
    const rig = bootMm(baseScenario({ cgroupVersion: 1, machine: flatMachine(2, 1 * GiB), cgroups: [{ path: '/g', writes: [] }] }));
    const p = '/sys/fs/cgroup/memory/g/memory.limit_in_bytes';
    expect(rig.read(p)).toBe('9223372036854771712\n');
    rig.k.vfs.write(p, '64M');
    expect(rig.read(p)).toBe(`${64 * 1024 * 1024}\n`);
    rig.k.vfs.write(p, '-1');
    expect(rig.read(p)).toBe('9223372036854771712\n');
    expect(() => rig.k.vfs.write('/sys/fs/cgroup/memory/memory.limit_in_bytes', '1G')).toThrow('(EINVAL)');
    expect(() => rig.k.vfs.write(p, '-5')).toThrow('(EINVAL)');
    expect(rig.read('/sys/fs/cgroup/memory/g/memory.oom_control')).toBe('oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    expect(rig.read('/sys/fs/cgroup/memory/g/memory.stat')).toMatch(/^cache 0\nrss 0\n/);
  });
});

describe('memcg files under load', () => {
  const readerIn = (cgroupVersion: 1 | 2, writes: [string, string][]): ReturnType<typeof bootMm> =>
    bootMm(
      baseScenario({
        cgroupVersion,
        durationNs: 2e9,
        machine: flatMachine(2, 1 * GiB),
        files: [{ path: '/data/f', sizeBytes: 64 * 1024 * 1024, device: null }],
        cgroups: [{ path: '/g', writes }],
        tasks: [taskSpec({ name: 'r', cgroup: '/g', run: { type: 'read', file: '/data/f', sizeBytes: 64 * 1024 * 1024, bs: 1024 * 1024, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: false } })],
      }),
    );

  it('memory.reclaim takes the requested amount of page cache; memory.peak keeps the high-water mark until written', () => {
    const rig = readerIn(2, []);
    rig.run(2e9);
    const before = Number(rig.read('/sys/fs/cgroup/g/memory.current'));
    expect(before).toBe(64 * 1024 * 1024);
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.reclaim', '16M');
    const after = Number(rig.read('/sys/fs/cgroup/g/memory.current'));
    expect(before - after).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(Number(rig.read('/sys/fs/cgroup/g/memory.peak'))).toBe(before);
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.peak', 'reset');
    expect(Number(rig.read('/sys/fs/cgroup/g/memory.peak'))).toBe(after);
  });

  it('v1: hitting memory.limit_in_bytes counts failcnt, usage stays under the limit, max_usage_in_bytes records the peak', () => {
    const rig = readerIn(1, [['memory.limit_in_bytes', '16M']]);
    rig.run(2e9);
    const dir = '/sys/fs/cgroup/memory/g';
    expect(Number(rig.read(`${dir}/memory.failcnt`))).toBeGreaterThan(0);
    expect(Number(rig.read(`${dir}/memory.usage_in_bytes`))).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(Number(rig.read(`${dir}/memory.max_usage_in_bytes`))).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(Number(rig.read(`${dir}/memory.max_usage_in_bytes`))).toBeGreaterThan(15 * 1024 * 1024);
    expect(rig.field(`${dir}/memory.stat`, 'total_cache')).toBe(rig.field(`${dir}/memory.stat`, 'cache'));
  });

  it('writing memory.max below usage reclaims down to it at once', () => {
    const rig = readerIn(2, []);
    rig.run(2e9);
    rig.k.vfs.write('/sys/fs/cgroup/g/memory.max', '8M');
    expect(Number(rig.read('/sys/fs/cgroup/g/memory.current'))).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(rig.k.log.entries.filter((e) => e.kind === 'oom_kill')).toEqual([]);
  });
});
