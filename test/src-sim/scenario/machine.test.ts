import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/scenario/load';
import { issuesOf, lines } from './helpers';

const noKernel = { kernelChecks: false } as const;
const GiB = 2 ** 30;

describe('NUMA machines', () => {
  it('derive cpus and memory from the nodes', () => {
    const s = loadScenario(
      'duration: 1s\nmachine:\n  numa: { nodes: [{cpus: "0-1", memory: 2G}, {cpus: "2-3", memory: 6G}], distances: [[10,21],[21,10]] }\n',
      'numa.yaml',
      noKernel,
    );
    expect(s.machine.cpus).toBe(4);
    expect(s.machine.memoryBytes).toBe(8 * GiB);
    expect(s.machine.numa).toEqual({
      nodes: [
        { cpus: [0, 1], memoryBytes: 2 * GiB },
        { cpus: [2, 3], memoryBytes: 6 * GiB },
      ],
      distances: [
        [10, 21],
        [21, 10],
      ],
    });
  });

  it('default to LOCAL_DISTANCE 10 and REMOTE_DISTANCE 20 (include/linux/topology.h) without a matrix', () => {
    const s = loadScenario('duration: 1s\nmachine:\n  numa: { nodes: [{cpus: "0", memory: 1G}, {cpus: "1", memory: 1G}] }\n', 'n.yaml', noKernel);
    expect(s.machine.numa.distances).toEqual([
      [10, 20],
      [20, 10],
    ]);
  });

  it('a flat machine is one node holding every CPU', () => {
    const s = loadScenario('duration: 1s\nmachine: { cpus: 2, memory: 1G }\n', 'f.yaml', noKernel);
    expect(s.machine.numa).toEqual({ nodes: [{ cpus: [0, 1], memoryBytes: GiB }], distances: [[10]] });
  });

  it('refuse a SLIT the kernel would reject: diagonal not 10, remote ≤ local, not square', () => {
    const text = 'duration: 1s\nmachine:\n  numa:\n    nodes: [{cpus: "0", memory: 1G}, {cpus: "1", memory: 1G}]\n    distances: [[10, 10], [21, 11]]\n';
    expect(lines(issuesOf(text, 'n.yaml', noKernel))).toEqual([
      'n.yaml:5:22: machine.numa.distances[0][1]: expected a remote distance ≥ 11 (the kernel rejects a SLIT with remote ≤ local), got 10',
      'n.yaml:5:32: machine.numa.distances[1][1]: expected 10 (LOCAL_DISTANCE) on the diagonal, got 11',
    ]);
    const ragged = 'duration: 1s\nmachine:\n  numa:\n    nodes: [{cpus: "0", memory: 1G}, {cpus: "1", memory: 1G}]\n    distances: [[10, 20]]\n';
    expect(lines(issuesOf(ragged, 'n.yaml', noKernel))).toEqual(['n.yaml:5:16: machine.numa.distances: expected a 2×2 matrix (one row per node), got 1 rows']);
  });

  it('refuse CPUs in two nodes, gaps in the numbering, and cpus/memory that contradict the nodes', () => {
    const text = 'duration: 1s\nmachine:\n  cpus: 8\n  numa:\n    nodes: [{cpus: "0-1", memory: 1G}, {cpus: "1,3", memory: 1G}]\n';
    expect(lines(issuesOf(text, 'n.yaml', noKernel))).toEqual([
      'n.yaml:3:9: machine.cpus: expected 3 (the CPUs of machine.numa.nodes) or no cpus key, got 8',
      'n.yaml:5:12: machine.numa.nodes: CPU 2 is in no node: the 3 CPUs must be numbered 0-2, each in exactly one node',
      'n.yaml:5:47: machine.numa.nodes[1].cpus: CPU 1 is already in node 0; each CPU belongs to exactly one node',
    ]);
  });
});

describe('block devices', () => {
  const disks = [
    'duration: 10s',
    'machine:',
    '  devices:',
    '    - { name: sda, type: hdd, size: 2T, major: 8, minor: 0, partitions: [1T, 512G] }',
    '    - { name: nvme0n1, type: nvme, size: 1T, major: 259, minor: 0, partitions: [100G] }',
  ];

  it('resolve with defaults: model and serial from the device, partitions, no bad sectors', () => {
    const s = loadScenario(`${disks.join('\n')}\n`, 'd.yaml', noKernel);
    expect(s.machine.devices[0]).toEqual({
      name: 'sda',
      type: 'hdd',
      sizeBytes: 2 * 2 ** 40,
      major: 8,
      minor: 0,
      model: 'KernelLab HDD',
      serial: 'KL00080000000',
      partitions: [2 ** 40, 512 * GiB],
      params: {},
      badSectors: [],
    });
  });

  it('refuse a MAJ:MIN clash, counting partitions (sda2 is 8:2)', () => {
    const text = [...disks, '    - { name: sdb, type: ssd, size: 256G, major: 8, minor: 2 }', ''].join('\n');
    expect(lines(issuesOf(text, 'd.yaml', noKernel))).toEqual([
      'd.yaml:6:60: machine.devices[2].minor: expected a free MAJ:MIN, but sdb would be 8:2, which sda2 already has',
    ]);
  });

  it('refuse files, swap and unplug naming devices that are not there', () => {
    const text = [
      ...disks,
      '  swap: { size: 4G, device: sdz }',
      'files: [{ path: /data/log, size: 1G, device: sdq }]',
      'timeline:',
      '  - { at: 1s, unplug: sda1 }',
      '  - { at: 2s, unplug: sda }',
      '  - { at: 3s, unplug: sda }',
      '  - { at: 4s, plug: { name: sdb, type: usb, size: 32G, major: 8, minor: 16 } }',
      '',
    ].join('\n');
    expect(lines(issuesOf(text, 'd.yaml', noKernel))).toEqual([
      'd.yaml:6:29: machine.swap.device: expected a device of machine.devices (sda, sda1, sda2, nvme0n1, nvme0n1p1), got "sdz"',
      'd.yaml:7:46: files[0].device: expected a device of machine.devices (sda, sda1, sda2, nvme0n1, nvme0n1p1), got "sdq"',
      'd.yaml:9:23: timeline[0].unplug: expected a disk present at 1s (sda, sda1, sda2, nvme0n1, nvme0n1p1), got "sda1": sda1 is a partition of sda; unplug the disk',
      'd.yaml:11:23: timeline[2].unplug: expected a disk present at 3s (nvme0n1, nvme0n1p1), got "sda"',
    ]);
  });

  it('refuse bad sectors beyond the disk and swap speed with a device', () => {
    const text = [
      'duration: 1s',
      'machine:',
      '  devices: [{ name: vda, type: virtio, size: 1M, major: 252, minor: 0, bad_sectors: [{ start: 10, end: 2048 }] }]',
      '  swap: { size: 1G, device: vda, latency: 1ms }',
      '',
    ].join('\n');
    expect(lines(issuesOf(text, 'd.yaml', noKernel))).toEqual([
      'd.yaml:3:104: machine.devices[0].bad_sectors[0].end: expected a sector below 2048 (the disk has 2048 512-byte sectors), got 2048',
      'd.yaml:4:34: machine.swap.latency: applies only to swap without a device (the device model sets the speed of vda)',
    ]);
  });

  it('give swap without a device the documented fixed speed', () => {
    const s = loadScenario('duration: 1s\nmachine: { swap: { size: 2G } }\n', 's.yaml', noKernel);
    expect(s.machine.swap).toEqual({ sizeBytes: 2 * GiB, device: null, latencyNs: 100_000, bandwidthBytesPerSec: 500 * 2 ** 20 });
  });
});

describe('kernel version', () => {
  it('picks CFS before 6.6 and refuses EEVDF there; takes a patch level', () => {
    expect(loadScenario('duration: 1s\nkernel: { version: "5.15" }\n', 'k.yaml', noKernel).kernel.scheduler).toBe('cfs');
    expect(loadScenario('duration: 1s\nkernel: { version: "6.6.30" }\n', 'k.yaml', noKernel).kernel.scheduler).toBe('eevdf');
    expect(lines(issuesOf('duration: 1s\nkernel: { version: "6.1", scheduler: eevdf }\n', 'k.yaml', noKernel))).toEqual([
      'k.yaml:2:38: kernel.scheduler: expected cfs: EEVDF replaced CFS in 6.6 and kernel.version is 6.1',
    ]);
  });
});
