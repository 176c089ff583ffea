import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../src-sim/scenario/errors';
import { loadScenario } from '../../../src-sim/scenario/load';
import { Simulation } from '../../../src-sim/simulation';
import { bootMm, GiB, MiB } from '../kernel/mm/boot-mm';
import { baseScenario, flatMachine, taskSpec } from '../../../src-sim/scenario/defaults';
import type { RunSpec } from '../../../src-sim/scenario/types';

const loadError = (text: string): string => {
  try {
    loadScenario(text, 's.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('loaded');
};

describe('knobs stored without effect say so (issue 16)', () => {
  it('logs a not_simulated event for every accepted write of a stored-only knob, and none for a modelled one', () => {
    const s = loadScenario(
      [
        'duration: 100ms',
        'machine: { cpus: 2, memory: 1G, devices: [{ name: sda, type: hdd, size: 100G, major: 8, minor: 0 }] }',
        'kernel: { sysctl: { vm.vfs_cache_pressure: "200", vm.page-cluster: "0", vm.swappiness: "10", vm.panic_on_oom: "1" } }',
        'cgroups: { /a: { io.weight: "200", memory.pressure: "some 150000 1000000" } }',
        'tasks: [{ name: t, cgroup: /a, run: { type: cpu } }]',
        'timeline: [{ at: 50ms, write: { /sys/block/sda/queue/iosched/async_depth: "8" } }]',
      ].join('\n'),
      's.yaml',
    );
    const sim = new Simulation(s);
    sim.runToEnd();
    const notes = sim.log.filter((e) => e.kind === 'not_simulated').map((e) => [e.file, e.value]);
    expect(notes).toEqual([
      ['/proc/sys/vm/vfs_cache_pressure', '200'],
      ['/proc/sys/vm/page-cluster', '0'],
      ['/proc/sys/vm/panic_on_oom', '1'],
      ['/sys/fs/cgroup/a/io.weight', '200'],
      ['/sys/fs/cgroup/a/memory.pressure', 'some 150000 1000000'],
      ['/sys/block/sda/queue/iosched/async_depth', '8'],
    ]);
    expect(sim.log.find((e) => e.kind === 'not_simulated')!.note).toBe('stored but not simulated: dentry and inode caches are not modelled');
  });

  const hold = (size: number): RunSpec => ({ type: 'alloc', sizeBytes: size, stepBytes: 4 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' });

  it('vm.oom_kill_allocating_task=1: a global OOM kills the allocating task, not the largest (mm/oom_kill.c: out_of_memory)', () => {
    const run = (flag: string): string[] => {
      const rig = bootMm(
        baseScenario({
          durationNs: 3e9,
          machine: flatMachine(2, 1 * GiB),
          kernel: { ...baseScenario({}).kernel, sysctl: [['vm.oom_kill_allocating_task', flag]] },
          tasks: [taskSpec({ name: 'big', run: hold(700 * MiB) }), taskSpec({ name: 'small', startNs: 2e9, run: hold(400 * MiB) })],
        }),
      );
      rig.run(3e9);
      return rig.k.log.entries.filter((e) => e.kind === 'oom_kill').map((e) => String(e.task));
    };
    expect(run('0')).toEqual(['big']);
    expect(run('1')).toEqual(['small']);
  });

  it('vm.overcommit_memory=2 refuses a mapping beyond CommitLimit (ratio × RAM + swap) with ENOMEM; 0 and 1 map it', () => {
    const run = (mode: string, ratio = '50') => {
      const rig = bootMm(
        baseScenario({
          durationNs: 1e9,
          machine: flatMachine(2, 1 * GiB),
          kernel: { ...baseScenario({}).kernel, sysctl: [['vm.overcommit_memory', mode], ['vm.overcommit_ratio', ratio]] },
          tasks: [taskSpec({ name: 'a', run: hold(300 * MiB) }), taskSpec({ name: 'b', startNs: 100e6, run: hold(300 * MiB) })],
        }),
      );
      rig.run(1e9);
      return { rig, enomem: rig.k.log.entries.filter((e) => e.kind === 'mmap_enomem') };
    };
    const strict = run('2');
    // CommitLimit = 50 % of the managed pages (no swap): below 600 MiB on a 1 GiB machine, above 300 MiB.
    expect(strict.enomem.map((e) => e.task)).toEqual(['b']);
    expect(strict.rig.task('b').exitCode).toBe(1);
    expect(strict.rig.field('/proc/meminfo', 'Committed_AS:')).toBe(300 * 1024);
    expect(strict.rig.field('/proc/meminfo', 'CommitLimit:')).toBe(Math.floor(strict.rig.mm.totalPages / 2) * 4);
    expect(run('2', '90').enomem).toEqual([]);
    expect(run('0').enomem).toEqual([]);
    expect(run('1').enomem).toEqual([]);
  });
});

describe('kernel.version decides which files exist (issue 16)', () => {
  it('refuses cgroup v2 on a kernel before 4.5', () => {
    expect(loadError('duration: 1s\nkernel: { version: "2.6.32" }\ntasks: [{ name: t, run: { type: cpu } }]\n')).toContain(
      'expected cgroup_version: 1: the unified hierarchy (cgroup v2) arrived in Linux 4.5 and kernel.version is 2.6.32',
    );
  });

  it('says a file is newer than kernel.version: PSI before 4.20, memory.peak before 5.19', () => {
    const msg = loadError('duration: 1s\ncgroup_version: 2\nkernel: { version: "4.19" }\ncgroups: { /a: { memory.max: 100M } }\ntasks: [{ name: t, cgroup: /a, run: { type: cpu } }]\nrecord: [/proc/pressure/cpu, /sys/fs/cgroup/a/memory.peak]\n');
    expect(msg).toContain('no such file /proc/pressure/cpu: No such file or directory (ENOENT): pressure stall information (PSI) arrived in Linux 4.20 and kernel.version is 4.19');
    expect(msg).toContain('memory.peak arrived in Linux 5.19 and kernel.version is 4.19');
    const ok = loadScenario('duration: 1s\nkernel: { version: "6.1" }\ntasks: [{ name: t, run: { type: cpu } }]\nrecord: [/proc/pressure/cpu]\n', 's.yaml');
    expect(ok.record).toEqual(['/proc/pressure/cpu']);
  });
});
