import { describe, expect, test } from 'vitest';
import type { TaskSched } from '../../../../src-sim/kernel/sched/entities';
import { S, run, scenario, schedstat, taskSpec } from '../sched/helpers';
import type { Simulation } from '../../../../src-sim/simulation';

const cpuOf = (sim: Simulation, name: string): number => ([...sim.kernel.tasks.values()].find((t) => t.name === name)!.sched as TaskSched).cpu;
const W = (sim: Simulation, path: string, value: string): void => void sim.act({ kind: 'write', path, value });
const cpuLines = (sim: Simulation): string[] =>
  sim.kernel.vfs
    .read('/proc/stat')
    .split('\n')
    .filter((l) => /^cpu\d/.test(l));

describe('CPU hot-plug', () => {
  test('echo 0 > cpu3/online: cpu3 leaves online, its tasks run elsewhere, an offline uevent is logged; echo 1 reverses it', () => {
    const s = scenario(4, [taskSpec({ name: 'h', count: 4 }), taskSpec({ name: 'pinned', cpus: [3], run: { type: 'periodic', busyNs: 1e6, periodNs: 10e6, jitter: 0 } })], {
      durationNs: 4 * S,
      cgroups: [{ path: '/set', writes: [['cpuset.cpus', '2-3']] }],
    });
    const sim = run(s, 1 * S);
    const on3 = [0, 1, 2, 3].map((i) => `h#${i}`).filter((n) => cpuOf(sim, n) === 3);
    expect(on3.length).toBeGreaterThan(0);
    W(sim, '/sys/devices/system/cpu/cpu3/online', '0');
    expect(sim.kernel.vfs.read('/sys/devices/system/cpu/online')).toBe('0-2\n');
    expect(sim.kernel.vfs.read('/sys/devices/system/cpu/offline')).toBe('3\n');
    expect(sim.kernel.vfs.read('/sys/devices/system/cpu/cpu3/online')).toBe('0\n');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/set/cpuset.cpus')).toBe('2-3\n');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/set/cpuset.cpus.effective')).toBe('2\n');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/cpuset.cpus.effective')).toBe('0-2\n');
    expect(cpuLines(sim).map((l) => l.split(' ')[0])).toEqual(['cpu0', 'cpu1', 'cpu2']);
    const off = sim.log.filter((e) => e.kind === 'uevent');
    expect(off).toEqual([{ t_ns: 1 * S, kind: 'uevent', ACTION: 'offline', DEVPATH: '/devices/system/cpu/cpu3', SUBSYSTEM: 'cpu', SEQNUM: 1 }]);
    sim.advance(2 * S);
    for (const n of on3) {
      expect(cpuOf(sim, n)).not.toBe(3);
      // field 39 of /proc/<pid>/stat: the CPU it last ran on
      const pid = [...sim.kernel.tasks.values()].find((t) => t.name === n)!.pid;
      expect(sim.kernel.vfs.read(`/proc/${pid}/stat`).split(' ')[38]).not.toBe('3');
    }
    // the pinned task lost its only CPU: affinity broken, as the kernel does
    expect(cpuOf(sim, 'pinned')).not.toBe(3);
    expect(sim.log.some((e) => e.kind === 'printk' && /no longer affine to cpu3/.test(String(e.message)))).toBe(true);
    // no CPU time is lost: 4 CPUs for 1 s then 3 for 1 s, less the periodic task's 10 %
    const exec = [0, 1, 2, 3].map((i) => schedstat(sim, `h#${i}`).exec);
    expect(Math.abs(exec.reduce((a, b) => a + b, 0) / S - (4 + 3 - 0.2))).toBeLessThan(0.01);
    expect(sim.kernel.vfs.read('/proc/stat').split('\n')[0]).toBe('cpu  700 0 0 0 0 0 0 0 0 0');

    W(sim, '/sys/devices/system/cpu/cpu3/online', '1');
    expect(sim.kernel.vfs.read('/sys/devices/system/cpu/online')).toBe('0-3\n');
    expect(sim.kernel.vfs.read('/sys/devices/system/cpu/offline')).toBe('\n');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/set/cpuset.cpus.effective')).toBe('2-3\n');
    expect(sim.log.filter((e) => e.kind === 'uevent').at(-1)).toEqual({
      t_ns: 2 * S,
      kind: 'uevent',
      ACTION: 'online',
      DEVPATH: '/devices/system/cpu/cpu3',
      SUBSYSTEM: 'cpu',
      SEQNUM: 2,
    });
    const before = Number(cpuLines(sim)[3]!.split(' ')[1]);
    sim.advance(3 * S);
    // the idle CPU pulled work back
    expect(Number(cpuLines(sim)[3]!.split(' ')[1]) - before).toBeGreaterThan(90);
  });

  test('cpu0 cannot be taken down, the last online CPU gives EBUSY, and a bad value EINVAL', () => {
    const sim = run(scenario(2, [taskSpec({ name: 'h' })], { durationNs: 1 * S }), 0);
    expect(sim.kernel.vfs.exists('/sys/devices/system/cpu/cpu0/online')).toBe(false);
    expect(sim.kernel.vfs.read('/sys/devices/system/cpu/possible')).toBe('0-1\n');
    expect(sim.kernel.vfs.read('/sys/devices/system/cpu/present')).toBe('0-1\n');
    expect(() => W(sim, '/sys/devices/system/cpu/cpu1/online', '2')).toThrow('/sys/devices/system/cpu/cpu1/online: Invalid argument (EINVAL)');
    W(sim, '/sys/devices/system/cpu/cpu1/online', '0');
    W(sim, '/sys/devices/system/cpu/cpu1/online', '0');
    expect(sim.log.filter((e) => e.kind === 'uevent')).toHaveLength(1);
  });

  test('affinity is kept while one of its CPUs is online, and broken (to all CPUs) once none is', () => {
    const s = scenario(4, [taskSpec({ name: 'two', cpus: [2, 3] })], { durationNs: 2 * S });
    const sim = run(s, 0.5 * S);
    W(sim, '/sys/devices/system/cpu/cpu3/online', '0');
    W(sim, '/sys/devices/system/cpu/cpu2/online', '0');
    W(sim, '/sys/devices/system/cpu/cpu2/online', '1');
    sim.advance(1 * S);
    expect([...sim.kernel.tasks.values()][0]!.affinity).toEqual([]);
        const s2 = scenario(4, [taskSpec({ name: 'two', cpus: [2, 3] })], { durationNs: 2 * S });
    const sim2 = run(s2, 0.5 * S);
    W(sim2, '/sys/devices/system/cpu/cpu3/online', '0');
    sim2.advance(1 * S);
    expect(cpuOf(sim2, 'two')).toBe(2);
    expect([...sim2.kernel.tasks.values()][0]!.affinity).toEqual([2, 3]);
  });
});
