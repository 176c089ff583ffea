import { baseScenario, taskSpec } from '../src-sim/scenario/defaults';
import type { BlockDeviceSpec, CgroupSpec, FileSpec, MachineSpec, Scenario, TaskSpec } from '../src-sim/scenario/types';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const MS = 1e6;

/** Two sockets of 16 CPUs with half the memory each (SLIT 10/21, as a 2-socket x86 server reports). */
function twoSocketMachine(memGiB: number): MachineSpec {
  const half = (memGiB / 2) * GiB;
  const node = (n: number) => ({ cpus: Array.from({ length: 16 }, (_, i) => n * 16 + i), memoryBytes: half });
  const disk = (name: string, type: BlockDeviceSpec['type'], major: number, minor: number, size: number): BlockDeviceSpec => ({
    name, type, sizeBytes: size, major, minor, model: `Bench ${type}`, serial: `BENCH-${name}`, partitions: [], badSectors: [], params: {},
  });
  return {
    cpus: 32,
    memoryBytes: memGiB * GiB,
    numa: { nodes: [node(0), node(1)], distances: [[10, 21], [21, 10]] },
    swap: { sizeBytes: 8 * GiB, device: null, latencyNs: 100_000, bandwidthBytesPerSec: 500e6 },
    devices: [disk('nvme0n1', 'nvme', 259, 0, 1024 * GiB), disk('sda', 'ssd', 8, 0, 512 * GiB), disk('sdb', 'hdd', 8, 16, 2048 * GiB)],
  };
}

/**
 * Issue 11's mixed node: 2 sockets, 32 CPUs, 64 GiB, 3 disks (NVMe, SSD,
 * HDD), four cgroups with controls on cpu, memory and io at once, 60 s. The
 * load is what such a node serves: a latency-sensitive web tier of periodic
 * sleepers, batch CPU hogs under cpu.max, working sets under memory.high/max,
 * streaming readers and a writer, and an fio job on the NVMe under io.max.
 * `scale` multiplies task counts (1 = the benchmark; 2 shows task scaling).
 */
export function mixedNodeScenario(seconds: number, scale = 1, memGiB = 64): Scenario {
  const cgroups: CgroupSpec[] = [
    { path: '/web', writes: [['cpu.weight', '400'], ['memory.low', String(4 * GiB)]] },
    { path: '/batch', writes: [['cpu.weight', '50'], ['cpu.max', '800000 100000'], ['memory.high', String((memGiB / 8) * GiB)]] },
    { path: '/db', writes: [['cpu.weight', '200'], ['memory.max', String((memGiB / 4) * GiB)], ['io.bfq.weight', '300']] },
    { path: '/backup', writes: [['cpu.weight', '25'], ['io.max', '8:16 rbps=52428800 wbps=52428800'], ['memory.max', String(2 * GiB)]] },
  ];
  const files: FileSpec[] = [
    { path: '/srv/db/data', sizeBytes: 32 * GiB, device: 'sda' },
    { path: '/srv/backup/src', sizeBytes: 64 * GiB, device: 'sdb' },
    { path: '/srv/logs/app.log', sizeBytes: 8 * GiB, device: 'sda' },
  ];
  const tasks: TaskSpec[] = [];
  for (let r = 0; r < 8; r++) {
    const hz = 100 + r * 25;
    tasks.push(taskSpec({ name: `web${hz}`, cgroup: '/web', count: 12 * scale, run: { type: 'periodic', busyNs: 0.2 * MS, periodNs: Math.round(1e9 / hz), jitter: 0.2 } }));
  }
  tasks.push(taskSpec({ name: 'web-cache', cgroup: '/web', count: 4 * scale, run: { type: 'workingset', sizeBytes: (memGiB / 64) * GiB, pattern: 'zipf', theta: 0.9, ratePerSec: 50_000 } }));
  tasks.push(taskSpec({ name: 'batch', cgroup: '/batch', count: 16 * scale, run: { type: 'cpu' } }));
  tasks.push(taskSpec({ name: 'batch-mem', cgroup: '/batch', count: 4 * scale, run: { type: 'workingset', sizeBytes: (memGiB / 32) * GiB, pattern: 'uniform', theta: 0, ratePerSec: 50_000 } }));
  tasks.push(taskSpec({ name: 'db-cache', cgroup: '/db', count: 4 * scale, run: { type: 'workingset', sizeBytes: (memGiB / 32) * GiB, pattern: 'zipf', theta: 0.99, ratePerSec: 100_000 } }));
  tasks.push(taskSpec({ name: 'db-read', cgroup: '/db', count: 2 * scale, run: { type: 'read', file: '/srv/db/data', sizeBytes: 32 * GiB, bs: 16 * 1024, pattern: 'random', direct: true, fsyncEveryBytes: 0, loop: true } }));
  tasks.push(taskSpec({ name: 'db-log', cgroup: '/db', count: 1, run: { type: 'write', file: '/srv/logs/app.log', sizeBytes: 8 * GiB, bs: 64 * 1024, pattern: 'sequential', direct: false, fsyncEveryBytes: 4 * MiB, loop: true } }));
  tasks.push(taskSpec({ name: 'backup', cgroup: '/backup', count: 1, run: { type: 'read', file: '/srv/backup/src', sizeBytes: 64 * GiB, bs: 1 * MiB, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: true } }));
  tasks.push(
    taskSpec({
      name: 'fio',
      cgroup: '/db',
      run: {
        type: 'fio',
        jobPath: 'mixed.fio',
        jobText: `[global]\nioengine=io_uring\ndirect=1\nrw=randread\nbs=4k\niodepth=16\ntime_based\nruntime=${seconds}\nfilename=/dev/nvme0n1\n\n[nvme]\nnumjobs=${2 * scale}\nrate_iops=20000\n`,
      },
    }),
  );
  return baseScenario({
    name: `bench-mixed-node${scale > 1 ? `-x${scale}` : ''}`,
    durationNs: seconds * 1e9,
    sampleIntervalNs: 100 * MS,
    machine: twoSocketMachine(memGiB),
    cgroups,
    files,
    tasks,
    record: ['/proc/stat', '/proc/pressure/cpu', '/proc/pressure/memory', '/proc/pressure/io', '/proc/meminfo', '/proc/diskstats'].concat(
      cgroups.flatMap((c) => [`/sys/fs/cgroup${c.path}/cpu.stat`, `/sys/fs/cgroup${c.path}/memory.stat`, `/sys/fs/cgroup${c.path}/io.stat`]),
    ),
  });
}
