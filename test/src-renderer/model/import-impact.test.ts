import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTopology, toMachineSpec } from '../../../src-sim/api/topology';
import { importImpact } from '../../../src-renderer/model/import-impact';
import { newDisk, newScenario, newTask, setNodeCpus } from '../../../src-renderer/model/scenario';
import type { MachineSpec, Scenario } from '../../../src-renderer/model/types';

const GiB = 1024 ** 3;
/** The real imports the Machine view would apply (test/fixtures/data). */
const load = (f: string): MachineSpec => toMachineSpec(importTopology(readFileSync(`test/fixtures/data/${f}`, 'utf8'), f)).machine;
const sl390s = load('hwloc-xml/24em64t-2n6c2t-pci.xml'); // 24 CPUs, 2 nodes, sda 8:0, eth0-2
const e4310 = load('lscpu/lscpu-x86_64-dell_e4310'); // 4 CPUs, 1 node, no disks, no NICs

/** The SL390s with a second disk sdb (8:16), an io.max line on it, a file on it and its reader, and a task pinned to CPU 20-23. */
function busy(): Scenario {
  const s = newScenario();
  const sdb = newDisk(sl390s, 'hdd');
  const machine = { ...sl390s, devices: [...sl390s.devices, sdb] };
  return {
    ...s,
    machine,
    cgroups: [{ path: '/backup', writes: [['io.max', '8:16 rbps=1048576'], ['io.weight', 'default 100\n8:0 200'], ['cpuset.cpus', '0-1,20-23'], ['cpuset.mems', '1']] }],
    files: [{ path: '/data/big', sizeBytes: GiB, device: 'sdb' }],
    tasks: [
      { ...newTask('web', '/'), cpus: [20, 21, 22, 23] },
      { ...newTask('reader', '/backup'), run: { type: 'read', file: '/data/big', sizeBytes: GiB, bs: 4096, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: false } },
      { ...newTask('free', '/'), cpus: [0, 1] },
    ],
    timeline: [{ atNs: 2e9, kind: 'unplug', device: 'sdb' }],
  };
}

describe('importImpact: what a topology import would drop or break', () => {
  it('lists, by name, the disks, io lines, cpusets, file, tasks, NICs and timeline action the smaller machine breaks', () => {
    const { losses, changes } = importImpact(busy(), e4310);
    expect(sl390s.devices.map((d) => `${d.name} ${d.major}:${d.minor}`)).toEqual(['sda 8:0']);
    expect(losses.map((l) => l.text)).toEqual([
      'disk sda (8:0, hdd, 256 GiB) is not in the imported machine: it is removed',
      'disk sdb (8:16, hdd, 256 GiB) is not in the imported machine: it is removed',
      "io.max line '8:16 rbps=1048576' of /backup names sdb (8:16): it stays in the scenario, naming no disk of the imported machine",
      "io.weight line '8:0 200' of /backup names sda (8:0): it stays in the scenario, naming no disk of the imported machine",
      "cpuset.cpus '0-1,20-23' of /backup names CPU 20-23; the imported machine has CPUs 0-3: it stays in the scenario as it is",
      "cpuset.mems '1' of /backup names node 1; the imported machine has node 0: it stays in the scenario as it is",
      'file /data/big is on sdb, which the imported machine lacks: it stays in the scenario as it is',
      'NIC eth0 (e1000e) is not in the imported machine: it is removed',
      'NIC eth1 (e1000e) is not in the imported machine: it is removed',
      'NIC eth2 (mlx5_core) is not in the imported machine: it is removed',
      "task 'web' is pinned to CPU 20-23; the imported machine has CPUs 0-3: it stays in the scenario and the scenario check will refuse it",
      "task 'reader' reads /data/big, whose disk the imported machine lacks: it stays in the scenario as it is",
      'timeline: unplug of sdb at 2 s names a device the imported machine lacks: it stays in the scenario as it is',
    ]);
    expect(changes.map((c) => c.text)).toEqual(['CPUs: 24 → 4', 'NUMA nodes: 2 → 1', 'memory: 36.0 GiB → 4 GiB']);
  });

  it('nothing to lose: the default scenario, and the same machine imported again, give no losses', () => {
    expect(importImpact(newScenario(), sl390s).losses).toEqual([]);
    expect(importImpact({ ...newScenario(), machine: sl390s }, sl390s)).toEqual({ losses: [], changes: [] });
    // CPUs still present on the bigger machine: pins and cpusets are fine.
    const s = { ...newScenario(), tasks: [{ ...newTask('t'), cpus: [3] }], cgroups: [{ path: '/a', writes: [['cpuset.cpus', '0-3']] as [string, string][] }] };
    expect(importImpact(s, sl390s).losses).toEqual([]);
  });

  it('an io line whose device number goes to another disk says so; swap and edited disk parameters are reported as replaced', () => {
    const s = newScenario();
    const nvme = { ...newDisk(s.machine, 'nvme'), params: { queue_depth: 64 } };
    const cur: Scenario = {
      ...s,
      machine: { ...s.machine, devices: [nvme], swap: { sizeBytes: 2 * GiB, device: 'nvme0n1', latencyNs: 0, bandwidthBytesPerSec: 0 } },
      cgroups: [{ path: '/db', writes: [['io.max', '259:0 wiops=100']] }],
    };
    const next = { ...setNodeCpus(s.machine, 0, 2), devices: [{ ...nvme, name: 'nvme1n1', params: {} }, { ...nvme, params: {}, minor: 1 }] };
    expect(importImpact(cur, next).losses.map((l) => l.text)).toEqual([
      "disk nvme0n1: its parameters, partitions and bad sectors are replaced by the imported disk's defaults",
      "io.max line '259:0 wiops=100' of /db names nvme0n1 (259:0): it stays and now applies to the imported nvme1n1",
      'swap (2 GiB on nvme0n1) is not in the imported machine: it is removed',
    ]);
  });

  it('changes nothing in the scenario it looks at', () => {
    const s = busy();
    const before = JSON.stringify(s);
    importImpact(s, e4310);
    expect(JSON.stringify(s)).toBe(before);
  });
});
