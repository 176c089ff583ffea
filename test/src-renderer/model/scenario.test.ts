import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNode, newDisk, newScenario, removeNode, setDistance, setNodeCpus, setNodeMemory } from '../../../src-renderer/model/scenario';
import type { MachineSpec } from '../../../src-renderer/model/types';

function consistent(m: MachineSpec): void {
  const cpus = m.numa.nodes.flatMap((n) => n.cpus);
  expect(cpus).toEqual([...Array(m.cpus).keys()]);
  expect(m.memoryBytes).toBe(m.numa.nodes.reduce((s, n) => s + n.memoryBytes, 0));
  const k = m.numa.nodes.length;
  expect(m.numa.distances).toHaveLength(k);
  m.numa.distances.forEach((row, i) => {
    expect(row).toHaveLength(k);
    expect(row[i]).toBe(10);
    row.forEach((d, j) => i !== j && expect(d).toBeGreaterThan(10));
  });
}

describe('machine editing', () => {
  it('a new node gets REMOTE_DISTANCE 20 to every other node', () => {
    const m = addNode(newScenario().machine, 4);
    expect(m.cpus).toBe(8);
    expect(m.numa.distances).toEqual([
      [10, 20],
      [20, 10],
    ]);
    expect(m.numa.nodes[1]!.cpus).toEqual([4, 5, 6, 7]);
  });

  it('distances stay symmetric and the kernel’s SLIT rules hold', () => {
    const m = setDistance(addNode(newScenario().machine), 0, 1, 32);
    expect(m.numa.distances).toEqual([
      [10, 32],
      [32, 10],
    ]);
    expect(() => setDistance(m, 0, 1, 10)).toThrow('a remote distance is an integer 11..255');
    expect(() => setDistance(m, 1, 1, 12)).toThrow('node1→node1 is LOCAL_DISTANCE (10)');
  });

  it('the last node cannot be removed', () => {
    expect(() => removeNode(newScenario().machine, 0)).toThrow('a machine keeps at least one NUMA node');
  });

  it('disks get the kernel’s device numbers: sd 8:16·n, nvme 259:n', () => {
    let m = newScenario().machine;
    for (const t of ['hdd', 'hdd', 'nvme', 'nvme'] as const) m = { ...m, devices: [...m.devices, newDisk(m, t)] };
    expect(m.devices.map((d) => `${d.name} ${d.major}:${d.minor}`)).toEqual(['sda 8:0', 'sdb 8:16', 'nvme0n1 259:0', 'nvme1n1 259:1']);
  });

  it('any sequence of edits leaves a consistent machine', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('add' as const), cpus: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ k: fc.constant('remove' as const), i: fc.nat() }),
      fc.record({ k: fc.constant('cpus' as const), i: fc.nat(), n: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ k: fc.constant('mem' as const), i: fc.nat(), g: fc.integer({ min: 1, max: 64 }) }),
      fc.record({ k: fc.constant('dist' as const), i: fc.nat(), j: fc.nat(), d: fc.integer({ min: 11, max: 255 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        let m = newScenario().machine;
        for (const o of ops) {
          const n = m.numa.nodes.length;
          try {
            if (o.k === 'add') m = addNode(m, o.cpus);
            else if (o.k === 'remove') m = removeNode(m, o.i % n);
            else if (o.k === 'cpus') m = setNodeCpus(m, o.i % n, o.n);
            else if (o.k === 'mem') m = setNodeMemory(m, o.i % n, o.g * 1024 ** 3);
            else m = setDistance(m, o.i % n, o.j % n, o.d);
          } catch {
            // refused edits leave m as it was
          }
          consistent(m);
        }
        expect(m.cpus).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
