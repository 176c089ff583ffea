import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import type { RunSpec } from '../../../../src-sim/scenario/types';
import { bootMm, GiB, MiB } from '../mm/boot-mm';

const readOnce: RunSpec = { type: 'read', file: '/data/shared', sizeBytes: 10 * MiB, bs: 1 * MiB, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: false };

describe('page cache charging', () => {
  it('page cache first read by A and later read by B stays charged to A (behaviour 22)', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 2e9,
        machine: flatMachine(4, 1 * GiB),
        files: [{ path: '/data/shared', sizeBytes: 10 * MiB, device: null }],
        tasks: [taskSpec({ name: 'a', cgroup: '/A', run: readOnce }), taskSpec({ name: 'b', cgroup: '/B', startNs: 1e9, run: readOnce })],
      }),
    );
    rig.run(2e9);
    expect(rig.task('b').state).toBe('exited');
    expect(rig.field('/sys/fs/cgroup/A/memory.stat', 'file')).toBe(10 * MiB);
    expect(rig.field('/sys/fs/cgroup/B/memory.stat', 'file')).toBe(0);
    expect(Number(rig.read('/sys/fs/cgroup/B/memory.current'))).toBe(0);
  });

  it('once reclaimed, pages recharge to whoever faults them back', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 3e9,
        machine: flatMachine(4, 1 * GiB),
        files: [{ path: '/data/shared', sizeBytes: 10 * MiB, device: null }],
        tasks: [taskSpec({ name: 'a', cgroup: '/A', run: readOnce }), taskSpec({ name: 'b', cgroup: '/B', startNs: 2e9, run: readOnce })],
        timeline: [],
      }),
    );
    rig.run(1e9);
    rig.k.vfs.write('/proc/sys/vm/drop_caches', '1');
    expect(rig.field('/sys/fs/cgroup/A/memory.stat', 'file')).toBe(0);
    rig.run(3e9);
    expect(rig.field('/sys/fs/cgroup/B/memory.stat', 'file')).toBe(10 * MiB);
    expect(rig.field('/sys/fs/cgroup/B/memory.stat', 'workingset_refault_file')).toBe((10 * MiB) / 4096);
  });
});
