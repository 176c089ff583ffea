import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import type { RunSpec } from '../../../../src-sim/scenario/types';
import { bootMm, GiB, MiB } from '../../kernel/mm/boot-mm';

const io = (over: Partial<Extract<RunSpec, { type: 'read' | 'write' }>> & { type: 'read' | 'write' }): RunSpec => ({
  file: '/data/f',
  sizeBytes: 64 * MiB,
  bs: 1 * MiB,
  pattern: 'sequential',
  direct: false,
  fsyncEveryBytes: 0,
  loop: false,
  ...over,
});

describe('read and write behaviours', () => {
  it('a reader that must reclaim inside a small memcg before every read still finishes (no lost wake-ups)', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 5e9,
        machine: flatMachine(2, 1 * GiB),
        files: [{ path: '/data/f', sizeBytes: 64 * MiB, device: null }],
        cgroups: [{ path: '/small', writes: [['memory.max', '8M']] }],
        tasks: [taskSpec({ name: 'r', cgroup: '/small', run: io({ type: 'read' }) })],
      }),
    );
    rig.run(5e9);
    expect(rig.task('r').state).toBe('exited');
    expect(Number(rig.read('/sys/fs/cgroup/small/memory.current'))).toBeLessThanOrEqual(8 * MiB);
    expect(rig.field('/sys/fs/cgroup/small/memory.stat', 'pgsteal')).toBeGreaterThan((48 * MiB) / 4096);
    // 64 MiB at the stand-in store's 500 MB/s takes ≥ 134 ms of I/O wait.
    expect(rig.sched.statsOf(rig.task('r')).ioStallNs).toBeGreaterThan(134e6);
  });

  it('direct reads bypass the page cache', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 2e9,
        machine: flatMachine(2, 1 * GiB),
        files: [{ path: '/data/f', sizeBytes: 64 * MiB, device: null }],
        tasks: [taskSpec({ name: 'r', cgroup: '/d', run: io({ type: 'read', direct: true }) })],
      }),
    );
    rig.run(2e9);
    expect(rig.task('r').state).toBe('exited');
    expect(rig.field('/proc/meminfo', 'Cached:')).toBe(0);
  });

  it('buffered writes dirty the cache (Dirty, file_dirty); fsync writes them back', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 3e9,
        machine: flatMachine(2, 1 * GiB),
        files: [{ path: '/data/f', sizeBytes: 64 * MiB, device: null }],
        tasks: [
          taskSpec({ name: 'w', cgroup: '/w', run: io({ type: 'write', sizeBytes: 16 * MiB }) }),
          taskSpec({ name: 's', cgroup: '/s', startNs: 1e9, run: io({ type: 'write', file: '/data/g', sizeBytes: 16 * MiB, fsyncEveryBytes: 16 * MiB }) }),
        ],
      }),
    );
    rig.run(0.5e9);
    expect(rig.field('/proc/meminfo', 'Dirty:')).toBe(16 * 1024);
    expect(rig.field('/sys/fs/cgroup/w/memory.stat', 'file_dirty')).toBe(16 * MiB);
    rig.run(3e9);
    expect(rig.task('s').state).toBe('exited');
    expect(rig.field('/sys/fs/cgroup/s/memory.stat', 'file_dirty')).toBe(0);
    expect(rig.field('/sys/fs/cgroup/s/memory.stat', 'file')).toBe(16 * MiB);
  });

  it('writes through a shared mapping fault pages in from the file, then dirty them; a second pass over dirty pages takes no faults', () => {
    const run = (mmap: boolean, fsyncEveryBytes = 0) => {
      const rig = bootMm(
        baseScenario({
          durationNs: 1e9,
          machine: flatMachine(2, 1 * GiB),
          files: [{ path: '/data/f', sizeBytes: 16 * MiB, device: null }],
          tasks: [taskSpec({ name: 'w', cgroup: '/w', run: io({ type: 'write', sizeBytes: 16 * MiB, loop: true, fsyncEveryBytes, ...(mmap ? { mmap: true } : {}) }) })],
        }),
      );
      rig.run(1e9);
      return {
        majfault: rig.field('/sys/fs/cgroup/w/memory.stat', 'pgmajfault'),
        fault: rig.field('/sys/fs/cgroup/w/memory.stat', 'pgfault'),
        pgpgin: rig.field('/proc/vmstat', 'pgpgin'),
        dirty: rig.field('/sys/fs/cgroup/w/memory.stat', 'file_dirty'),
      };
    };
    const pages = (16 * MiB) / 4096;
    const mapped = run(true);
    // Each page of the file is read in once by filemap_fault (a major fault, 4 KiB of pgpgin)…
    expect(mapped.majfault).toBe(pages);
    expect(mapped.pgpgin).toBe(pages * 4);
    // …and dirtied; looping over pages that stay dirty (none written back within 1 s: dirty_expire is 30 s) faults no more.
    expect(mapped.fault).toBe(pages);
    expect(mapped.dirty).toBe(16 * MiB);
    // msync after every pass cleans the pages: each later pass write-protect-faults every page again (minor faults only).
    const synced = run(true, 16 * MiB);
    expect(synced.majfault).toBe(pages);
    expect(synced.fault).toBeGreaterThanOrEqual(2 * pages);
    // write(2) of whole pages reads nothing and takes no faults.
    const written = run(false);
    expect(written).toEqual({ majfault: 0, fault: 0, pgpgin: 0, dirty: 16 * MiB });
  });
});
